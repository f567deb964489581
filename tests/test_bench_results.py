"""`make bench` rewrites bench/results.md and keeps its section of figures measured by hand."""

from bench.__main__ import BENCH_DIR, KEPT_BY_HAND, kept_by_hand


def test_the_bench_keeps_the_section_measured_by_hand_when_it_rewrites_its_results(tmp_path):
    output = tmp_path / "results.md"
    assert kept_by_hand(output) == ""
    output.write_text("# Parley benchmark results\n\n| old table |\n" + KEPT_BY_HAND + "\n| where | measured |\n")
    assert kept_by_hand(output) == KEPT_BY_HAND + "\n| where | measured |\n"


def test_the_repository_results_carry_the_section_measured_by_hand():
    assert KEPT_BY_HAND in (BENCH_DIR / "results.md").read_text()
