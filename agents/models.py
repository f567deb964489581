"""How a business's agent is set up, and a record of every reply it generated."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from business.models import Business
from infrastructure.credential_hosts import AllowedHostValidator
from infrastructure.encrypted_fields import EncryptedTextField

from .finite_numbers import validate_finite
from .model_files import validate_model_path

DEFAULT_INSTRUCTIONS = (
    "You are the friendly assistant of this business. Answer the customer's message in one or two short "
    "sentences, using only the business facts given. If the facts do not answer it, say you will ask a "
    "colleague."
)

# What one business may ask of the worker every business shares: memory (context, reply), CPU (threads)
# and the time a turn holds a worker process (steps, budget, a tool's timeout).
MAX_CONTEXT_SIZE = 32768
MAX_REPLY_TOKENS = 4096
MAX_THREADS = 64
MAX_GPU_LAYERS = 1024
MAX_STEPS = 16
MAX_TEMPERATURE = 2.0
MAX_TIME_BUDGET_SECONDS = 600.0
MAX_SETTLE_SECONDS = 60.0
MIN_TOOL_TIMEOUT_SECONDS = 0.1


class AgentConfig(models.Model):
    business = models.OneToOneField(Business, on_delete=models.CASCADE, related_name="agent_config")
    instructions = models.TextField(
        default=DEFAULT_INSTRUCTIONS, help_text="The agent's persona and rules, written to it before every turn."
    )
    model_path = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_model_path],
        help_text="Path of a GGUF model file on the worker machines. Empty: the server default "
        "(PARLEY_MODEL_PATH, else the bundled SmolLM2-135M-Instruct).",
    )
    temperature = models.FloatField(
        default=0.3, validators=[validate_finite, MinValueValidator(0.0), MaxValueValidator(MAX_TEMPERATURE)]
    )
    max_reply_tokens = models.PositiveIntegerField(
        default=160,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPLY_TOKENS)],
        help_text="Upper bound on a reply's length.",
    )
    context_size = models.PositiveIntegerField(
        default=4096,
        validators=[MinValueValidator(256), MaxValueValidator(MAX_CONTEXT_SIZE)],
        help_text="Tokens of prompt and reply the model sees.",
    )
    threads = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_THREADS)],
        help_text="CPU threads for inference. Empty: the server default.",
    )
    gpu_layers = models.SmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-1), MaxValueValidator(MAX_GPU_LAYERS)],
        help_text="Layers offloaded to a GPU (-1: all). Empty: the server default.",
    )

    class Backend(models.TextChoices):
        LOCAL = "local", "llama.cpp in the worker process"
        OPENAI = "openai", "An OpenAI-compatible server (llama.cpp's llama-server)"

    backend = models.CharField(max_length=16, choices=Backend.choices, default=Backend.LOCAL)
    server_url = models.URLField(
        blank=True,
        validators=[AllowedHostValidator("PARLEY_MODEL_SERVER_HOSTS")],
        help_text=_(
            "For the server backend: its base URL, e.g. http://gpu-host:8080/v1, on a host the server's "
            "PARLEY_MODEL_SERVER_HOSTS lists."
        ),
    )
    server_model = models.CharField(max_length=200, blank=True, help_text="For the server backend: the model name.")
    server_api_key = EncryptedTextField(blank=True, help_text="For the server backend, if it needs one.")

    class ToolStrategy(models.TextChoices):
        PLANNED = "planned", "Planned by Parley from the customer's words (best for small models)"
        MODEL = "model", "Chosen by the model (for 7B-class models and larger)"

    tool_strategy = models.CharField(max_length=16, choices=ToolStrategy.choices, default=ToolStrategy.PLANNED)
    enabled_tools = models.JSONField(
        default=list, blank=True, help_text="Names of the tools the agent may use; empty: all of them."
    )
    max_steps = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_STEPS)],
        help_text="Tool calls the model may make in one turn.",
    )
    time_budget_seconds = models.FloatField(
        default=60.0,
        validators=[validate_finite, MinValueValidator(1.0), MaxValueValidator(MAX_TIME_BUDGET_SECONDS)],
        help_text="A turn running longer is stopped; the customer gets the fallback reply.",
    )
    burst_settle_seconds = models.FloatField(
        default=2.0,
        validators=[validate_finite, MinValueValidator(0.0), MaxValueValidator(MAX_SETTLE_SECONDS)],
        help_text="Messages the customer sends within this time of each other are answered together.",
    )

    class Acknowledgements(models.TextChoices):
        REPLY = "reply", _("A short acknowledgement")
        SILENT = "silent", _("No reply")

    acknowledgements = models.CharField(
        max_length=16,
        choices=Acknowledgements.choices,
        default=Acknowledgements.REPLY,
        help_text=_(
            'How the agent answers a message that asks nothing: "ok", "thanks", an emoji, a sticker, a story '
            "mention. Never the fallback, never a colleague."
        ),
    )
    blocked_topics = models.TextField(blank=True, help_text="One topic per line the agent must not discuss.")
    allow_medical_advice = models.BooleanField(default=False)
    allow_legal_advice = models.BooleanField(default=False)
    allow_financial_advice = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Agent of {self.business}"

    def clean(self) -> None:
        super().clean()
        reply, context = self.max_reply_tokens, self.context_size
        if reply is not None and context is not None and reply >= context:
            raise ValidationError(
                {"max_reply_tokens": _("A reply must leave room for the prompt: keep it below the context size.")}
            )


class AgentRun(models.Model):
    """One generated reply: what it cost and how it ended."""

    class Outcome(models.TextChoices):
        REPLIED = "replied", "Replied"
        FALLBACK = "fallback", "Could not answer: handed over"
        HANDOFF = "handoff", "Handed over on request"
        GUARDED = "guarded", "Stopped by a guard rule"
        FAILED = "failed", "Failed"
        ACKNOWLEDGED = "acknowledged", "Acknowledged a message that asked nothing"

    conversation = models.ForeignKey("conversations.Conversation", on_delete=models.CASCADE, related_name="agent_runs")
    inbound_message = models.ForeignKey(
        "conversations.Message", on_delete=models.CASCADE, related_name="agent_runs_answering"
    )
    reply = models.OneToOneField(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="agent_run"
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
    language = models.CharField(
        max_length=8, blank=True, help_text="The language the customer wrote in, as the turn took it (en, fr...)."
    )
    trace = models.JSONField(
        default=list, blank=True, help_text="Each step: tool, arguments, result, who chose it, duration, tokens."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.outcome})"

    @property
    def prompt_tokens_reused(self) -> int:
        return self.prompt_tokens - self.prompt_tokens_evaluated


class HttpTool(models.Model):
    """A tool a business defines itself: Parley POSTs the model's arguments to the business's URL."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="http_tools")
    name = models.CharField(
        max_length=40,
        validators=[
            RegexValidator(r"^[a-z][a-z0-9_]{2,39}$", "Lower-case letters, digits and _, starting with a letter.")
        ],
        help_text="How the agent calls it, e.g. check_stock.",
    )
    description = models.TextField(help_text="When the agent should use it; the model reads this.")
    parameters = models.JSONField(
        default=dict,
        blank=True,
        help_text='JSON schema of the arguments: {"type": "object", "properties": {"sku": {"type": "string"}}, '
        '"required": ["sku"]}.',
    )
    url = models.URLField(help_text="Must be on the server's allow-list (PARLEY_HTTP_TOOL_ALLOWED_HOSTS).")
    timeout_seconds = models.FloatField(
        default=5.0,
        validators=[
            validate_finite,
            MinValueValidator(MIN_TOOL_TIMEOUT_SECONDS),
            MaxValueValidator(MAX_TIME_BUDGET_SECONDS),
        ],
        help_text=_("At most the agent's time budget; a call also stops when the turn's time is up."),
    )
    signing_secret = EncryptedTextField(
        help_text="Requests carry X-Parley-Signature: sha256=HMAC(secret, body) so the URL can check them."
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "name"], name="unique_http_tool_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        config = AgentConfig.objects.filter(business_id=self.business_id).first() if self.business_id else None
        budget = config.time_budget_seconds if config else AgentConfig._meta.get_field("time_budget_seconds").default
        if self.timeout_seconds is not None and self.timeout_seconds > budget:
            raise ValidationError(
                {"timeout_seconds": _("At most the agent's time budget, %(budget)s seconds.") % {"budget": budget}}
            )


