from django.urls import include, path

from .registry import PLATFORMS

urlpatterns = [
    path(f"{spec.name}/<uuid:key>/", spec.webhook_view, name=f"{spec.name}-webhook")
    for spec in PLATFORMS.values()
    if spec.webhook_view is not None
]

# Mounted at the site's root: /<platform>/..., for channels whose clients are browsers (the web chat).
site_urlpatterns = [path(f"{spec.name}/", include(list(spec.urls))) for spec in PLATFORMS.values() if spec.urls]
