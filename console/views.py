"""The operator console: inbox, transcript, takeover, replies, corrections and exports, per business."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agents.models import AgentRun
from business.models import Business, FaqEntry
from business.tenancy import live_businesses_of
from conversations import outbox
from conversations.models import Conversation, Message, MessageTemplate
from conversations.platforms import platform

from . import export, operator_actions
from .access import business_or_404, conversation_or_404
from .customer_panel import customer_panel, timeline
from .inbox import InboxFilter, conversations, hidden_staff_tries
from .models import Annotation

INBOX_PAGE_SIZE = 50
TEMPLATE_VALUE_LENGTH = 1024
EXPORTERS = {"json": (export.as_json, "application/json"), "csv": (export.as_csv, "text/csv; charset=utf-8")}


class ReplyForm(forms.Form):
    text = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write to the customer"})
    )


class TemplateForm(forms.Form):
    """An approved template of this business's and a value for each of its placeholders ({{1}}, {{2}}...)."""

    template = forms.ModelChoiceField(queryset=MessageTemplate.objects.none())

    def __init__(self, business: Business, data: QueryDict | None = None) -> None:
        super().__init__(data)
        # Another business's template is not a choice: its id is refused like any unknown one.
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = business.message_templates.all()
        self.values = [value.strip() for value in data.getlist("value")] if data is not None else []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        template = cleaned.get("template")
        if template is None:
            return cleaned
        if len(self.values) != template.parameter_count() or not all(self.values):
            raise forms.ValidationError(
                _("Fill in each of the template's %(count)s values.") % {"count": template.parameter_count()}
            )
        # The Cloud API refuses a body value with a new line or a tab, or longer than a template allows.
        if any(len(value) > TEMPLATE_VALUE_LENGTH or "\n" in value or "\t" in value for value in self.values):
            raise forms.ValidationError(
                _("Each value is one line of at most %(length)s characters.") % {"length": TEMPLATE_VALUE_LENGTH}
            )
        return cleaned


class AnnotationForm(forms.Form):
    correct_answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="What the agent should have said."
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Why it was wrong (optional)."
    )


def operator(request: HttpRequest) -> User:
    """The user behind a request that login_required let through."""
    return cast(User, request.user)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    businesses = list(live_businesses_of(request.user))
    if len(businesses) == 1:
        return redirect("console:inbox", businesses[0].slug)
    return render(request, "console/home.html", {"businesses": businesses})


@login_required
def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    business = business_or_404(request, slug)
    filters = InboxFilter(request.GET)
    page = Paginator(conversations(business, filters), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "business": business,
        "filters": filters,
        "page": page,
        "hidden_staff_tries": hidden_staff_tries(business, filters),
    }
    return render(request, "console/inbox.html", context)


