"""One agent turn as a small loop: guard, tool steps, a draft, grounding, guard again.

Tool steps come from the server's plan (router.py) or from the model, by the agent's tool
strategy; either way each step is a LangChain tool call executed on the server with the turn's own
context, bounded in number and in time. The reply carries the tool results' facts exactly
(grounding.py); a question nothing answers gets the fallback and a colleague.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.tools import BaseTool

from conversations.choices import Choice
from conversations.events import split_turn_text

from . import follow_ups, guards, off_topic, reply_choices, router
from .booking_flow import REQUEST_TOOLS, RequestTurn
from .chat_model import StepChatModel
from .customer_language import in_language, turn_language
from .finite_numbers import at_most
from .grounding import NUMBER, grounded_reply
from .intents import understand
from .models import MAX_TIME_BUDGET_SECONDS, AgentConfig, AgentRun, conversation_language
from .prompts import system_message
from .tools import ToolResult, TurnContext, build_tools, tool_result

logger = logging.getLogger(__name__)

FALLBACK_REPLY = gettext_lazy("I don't know the answer to that, sorry. Let me get a colleague to help you.")
# What a customer sends to close an exchange rather than to ask: acknowledged, never handed over.
CLOSING_ATTACHMENTS = frozenset({"sticker", "story_mention"})


@dataclass
class Usage:
    prompt_tokens: int = 0
    prompt_tokens_evaluated: int = 0
    completion_tokens: int = 0
    time_to_first_token: float | None = None

    def add(self, metadata: dict[str, Any]) -> None:
        self.prompt_tokens += metadata["prompt_tokens"]
        self.prompt_tokens_evaluated += metadata["prompt_tokens_evaluated"]
        self.completion_tokens += metadata["completion_tokens"]
        if self.time_to_first_token is None:
            self.time_to_first_token = metadata["time_to_first_token"]


@dataclass
class TurnOutcome:
    text: str
    outcome: str
    trace: list[dict[str, Any]] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    hand_over: bool = False
    handoff_reason: str = ""
    # The language the customer wrote in (customer_language.py); the next turn's "ok" inherits it.
    language: str = ""
    # Offered with the reply as the platform's buttons (agents/reply_choices.py), titled in this language.
    choices: tuple[Choice, ...] = ()
    reply_language: str = ""


class TurnTimedOut(Exception):
    pass


class AgentTurn:
    def __init__(self, context: TurnContext, config: AgentConfig, chat_model: StepChatModel) -> None:
        self.context = context
        self.config = config
        self.chat_model = chat_model
        budget = at_most(config.time_budget_seconds, MAX_TIME_BUDGET_SECONDS)
        self.deadline = context.deadline = time.monotonic() + budget
        self.tools = build_tools(context, config.enabled_tools or None)
        self.tools_by_name: dict[str, BaseTool] = {tool.name: tool for tool in self.tools}
        self.trace: list[dict[str, Any]] = []
        self.results: list[ToolResult] = []
        self.usage = Usage()
        self.request_reply: ToolResult | None = None

    def run(self, history: list[BaseMessage], customer_text: str) -> TurnOutcome:
        words, attachments = split_turn_text(customer_text)
        if self.context.language is None:
            previous = conversation_language(self.context.conversation_id)
            self.context.language = turn_language(self.context.business, words, previous)
        # Every fixed sentence of the turn, the tools' included, is in the reply's language.
        with translation.override(self.context.language.reply):
            return self._run(history, customer_text, words, attachments)

    def _run(
        self, history: list[BaseMessage], customer_text: str, words: str, attachments: tuple[str, ...]
    ) -> TurnOutcome:
        verdict = guards.check(self.config, customer_text, customer=True)
        if verdict is not None:
            self.trace.append({"type": "guard", "rule": verdict.rule, "on": "input"})
            return self._outcome(verdict.reply, AgentRun.Outcome.GUARDED)
        # "the second one" becomes what it names; "how much?" searches with the last subject as context.
        planned_text = follow_ups.resolve(self.context, customer_text)
        # A booking or a lead, started now or in an earlier turn, is answered by its own flow: before the
        # acknowledgements, so that an "ok" can confirm a booking read back to the customer.
        self.requests = RequestTurn(self.context, customer_text)
        model_chooses = self.config.tool_strategy == AgentConfig.ToolStrategy.MODEL
        available = set(self.tools_by_name)
        if self.context.chosen == reply_choices.TALK_TO_A_PERSON:
            calls = [router.PlannedCall("handoff_to_human", {"reason": "the customer asked for a person"})]
        else:
            calls = [] if model_chooses else router.plan(planned_text, available, self._customer_language)
        request_reply = self.requests.answer(calls)
        if request_reply is not None:
            return self._request_outcome(request_reply)
        if self._asks_nothing(words, attachments):
            return self._acknowledge(words)
        if off_topic.is_off_topic(self.context.business, words, self._customer_language):
            # Not the business's subject: a polite word, and no colleague emailed for nothing.
            self.trace.append({"type": "guard", "rule": "off_topic", "on": "input"})
            return self._outcome(off_topic.reply(self.context.business), AgentRun.Outcome.GUARDED)
        messages: list[BaseMessage] = [system_message(self.context.business, self.config, self.tools), *history]
        if model_chooses:
            draft = self._model_steps(messages)
            if self.request_reply is not None:
                return self._request_outcome(self.request_reply)
        else:
            for call in calls:
                self._planned_step(messages, call)
                if self.context.handoff_reason:
                    break
            # Nothing found means the fallback or a not-found answer: no draft would be used.
            needs_draft = any(result.found for result in self.results) and not self.context.handoff_reason
            draft = self._draft(messages) if needs_draft and self._draft_may_be_kept() else ""
        return self._finish(draft, customer_text)

    def _finish(self, draft: str, customer_text: str) -> TurnOutcome:
        if self.context.handoff_reason:
            return self._outcome(self.results[-1].answer, AgentRun.Outcome.HANDOFF, hand_over=True)
        if not any(result.found for result in self.results):
            if router.is_small_talk(customer_text, self._customer_language):
                # A greeting needs no facts; only a model trusted to choose its tools phrases it itself.
                use_draft = (
                    self.config.tool_strategy == AgentConfig.ToolStrategy.MODEL and draft and not NUMBER.search(draft)
                )
                text = draft if use_draft else router.small_talk_reply(customer_text, self._customer_language)
                self.trace.append({"type": "reply", "source": "model" if use_draft else "small talk"})
                return self._outcome(text, AgentRun.Outcome.REPLIED)
            not_found = next((result.answer for result in self.results if result.answer), "")
            if not_found:
                # A tool looked and can say so precisely ("no order A-1 under your name").
                self.trace.append({"type": "reply", "source": "extractive"})
                return self._outcome(not_found, AgentRun.Outcome.REPLIED, choices=reply_choices.talk_to_a_person())
            self.trace.append({"type": "reply", "source": "fallback"})
            self.context.handoff_reason = "the agent had no answer"
            return self._outcome(str(FALLBACK_REPLY), AgentRun.Outcome.FALLBACK, hand_over=True)
        if draft and not in_language(draft, self._reply_language):
            # The small model drafts in English whatever it is asked in: such a draft is not the reply.
            self.trace.append({"type": "draft", "discarded": "language", "draft": draft})
            draft = ""
        text, kept_draft = grounded_reply(draft, self.results, customer_text)
        self.trace.append({"type": "reply", "source": "model" if kept_draft else "extractive", "draft": draft})
        verdict = guards.check(self.config, text, customer=False)
        if verdict is not None:
            self.trace.append({"type": "guard", "rule": verdict.rule, "on": "output"})
            return self._outcome(verdict.reply, AgentRun.Outcome.GUARDED)
        options = next((result.options for result in reversed(self.results) if result.options), ())
        return self._outcome(text, AgentRun.Outcome.REPLIED, choices=reply_choices.options(options))

    def _request_outcome(self, result: ToolResult) -> TurnOutcome:
        self.results.append(result)
        self.trace.append(self.requests.trace)
        choices = reply_choices.confirmation() if self.requests.reads_back else ()
        return self._outcome(result.answer, AgentRun.Outcome.REPLIED, choices=choices)

    @property
    def _customer_language(self) -> str:
        return self.context.language.customer if self.context.language else self.context.business.language

    @property
    def _reply_language(self) -> str:
        return self.context.language.reply if self.context.language else self.context.business.language

    def _asks_nothing(self, words: str, attachments: tuple[str, ...]) -> bool:
        """An emoji, a sticker, a story mention, "ok", "merci": nothing to answer, nobody to call."""
        if not set(attachments) <= CLOSING_ATTACHMENTS:
            return False  # a photo or a file may be the question itself
        if not any(character.isalnum() for character in words):
            return True
        return understand(words, self._customer_language).is_closing

    def _acknowledge(self, words: str) -> TurnOutcome:
        silent = self.config.acknowledgements == AgentConfig.Acknowledgements.SILENT
        text = "" if silent else router.small_talk_reply(words, self._customer_language)
        self.trace.append({"type": "reply", "source": "acknowledgement"})
        return self._outcome(text, AgentRun.Outcome.ACKNOWLEDGED)

    def _outcome(
        self, text: str, outcome: str, hand_over: bool = False, choices: tuple[Choice, ...] = ()
    ) -> TurnOutcome:
        return TurnOutcome(
            text=text,
            outcome=outcome,
            trace=self.trace,
            usage=self.usage,
            hand_over=hand_over,
            handoff_reason=self.context.handoff_reason,
            language=self._customer_language,
            choices=choices,
            reply_language=self._reply_language,
        )

    def _planned_step(self, messages: list[BaseMessage], call: router.PlannedCall) -> None:
        if call.args is not None:
            self._execute(messages, call.tool, call.args, chosen_by="server")
            return
        # The plan names the tool; the model supplies its arguments, constrained to its schema.
        step = self._invoke(messages, tools=[self.tools_by_name[call.tool]], tool_choice=call.tool)
        if step is not None and step.tool_calls:
            self._execute(messages, call.tool, step.tool_calls[0]["args"], chosen_by="model")

    def _model_steps(self, messages: list[BaseMessage]) -> str:
        for _ in range(self.config.max_steps):
            step = self._invoke(messages, tools=self.tools, tool_choice=None)
            if step is None:
                return ""
            if not step.tool_calls:
                return str(step.content)
            call = step.tool_calls[0]
            if call["name"] in REQUEST_TOOLS:
                # The same read-back and yes as a planned booking; the arguments only fill what the words lack.
                self.request_reply = self.requests.answer([router.PlannedCall(call["name"], call["args"])])
                return ""
            self._execute(messages, call["name"], call["args"], chosen_by="model")
            if self.context.handoff_reason:
                return ""
        return self._draft(messages)

    def _draft_may_be_kept(self) -> bool:
        """Whether a draft could be the reply. It is kept only if it carries every key fact of every part of the
        answer word for word (grounding.py): with the facts of several parts to carry, the small models the
        planned strategy is for never wrote one that did (eval/results.md: compound questions, no draft kept
        of 17), so the turn spends no model on one (bench/results.md: what a turn costs by kind)."""
        groups = sum(len(result.key_facts) for result in self.results if result.found)
        if groups <= 1:
            return True
        self.trace.append({"type": "draft", "skipped": "several parts"})
        return False

    def _draft(self, messages: list[BaseMessage]) -> str:
        step = self._invoke(messages, tools=[], tool_choice="none")
        return "" if step is None else str(step.content)

    def _invoke(self, messages: list[BaseMessage], tools: list[BaseTool], tool_choice: str | None) -> AIMessage | None:
        """One model step; None when it was cut off before forming a whole step."""
        if time.monotonic() > self.deadline:
            self.trace.append({"type": "timeout"})
            raise TurnTimedOut(f"the turn ran over {self.config.time_budget_seconds} s")
        started = time.perf_counter()
        step = self.chat_model.bind_tools(tools, tool_choice=tool_choice).invoke(
            messages, deadline=self.deadline, cache_key=self.context.conversation_id
        )
        metadata = step.response_metadata
        self.usage.add(metadata)
        cut_off = step.additional_kwargs.get("cut_off")
        self.trace.append(
            {
                "type": "model",
                "output": step.tool_calls[0]
                if step.tool_calls
                else {"cut_off": cut_off}
                if cut_off is not None
                else {"reply": step.content},
                "duration_ms": _ms(time.perf_counter() - started),
                "prompt_tokens": metadata["prompt_tokens"],
                "prompt_tokens_evaluated": metadata["prompt_tokens_evaluated"],
                "completion_tokens": metadata["completion_tokens"],
            }
        )
        if metadata["timed_out"]:
            raise TurnTimedOut(f"generation stopped after {self.config.time_budget_seconds} s")
        return None if cut_off is not None else step

    def _execute(self, messages: list[BaseMessage], name: str, args: dict[str, Any], chosen_by: str) -> None:
        started = time.perf_counter()
        tool = self.tools_by_name.get(name)
        failed = False
        try:
            if tool is None:
                raise ValueError(f"no tool {name!r}")
            result = tool_result(tool.invoke(args))
        except Exception as error:  # a tool's failure is a result the agent can recover from
            # The arguments hold the customer's words: not in the log.
            logger.warning("tool %s failed: %s", name, type(error).__name__)
            result = ToolResult(content=f"The tool failed: {type(error).__name__}.", found=False)
            failed = True
        self.results.append(result)
        self.trace.append(
            {
                "type": "tool",
                "tool": name,
                "args": args,
                "result": result.content,
                "found": result.found,
                "failed": failed,
                "chosen_by": chosen_by,
                "duration_ms": _ms(time.perf_counter() - started),
            }
        )
        call_id = f"call_{len(self.results)}"
        messages.append(AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}]))
        messages.append(ToolMessage(content=result.content, name=name, tool_call_id=call_id))


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
