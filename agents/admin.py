from django.contrib import admin

from .models import AgentConfig, AgentRun


@admin.register(AgentConfig)
class AgentConfigAdmin(admin.ModelAdmin):
    list_display = ["business", "temperature", "max_reply_tokens", "context_size"]


@admin.register(AgentRun)
class AgentRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "conversation", "outcome", "prompt_tokens", "prompt_tokens_evaluated", "completion_tokens", "total_ms"]
    list_filter = ["outcome"]
    readonly_fields = [field.name for field in AgentRun._meta.fields]
