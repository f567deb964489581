"""Talk to a business's agent from the terminal, through the same inbound, turn and outbox code as a webhook."""

from __future__ import annotations

import getpass
import logging

from django.core.management.base import BaseCommand, CommandError, CommandParser

from business.models import Business
from config.celery import app as celery_app
from conversations.choices import numbered_text, stored_choices
from conversations.models import ChannelConnection, Conversation, Message

from ...playground.connection import playground_connection, store_playground_message


class Command(BaseCommand):
    help = "Chat with a business's agent in the terminal (interactive), or send one --message and print the reply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The business's slug, e.g. demo-bakery.")
        parser.add_argument("--message", "-m", help="Send this one message, print the reply and exit.")
        parser.add_argument("--customer", default=f"terminal-{getpass.getuser()}", help="Who you are to the agent.")
        parser.add_argument("--new", action="store_true", help="Close the current conversation and start afresh.")

    def handle(self, *args, slug: str, message: str | None, customer: str, new: bool, **options) -> None:
        business = Business.objects.filter(slug=slug).first()
        if business is None:
            raise CommandError(f"no business with slug {slug!r}")
        connection = playground_connection(business)
        if new:
            Conversation.objects.filter(connection=connection, contact__platform_user_id=customer).exclude(
                status=Conversation.Status.CLOSED
            ).update(status=Conversation.Status.CLOSED)
        if options["verbosity"] < 2:
            # The worker's task and model logs would drown the conversation; -v 2 shows them.
            logging.getLogger().setLevel(logging.WARNING)
        if message is not None:
            self.stdout.write(self.turn(connection, customer, message))
            return
        self.stdout.write(f"Chatting with {business.name}'s agent. An empty line or Ctrl-D ends.")
        while True:
            try:
                text = input("you> ").strip()
            except EOFError:
                break
            if not text:
                break
            self.stdout.write(f"{business.name}> {self.turn(connection, customer, text)}")

    def turn(self, connection: ChannelConnection, customer: str, text: str) -> str:
        # The turn runs in this process (a worker need not be running); the code path is the webhook's.
        # Only for this turn: a process that calls the command (a test) keeps sending work to the worker.
        eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
        try:
            inbound = store_playground_message(connection, customer, text)
        finally:
            celery_app.conf.task_always_eager = eager
        reply = Message.objects.filter(reply_to=inbound).first()
        if reply is None:
            status = Conversation.objects.get(pk=inbound.conversation_id).get_status_display()
            raise CommandError(f"no reply: the conversation is '{status}'. Use --new to start a new one.")
        # No buttons in a terminal: the choices as the numbered lines the playground sends, answered by number.
        offered = stored_choices(reply)
        return numbered_text(reply.text, offered) if offered else reply.text
