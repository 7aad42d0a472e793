"""The game day ledger's classification, on recorded facts (no system needed)."""

from bench.gameday_ledger import GONE, Ledger, TaskHistory, TaskState, Window, fault_at

WINDOWS = [Window("kill -9 backend", 10.0, 20.0), Window("stop redis 20s", 30.0, 60.0)]


def test_fault_at_names_the_window_or_baseline() -> None:
    assert fault_at(WINDOWS, 5.0) == "baseline"
    assert fault_at(WINDOWS, 10.0) == "kill -9 backend"
    assert fault_at(WINDOWS, 20.0) == "baseline"
    assert fault_at(WINDOWS, 59.9) == "stop redis 20s"


def test_an_acknowledged_write_missing_from_the_database_is_lost_in_its_window() -> None:
    ledger = Ledger(WINDOWS)
    history = TaskHistory("t1", "alice")
    history.record("ok", TaskState(True, "a", False), 1.0)
    history.record("ok", TaskState(True, "b", False), 12.0)
    ledger.check_writes([history], {"t1": TaskState(True, "a", False)})
    report = ledger.report()
    assert report["per_fault"]["kill -9 backend"]["writes"]["lost"] == 1
    assert report["total"]["writes"]["lost"] == 1
    assert report["findings"][0]["kind"] == "lost_write"


def test_an_indeterminate_write_after_the_last_ack_may_explain_the_state() -> None:
    ledger = Ledger(WINDOWS)
    deleted = TaskHistory("t1", "alice")
    deleted.record("ok", TaskState(True, "a", False), 1.0)
    deleted.record("info", GONE, 12.0)  # no answer: maybe deleted
    kept = TaskHistory("t2", "alice")
    kept.record("ok", TaskState(True, "x", False), 1.0)
    kept.record("info", GONE, 12.0)
    refused = TaskHistory("t3", "alice")
    refused.record("ok", TaskState(True, "y", False), 1.0)
    refused.record("fail", GONE, 13.0)  # a definite refusal changes nothing
    ledger.check_writes([deleted, kept, refused], {"t2": TaskState(True, "x", False)})
    assert ledger.report()["total"]["writes"]["lost"] == 1  # only t3
    assert ledger.findings[0]["task_id"] == "t3"


def test_a_create_never_acknowledged_promises_nothing() -> None:
    ledger = Ledger(WINDOWS)
    history = TaskHistory("t1", "alice")
    history.record("info", TaskState(True, "a", False), 1.0)
    ledger.check_writes([history], {})
    assert ledger.report()["total"]["writes"]["lost"] == 0


def test_events_lost_duplicated_and_out_of_order_per_event_time() -> None:
    ledger = Ledger(WINDOWS)
    log = {1: 1.0, 2: 11.0, 3: 12.0, 4: 35.0, 5: 36.0}
    ledger.check_events("alice/0", [1, 3, 2, 3, 5], log)
    report = ledger.report()
    assert report["per_fault"]["kill -9 backend"]["events"] == {
        "expected_deliveries": 2,
        "lost": 0,
        "duplicates": 1,
        "out_of_order": 1,
    }
    assert report["per_fault"]["stop redis 20s"]["events"]["lost"] == 1  # seq 4
    assert report["total"]["events"]["expected_deliveries"] == 5


def test_a_clean_client_counts_nothing_but_its_deliveries() -> None:
    ledger = Ledger(WINDOWS)
    ledger.check_events("bob/0", [3, 4], {1: 1.0, 2: 2.0, 3: 3.0, 4: 4.0}, after_seq=2)
    events = ledger.report()["total"]["events"]
    assert events == {"expected_deliveries": 2, "lost": 0, "duplicates": 0, "out_of_order": 0}


def test_reminders_late_lost_and_duplicated_on_clients_and_webhook() -> None:
    ledger = Ledger(WINDOWS)
    ledger.check_reminder(
        "r1", 31.0, per_client={"a/0": [31.5], "a/1": [39.0, 40.0]}, webhook=[32.0],
        late_after=5.0,
    )  # fmt: skip
    ledger.check_reminder("r2", 32.0, per_client={"a/0": []}, webhook=[], late_after=5.0)
    ledger.check_reminder("r3", 1.0, per_client={"a/0": [9.0]}, webhook=[2.0, 3.0], late_after=5.0)
    report = ledger.report()
    redis = report["per_fault"]["stop redis 20s"]["reminders"]
    assert (redis["due"], redis["lost"], redis["duplicates"], redis["webhook_lost"]) == (2, 1, 1, 1)
    assert redis["late"] == 0 and redis["lateness_seconds"]["max"] == 0.5
    baseline = report["per_fault"]["baseline"]["reminders"]
    assert baseline["late"] == 1 and baseline["webhook_duplicates"] == 1
    assert baseline["lateness_seconds"]["max"] == 8.0


def test_operations_are_counted_by_outcome_and_answer() -> None:
    ledger = Ledger(WINDOWS)
    ledger.operation(at=35.0, outcome="ok", answer="2xx")
    ledger.operation(at=36.0, outcome="info", answer="503_json_retry_after")
    ledger.operation(at=37.0, outcome="fail", answer="4xx")
    counts = ledger.report()["per_fault"]["stop redis 20s"]
    assert (counts["acknowledged"], counts["indeterminate"], counts["refused"]) == (1, 1, 1)
    assert counts["answers"] == {"2xx": 1, "4xx": 1, "503_json_retry_after": 1}


def test_operations_recorded_before_their_window_closes_count_in_it() -> None:
    windows: list[Window] = []
    ledger = Ledger(windows)
    ledger.operation(at=12.0, outcome="info", answer="dropped")  # the fault is running
    windows.append(Window("kill -9 backend", 10.0, 20.0))  # ... and ends
    assert ledger.report()["per_fault"]["kill -9 backend"]["answers"] == {"dropped": 1}
