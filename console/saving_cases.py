"""Saving a turn of a transcript, the whole conversation, or a correction as a test case (test_cases/)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from business.languages import SUPPORTED_LANGUAGES
from conversations.models import Message
from test_cases.from_conversations import (
    Expectations,
    language_of,
    save_conversation,
    save_correction,
    save_turn,
    spoken_by_customer,
    unique_name,
)
from test_cases.models import Case

from .access import business_or_404, conversation_or_404
from .models import Annotation

HANDOFF_CHOICES = [
    ("", gettext_lazy("Either is right")),
    ("yes", gettext_lazy("Hands over to staff")),
    ("no", gettext_lazy("Does not hand over")),
]


class CaseForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    must_contain = forms.CharField(
        label=gettext_lazy("The answer must contain"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Facts, one a line: a price, a time, a word."),
    )  # fmt: skip
    must_not_contain = forms.CharField(
        label=gettext_lazy("The answer must not contain"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One a line."),
    )  # fmt: skip
    handoff = forms.ChoiceField(label=gettext_lazy("Handover"), choices=HANDOFF_CHOICES, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the answer"), required=False,
        choices=[("", gettext_lazy("Any")), *SUPPORTED_LANGUAGES.items()],
    )  # fmt: skip

    def __init__(self, *args, business_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.business_id = business_id

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Case.objects.filter(business_id=self.business_id, name=name).exists():
            raise forms.ValidationError(_("A test case of this business has this name already."))
        return name

    def expectations(self) -> Expectations:
        data = self.cleaned_data
        return Expectations(
            name=data["name"],
            must_contain=data["must_contain"],
            must_not_contain=data["must_not_contain"],
            handoff={"yes": True, "no": False}.get(data["handoff"]),
            language=data["language"],
        )


@login_required
def save_case(request: HttpRequest, slug: str, pk: int, message_id: int | None = None) -> HttpResponse:
    """The form for one turn (the customer message an agent reply answered) or, without a message, the whole
    conversation; prefilled with the conversation's language and nothing the answer must contain."""
    business = business_or_404(request, slug)
    conversation = conversation_or_404(business, pk)
    reply = None
    if message_id is not None:
        reply = get_object_or_404(
            conversation.messages.select_related("reply_to"),
            pk=message_id,
            author=Message.Author.AGENT,
            reply_to__isnull=False,
        )
    if reply is None and not spoken_by_customer(conversation).exists():
        messages.error(request, _("The customer has said nothing in this conversation to play again."))
        return redirect("console:transcript", slug, pk)
    said = reply.reply_to.text if reply and reply.reply_to else str(conversation.contact)
    initial = {"name": unique_name(business.pk, said[:80]), "language": language_of(conversation)}
    form = CaseForm(request.POST or None, initial=initial, business_id=business.pk)
    if request.method == "POST" and form.is_valid():
        expect = form.expectations()
        if reply is not None:
            case = save_turn(reply, expect, request.user)
        else:
            case = save_conversation(conversation, expect, request.user)
        _saved(request, case)
        return redirect("console:transcript", slug, pk)
    context = {"business": business, "conversation": conversation, "agent_reply": reply, "form": form}
    return render(request, "console/save_case.html", context)


@login_required
@require_POST
def correction_to_case(request: HttpRequest, slug: str, pk: int, message_id: int) -> HttpResponse:
    """One click: the corrected turn becomes a test case expecting what the correction says."""
    conversation = conversation_or_404(business_or_404(request, slug), pk)
    annotation = get_object_or_404(
        Annotation, reply__conversation=conversation, reply_id=message_id, reply__reply_to__isnull=False
    )
    _saved(request, save_correction(annotation, request.user))
    return redirect("console:transcript", slug, pk)


def _saved(request: HttpRequest, case: Case) -> None:
    text: str
    if request.user.is_staff:
        link = reverse("admin:test_cases_case_change", args=[case.pk])
        text = format_html(
            _('Test case saved: “{name}”. <a href="{link}">Edit its expectations</a>.'), name=case.name, link=link
        )
    else:
        text = _("Test case saved: “%(name)s”.") % {"name": case.name}
    messages.success(request, text)