class PendingRequest(models.Model):
    """A booking or a lead the customer is still putting together, one per conversation (agents/requests.py).

    Kept in the database so that the next turn, on whatever worker, fills in what is missing; it is
    deleted once written, and dropped when the customer moves on to something else or stays silent
    for PENDING_REQUEST_TTL.
    """

    class Kind(models.TextChoices):
        BOOKING = "booking", "Booking"
        LEAD = "lead", "Lead"

    class Field(models.TextChoices):
        NOTHING = "", "Nothing"
        DAY = "day", "Day"
        TIME = "time", "Time"
        PARTY_SIZE = "party_size", "Party size"
        INTEREST = "interest", "What they want"
        CONTACT = "contact", "How to reach them"
        CONFIRMATION = "confirmation", "A yes"
        CHANGE = "change", "What to change"

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="pending_request"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    day = models.DateField(null=True, blank=True)
    time = models.TimeField(null=True, blank=True)
    # An hour said without am/pm ("at 8"): the opening hours pick 08:00 or 20:00.
    twelve_hour = models.BooleanField(default=False)
    party_size = models.PositiveSmallIntegerField(null=True, blank=True)
    needs_party_size = models.BooleanField(default=False)
    interest = models.TextField(blank=True)
    contact_detail = models.CharField(max_length=200, blank=True)
    asked = models.CharField(max_length=16, choices=Field.choices, blank=True, help_text="What the agent asked last.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in conversation {self.conversation_id}"


class ConversationSubject(models.Model):
    """What a conversation last talked about: the product, service, day or order a follow-up leans on.

    "how much?" after "Do you sell helmets?" asks the helmet's price: the turn that found the helmet
    writes it here, and the next turn reads it (follow_ups.py). Kept in the database, so that any
    worker process answers the next message alike.
    """

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="agent_subject"
    )
    # The passage the subject was found in (business.models.Passage): its source, object and key.
    source = models.CharField(max_length=16)
    object_id = models.BigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=16, blank=True)
    # Its name as the passage titles it: "Commuter helmet", "Opening hours on Friday", "Order HB-1042".
    label = models.CharField(max_length=300)
    # What the question about it asked ("how much"): "and the croissant?" asks the same of another subject.
    asks = models.TextField(blank=True)
    # What the last reply offered to choose from, in order: "the second one" is options[1].
    options = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.label


def conversation_language(conversation_id: int) -> str:
    """The language of the conversation's latest turn, "" before its first."""
    latest = AgentRun.objects.filter(conversation_id=conversation_id).exclude(language="").order_by("-id")
    return latest.values_list("language", flat=True).first() or ""


class Version(models.Model):
    """What a business's agent and data were when staff published them from its draft (drafts.py)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # A business file (agents/interchange.py) without customers and orders: what a draft copies and publishes.
    document = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True, help_text=_("What changed, for whoever restores it."))

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["business", "number"], name="one_version_number_per_business")]

    def __str__(self) -> str:
        return gettext("Version %(number)s of %(business)s") % {"number": self.number, "business": self.business}
