"""Parley's URLs plus two views to compare the webhook with: a bare view that does nothing at all, and
a storing view that does the least any webhook storing before it acknowledges must do."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as parley_urlpatterns

BARE_PATH = "/bench/bare/"
STORING_PATH = "/bench/store/"
# Created by the bench in its own database (ingest.create_delivery_table); never in Parley's schema.
DELIVERY_TABLE = "bench_delivery"


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")


@csrf_exempt
def storing(request: HttpRequest) -> HttpResponse:
    """The body as one jsonb row, committed before the answer: no signature, parsing or routing."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {DELIVERY_TABLE} (body) VALUES (%s)", [request.body.decode()])
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare),
    path(STORING_PATH.strip("/") + "/", storing),
    *parley_urlpatterns,
]
