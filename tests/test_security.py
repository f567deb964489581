"""Secrets stay out of logs, admin lists and exports; CSRF guards every view but the webhooks; logins are throttled;
businesses' HTTP tools reach only allowed public hosts."""

import io
import logging

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from agents.custom_tools import ToolUrlRefused, check_url
from agents.models import AgentConfig, HttpTool
from channels.registry import PLATFORMS
from infrastructure.log_redaction import RedactSecrets, redact_secrets
from tests.support import ARTIFACTS, MESSENGER_SECRET
from tests.support.platform_contract import harness_for, platforms_customers_reach

SECRET = "hostile-test-secret-1234567890"


def test_secrets_in_messages_and_tracebacks_are_masked_in_the_log_output():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("tests.secrets")
    logger.addHandler(handler)
    try:
        logger.warning("POST https://api.telegram.org/bot123456:%s/sendMessage failed", SECRET)
        logger.warning(
            "headers %s", {"Authorization": f"Bearer {SECRET}", "X-Hub-Signature-256": "sha256=" + "ab" * 32}
        )
        try:
            raise ValueError(f"access_token={SECRET}&x=1")
        except ValueError:
            logger.exception("send failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert SECRET not in output and "ab" * 32 not in output
    assert output.count("[redacted]") >= 4 and "send failed" in output


def test_the_configured_log_handlers_redact():
    assert any(isinstance(f, RedactSecrets) for handler in logging.getLogger().handlers for f in handler.filters)


def test_worker_logs_of_this_session_hold_no_connection_secret():
    """The reliability tests' workers send through Messenger connections."""
    secrets = [MESSENGER_SECRET, harness_for("messenger").access_token]
    for log in ARTIFACTS.glob("reliability-*.log"):
        text = log.read_text(errors="replace")
        assert not [secret for secret in secrets if secret in text], log.name


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_platforms_secret_credentials_are_masked_in_log_lines(platform):
    for key in PLATFORMS[platform].secret_keys:
        for line in (f"{key}={SECRET}", f'{{"{key}": "{SECRET}"}}', f"{key}: {SECRET}"):
            assert SECRET not in redact_secrets(line), line


@pytest.mark.django_db
def test_no_admin_list_and_no_export_shows_a_secret(admin_client, business):
    connections = [
        harness_for(platform).connect(business, "http://127.0.0.1:9") for platform in platforms_customers_reach()
    ]
    secrets = [SECRET] + [
        secret
        for connection in connections
        for key in PLATFORMS[connection.platform].secret_keys
        if (secret := connection.credential(key))  # an optional secret left empty is no secret to find
    ]
    HttpTool.objects.create(
        business=business,
        name="check_stock",
        description="Stock",
        url="https://tools.example/stock",
        signing_secret=SECRET,
    )
    AgentConfig.objects.filter(business=business).update(server_api_key=SECRET)
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = admin_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not [secret for secret in secrets if secret in page], url
    exported = io.StringIO()
    call_command("export_business", business.slug, stdout=exported)
    assert not [secret for secret in secrets if secret in exported.getvalue()]


def all_views(patterns: list, prefix: str = "") -> list[tuple[str, object]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += all_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


def test_the_platform_webhooks_are_the_only_views_exempt_from_csrf():
    views = all_views(get_resolver().url_patterns)
    exempt = {route for route, view in views if getattr(view, "csrf_exempt", False)}
    webhooks = {route for route, view in views if getattr(view, "is_platform_webhook", False)}
    assert len(views) > 50 and exempt
    assert exempt == webhooks
    assert all(route.startswith(("webhooks/", "webchat/")) for route in exempt)


@pytest.mark.django_db
def test_a_staff_form_posted_without_its_csrf_token_is_refused(django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", "right-password")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/admin/login/", {"username": "boss", "password": "right-password"}).status_code == 403
    browser.force_login(django_user_model.objects.get(username="boss"))
    assert browser.post("/admin/business/business/add/", {"name": "X", "slug": "x"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_throttle_window")
def test_admin_login_is_locked_after_repeated_failures_even_with_the_right_password(
    client, django_user_model, settings
):
    settings.PARLEY_LOGIN_FAILURES_ALLOWED = 3
    django_user_model.objects.create_superuser("owner-locked", "o@example.com", "right-password")

    def log_in(password: str, address: str = "203.0.113.7") -> bool:
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "owner-locked", "password": password}, REMOTE_ADDR=address
        )
        return response.status_code == 302

    assert [log_in("wrong") for _ in range(3)] == [False] * 3
    assert not log_in("right-password")
    assert log_in("right-password", address="198.51.100.9")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x", "http://localhost/x", "http://[::1]/x", "http://10.0.0.5/x", "http://192.168.1.20/x",
        "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/x", "ftp://tools.example/x", "https://other.example/x",
    ],
)  # fmt: skip
def test_a_custom_tool_cannot_reach_a_local_private_or_unlisted_address(url, settings):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = [
        "127.0.0.1",
        "localhost",
        "::1",
        "[::1]",
        "10.0.0.5",
        "192.168.1.20",
        "169.254.169.254",
        "0.0.0.0",
        "tools.example",
    ]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = False
    with pytest.raises(ToolUrlRefused):
        check_url(url)


def test_a_private_tool_server_is_reachable_only_when_configured(settings):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = ["10.0.0.5"]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = True
    check_url("http://10.0.0.5/stock")
