"""The game day's and the soak's verdicts, on hand-made reports (no system needed)."""

from typing import Any

from bench.gameday import classify, verdict
from bench.soak import bounds, minute_latencies, rss_growth


def counts(**answers: int) -> dict[str, Any]:
    return {
        "answers": answers,
        "writes": {"lost": 0},
        "events": {"expected_deliveries": 5, "lost": 0, "duplicates": 0, "out_of_order": 0},
        "reminders": {
            "due": 1, "lost": 0, "duplicates": 0, "webhook_lost": 0, "webhook_duplicates": 0,
        },
    }  # fmt: skip


def game_day_report(**per_fault: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": counts(),
        "per_fault": per_fault,
        "probes": {"stop postgresql 20s": {"ready": {"503": 30, "200": 5}, "live": {"200": 35}}},
    }


def test_answers_are_classified_as_the_ledger_counts_them() -> None:
    assert classify(None, {}, None) == "dropped"
    assert classify(503, {"Retry-After": "2"}, {"detail": "x"}) == "503_json_retry_after"
    assert classify(503, {}, {"detail": "x"}) == "503_other"
    assert classify(503, {"Retry-After": "2"}, None) == "503_other"
    assert classify(500, {}, None) == "5xx_500"
    assert classify(201, {}, {}) == "2xx"
    assert classify(404, {}, {}) == "4xx"


def test_a_clean_game_day_has_no_problems() -> None:
    report = game_day_report(**{"stop postgresql 20s": counts(**{"503_json_retry_after": 9})})
    assert verdict(report) == []


def test_anything_but_503_json_while_postgresql_is_away_is_a_problem() -> None:
    report = game_day_report(
        **{"stop postgresql 20s": counts(**{"5xx_500": 3, "chat_dropped": 1, "2xx": 4})}
    )
    (problem,) = verdict(report)
    assert "5xx_500" in problem and "chat_dropped" in problem and "2xx" not in problem


def test_loss_and_a_readiness_that_never_failed_are_problems() -> None:
    report = game_day_report(**{"stop postgresql 20s": counts()})
    report["total"]["events"]["lost"] = 2
    report["total"]["reminders"]["webhook_duplicates"] = 1
    report["probes"]["stop postgresql 20s"]["ready"] = {"200": 35}
    assert verdict(report) == [
        "events lost: 2",
        "reminders webhook_duplicates: 1",
        "stop postgresql 20s: readiness never failed",
    ]


def test_minute_latencies_leave_out_set_up_calls_and_split_by_kind() -> None:
    calls = [(99.0, 9.0, "2xx", "rest"), (100.0, 0.01, "2xx", "rest"),
             (130.0, 0.03, "2xx", "rest"), (161.0, 0.02, "2xx", "rest"),
             (101.0, 0.5, "2xx", "chat")]  # fmt: skip
    rest = minute_latencies(calls, 100.0, "rest")
    assert [(m["minute"], m["calls"], m["p99_ms"]) for m in rest] == [(0, 2, 30.0), (1, 1, 20.0)]
    assert [m["calls"] for m in minute_latencies(calls, 100.0, "chat")] == [1]


def test_rss_growth_compares_the_end_of_warm_up_with_the_last_minute() -> None:
    samples = [(0.0, {"backend": 100.0}), (120.0, {"backend": 200.0}),
               (560.0, {"backend": 204.0}), (600.0, {"backend": 212.0})]  # fmt: skip
    growth = rss_growth(samples, 0.0)["backend"]
    assert growth == {"after_warm_up_mib": 200.0, "last_minute_mib": 208.0, "growth": 0.04}


def soak_report(first_p99: float, last_p99: float, growth: float) -> dict[str, Any]:
    minutes = [{"minute": m, "calls": 600, "p50_ms": 5.0, "p99_ms": first_p99} for m in range(9)]
    minutes[-2]["p99_ms"] = last_p99
    return {
        "total": counts(**{"2xx": 100}),
        "clients": {"disconnects": {}},
        "latency_per_minute": {"rest": minutes, "chat": []},
        "rss": {"backend": {"growth": growth}},
    }


def test_soak_bounds_hold_for_a_steady_run() -> None:
    assert bounds(soak_report(first_p99=40.0, last_p99=75.0, growth=0.01)) == []


def test_soak_bounds_catch_p99_growth_errors_and_memory() -> None:
    report = soak_report(first_p99=40.0, last_p99=90.0, growth=0.06)
    report["total"]["answers"]["5xx_502"] = 1
    problems = bounds(report)
    assert problems[0] == "errors: {'5xx_502': 1}"
    assert problems[1].startswith("rest p99 grew: minute 0 40.0 ms -> minute 7 90.0 ms")
    assert problems[2] == "backend RSS grew 6.0% after warm-up"
