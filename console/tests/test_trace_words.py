"""Each kind of step the agent's loop records reads as a sentence, in the operator's language."""

from django.utils import translation

from console.trace_words import describe


def test_every_recorded_step_reads_as_a_sentence():
    assert describe({"type": "draft", "discarded": "language", "draft": "Yes we are open"}) == (
        "The model's draft was not used: it was not written in the customer's language."
    )
    assert describe({"type": "reply", "source": "fallback"}).startswith("Nothing found to answer with")
    assert describe({"type": "reply", "source": "model", "draft": "Yes."}).startswith("The model's draft was used")
    assert describe({"type": "reply", "source": "extractive", "draft": ""}) == (
        "The reply is what the tools found, word for word."
    )
    assert describe({"type": "guard", "rule": "medical", "on": "output"}) == (
        "The guard rule “medical” stopped the turn on the reply."
    )
    assert describe({"type": "model", "output": {"name": "order_status", "args": {}}}) == (
        "The model chose the tool order_status."
    )
    assert describe({"type": "request", "kind": "booking", "asked": "party_size"}) == (
        "Went on with the customer's booking request."
    )
    assert describe({"type": "timeout"}) == "The turn ran out of time."
    assert describe({"type": "final", "text": "Hello"}) == ""


def test_a_tool_step_says_what_it_looked_for_and_what_it_found():
    step = {"type": "tool", "tool": "order_status", "args": {"reference": "A-1"}, "found": False, "failed": False,
            "result": "No order A-1.", "chosen_by": "model"}  # fmt: skip
    assert describe(step) == (
        "Looked up the customer's orders (order_status: A-1) and found nothing. No order A-1. Chosen by the model."
    )


def test_the_steps_are_told_in_the_operators_language():
    with translation.override("fr"):
        assert describe({"type": "timeout"}) == "Le tour a manqué de temps."
        assert describe({"type": "tool", "tool": "search_catalogue", "args": {"query": "pain"}, "found": True,
                         "result": "Pain de seigle", "chosen_by": "server"}) == (
            "A cherché dans le catalogue (search_catalogue: pain) et a trouvé : Pain de seigle Choisi par les règles."
        )  # fmt: skip
