from django.urls import path

from .registry import PLATFORMS

urlpatterns = [
    path(f"{spec.name}/<uuid:key>/", spec.webhook_view, name=f"{spec.name}-webhook")
    for spec in PLATFORMS.values()
    if spec.webhook_view is not None
]
