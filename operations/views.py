from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST

from infrastructure.client_address import client_address
from infrastructure.metrics import exposition


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape: with a bearer token when PARLEY_METRICS_TOKEN is set, else from this machine only."""
    if not may_read_metrics(request):
        return HttpResponse("Forbidden", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def may_read_metrics(request: HttpRequest) -> bool:
    token = settings.PARLEY_METRICS_TOKEN
    if not token:
        return is_loopback(client_address(request))
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def is_loopback(address: str) -> bool:
    """This machine itself: behind a proxy, the client it forwarded for, not the proxy."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
