"""An agent turn's trace (agents.agent_loop writes it) as an operator reads it: each step in plain words.

The raw step stays beside it, behind a toggle: these sentences explain it, they do not replace it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from agents.models import AgentRun

PREVIEW = 160


@dataclass(frozen=True)
class Step:
    kind: str  # tool, model, reply, guard, request, timeout
    text: str
    failed: bool
    raw: dict[str, Any]


def tool_names() -> dict[str, str]:
    return {
        "search_knowledge": gettext("Searched the FAQ and documents"),
        "business_info": gettext("Read the business's details"),
        "search_catalogue": gettext("Searched the catalogue"),
        "order_status": gettext("Looked up the customer's orders"),
        "create_booking": gettext("Requested a booking"),
        "capture_lead": gettext("Noted a request for staff"),
        "handoff_to_human": gettext("Asked for a person"),
    }


def steps(run: AgentRun) -> list[Step]:
    return trace_steps(run.trace)


def trace_steps(trace: list[Any]) -> list[Step]:
    """A recorded trace's steps, wherever it was kept: an agent run, or a test run's result."""
    return [
        Step(str(step.get("type", "")), words, bool(step.get("failed")), step)
        for step in trace
        if isinstance(step, dict) and (words := describe(step))
    ]


def has_failed_tool(run: AgentRun) -> bool:
    return any(isinstance(step, dict) and step.get("type") == "tool" and step.get("failed") for step in run.trace)


def describe(step: dict[str, Any]) -> str:
    """One sentence for the step; "" for the final text, which the transcript already shows."""
    kind = step.get("type")
    if kind == "tool":
        return _tool(step)
    if kind == "model":
        return _model(step.get("output"))
    if kind == "reply":
        return _reply(step)
    if kind == "draft" and step.get("discarded") == "language":
        return gettext("The model's draft was not used: it was not written in the customer's language.")
    if kind == "guard":
        where = gettext("the customer's message") if step.get("on") == "input" else gettext("the reply")
        return gettext("The guard rule “%(rule)s” stopped the turn on %(where)s.") % {
            "rule": step.get("rule", ""),
            "where": where,
        }
    if kind == "request":
        if step.get("dropped"):
            return gettext("The customer left the %(kind)s request that was under way.") % {"kind": step.get("kind")}
        return gettext("Went on with the customer's %(kind)s request.") % {"kind": step.get("kind")}
    if kind == "timeout":
        return gettext("The turn ran out of time.")
    if kind == "final":
        return ""
    return gettext("Step “%(type)s”.") % {"type": kind}


def _tool(step: dict[str, Any]) -> str:
    name = str(step.get("tool", ""))
    what = tool_names().get(name, gettext("Called the business's own tool"))
    heading = f"{what} ({name}{_query(step.get('args'))})"
    result = _short(step.get("result"))
    if step.get("failed"):
        outcome = gettext("%(heading)s: it failed. %(result)s") % {"heading": heading, "result": result}
    elif step.get("found"):
        outcome = gettext("%(heading)s and found: %(result)s") % {"heading": heading, "result": result}
    else:
        outcome = gettext("%(heading)s and found nothing. %(result)s") % {"heading": heading, "result": result}
    # The server's router picks most tools from the words; a model that chooses its tools picks the others.
    chosen = gettext("Chosen by the rules.") if step.get("chosen_by") == "server" else gettext("Chosen by the model.")
    return f"{outcome.rstrip()} {chosen}"


def _model(output: Any) -> str:
    if isinstance(output, dict) and "name" in output:
        return gettext("The model chose the tool %(tool)s.") % {"tool": output["name"]}
    if isinstance(output, dict) and "cut_off" in output:
        return gettext("The model was cut off before it finished (%(why)s).") % {"why": output["cut_off"]}
    reply = output.get("reply") if isinstance(output, dict) else output
    return gettext("The model wrote a draft: “%(draft)s”") % {"draft": _short(reply)}


def _reply(step: dict[str, Any]) -> str:
    source = step.get("source")
    if source == "model":
        return gettext("The model's draft was used as the reply: its facts are all in what the tools found.")
    if source == "extractive":
        if step.get("draft"):
            return gettext(
                "The model's draft was not used: it said something the tools did not find (a number, or not every "
                "fact found). The reply is what the tools found, word for word."
            )
        return gettext("The reply is what the tools found, word for word.")
    if source == "small talk":
        return gettext("Small talk: a ready-made friendly reply.")
    if source == "fallback":
        return gettext("Nothing found to answer with: the agent said so and handed the conversation to staff.")
    if source == "acknowledgement":
        return gettext("The message asked nothing: a short acknowledgement.")
    return gettext("Reply: %(source)s.") % {"source": source}


def _query(args: Any) -> str:
    if isinstance(args, dict) and args:
        return ": " + ", ".join(f"{value}" for value in args.values() if value not in ("", None))
    return ""


def _short(text: Any) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
