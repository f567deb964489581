"""Channel connections in the admin: one field per credential the platform takes, secrets write-only, a test send."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from business.admin import BUSINESS_FILTER
from business.admin_forms import secret_field, show_secret_state
from business.admin_tenancy import TenantAdmin
from business.locale_format import short_moment
from conversations.models import ChannelConnection
from conversations.platforms import platform_choices
from conversations.sending import SendError

from .connections import complete_credentials, connectable_platforms, setup_line
from .meta.routing import ROUTING_KEYS
from .registry import PLATFORMS
from .webchat.refusals import last_refused_origin

CREDENTIAL_PREFIX = "credential_"


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
        CREDENTIAL_PREFIX + key: secret_field(key)
        if key in spec.secret_keys
        else forms.CharField(label=key, required=False, validators=spec.credential_validators.get(key, ()))
        for key in spec.settable_keys()
    }
    return type("ChannelConnectionForm", (ChannelConnectionForm,), declared)


class SendTestForm(forms.Form):
    recipient = forms.CharField(
        help_text="The customer's id on the platform (a Page-scoped id, a phone number, a chat id)."
    )
    text = forms.CharField(initial="Test message from Parley.", widget=forms.Textarea(attrs={"rows": 2}))


@admin.register(ChannelConnection)
class ChannelConnectionAdmin(TenantAdmin):
    list_display = ["__str__", "platform", "is_active", "business"]
    list_filter = [BUSINESS_FILTER, "platform", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["setup"]

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
            return [(None, {"fields": ["business", "platform", "name", "is_active"], "description": (
                "Choose the platform and save: the next page asks for that platform's credentials."
            )})]  # fmt: skip
        credentials = [CREDENTIAL_PREFIX + key for key in PLATFORMS[obj.platform].settable_keys()]
        superuser = request.user.is_superuser
        advanced = [("Advanced", {"fields": ["api_base"], "classes": ["collapse"]})] if superuser else []
        return [
            (None, {"fields": ["business", "platform", "name", "is_active"]}),
            ("Paste into the platform", {"fields": ["setup"]}),
            ("Credentials", {"fields": credentials}),
            *advanced,
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ChannelConnection | None = None) -> list[str]:
        # Changing the platform would leave the wrong credentials behind: make a new connection instead.
        return ["setup", "platform"] if obj else []

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        connection = self.get_object(request, object_id)
        key = ROUTING_KEYS.get(connection.platform, "") if connection else ""
        if key and connection and not connection.credential(key):
            warning = _(
                "This connection has no %(key)s, which its platform's deliveries name: while another connection "
                "shares its Meta app, none of its customers' messages is stored. Set %(key)s."
            )
            messages.warning(request, warning % {"key": key})
        return super().change_view(request, object_id, *args, **kwargs)

    @admin.display(description="Setup")
    def setup(self, connection: ChannelConnection) -> str:
        verify_token = connection.credential("verify_token")
        test_url = reverse("admin:conversations_channelconnection_send_test", args=[connection.pk])
        return format_html(
            '<code style="user-select: all">{}</code>{}{}<p><a class="button" href="{}">Send a test message</a></p>',
            setup_line(connection),
            format_html('<p>Verify token: <code style="user-select: all">{}</code></p>', verify_token)
            if verify_token
            else "",
            refused_origin_line(connection),
            test_url,
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
                refusal = _("The platform refused the test message: %(reason)s")
                messages.error(request, refusal % {"reason": error.reason})
            else:
                messages.success(request, f"Sent: the platform accepted it as {sent.platform_message_id}.")
                return HttpResponseRedirect(reverse("admin:conversations_channelconnection_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Send a test message through {connection}",
            "form": form,
            "connection": connection,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/channels_app/send_test.html", context)
