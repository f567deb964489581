"""Staff login throttled: after too many failed passwords for one user from one address, or from
one address for any user, logins from there are refused until the window ends, without even
checking the password, so that guessing stays slow.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from .throttling import count_hit, current_count

# One address may try several staff accounts (an office behind one NAT), so it gets more attempts.
ADDRESS_FACTOR = 4


def _counters(username: str, request: HttpRequest) -> list[tuple[str, int]]:
    address = request.META.get("REMOTE_ADDR", "")
    allowed = settings.PARLEY_LOGIN_FAILURES_ALLOWED
    return [(f"login:{address}:{username.lower()}", allowed), (f"login:{address}", allowed * ADDRESS_FACTOR)]


def is_locked_out(username: str, request: HttpRequest) -> bool:
    window = settings.PARLEY_LOGIN_LOCKOUT_SECONDS
    return any(current_count(name, window) >= allowed for name, allowed in _counters(username, request))


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any):
        if request is not None and username and is_locked_out(username, request):
            # PermissionDenied stops Django trying any other backend: the login fails as a wrong password does.
            raise PermissionDenied("too many failed logins")
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def count_failed_login(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")
    if request is None or not username:
        return
    for name, _ in _counters(username, request):
        count_hit(name, settings.PARLEY_LOGIN_LOCKOUT_SECONDS)
