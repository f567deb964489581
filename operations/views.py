from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import exposition

LOOPBACK = {"127.0.0.1", "::1"}


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape: with a bearer token when PARLEY_METRICS_TOKEN is set, else from this machine only."""
    if not may_read_metrics(request):
        return HttpResponse("Forbidden", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def may_read_metrics(request: HttpRequest) -> bool:
    token = settings.PARLEY_METRICS_TOKEN
    if not token:
        return request.META.get("REMOTE_ADDR") in LOOPBACK
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())
