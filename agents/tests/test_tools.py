"""The tools on their own: each reads only the turn's business and customer."""

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agents.custom_tools import http_tools_dry_run
from agents.grounding import grounded_reply
from agents.models import HttpTool
from agents.prompts import system_message
from agents.tools import ToolResult, build_tools, tool_result
from business.models import Booking, Lead

from .conftest import ALWAYS_OPEN


def call(context, name, **args) -> ToolResult:
    tools = {tool.name: tool for tool in build_tools(context)}
    return tool_result(tools[name].invoke(args))


def test_no_tool_lets_the_model_choose_a_business_or_a_customer(turn_context):
    for tool in build_tools(turn_context):
        properties = set(tool.tool_call_schema.model_json_schema().get("properties", {}))
        assert not properties & {"business", "business_id", "customer", "customer_id", "contact", "conversation"}, (
            tool.name
        )


def test_knowledge_is_found_with_the_customers_own_words(turn_context):
    result = call(turn_context, "search_knowledge", query="Are you delivering?")
    assert result.found and result.answer == "Yes, we deliver within 5 km for 3.50 EUR."


def test_documents_are_searched_too(turn_context):
    result = call(turn_context, "search_knowledge", query="can I return something?")
    assert "14 days" in result.content


def test_a_question_the_knowledge_does_not_cover_finds_nothing(turn_context):
    assert not call(turn_context, "search_knowledge", query="bicycle repairs").found


def test_the_catalogue_gives_price_currency_and_availability(turn_context):
    assert call(turn_context, "search_catalogue", query="oat milk").answer == "Oat milk: €2.10, in stock."
    assert (
        call(turn_context, "search_catalogue", query="olive oil").answer == "Olive oil: €9.80, sold out at the moment."
    )


def test_business_info_says_whether_it_is_open_now_in_its_own_timezone(turn_context):
    turn_context.business.opening_hours = ALWAYS_OPEN
    assert call(turn_context, "business_info").answer.startswith("We are open now.")
    turn_context.business.opening_hours = {}
    assert call(turn_context, "business_info").answer.startswith("We are closed now.")


def test_business_info_answers_the_day_asked_about(turn_context):
    # When the day asked about is today where the business is, a sentence on right now follows.
    assert call(turn_context, "business_info", day="saturday").answer.startswith(
        "On Saturday we are open 10:00 AM–1:00 PM."
    )
    assert call(turn_context, "business_info", day="sunday").answer.startswith("On Sunday we are closed.")
    assert call(turn_context, "business_info", topic="address").answer == "We are at 3 place du Marché, Paris."


def test_business_info_about_today_says_whether_it_is_open_right_now(turn_context):
    turn_context.business.opening_hours = ALWAYS_OPEN
    assert call(turn_context, "business_info", day="today").answer.endswith("We are open right now.")


def test_order_status_answers_for_the_customers_own_order(turn_context):
    result = call(turn_context, "order_status", reference="#a-1042")
    assert result.found and "A-1042 is shipped" in result.answer


def test_an_order_reply_must_give_the_status_not_only_the_reference(turn_context):
    result = call(turn_context, "order_status", reference="A-1042")
    question = "Where is my order A-1042?"
    # A draft the 135M model wrote for the demo's order: the reference right, the status made up.
    assert grounded_reply("You've collected the order A-1042.", [result], question) == (result.answer, False)
    assert grounded_reply("Your order A-1042 is shipped.", [result], question) == (
        "Your order A-1042 is shipped.",
        True,
    )


def test_a_reply_about_a_sold_out_item_must_say_it_is_sold_out(turn_context):
    result = call(turn_context, "search_catalogue", query="olive oil")
    question = "Do you have olive oil?"
    assert grounded_reply("Yes, olive oil is 9.80 EUR.", [result], question) == (result.answer, False)
    assert grounded_reply("Sorry, the olive oil is sold out.", [result], question)[1]


def test_another_customers_order_is_not_found(turn_context):
    result = call(turn_context, "order_status", reference="A-2077")
    assert not result.found and "preparing" not in result.content.lower()


def test_another_businesss_order_is_not_found(turn_context, rival):
    result = call(turn_context, "order_status", reference="B-3001")
    assert not result.found and "cancelled" not in result.content.lower()


def test_a_booking_is_written_for_staff_to_see(turn_context):
    result = call(turn_context, "create_booking", day="2030-06-01", hour="11:00", party_size=2, notes="window seat")
    booking = Booking.objects.get()
    assert result.found and booking.customer == turn_context.contact.customer and booking.party_size == 2
    assert f"booking:{booking.pk}" in turn_context.records


def test_a_booking_when_closed_is_refused_with_the_hours(turn_context):
    result = call(turn_context, "create_booking", day="2030-06-02", hour="11:00")  # a Sunday
    assert not result.found and "closed" in result.answer and not Booking.objects.exists()


def test_a_lead_is_written_for_staff(turn_context):
    call(turn_context, "capture_lead", interest="catering for 40 people", contact_detail="alex@example.com")
    assert Lead.objects.get().interest == "catering for 40 people"


def test_handoff_records_the_reason_for_the_turn(turn_context):
    call(turn_context, "handoff_to_human", reason="wants a refund")
    assert turn_context.handoff_reason == "wants a refund"


