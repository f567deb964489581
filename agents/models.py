"""How a business's agent is set up, and a record of every reply it generated."""
from __future__ import annotations

from django.db import models

from business.models import Business

DEFAULT_INSTRUCTIONS = (
    "You are the friendly assistant of this business. Answer the customer's message in one or two short "
    "sentences, using only the business facts given. If the facts do not answer it, say you will ask a "
    "colleague."
)


class AgentConfig(models.Model):
    business = models.OneToOneField(Business, on_delete=models.CASCADE, related_name="agent_config")
    instructions = models.TextField(
        default=DEFAULT_INSTRUCTIONS, help_text="The agent's persona and rules, written to it before every turn."
    )
    model_path = models.CharField(
        max_length=500,
        blank=True,
        help_text="Path of a GGUF model file on the worker machines. Empty: the server default "
        "(PARLEY_MODEL_PATH, else the bundled SmolLM2-135M-Instruct).",
    )
    temperature = models.FloatField(default=0.3)
    max_reply_tokens = models.PositiveIntegerField(default=160, help_text="Upper bound on a reply's length.")
    context_size = models.PositiveIntegerField(default=4096, help_text="Tokens of prompt and reply the model sees.")
    threads = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="CPU threads for inference. Empty: the server default."
    )
    gpu_layers = models.SmallIntegerField(
        null=True, blank=True, help_text="Layers offloaded to a GPU (-1: all). Empty: the server default."
    )

    def __str__(self) -> str:
        return f"Agent of {self.business}"


class AgentRun(models.Model):
    """One generated reply: what it cost and how it ended."""

    class Outcome(models.TextChoices):
        REPLIED = "replied", "Replied"
        FAILED = "failed", "Failed"

    conversation = models.ForeignKey(
        "channels_app.Conversation", on_delete=models.CASCADE, related_name="agent_runs"
    )
    inbound_message = models.ForeignKey(
        "channels_app.Message", on_delete=models.CASCADE, related_name="agent_runs_answering"
    )
    reply = models.OneToOneField(
        "channels_app.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="agent_run"
    )
    model = models.CharField(max_length=300)
    prompt_tokens = models.PositiveIntegerField(default=0, help_text="Tokens in the whole prompt.")
    prompt_tokens_evaluated = models.PositiveIntegerField(
        default=0, help_text="Prompt tokens computed this turn; the rest were reused from the model's cache."
    )
    completion_tokens = models.PositiveIntegerField(default=0)
    time_to_first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    total_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.outcome})"

    @property
    def prompt_tokens_reused(self) -> int:
        return self.prompt_tokens - self.prompt_tokens_evaluated
