"""The draft-against-live page: what got better and worse, the replies side by side, and only for their own staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.drafts import open_draft
from business.models import Business
from console.models import ComparedCase, Comparison, Replay, ReplayedConversation
from console.reply_diff import word_diff
from conversations.models import Conversation


def side(passed: bool, reply: str, ms: int = 120) -> dict:
    trace = [
        {"type": "tool", "tool": "search_knowledge", "args": {"query": "gluten"}, "result": "found", "found": True}
    ]
    return {
        "passed": passed,
        "failures": [] if passed else ["turn 1: missing 'gluten-free'"],
        "turns": [{"customer": "Is the bread gluten-free?", "reply": reply, "trace": trace, "ms": ms}],
    }


@pytest.fixture
def comparison(shop) -> Comparison:
    business = shop[Business]
    open_draft(business)
    run = Comparison.objects.create(business=business, status=Comparison.Status.DONE, total=3, done=3)
    ComparedCase.objects.create(
        comparison=run, name="Gluten", live=side(False, "I will ask a colleague."),
        draft=side(True, "Yes, our rye is gluten-free."),
    )  # fmt: skip
    ComparedCase.objects.create(
        comparison=run,
        name="Opening hours",
        live=side(True, "We open at 9."),
        draft=side(False, "We open <b>late</b>."),
    )
    ComparedCase.objects.create(comparison=run, name="Shipping", live=side(True, "Yes."), draft=side(True, "Yes."))
    return run


def test_a_word_diff_marks_what_changed_and_escapes_the_replies():
    before, after = word_diff("We open at 9 <b>sharp</b>.", "We open at 10 <b>sharp</b>.")
    assert before == "We open at <del>9 </del>&lt;b&gt;sharp&lt;/b&gt;."
    assert after == "We open at <ins>10 </ins>&lt;b&gt;sharp&lt;/b&gt;."


def test_the_page_says_what_got_better_and_worse_and_offers_to_publish(client, staff, comparison):
    client.force_login(staff)
    page = client.get(reverse("console:comparison", args=[comparison.business.slug, comparison.pk]))
    html = page.content.decode()

    assert "Live passes 2 of 3 cases, the draft 2." in html
    assert "Better in the draft: Gluten</p>" in html and "Worse in the draft: Opening hours</p>" in html
    assert "<del>I will ask a colleague.</del>" in html and "<ins>Yes, our rye is gluten-free.</ins>" in html
    assert "&lt;b&gt;late&lt;/b&gt;" in html and "<b>late</b>" not in html
    assert "Searched the FAQ and documents" in html and "120 ms" in html
    assert reverse("console:publish", args=[comparison.business.slug]) in html
    # Finished: the page stops asking for progress.
    assert "hx-trigger" not in html.split('id="live"')[1].split(">")[0]


def test_the_draft_page_lists_the_runs_and_replays(client, staff, comparison):
    replay = Replay.objects.create(business=comparison.business, status=Replay.Status.RUNNING, total=2)
    client.force_login(staff)
    html = client.get(reverse("console:draft", args=[comparison.business.slug])).content.decode()
    assert reverse("console:comparison", args=[comparison.business.slug, comparison.pk]) in html
    assert reverse("console:replay", args=[comparison.business.slug, replay.pk]) in html


def test_a_running_comparison_reloads_its_progress(client, staff, comparison):
    Comparison.objects.filter(pk=comparison.pk).update(status=Comparison.Status.RUNNING, done=1)
    client.force_login(staff)
    html = client.get(reverse("console:comparison", args=[comparison.business.slug, comparison.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "1 of 3 cases" in html


def test_another_businesss_runs_and_replays_are_not_found(client, staff, shop, rival):
    rival_business = rival[Business]
    open_draft(rival_business)
    run = Comparison.objects.create(business=rival_business, status=Comparison.Status.DONE)
    ComparedCase.objects.create(comparison=run, name="Rival case", live=side(True, "x"), draft=side(True, "y"))
    replay = Replay.objects.create(business=rival_business, status=Replay.Status.DONE)
    ReplayedConversation.objects.create(replay=replay, conversation=rival[Conversation], turns=[])
    client.force_login(staff)

    own, theirs = shop[Business].slug, rival_business.slug
    for url in (
        reverse("console:comparison", args=[theirs, run.pk]),
        reverse("console:comparison", args=[own, run.pk]),
        reverse("console:replay", args=[theirs, replay.pk]),
        reverse("console:replay", args=[own, replay.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("console:run-tests", args=[theirs])).status_code == 404
    assert client.post(reverse("console:replays", args=[theirs])).status_code == 404
    assert Comparison.objects.count() == 1 and Replay.objects.count() == 1


def test_ticking_another_businesss_conversation_replays_nothing_of_it(client, staff, shop, rival):
    open_draft(shop[Business])
    client.force_login(staff)
    response = client.post(
        reverse("console:replays", args=[shop[Business].slug]), {"conversation": [rival[Conversation].pk]}
    )
    assert response.status_code == 302
    assert not ReplayedConversation.objects.filter(conversation=rival[Conversation]).exists()