@login_required
def transcript(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    business = business_or_404(request, slug)
    conversation = conversation_or_404(business, pk)
    waiting = Conversation.objects.filter(pk=pk).annotate(waiting=operator_actions.waiting_for_the_agent())
    context = {
        "business": business,
        "conversation": conversation,
        "waiting_for_agent": waiting.values_list("waiting", flat=True)[0],
        "transcript": timeline(conversation),
        "panel": customer_panel(conversation),
        "reply_form": ReplyForm(),
        "window_open": outbox.reply_window_open(conversation),
        "templates": _templates_for(conversation),
    }
    return render(request, "console/transcript.html", context)


def _templates_for(conversation: Conversation) -> list[MessageTemplate]:
    """The templates an operator may send here: the business's, on a platform that takes templates."""
    if platform(conversation.connection.platform).send_template is None:
        return []
    return list(conversation.business.message_templates.all())


# Each button that moves a conversation's status: what it does, what it says when it did, or when it could not.
STATUS_CHANGES = {
    "take-over": (operator_actions.take_over, "", "This conversation is closed or already taken over."),
    "hand-back": (operator_actions.hand_back, "Handed back: the agent answers the customer's next message.", ""),
}


@login_required
@require_POST
def change_status(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    conversation = conversation_or_404(business_or_404(request, slug), pk)
    change, done, refused = STATUS_CHANGES[action]
    note = done if change(conversation, operator(request)) else refused
    if note:
        messages.info(request, note)
    return redirect("console:transcript", slug, pk)


@login_required
@require_POST
def reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    conversation = conversation_or_404(business_or_404(request, slug), pk)
    form = ReplyForm(request.POST)
    if conversation.status == Conversation.Status.CLOSED:
        messages.error(request, "This conversation is closed: the customer has to write again first.")
    elif form.is_valid():
        operator_actions.reply_as_operator(conversation, form.cleaned_data["text"], operator(request))
    else:
        messages.error(request, "Write a message of at most 4000 characters.")
    return redirect("console:transcript", slug, pk)


@login_required
@require_POST
def send_template(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    business = business_or_404(request, slug)
    conversation = conversation_or_404(business, pk)
    form = TemplateForm(business, request.POST)
    if conversation.status == Conversation.Status.CLOSED:
        messages.error(request, _("This conversation is closed: the customer has to write again first."))
    elif not _templates_for(conversation):
        messages.error(request, _("This conversation's app takes no message templates."))
    elif form.is_valid():
        operator_actions.send_template(conversation, form.cleaned_data["template"], form.values, operator(request))
        messages.success(request, _("Template sent."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect("console:transcript", slug, pk)


@login_required
def annotate(request: HttpRequest, slug: str, pk: int, message_id: int) -> HttpResponse:
    business = business_or_404(request, slug)
    conversation = conversation_or_404(business, pk)
    agent_reply = get_object_or_404(conversation.messages, pk=message_id, author=Message.Author.AGENT)
    existing = Annotation.objects.filter(reply=agent_reply).first()
    initial = {"correct_answer": existing.correct_answer, "note": existing.note} if existing else {}
    form = AnnotationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        operator_actions.annotate(agent_reply, request.user, **form.cleaned_data)
        messages.success(request, "Correction saved.")
        return redirect("console:transcript", slug, pk)
    context = {"business": business, "conversation": conversation, "agent_reply": agent_reply, "form": form}
    return render(request, "console/annotate.html", context)


@login_required
@require_POST
def add_to_knowledge(request: HttpRequest, slug: str, pk: int, message_id: int) -> HttpResponse:
    conversation = conversation_or_404(business_or_404(request, slug), pk)
    annotation = get_object_or_404(Annotation, reply__conversation=conversation, reply_id=message_id)
    _draft_made(request, operator_actions.add_to_knowledge(annotation))
    return redirect("console:transcript", slug, pk)


class UnansweredAnswerForm(forms.Form):
    answer = forms.CharField(max_length=4000)


@login_required
@require_POST
def unanswered_to_faq(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """A question the agent could not answer (the usage page lists them), with the answer staff give, becomes a
    correction of the agent's reply and an FAQ draft from it, as "Add to FAQ" under a transcript's reply does."""
    business = business_or_404(request, slug)
    run = get_object_or_404(
        AgentRun.objects.select_related("reply", "inbound_message"),
        pk=run_id,
        conversation__business=business,
        outcome=AgentRun.Outcome.FALLBACK,
        reply__isnull=False,
    )
    back = redirect(f"{reverse('usage', args=[slug])}?{urlencode({'days': request.POST.get('days', '')})}")
    form = UnansweredAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer the agent should have given (at most 4000 characters)."))
        return back
    correction = operator_actions.annotate(
        cast(Message, run.reply), operator(request), correct_answer=form.cleaned_data["answer"]
    )
    _draft_made(request, operator_actions.add_to_knowledge(correction))
    return back


def _draft_made(request: HttpRequest, entry: FaqEntry) -> None:
    messages.success(
        request,
        _("FAQ draft made: “%(question)s”. The agent uses it once staff rewrite the question in their own words "
          "and publish it in the admin.") % {"question": entry.question},
    )  # fmt: skip


@login_required
def export_inbox(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    business = business_or_404(request, slug)
    return _download(conversations(business, InboxFilter(request.GET)), fmt, f"{slug}-conversations")


@login_required
def export_conversation(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    conversation = conversation_or_404(business_or_404(request, slug), pk)
    return _download(Conversation.objects.filter(pk=conversation.pk), fmt, f"{slug}-conversation-{pk}")


def _download(selection: QuerySet[Conversation], fmt: str, name: str) -> HttpResponse:
    render_as, content_type = EXPORTERS[fmt]
    response = HttpResponse(render_as(selection), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
