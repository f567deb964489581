from django.contrib import admin
from django.urls import include, path

from channels.urls import site_urlpatterns
from operations.health import healthz, readyz
from operations.views import metrics

admin.site.site_header = admin.site.site_title = "Parley admin"
# "View site" leads staff to the operator console.
admin.site.site_url = "/console/"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("console/<slug:slug>/usage/", include("analytics.urls")),
    path("console/", include("console.urls")),
    path("webhooks/", include("channels.urls")),
    path("", include(site_urlpatterns)),
]
