from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers; used by the compose health check."""
    return HttpResponse("ok", content_type="text/plain")
