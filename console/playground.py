"""The agent playground: staff chat with their business's agent, as it is configured now, before going live.

Messages go through the playground channel like the `chat` command's, and the real worker answers
them, so what staff see is what customers will get; the page shows each reply's trace.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from business.models import Business
from channels.playground.connection import playground_connection, store_playground_message
from conversations.models import Conversation, Message

from .access import business_or_404
from .customer_panel import transcript_messages


class PlaygroundForm(forms.Form):
    text = forms.CharField(
        max_length=2000, widget=forms.TextInput(attrs={"placeholder": "Write as a customer would", "autofocus": True})
    )


def playground_sender(request: HttpRequest) -> str:
    return f"playground-{request.user.pk}"


def current_conversation(business: Business, sender: str) -> Conversation | None:
    return (
        Conversation.objects.filter(connection=playground_connection(business), contact__platform_user_id=sender)
        .exclude(status=Conversation.Status.CLOSED)
        .first()
    )


@login_required
def playground(request: HttpRequest, slug: str) -> HttpResponse:
    business = business_or_404(request, slug)
    sender = playground_sender(request)
    form = PlaygroundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        store_playground_message(playground_connection(business), sender, form.cleaned_data["text"])
        return redirect("console:playground", slug)
    conversation = current_conversation(business, sender)
    transcript = list(transcript_messages(conversation)) if conversation else []
    last = transcript[-1] if transcript else None
    waiting = (
        conversation is not None
        and last is not None
        and last.direction == Message.Direction.INBOUND
        and conversation.status == Conversation.Status.BOT
    )
    context = {
        "business": business,
        "conversation": conversation,
        "transcript": transcript,
        "form": form,
        "waiting": waiting,
    }
    return render(request, "console/playground.html", context)


@login_required
@require_POST
def start_over(request: HttpRequest, slug: str) -> HttpResponse:
    business = business_or_404(request, slug)
    Conversation.objects.filter(
        connection=playground_connection(business), contact__platform_user_id=playground_sender(request)
    ).exclude(status=Conversation.Status.CLOSED).update(status=Conversation.Status.CLOSED)
    return redirect("console:playground", slug)
