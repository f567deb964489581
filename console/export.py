"""Conversations as JSON or CSV, for records or analysis: their messages, never a connection's credentials."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any

from django.db.models import Prefetch, QuerySet

from conversations.models import Conversation, Message

MESSAGE_COLUMNS = ["created_at", "direction", "author", "kind", "text", "status", "error_code", "error_detail"]
CSV_COLUMNS = [
    "conversation",
    "channel",
    "connection",
    "contact",
    "contact_name",
    "conversation_status",
    *MESSAGE_COLUMNS,
]
# A spreadsheet runs a cell starting with one of these as a formula (OWASP's list for CSV injection,
# which names a leading tab and carriage return too).
FORMULA_STARTS = ("=", "+", "-", "@")


def with_messages(conversations: QuerySet[Conversation]) -> list[Conversation]:
    ordered = Message.objects.order_by("created_at", "id")
    return list(
        conversations.select_related("contact", "connection").prefetch_related(Prefetch("messages", queryset=ordered))
    )


def conversation_record(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.pk,
        "channel": conversation.connection.platform,
        "connection": conversation.connection.name,
        "contact": conversation.contact.platform_user_id,
        "contact_name": conversation.contact.display_name,
        "status": conversation.status,
        "created_at": conversation.created_at.isoformat(),
        "messages": [message_record(message) for message in conversation.messages.all()],
    }


def message_record(message: Message) -> dict[str, Any]:
    return {
        column: value.isoformat() if column == "created_at" else value
        for column in MESSAGE_COLUMNS
        for value in [getattr(message, column)]
    }


def as_json(conversations: QuerySet[Conversation]) -> str:
    return json.dumps(
        {"conversations": [conversation_record(c) for c in with_messages(conversations)]}, indent=2, ensure_ascii=False
    )


def as_csv(conversations: QuerySet[Conversation]) -> str:
    """One row per message, with its conversation's columns repeated."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for conversation in with_messages(conversations):
        record = conversation_record(conversation)
        head = {"conversation": record["id"], "conversation_status": record["status"]} | {
            key: record[key] for key in ("channel", "connection", "contact", "contact_name")
        }
        for message in record["messages"]:
            writer.writerow({column: inert(value) for column, value in (head | message).items()})
    return buffer.getvalue()


def inert(value: Any) -> Any:
    """The cell as text a spreadsheet shows rather than runs: a leading ' before what could start a formula.

    Its first character is looked at past leading whitespace, which spreadsheets may trim on import,
    and in NFKC form, in which a full-width ＝ is an =; one starting with a tab or a CR is quoted as OWASP advises."""
    if not isinstance(value, str):
        return value
    first = unicodedata.normalize("NFKC", value.lstrip()[:1])
    return "'" + value if first in FORMULA_STARTS or value[:1] in ("\t", "\r") else value
