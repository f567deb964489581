"""Enqueue again what the broker lost (see conversations/sweeper.py); Celery beat runs the same every minute."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from conversations.sweeper import sweep_unfinished_work


class Command(BaseCommand):
    help = "Enqueue unanswered customer messages and unsent replies again; settle replies whose sender died."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep_unfinished_work()
        self.stdout.write(
            f"turns enqueued: {result.turns}, replies enqueued: {result.replies}, "
            f"interrupted sends settled: {result.interrupted}"
        )
