"""Health endpoints for load balancers and the compose health checks."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from kombu import Connection

from agents.model_files import ModelFileUnavailable, resolve_model_path
from agents.models import AgentConfig
from infrastructure.client_address import client_address
from operations.views import is_loopback, may_read_metrics

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers; used by the compose health check."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> JsonResponse:
    """Whether this server can do its work: the database, the broker and the model file are reachable.

    Each check answers "ok" or why it failed (the exception's kind, never a URL or a password; a
    missing model file is named); any failure makes the answer 503, so that a balancer stops sending
    traffic here. Businesses' own model files missing here are listed, but leave the server ready:
    one business's typo must not take it away from every other business.

    Anyone can reach it, and paths tell about businesses and the machine: the reasons and the missing
    files go only to this machine's own health checks and to whoever holds the metrics token.
    """
    results = {name: _outcome(name, check) for name, check in CHECKS.items()}
    ready = all(result == "ok" for result in results.values())
    if not may_see_details(request):
        checks = {name: "ok" if result == "ok" else "failed" for name, result in results.items()}
        return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
    missing = _missing_business_model_files() if results["database"] == "ok" else []
    body = {"ready": ready, "checks": results, "missing_model_files": missing}
    return JsonResponse(body, status=200 if ready else 503)


def may_see_details(request: HttpRequest) -> bool:
    """A client on this machine (behind the proxy, the one it forwarded for), or one with the metrics token."""
    return is_loopback(client_address(request)) or may_read_metrics(request)


def _outcome(name: str, check: Callable[[], None]) -> str:
    try:
        check()
    except ModelFileUnavailable as error:
        logger.warning("readiness: %s", error)
        return f"failed: {error}"
    except Exception as error:
        logger.warning("readiness: %s is not reachable: %s", name, error)
        return f"failed: {type(error).__name__}"
    return "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    with Connection(settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=3)


def _model_file() -> None:
    resolve_model_path()


def _missing_business_model_files() -> list[str]:
    """The model files businesses' agents name that this machine does not have, as they name them."""
    configured = (
        AgentConfig.objects.filter(backend=AgentConfig.Backend.LOCAL)
        .exclude(model_path="")
        .values_list("model_path", flat=True)
        .distinct()
    )
    missing = []
    for path in configured:
        try:
            resolve_model_path(path)
        except ModelFileUnavailable:
            missing.append(path)
    return sorted(missing)


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "broker": _broker, "model_file": _model_file}
