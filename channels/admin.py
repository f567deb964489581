"""Channel connections in the admin: a guided form per platform (labelled fields, where to find each value, the
platform's rules), secrets write-only, inactive until complete, webhook registration and a test send."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from business.admin import BUSINESS_FILTER
from business.admin_forms import secret_field, show_secret_state
from business.admin_tenancy import TenantAdmin
from business.locale_format import short_moment
from conversations.models import ChannelConnection
from conversations.platforms import platform_choices
from conversations.sending import SendError
from infrastructure.encrypted_fields import UnreadableSecrets

from .connections import complete_credentials, connectable_platforms, keep_inactive_until_complete, setup_line
from .meta.routing import ROUTING_KEYS
from .registry import PLATFORMS
from .webchat.refusals import last_refused_origin
from .webhook_setup import failure, https_warning

CREDENTIAL_PREFIX = "credential_"
# The name of the submit button that saves, then registers (or checks) the webhook.
REGISTER_BUTTON = "_register_webhook"


class ChannelConnectionForm(forms.ModelForm):
    """Business, platform and name; once the platform is known, one field per credential it takes."""

    class Meta:
        model = ChannelConnection
        fields = ["business", "platform", "name", "api_base", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            connectable = connectable_platforms()
            cast(forms.ChoiceField, self.fields["platform"]).choices = [
                (name, label) for name, label in platform_choices() if name in connectable
            ]
            return
        spec = PLATFORMS[self.instance.platform]
        for key in spec.settable_keys():
            field = self.fields[CREDENTIAL_PREFIX + key]
            if key in spec.secret_keys:
                show_secret_state(field, bool(self.instance.credential(key)))
            else:
                field.initial = self.instance.credential(key)
            # Where to find the value first, then (for a secret) whether one is saved.
            field.help_text = " ".join(str(text) for text in (spec.field(key).help_text, field.help_text) if text)

    def clean(self) -> dict[str, Any]:
        """Each value the platform would refuse is refused here, with the platform's rule."""
        cleaned = super().clean() or {}
        if self.instance.pk:
            spec = PLATFORMS[self.instance.platform]
            for key in spec.settable_keys():
                name = CREDENTIAL_PREFIX + key
                value = cleaned.get(name, "").strip()
                cleaned[name] = value
                check = spec.field(key).check
                if value and check is not None:
                    try:
                        check(value)
                    except ValidationError as error:
                        self.add_error(name, error)
        return cleaned

    def save(self, commit: bool = True) -> ChannelConnection:
        connection = self.instance
        if connection.pk:
            spec = PLATFORMS[connection.platform]
            # Generated keys have no field: a value posted for one is ignored.
            for key in spec.settable_keys():
                value = self.cleaned_data.get(CREDENTIAL_PREFIX + key, "")
                # A blank secret keeps the saved one; a blank plain setting clears it.
                if value or key not in spec.secret_keys:
                    connection.credentials[key] = value
        complete_credentials(connection)
        return super().save(commit)


def refused_origin_line(connection: ChannelConnection) -> str:
    """For a web chat, the last website refused: the owner adds it to allowed_origins if it is theirs."""
    refused = last_refused_origin(connection) if connection.platform == "webchat" else None
    if refused is None:
        return ""
    zone = ZoneInfo(connection.business.timezone)
    line = _(
        "Last website refused: %(origin)s on %(when)s (%(zone)s). If it is one of yours, add it to allowed_origins."
    )
    return format_html(
        '<p class="refused-origin">{}</p>',
        line % {"origin": refused.origin, "when": short_moment(refused.at.astimezone(zone)), "zone": zone.key},
    )


def connection_form_for(connection: ChannelConnection | None) -> type[ChannelConnectionForm]:
    if connection is None:
        return ChannelConnectionForm
    spec = PLATFORMS[connection.platform]
    declared = {
        CREDENTIAL_PREFIX + key: secret_field(str(spec.field(key).label))
        if key in spec.secret_keys
        else forms.CharField(label=str(spec.field(key).label), required=False)
        for key in spec.settable_keys()
    }
    return type("ChannelConnectionForm", (ChannelConnectionForm,), declared)


