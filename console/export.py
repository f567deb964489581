"""Conversations as JSON or CSV, for records or analysis: their messages, never a connection's credentials."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext

from conversations.models import Conversation, Message

from .customer_names import customer_name

MESSAGE_FIELDS = ["created_at", "direction", "author", "kind", "text", "status", "error_code", "error_detail"]
# Fields stored as a code, exported with the label staff know them by ("Needs a human", not needs_human).
LABELLED = {"direction", "author", "status"}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP's list for CSV injection,
# which names a leading tab and carriage return too).
FORMULA_STARTS = ("=", "+", "-", "@")
# Excel reads a CSV file as UTF-8 only when it starts with the byte-order mark; without it, accents break.
BYTE_ORDER_MARK = "\ufeff"


def csv_columns() -> dict[str, str]:
    """Each CSV column's key in a record, and its heading."""
    return {
        "conversation": gettext("Conversation"),
        "channel": gettext("Channel"),
        "connection": gettext("Connection"),
        "contact": gettext("Customer's id on the channel"),
        "customer": gettext("Customer"),
        "conversation_status": gettext("Conversation status"),
        "created_at": gettext("Time (UTC)"),
        "direction": gettext("Direction"),
        "author": gettext("Author"),
        "kind": gettext("Kind"),
        "text": gettext("Text"),
        "status": gettext("Delivery"),
        "error_code": gettext("Error code"),
        "error_detail": gettext("Error detail"),
        "correct_answer": gettext("Correction: what the agent should have said"),
        "correction_note": gettext("Correction: why"),
    }


def with_messages(conversations: QuerySet[Conversation]) -> list[Conversation]:
    ordered = Message.objects.select_related("annotation").order_by("created_at", "id")
    return list(
        conversations.select_related("contact", "connection").prefetch_related(Prefetch("messages", queryset=ordered))
    )


def conversation_record(conversation: Conversation) -> dict[str, Any]:
    """The conversation with its codes' labels: a JSON reader gets both, the code to compute with, the label to show."""
    return {
        "id": conversation.pk,
        "channel": conversation.connection.platform,
        "channel_label": conversation.connection.get_platform_display(),
        "connection": conversation.connection.name,
        "contact": conversation.contact.platform_user_id,
        "customer": customer_name(conversation.contact, conversation.connection.platform),
        "status": conversation.status,
        "status_label": conversation.get_status_display(),
        "created_at": conversation.created_at.isoformat(),
        "messages": [message_record(message) for message in conversation.messages.all()],
    }


def message_record(message: Message) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for field in MESSAGE_FIELDS:
        value = getattr(message, field)
        record[field] = value.isoformat() if field == "created_at" else value
        if field in LABELLED:
            record[f"{field}_label"] = getattr(message, f"get_{field}_display")()
    correction = getattr(message, "annotation", None)
    record["correction"] = (
        {"correct_answer": correction.correct_answer, "note": correction.note} if correction is not None else None
    )
    return record


def as_json(conversations: QuerySet[Conversation]) -> str:
    return json.dumps(
        {"conversations": [conversation_record(c) for c in with_messages(conversations)]}, indent=2, ensure_ascii=False
    )


def as_csv(conversations: QuerySet[Conversation]) -> str:
    """One row per message, with its conversation's columns repeated, every code written as its label."""
    columns = csv_columns()
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    writer.writerow(columns.values())
    for conversation in with_messages(conversations):
        record = conversation_record(conversation)
        head = {
            "conversation": record["id"],
            "channel": record["channel_label"],
            "connection": record["connection"],
            "contact": record["contact"],
            "customer": record["customer"],
            "conversation_status": record["status_label"],
        }
        for message in record["messages"]:
            correction = message["correction"] or {}
            row = head | {
                **{field: message.get(f"{field}_label", message[field]) for field in MESSAGE_FIELDS},
                "correct_answer": correction.get("correct_answer", ""),
                "correction_note": correction.get("note", ""),
            }
            writer.writerow(inert(row[column]) for column in columns)
    return buffer.getvalue()


def inert(value: Any) -> Any:
    """The cell as text a spreadsheet shows rather than runs: a leading ' before what could start a formula.

    Its first character is looked at past leading whitespace, which spreadsheets may trim on import,
    and in NFKC form, in which a full-width ＝ is an =; one starting with a tab or a CR is quoted as OWASP advises."""
    if not isinstance(value, str):
        return value
    first = unicodedata.normalize("NFKC", value.lstrip()[:1])
    return "'" + value if first in FORMULA_STARTS or value[:1] in ("\t", "\r") else value
