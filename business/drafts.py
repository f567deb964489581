"""A business's draft: a business of its own, linked to the live one, that staff edit and test before publishing.

Copying a draft from its live business and publishing it back carry the agent's settings too, so they live
in agents/drafts.py; this module only finds one.
"""

from __future__ import annotations

from .models import Business


def draft_of(business: Business) -> Business | None:
    """The draft of this live business, None when staff have not opened one."""
    return Business.objects.filter(draft_of=business).first()


def draft_slug(business: Business) -> str:
    """The draft's own slug (slugs are unique): the live one's, marked, within the field's 50 characters."""
    return f"{business.slug[:44]}-draft"
