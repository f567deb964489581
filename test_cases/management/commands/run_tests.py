"""`run_tests SLUG [--draft] [--junit FILE]`: a business's test cases against its live agent or its draft, for CI.

Each case runs as test_cases/running.py runs it (rolled back, nothing sent); the command exits with 1 when a
case fails, so that a business's own CI can check its configuration. The JUnit XML file has one testcase
per case, its failure's message the reasons.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from business.drafts import draft_of
from business.models import Business
from test_cases.models import Case
from test_cases.running import CaseResult, run_case


class Command(BaseCommand):
    help = "Run a business's test cases against its live agent, or with --draft against its draft."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--draft", action="store_true", help="run them against the business's draft")
        parser.add_argument("--junit", type=Path, help="write the results to this file as JUnit XML")

    def handle(self, *args, slug: str, draft: bool, junit: Path | None, **options) -> None:
        business = Business.objects.filter(slug=slug).first()
        if business is None:
            raise CommandError(f"no business with slug {slug!r}")
        # Staff read the business's main language, as in their emails.
        with translation.override(business.language):
            failed = self._run(business, draft, junit)
        if failed:
            raise CommandError(
                translation.ngettext("%(count)d test case failed.", "%(count)d test cases failed.", failed)
                % {"count": failed},
                returncode=1,
            )

    def _run(self, business: Business, draft: bool, junit: Path | None) -> int:
        if business.draft_of_id is not None:
            raise CommandError(
                _("%(slug)s is a draft: run its live business's tests with --draft.") % {"slug": business.slug}
            )
        target = draft_of(business) if draft else business
        if target is None:
            raise CommandError(_("This business has no draft: open one in the console first."))
        cases = list(Case.objects.filter(business=business).prefetch_related("turns"))
        results: list[tuple[CaseResult, float]] = []
        for case in cases:
            started = time.perf_counter()
            result = run_case(case, target)
            results.append((result, time.perf_counter() - started))
            self._print(result)
        failed = sum(not result.passed for result, _seconds in results)
        self.stdout.write(
            translation.ngettext(
                "%(passed)d of %(count)d test case passed against %(target)s.",
                "%(passed)d of %(count)d test cases passed against %(target)s.",
                len(results),
            )
            % {"passed": len(results) - failed, "count": len(results), "target": target.slug}
        )
        if junit is not None:
            junit.write_bytes(junit_xml(target, results))
        return failed

    def _print(self, result: CaseResult) -> None:
        if result.passed:
            self.stdout.write(self.style.SUCCESS(_("PASS")) + f" {result.name}")
            return
        self.stdout.write(self.style.ERROR(_("FAIL")) + f" {result.name}")
        for reason in result.reasons:
            self.stdout.write(f"    {reason}")


def junit_xml(target: Business, results: list[tuple[CaseResult, float]]) -> bytes:
    """One testsuite, one testcase per case; a failed case's failure message is its reasons, its text the replies."""
    suite = ElementTree.Element(
        "testsuite",
        name=target.slug,
        tests=str(len(results)),
        failures=str(sum(not result.passed for result, _seconds in results)),
        errors="0",
        time=f"{sum(seconds for _result, seconds in results):.3f}",
    )
    for result, seconds in results:
        case = ElementTree.SubElement(suite, "testcase", classname=target.slug, name=result.name, time=f"{seconds:.3f}")
        if not result.passed:
            failure = ElementTree.SubElement(case, "failure", message="; ".join(result.reasons))
            failure.text = "\n".join(
                f"{number}. {turn.said}\n   → {turn.reply if turn.reply is not None else '—'}"
                for number, turn in enumerate(result.turns, start=1)
            )
    return ElementTree.tostring(suite, encoding="utf-8", xml_declaration=True)
