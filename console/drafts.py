"""The draft page: open a draft of the business's agent, edit it in the admin, publish it, restore a version."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agents import drafts
from agents.models import AgentConfig, Version
from business.drafts import draft_of

from .access import staff_business_or_404

VERSIONS_SHOWN = 20


class PublishForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=300,
        label=gettext_lazy("What changed"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Fixed the gluten answer in the FAQ")}),
    )


@login_required
def draft_page(request: HttpRequest, slug: str) -> HttpResponse:
    business = staff_business_or_404(request, slug)
    draft = draft_of(business)
    context = {
        "business": business,
        "draft": draft,
        "draft_agent": AgentConfig.objects.filter(business=draft).first() if draft else None,
        "publish_form": PublishForm(),
        "versions": business.versions.select_related("published_by")[:VERSIONS_SHOWN],
        "runs": business.comparisons.all()[:5],
        "replays": business.replays.all()[:5],
    }
    return render(request, "console/draft.html", context)


@login_required
@require_POST
def open_draft(request: HttpRequest, slug: str) -> HttpResponse:
    drafts.open_draft(staff_business_or_404(request, slug))
    messages.success(request, _("Draft opened: a copy of the live agent and its data. Customers see no change."))
    return redirect("console:draft", slug)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    business = staff_business_or_404(request, slug)
    form = PublishForm(request.POST)
    if draft_of(business) is None:
        messages.error(request, _("There is no draft to publish: open one first."))
    elif not form.is_valid():
        messages.error(request, _("Describe the change in at most 300 characters."))
    else:
        version = drafts.publish(business, request.user, form.cleaned_data["note"])
        messages.success(
            request, _("Published as version %(number)s: customers are now served by it.") % {"number": version.number}
        )
    return redirect("console:draft", slug)


@login_required
@require_POST
def discard(request: HttpRequest, slug: str) -> HttpResponse:
    business = staff_business_or_404(request, slug)
    draft = draft_of(business)
    if draft is not None:
        draft.delete()
        messages.success(request, _("Draft discarded. The live agent is unchanged."))
    return redirect("console:draft", slug)


@login_required
@require_POST
def restore(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    business = staff_business_or_404(request, slug)
    version = get_object_or_404(Version, business=business, number=number)
    drafts.restore(version)
    messages.success(
        request,
        _("Version %(number)s is now the draft: run the tests, then publish it to serve customers with it.")
        % {"number": version.number},
    )
    return redirect("console:draft", slug)
