"""A business's draft agent: opened as a copy of the live business, edited and tested by staff, published over it.

The draft is a business of its own (Business.draft_of), so that the admin edits its instructions, tools, guard
rules, model settings, FAQ, documents and catalogue as it edits any business's, and a turn runs against it with
the same code as against the live one. Copying either way goes through the business file (interchange.py), the
same code as `import_business` and `export_business`. Customers and orders are the live business's alone:
they are people's data, not settings, and stay out of drafts and versions.

Every publish is kept as a numbered Version; restoring one makes it the draft's content, for staff to test and
publish like any other change.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Max

from business.drafts import draft_of, draft_slug
from business.models import Business

from .interchange import export_document, import_document
from .models import AgentConfig, HttpTool, Version

PEOPLE_SECTIONS = ("customers", "orders")
TOOL_FIELDS = ("description", "parameters", "url", "timeout_seconds", "signing_secret", "enabled")


class NotADraftableBusiness(ValueError):
    """Drafts are opened and published for a live business only."""


def settings_document(business: Business) -> dict[str, Any]:
    """The business file of what staff configure: everything but its customers and orders."""
    document = export_document(business)
    for section in PEOPLE_SECTIONS:
        document.pop(section, None)
    return document


@transaction.atomic
def open_draft(business: Business) -> Business:
    """The draft of this live business, made as a copy of it if staff have none open yet."""
    live = _locked_live(business)
    draft = draft_of(live)
    if draft is None:
        draft = Business.objects.create(name=live.name, slug=draft_slug(live), draft_of=live)
        _copy(live, settings_document(live), draft)
        draft.refresh_from_db()
    return draft


@transaction.atomic
def publish(business: Business, user: AbstractBaseUser | AnonymousUser | None, note: str = "") -> Version:
    """The draft's content becomes the live business's, and is kept as its next version. The first publish
    also keeps what was live before it, so that it can be restored."""
    live = _locked_live(business)
    draft = draft_of(live)
    if draft is None:
        raise NotADraftableBusiness(f"{live.slug} has no draft to publish")
    if not live.versions.exists():
        _keep(live, settings_document(live), None, "")
    _copy(draft, settings_document(draft), live)
    return _keep(live, settings_document(live), user, note)


@transaction.atomic
def restore(version: Version) -> Business:
    """The version's content becomes the draft's (opened if need be): staff test it, then publish it."""
    draft = open_draft(version.business)
    _copy(version.business, copy.deepcopy(version.document), draft)
    return draft


def _locked_live(business: Business) -> Business:
    # One publish or opening at a time per business: two at once would number versions twice or open two drafts.
    live = Business.objects.select_for_update().get(pk=business.pk)
    if live.is_draft:
        raise NotADraftableBusiness(f"{live.slug} is a draft")
    return live


def _keep(live: Business, document: dict[str, Any], user: Any, note: str) -> Version:
    number = (live.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    published_by = user if user is not None and user.is_authenticated else None
    return Version.objects.create(business=live, number=number, document=document, published_by=published_by, note=note)


def _copy(source: Business, document: dict[str, Any], target: Business) -> None:
    """`document` (`source`'s, or a version of it) becomes `target`'s. The file leaves out the server's API key and
    the custom tools' signing secrets: those are copied from `source` row to row, never written into a file."""
    document["business"]["slug"] = target.slug
    import_document(document)
    secret = AgentConfig.objects.filter(business=source).values_list("server_api_key", flat=True).first()
    AgentConfig.objects.filter(business=target).update(server_api_key=secret or "")
    tools = {tool.name: tool for tool in HttpTool.objects.filter(business=source)}
    HttpTool.objects.filter(business=target).exclude(name__in=tools).delete()
    for name, tool in tools.items():
        HttpTool.objects.update_or_create(
            business=target, name=name, defaults={field: getattr(tool, field) for field in TOOL_FIELDS}
        )
