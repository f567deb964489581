from datetime import UTC, datetime

import pytest

from channels.timestamps import from_unix_time


def test_seconds_and_milliseconds_name_the_same_moment():
    moment = datetime(2025, 6, 13, 11, 5, 45, tzinfo=UTC)
    assert from_unix_time(1749812745) == moment
    assert from_unix_time("1749812745") == moment
    assert from_unix_time(1749812745000, units_per_second=1000) == moment


@pytest.mark.parametrize(
    "value", [None, 0, "", "soon", True, [], 10**20, -(10**20), float("nan"), float("inf"), "1e400"]
)
def test_what_is_no_time_gives_none_rather_than_an_error(value):
    assert from_unix_time(value) is None