def test_only_enabled_tools_are_offered_and_handoff_always_is(turn_context):
    names = {tool.name for tool in build_tools(turn_context, enabled=["search_catalogue"])}
    assert names == {"search_catalogue", "handoff_to_human"}


class ToolServer:
    def __init__(self) -> None:
        self.requests: list[tuple[dict, bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append((dict(self.headers), body))
                answer = json.dumps({"in_stock": 12}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/stock"


@pytest.fixture
def tool_server():
    server = ToolServer()
    yield server
    server.http.shutdown()


@pytest.fixture
def stock_tool(turn_context, tool_server):
    return HttpTool.objects.create(
        business=turn_context.business,
        name="check_stock",
        description="How many of a product are in stock.",
        parameters={"type": "object", "properties": {"product": {"type": "string"}}, "required": ["product"]},
        url=tool_server.url,
        signing_secret="tool-secret",
    )


def test_a_custom_http_tool_is_called_with_a_signed_request(turn_context, stock_tool, tool_server, settings):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = True
    result = call(turn_context, "check_stock", product="oat milk")
    [(headers, body)] = tool_server.requests
    assert json.loads(body) == {"tool": "check_stock", "arguments": {"product": "oat milk"}}
    assert headers["X-Parley-Signature"] == "sha256=" + hmac.new(b"tool-secret", body, hashlib.sha256).hexdigest()
    assert json.loads(result.content) == {"in_stock": 12}


def test_a_custom_tool_in_a_dry_run_sends_nothing_and_says_so(turn_context, stock_tool, tool_server, settings):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = True
    with http_tools_dry_run():
        result = call(turn_context, "check_stock", product="oat milk")
    assert tool_server.requests == []
    assert result.content == "Test run: check_stock was not called, nothing was sent."
    call(turn_context, "check_stock", product="oat milk")
    assert len(tool_server.requests) == 1


def test_a_custom_tool_named_by_host_is_called_with_its_name(turn_context, stock_tool, tool_server, settings):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = ["localhost"]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = True
    port = tool_server.http.server_address[1]
    stock_tool.url = f"http://localhost:{port}/stock"
    stock_tool.save()
    # localhost may resolve to ::1 first, where the tool server does not listen: 127.0.0.1 is tried next.
    assert json.loads(call(turn_context, "check_stock", product="oat milk").content) == {"in_stock": 12}
    [(headers, _)] = tool_server.requests
    assert headers["Host"] == f"localhost:{port}"


def test_a_tool_hosts_dns_answer_changing_after_the_check_cannot_send_the_call_here(
    turn_context, stock_tool, tool_server, settings, monkeypatch
):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = ["stock.tools.test"]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = False
    port = tool_server.http.server_address[1]
    stock_tool.url, stock_tool.timeout_seconds = f"http://stock.tools.test:{port}/stock", 1
    stock_tool.save()
    # DNS rebinding: the name resolves to a public address when checked, then to this machine.
    answers, resolve = iter(["93.184.216.34"]), socket.getaddrinfo

    def dns(host, port, *args, **kwargs):
        if host != "stock.tools.test":
            return resolve(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), port))]

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    result = call(turn_context, "check_stock", product="oat milk")
    assert tool_server.requests == [] and "did not answer" in result.content


def test_the_prompt_lists_a_custom_tool_with_its_arguments(turn_context, stock_tool):
    tools = build_tools(turn_context)
    prompt = system_message(turn_context.business, turn_context.business.agent_config, tools).content
    assert '- check_stock({"product": {"type": "string"}}): How many of a product are in stock.' in prompt
    assert "- search_catalogue(" in prompt


def test_a_custom_tool_off_the_allow_list_is_not_called(turn_context, stock_tool, tool_server, settings):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = ["tools.example.com"]
    result = call(turn_context, "check_stock", product="oat milk")
    assert tool_server.requests == [] and "allow-list" in result.content


def test_a_custom_tool_on_a_local_address_is_refused_unless_configured(turn_context, stock_tool, tool_server, settings):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = False
    result = call(turn_context, "check_stock", product="oat milk")
    assert tool_server.requests == [] and "private or local" in result.content


def test_a_draft_answering_one_part_of_a_compound_question_is_not_kept(turn_context):
    result = call(turn_context, "search_catalogue", query="How much are the oat milk and the olive oil?")
    assert result.parts == (("€2.10",), ("sold out",))
    question = "How much are the oat milk and the olive oil?"
    assert grounded_reply("Oat milk is €2.10.", [result], question) == (result.answer, False)
    assert grounded_reply("Oat milk is €2.10; olive oil is sold out.", [result], question)[1]


def test_the_reply_holds_each_result_once():
    hours = ToolResult(content="", facts=("8:00 AM–12:30 PM",), answer="On Sunday we are open 8:00 AM–12:30 PM.")
    delivery = ToolResult(content="", facts=("within Lyon",), answer="We deliver within Lyon.")
    again = ToolResult(content="", facts=("8:00 AM–12:30 PM",), answer="Sunday: 8:00 AM–12:30 PM.")
    reply, kept = grounded_reply("", [hours, delivery, again], "Sunday hours and delivery?")
    assert (reply, kept) == ("On Sunday we are open 8:00 AM–12:30 PM. We deliver within Lyon.", False)
