"""Staff login throttled per client address and per account, so that guessing stays slow and one attacker
cannot lock staff out.

Three counters of failed passwords, in fixed windows of PARLEY_LOGIN_LOCKOUT_SECONDS:
- one account from one client address: PARLEY_LOGIN_FAILURES_ALLOWED;
- one client address, any account: four times as many (an office behind one NAT shares an address);
- one account from every address: ten times as many, against guessing spread over many addresses. An
  address this account logged in from recently is exempt, so such an attack slows the account down
  for newcomers without locking its owner out at the office.
A refused attempt checks no password and counts nowhere: an attacker stuck at one address (at most
PARLEY_LOGIN_FAILURES_ALLOWED tries on an account) never reaches the account's counter by itself.
The client address is the one in front of the trusted proxies (infrastructure/client_address.py), never the proxy,
and an IPv6 client counts as its whole /64 (throttling.address_bucket), which is what one client is given:
otherwise one client rotating its own addresses would be as many attackers. A login remembers its /64 too,
so its owner's next privacy address is as known as the last one.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from agents.demo_account import is_refused_password
from infrastructure.client_address import client_address
from infrastructure.throttling import address_bucket, count_hit, current_count

logger = logging.getLogger(__name__)

ADDRESS_FACTOR = 4
ACCOUNT_FACTOR = 10
# How long a successful login keeps its address exempt from the account-wide counter.
KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600


def _known_address_key(username: str, address: str) -> str:
    return f"login-known:{username.lower()}:{address}"


def _client(request: HttpRequest) -> str:
    return address_bucket(client_address(request))


def _counters(username: str, request: HttpRequest) -> list[tuple[str, int]]:
    address = _client(request)
    account = username.lower()
    allowed = settings.PARLEY_LOGIN_FAILURES_ALLOWED
    counters = [(f"login:{address}:{account}", allowed), (f"login:{address}", allowed * ADDRESS_FACTOR)]
    if not _is_known_address(username, address):
        counters.append((f"login-account:{account}", allowed * ACCOUNT_FACTOR))
    return counters


def _is_known_address(username: str, address: str) -> bool:
    try:
        return bool(cache.get(_known_address_key(username, address)))
    except Exception:
        # The cache is down: the counters are unreadable too (throttling.py lets the login through).
        return False


def is_locked_out(username: str, request: HttpRequest) -> bool:
    window = settings.PARLEY_LOGIN_LOCKOUT_SECONDS
    return any(current_count(name, window) >= allowed for name, allowed in _counters(username, request))


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ):
        if request is not None and username and is_locked_out(username, request):
            # PermissionDenied stops Django trying any other backend: the login fails as a wrong password does.
            raise PermissionDenied("too many failed logins")
        if is_refused_password(password):
            # An upgraded installation may still hold the demo's account, created by earlier docker-compose files.
            logger.warning("login refused: the demo's published password outside development")
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def count_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    # Django sends this signal for a refused attempt too; it checked no password, so it counts nowhere.
    if request is None or not username or is_locked_out(username, request):
        return
    for name, _ in _counters(username, request):
        count_hit(name, settings.PARLEY_LOGIN_LOCKOUT_SECONDS)


@receiver(user_logged_in)
def remember_login_address(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    try:
        cache.set(_known_address_key(user.get_username(), _client(request)), 1, KNOWN_ADDRESS_SECONDS)
    except Exception:
        # Only the exemption is lost; the login itself succeeded.
        logger.warning("login address of %s not remembered: cache unavailable", user.pk, exc_info=True)
