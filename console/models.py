"""What operators record: corrections of the agent's replies, when they took a conversation over or handed it back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from business.models import Business, FaqEntry
from conversations.models import Conversation, Message
from conversations.task_queue import enqueue


class Annotation(models.Model):
    """An agent reply an operator marked wrong, with the answer it should have given."""

    reply = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="annotation")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    correct_answer = models.TextField(help_text="What the agent should have said.")
    note = models.TextField(blank=True, help_text="Why the reply was wrong, for whoever tunes the agent.")
    faq_entry = models.ForeignKey(
        FaqEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The knowledge-base entry made from this correction.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Correction of message {self.reply_id}"


class Handover(models.Model):
    """An operator taking a conversation over from the agent, or handing it back: a line in its timeline."""

    class Action(models.TextChoices):
        TAKE_OVER = "take_over", _("Took over")
        HAND_BACK = "hand_back", _("Handed back")

    is_event = True  # set apart from the messages it is listed among

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="handovers")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.operator} {self.get_action_display()}"

    def operator_name(self) -> str:
        """The name the operator's colleagues know them by; "A former operator" once their account is deleted."""
        if self.operator is None:
            return gettext("A former operator")
        return self.operator.get_full_name() or self.operator.get_username()


class Job(models.Model):
    """A run of the agent that staff started and watch from a page (tasks.py): its progress and how it ended."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def enqueue_or_fail(self, task: str) -> None:
        """Hands the job to the workers; when their queue cannot be reached, the page says so instead of waiting."""
        if not enqueue(task, self.pk):
            type(self)._default_manager.filter(pk=self.pk).update(
                status=self.Status.FAILED, error=gettext("The workers' queue could not be reached: try again shortly.")
            )


class Comparison(Job):
    """The business's test cases played against its draft and against its live agent, to compare them."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="comparisons")

    class Meta(Job.Meta):
        pass

    def __str__(self) -> str:
        return gettext("Test run of %(time)s") % {"time": f"{self.created_at:%Y-%m-%d %H:%M}"}


class ComparedCase(models.Model):
    """One case's outcome on each side. A side is what the runner reported: whether it passed, what failed,
    and each turn's customer message, reply, trace and time."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="cases")
    # Kept, with its name, when the case is deleted later: the run is a record of what was compared.
    case = models.ForeignKey("test_cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=300)
    live = models.JSONField(default=dict)
    draft = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Replay(Job):
    """Real conversations' customer messages played again against the draft, to compare with what was answered."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="replays")

    class Meta(Job.Meta):
        pass

    def __str__(self) -> str:
        return gettext("Replay of %(time)s") % {"time": f"{self.created_at:%Y-%m-%d %H:%M}"}


class ReplayedConversation(models.Model):
    """One conversation replayed: per customer message, the reply it got then and the draft's reply now."""

    replay = models.ForeignKey(Replay, on_delete=models.CASCADE, related_name="conversations")
    conversation = models.ForeignKey(Conversation, null=True, on_delete=models.SET_NULL, related_name="+")
    turns = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("Conversation %(id)s replayed") % {"id": self.conversation_id}
