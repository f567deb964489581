"""A business's model file missing on this machine (a typo, a new worker without it): the customer still gets
an answer and a colleague, the run says why, and /readyz and the agent's page name the file (issue 14 item 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from agents.agent_loop import FALLBACK_REPLY
from agents.models import AgentConfig, AgentRun
from business.models import Membership
from conversations.models import Conversation


@pytest.fixture
def typo(shop, tmp_path: Path, settings: Any) -> str:
    """The shop's agent names a file in the model directory that is not there."""
    settings.PARLEY_MODEL_DIR = str(tmp_path)
    AgentConfig.objects.filter(business=shop).update(model_path="shop-modle.gguf")
    return "shop-modle.gguf"


def test_a_missing_model_file_gets_the_customer_the_fallback_and_a_colleague(
    say, typo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = say("Do you deliver?")
    assert reply.text == FALLBACK_REPLY
    run = AgentRun.objects.get(reply=reply)
    assert run.outcome == AgentRun.Outcome.FAILED
    assert run.error.startswith("ModelFileUnavailable: ") and f"{typo} does not exist on this machine" in run.error
    assert Conversation.objects.get(pk=reply.conversation_id).status == Conversation.Status.NEEDS_HUMAN
    [email] = mail.outbox
    assert email.to == ["owner@corner.example"] and "model file is not available on this worker" in email.body


def test_readiness_names_a_businesss_missing_model_file_and_stays_ready(client, typo):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["missing_model_files"] == [typo]


def test_the_agent_page_warns_that_its_model_file_is_missing_here(client, shop, typo, django_user_model):
    user = django_user_model.objects.create_user("sam", password="pw", is_staff=True)
    Membership.objects.create(user=user, business=shop)
    client.force_login(user)
    page = client.get(reverse("admin:agents_agentconfig_change", args=[shop.agent_config.pk]))
    assert f"{typo} does not exist on this machine" in page.content.decode()
