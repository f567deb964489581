"""Parley's URLs plus a bare view: what the same server answers when a view does nothing at all."""
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as parley_urlpatterns

BARE_PATH = "/bench/bare/"


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare), *parley_urlpatterns]
