from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from business.admin import BUSINESS_FILTER
from business.admin_forms import WriteOnlySecretsForm, secret_field
from business.admin_tenancy import TenantAdmin

from .model_files import ModelFileUnavailable, resolve_model_path
from .models import AgentConfig, AgentRun, HttpTool
from .tools import BUILTIN_TOOL_NAMES


class AgentConfigForm(WriteOnlySecretsForm):
    secrets: tuple[str, ...] = ("server_api_key",)
    server_api_key_new = secret_field("Server API key")

    enabled_tools = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tools the agent may use. handoff_to_human is always on, so a customer can always reach a person.",
    )

    class Meta:
        model = AgentConfig
        exclude = ["server_api_key"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = list(BUILTIN_TOOL_NAMES)
        if self.instance.pk:
            names += list(HttpTool.objects.filter(business_id=self.instance.business_id).values_list("name", flat=True))
        self.tool_names = names
        cast(forms.MultipleChoiceField, self.fields["enabled_tools"]).choices = [(name, name) for name in names]
        # Stored empty means "all of them": shown as every box ticked.
        self.initial["enabled_tools"] = self.instance.enabled_tools or names

    def clean_enabled_tools(self) -> list[str]:
        chosen = self.cleaned_data["enabled_tools"]
        return [] if set(chosen) == set(self.tool_names) else chosen


class StaffAgentConfigForm(AgentConfigForm):
    """For staff who are not superusers: the model server's address and key are not theirs to see or set."""

    secrets = ()
    # Django's way to drop a field the parent form declares.
    server_api_key_new = None  # type: ignore[assignment]


# A turn sends the conversation and the key to the server backend's URL: the server's operators choose it.
SUPERUSER_FIELDS = ("server_url", "server_api_key_new")


@admin.register(AgentConfig)
class AgentConfigAdmin(TenantAdmin):
    form = AgentConfigForm
    list_display = ["business", "tool_strategy", "temperature", "max_reply_tokens", "playground_link"]
    list_filter = [BUSINESS_FILTER]
    readonly_fields = ["playground_link"]
    fieldsets = [
        (None, {"fields": ["business", "playground_link", "instructions", "acknowledgements"]}),
        (
            "Tools",
            {"fields": ["tool_strategy", "enabled_tools", "max_steps", "time_budget_seconds", "burst_settle_seconds"]},
        ),
        (
            "Guard rules",
            {"fields": ["blocked_topics", "allow_medical_advice", "allow_legal_advice", "allow_financial_advice"]},
        ),
        (
            "Model",
            {
                "fields": [
                    "backend", "model_path", "temperature", "max_reply_tokens", "context_size", "threads", "gpu_layers",
                    "server_url", "server_model", "server_api_key_new",
                ],
                "classes": ["collapse"],
            },
        ),
    ]  # fmt: skip

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        config = self.get_object(request, object_id) if request.method == "GET" else None
        if config is not None and config.backend == AgentConfig.Backend.LOCAL:
            # Saved in another way (a business file, another server's settings), a file may be missing here.
            try:
                resolve_model_path(config.model_path)
            except ModelFileUnavailable as problem:
                self.message_user(request, str(problem), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request: HttpRequest, obj: AgentConfig | None = None) -> list:
        if request.user.is_superuser:
            return self.fieldsets
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field not in SUPERUSER_FIELDS]})
            for name, options in self.fieldsets
        ]

    def get_form(
        self, request: HttpRequest, obj: AgentConfig | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if not request.user.is_superuser:
            kwargs["form"] = StaffAgentConfigForm
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="Try it")
    def playground_link(self, config: AgentConfig) -> str:
        if not config.pk:
            return "Save first, then try the agent in the playground."
        if config.business.draft_of is not None:
            url = reverse("console:draft", args=[config.business.draft_of.slug])
            return format_html('<a class="button" href="{}">{}</a>', url, _("Test the draft"))
        url = reverse("console:playground", args=[config.business.slug])
        return format_html('<a class="button" href="{}">Open the playground</a> (uses the saved configuration)', url)


@admin.register(AgentRun)
class AgentRunAdmin(TenantAdmin):
    tenant_path = "conversation__business"
    list_display = [
        "created_at",
        "conversation",
        "outcome",
        "prompt_tokens",
        "prompt_tokens_evaluated",
        "completion_tokens",
        "total_ms",
    ]
    list_filter = ["outcome"]
    readonly_fields = [field.name for field in AgentRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class HttpToolForm(WriteOnlySecretsForm):
    secrets = ("signing_secret",)
    signing_secret_new = secret_field("Signing secret")
    required_secrets = ("signing_secret",)

    class Meta:
        model = HttpTool
        exclude = ["signing_secret"]


@admin.register(HttpTool)
class HttpToolAdmin(TenantAdmin):
    form = HttpToolForm
    list_display = ["name", "business", "url", "enabled"]
    list_filter = [BUSINESS_FILTER, "enabled"]
    search_fields = ["name", "description"]
    fields = [
        "business",
        "name",
        "description",
        "parameters",
        "url",
        "timeout_seconds",
        "signing_secret_new",
        "enabled",
    ]
