from django.contrib import admin
from django.urls import include, path

from channels_app.urls import site_urlpatterns

from operations.views import metrics

from .health import healthz, readyz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("console/<slug:slug>/usage/", include("analytics.urls")),
    path("webhooks/", include("channels_app.urls")),
    path("", include(site_urlpatterns)),
]
