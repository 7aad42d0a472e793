"""The short game day inside `make test`: a kill, a sidecar kill, both stores and the
webhook stopped or slowed, then the ledger.

The full one is `make gameday` (bench/gameday.py); this runs the same driver with
`Plan.short()` (fewer clients, shorter outages) on a system of its own.
"""

import asyncio

import pytest

from bench.gameday import Plan, run_game_day, verdict

pytestmark = pytest.mark.e2e


def test_short_game_day_loses_duplicates_and_reorders_nothing() -> None:
    report = asyncio.run(run_game_day(Plan.short(), short=True))
    faults = [window["fault"] for window in report["windows"]]
    assert faults == [
        "kill -9 backend",
        "kill -9 websocket-2-daprd",
        "stop redis 8s",
        "stop postgresql 8s",
        "webhook latency 8s for 20s",
    ]
    total = report["total"]
    # The traffic was real: writes acknowledged, events fanned out, reminders due.
    assert total["acknowledged"] > 100
    assert total["events"]["expected_deliveries"] > 500
    assert total["reminders"]["due"] > 10
    assert report["clients"]["count"] >= 100
    assert verdict(report) == []
