"""CORS for the widget's endpoint: the business's own websites may call it, others are refused.

The public key is printed in the website's HTML, so it names the business but proves nothing; the
Origin header a browser sets (and page scripts cannot change) is what keeps other websites from
embedding the widget with it. Allowed origins are a comma-separated credential; empty allows any.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from conversations.events import RefusedRequest
from conversations.models import ChannelConnection

ANY = "*"
PREFLIGHT_MAX_AGE_SECONDS = 600


def allowed_origin(request: HttpRequest, connection: ChannelConnection) -> str:
    """The value for Access-Control-Allow-Origin; raises RefusedRequest for another website."""
    origin = request.headers.get("Origin", "")
    allowed = {_normal(item) for item in connection.credential("allowed_origins").split(",") if item.strip()}
    if not allowed or ANY in allowed:
        return origin or ANY
    if _normal(origin) not in allowed:
        raise RefusedRequest(f"origin {origin!r} is not one of the business's allowed origins")
    return origin


def with_cors(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    patch_vary_headers(response, ["Origin"])
    return response


def preflight(origin: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, POST"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
    return with_cors(response, origin)


def _normal(origin: str) -> str:
    return origin.strip().rstrip("/").lower()
