"""The address of the client behind a request, trusting exactly as many reverse proxies as configured.

Behind a TLS proxy REMOTE_ADDR is the proxy: every throttle keyed on it would count all clients as
one. With PARLEY_TRUSTED_PROXIES = N, the client is the N-th address from the right of
X-Forwarded-For (each trusted proxy appends the address it was called from); a client cannot
forge it, since any addresses it sends itself stand further left. With 0 (the default, no proxy),
X-Forwarded-For is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.PARLEY_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    if len(hops) < proxies:
        # Fewer hops than proxies: the request did not come through all of them; the nearest is what we know.
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