class SendTestForm(forms.Form):
    recipient = forms.CharField(
        label=gettext_lazy("Recipient"),
        help_text=gettext_lazy("The customer's id on the platform (a Page-scoped id, a phone number, a chat id)."),
    )
    text = forms.CharField(
        label=gettext_lazy("Text"),
        initial=gettext_lazy("Test message from Parley."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@admin.register(ChannelConnection)
class ChannelConnectionAdmin(TenantAdmin):
    list_display = ["__str__", "platform", "is_active", "business"]
    list_filter = [BUSINESS_FILTER, "platform", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["setup"]
    actions = ["register_webhooks"]

    def get_form(
        self, request: HttpRequest, obj: ChannelConnection | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        kwargs["form"] = connection_form_for(obj)
        kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_exclude(self, request: HttpRequest, obj: ChannelConnection | None = None) -> list[str]:
        # The API host receives the connection's token: only superusers choose it, within the server's allow-list.
        return [] if request.user.is_superuser else ["api_base"]

    def get_fieldsets(self, request: HttpRequest, obj: ChannelConnection | None = None) -> list:
        if obj is None:
            return [(None, {"fields": ["business", "platform", "name", "is_active"], "description": _(
                "Choose the platform and save: the next page asks for that platform's credentials, and says where "
                "to find each. The connection stays inactive until they are complete."
            )})]  # fmt: skip
        credentials = [CREDENTIAL_PREFIX + key for key in PLATFORMS[obj.platform].settable_keys()]
        superuser = request.user.is_superuser
        advanced = [("Advanced", {"fields": ["api_base"], "classes": ["collapse"]})] if superuser else []
        return [
            (None, {"fields": ["business", "platform", "name", "is_active"]}),
            (_("Credentials"), {"fields": credentials}),
            (_("Webhook"), {"fields": ["setup"]}),
            *advanced,
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ChannelConnection | None = None) -> list[str]:
        # Changing the platform would leave the wrong credentials behind: make a new connection instead.
        return ["setup", "platform"] if obj else []

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        connection = super().get_object(request, object_id, from_field)
        if connection is not None and isinstance(connection.secrets, UnreadableSecrets):
            # Staff enter them again: saving replaces what no configured key opens.
            connection.secrets = {}
        return connection

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        stored = super().get_object(request, object_id)
        if request.method == "GET" and stored and isinstance(stored.secrets, UnreadableSecrets):
            messages.error(request, _(
                "This connection's secrets cannot be decrypted with the server's PARLEY_ENCRYPTION_KEYS (a key was "
                "removed before rotate_encryption_keys ran, or DJANGO_SECRET_KEY changed). Put the old key back, or "
                "enter the secrets again here: saving replaces them."
            ))  # fmt: skip
        connection = self.get_object(request, object_id)
        key = ROUTING_KEYS.get(connection.platform, "") if connection else ""
        if key and connection and not connection.credential(key):
            warning = _(
                "This connection has no %(key)s, which its platform's deliveries name: while another connection "
                "shares its Meta app, none of its customers' messages is stored. Set %(key)s."
            )
            messages.warning(request, warning % {"key": PLATFORMS[connection.platform].field(key).label})
        webhook = connection and request.method == "GET" and PLATFORMS[connection.platform].webhook_view
        if webhook and connection and (warning := https_warning(connection)):
            messages.warning(request, warning)
        return super().change_view(request, object_id, *args, **kwargs)

    def save_model(self, request: HttpRequest, obj: ChannelConnection, form: forms.ModelForm, change: bool) -> None:
        if missing := keep_inactive_until_complete(obj):
            notice = _("Saved inactive: it can be activated once these are filled in: %(missing)s.")
            messages.warning(request, notice % {"missing": ", ".join(missing)})
        spec = PLATFORMS[obj.platform]
        if change and spec.registered_keys and REGISTER_BUTTON not in request.POST:
            before = ChannelConnection.objects.get(pk=obj.pk)
            if changed := [
                key for key in spec.registered_keys if before.credential(key) not in ("", obj.credential(key))
            ]:
                notice = _(
                    "%(keys)s changed: %(platform)s still uses the old value until you press “%(button)s”, "
                    "and refuses or misdirects the customers' messages meanwhile."
                )
                labels = ", ".join(str(spec.field(key).label) for key in changed)
                messages.warning(
                    request, notice % {"keys": labels, "platform": spec.label, "button": spec.register_label}
                )
        super().save_model(request, obj, form, change)

    def response_change(self, request: HttpRequest, obj: ChannelConnection) -> HttpResponse:
        if REGISTER_BUTTON in request.POST:
            self.register_webhook(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=gettext_lazy("Register the webhook"), permissions=["change"])
    def register_webhooks(self, request: HttpRequest, queryset: QuerySet[ChannelConnection]) -> None:
        for connection in queryset:
            self.register_webhook(request, connection)

    def register_webhook(self, request: HttpRequest, connection: ChannelConnection) -> None:
        """Tell the platform this connection's webhook URL (or check that it has it), and say what happened."""
        spec = PLATFORMS[connection.platform]
        if spec.register_webhook is None:
            notice = _("%(connection)s: the platform has no API to register a webhook; follow the steps shown.")
            messages.info(request, notice % {"connection": connection})
            return
        if missing := spec.missing_keys(connection):
            notice = _("%(connection)s: fill in %(missing)s first.")
            labels = ", ".join(str(spec.field(key).label) for key in missing)
            messages.error(request, notice % {"connection": connection, "missing": labels})
            return
        if warning := https_warning(connection):
            messages.warning(request, warning)
        try:
            report = spec.register_webhook(connection)
        except SendError as error:
            messages.error(request, failure(connection, error))
            return
        for line in report.lines:
            messages.add_message(request, messages.SUCCESS if report.complete else messages.WARNING, line)

    @admin.display(description=gettext_lazy("Setup"))
    def setup(self, connection: ChannelConnection) -> str:
        spec = PLATFORMS[connection.platform]
        verify_token = connection.credential("verify_token")
        test_url = reverse("admin:conversations_channelconnection_send_test", args=[connection.pk])
        # A submit button of the change form itself: what was just typed is saved before the platform is called.
        register = (
            format_html('<input type="submit" name="{}" value="{}"> ', REGISTER_BUTTON, spec.register_label)
            if spec.register_webhook
            else ""
        )
        return format_html(
            '<div style="margin-bottom: 0.5em">{}</div><code style="user-select: all">{}</code>{}{}'
            '<p>{}<a class="button" href="{}">{}</a></p>',
            spec.setup_help,
            setup_line(connection),
            format_html('<p>{}: <code style="user-select: all">{}</code></p>', _("Verify token"), verify_token)
            if verify_token
            else "",
            refused_origin_line(connection),
            register,
            test_url,
            _("Send a test message"),
        )

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/send-test/",
                self.admin_site.admin_view(self.send_test_view),
                name="conversations_channelconnection_send_test",
            ),
            *super().get_urls(),
        ]

    def send_test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Send one message straight through the platform's API: checks the credentials, stores nothing."""
        connection = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, connection):
            return HttpResponseRedirect(reverse("admin:index"))
        latest = connection.contacts.order_by("-created_at").values_list("platform_user_id", flat=True).first()
        form = SendTestForm(request.POST or None, initial={"recipient": latest or ""})
        if request.method == "POST" and form.is_valid():
            try:
                sent = PLATFORMS[connection.platform].send_text(
                    connection, form.cleaned_data["recipient"], form.cleaned_data["text"]
                )
            except SendError as error:
                messages.error(request, failure(connection, error))
            else:
                accepted = _("Sent: the platform accepted it as %(id)s.")
                messages.success(request, accepted % {"id": sent.platform_message_id})
                return HttpResponseRedirect(reverse("admin:conversations_channelconnection_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send a test message through %(connection)s") % {"connection": connection},
            "form": form,
            "connection": connection,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/channels_app/send_test.html", context)
