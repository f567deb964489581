"""Health endpoints for load balancers and the compose health checks."""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from kombu import Connection

from agents.model_files import resolve_model_path

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers; used by the compose health check."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> JsonResponse:
    """Whether this server can do its work: the database, the broker and the model file are reachable.

    Each check answers "ok" or why it failed (the exception's kind, never a URL or a password);
    any failure makes the answer 503, so that a balancer stops sending traffic here.
    """
    results = {name: _outcome(name, check) for name, check in CHECKS.items()}
    ready = all(result == "ok" for result in results.values())
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)


def _outcome(name: str, check: Callable[[], None]) -> str:
    try:
        check()
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


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "broker": _broker, "model_file": _model_file}
