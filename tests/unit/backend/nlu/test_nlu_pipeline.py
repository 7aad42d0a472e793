from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from structlog.testing import capture_logs

from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline

from .conftest import BERLIN, NOW

# The steps of shared/nlu-sample.jsonl, as the NLU must read them.
SAMPLE_STEPS = [
    ("add buy milk", Intent.ADD_TASK, {"title": "buy milk"}),
    (
        "remind me to call mom tomorrow at 5pm",
        Intent.SET_REMINDER,
        {"title": "call mom", "remind_at": datetime(2026, 11, 24, 17, 0, tzinfo=BERLIN)},
    ),
    (
        "I need to submit the report by friday, high priority",
        Intent.ADD_TASK,
        {
            "title": "submit the report",
            "priority": "high",
            "due_at": datetime(2026, 11, 27, 23, 59, tzinfo=BERLIN),
        },
    ),
    (
        "water the plants every monday at 8am",
        Intent.ADD_TASK,
        {
            "title": "water the plants",
            "recurrence": "FREQ=WEEKLY;BYDAY=MO",
            "due_at": datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN),
        },
    ),
    (
        "add pay rent on the 1st of every month",
        Intent.ADD_TASK,
        {"title": "pay rent", "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1"},
    ),
    ("add book flights #travel", Intent.ADD_TASK, {"title": "book flights", "tags": ("travel",)}),
    ("mark buy milk as done", Intent.COMPLETE_TASK, {"reference": "buy milk"}),
    ("delete the dentist appointment", Intent.DELETE_TASK, {"reference": "dentist appointment"}),
    (
        "change clean garage to high priority",
        Intent.UPDATE_TASK,
        {"reference": "clean garage", "priority": "high"},
    ),
    ("show my high priority tasks", Intent.LIST_TASKS, {"priority": "high"}),
    ("add renew passport", Intent.ADD_TASK, {"title": "renew passport"}),
    (
        "actually make it due next monday",
        Intent.UPDATE_TASK,
        {"refers_to_context": True, "due_at": datetime(2026, 11, 30, 23, 59, tzinfo=BERLIN)},
    ),
    ("what's the weather like in Paris?", Intent.OUT_OF_SCOPE, {}),
    ("hi there", Intent.GREETING, {}),
]


@pytest.mark.parametrize(("message", "intent", "expected"), SAMPLE_STEPS)
def test_sample_conversation_steps(
    pipeline: NluPipeline, message: str, intent: Intent, expected: dict[str, object]
) -> None:
    result = pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert result.intent is intent
    for name, value in expected.items():
        assert getattr(result.entities, name) == value, name


def test_confident_model_decision_is_not_a_fallback(pipeline: NluPipeline) -> None:
    result = pipeline.parse("show me my todo list", now=NOW, timezone=BERLIN)
    assert result.intent is Intent.LIST_TASKS
    assert not result.fallback
    assert result.confidence >= pipeline.confidence_threshold


def test_low_confidence_falls_back_to_rules_and_logs(pipeline: NluPipeline) -> None:
    strict = NluPipeline(pipeline._classifier, confidence_threshold=1.01)
    with capture_logs() as logs:
        result = strict.parse("schedule a call with the bank", now=NOW, timezone=BERLIN)
    assert result.fallback
    assert result.intent is Intent.ADD_TASK
    events = [e for e in logs if e["event"] == "NLU_FALLBACK_TRIGGERED"]
    assert events and events[0]["reason"] == "low_confidence"
    assert events[0]["message_length"] == len("schedule a call with the bank")
    assert events[0]["intent"] == "add_task"


def test_unknown_input_is_out_of_scope(pipeline: NluPipeline) -> None:
    for message in ("what's 12 plus 30", "asdf qwerty zxcv", "tell me about dinosaurs"):
        assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is Intent.OUT_OF_SCOPE


def test_missing_model_runs_rules_only(tmp_path: Path) -> None:
    with capture_logs() as logs:
        rules_only = NluPipeline.create(model_path=str(tmp_path))
        result = rules_only.parse("mark buy milk as done", now=NOW, timezone=BERLIN)
        unknown = rules_only.parse("what's the weather like in Paris?", now=NOW, timezone=BERLIN)
    assert not rules_only.model_loaded
    assert rules_only.encoder is None
    assert (result.intent, result.fallback) == (Intent.COMPLETE_TASK, True)
    assert result.entities.reference == "buy milk"
    assert (unknown.intent, unknown.fallback) == (Intent.OUT_OF_SCOPE, True)
    failures = [e for e in logs if e["event"] == "NLU_MODEL_LOAD_FAILURE"]
    assert len(failures) == 1
    assert failures[0]["log_level"] == "error"
    fallbacks = [e for e in logs if e["event"] == "NLU_FALLBACK_TRIGGERED"]
    assert [e["reason"] for e in fallbacks] == ["model_unavailable", "model_unavailable"]


def test_missing_model_directory_does_not_raise(tmp_path: Path) -> None:
    rules_only = NluPipeline.create(model_path=str(tmp_path / "does-not-exist"))
    assert not rules_only.model_loaded
    assert rules_only.parse("add buy milk", now=NOW, timezone=BERLIN).entities.title == "buy milk"


def test_empty_message_is_out_of_scope(pipeline: NluPipeline) -> None:
    result = pipeline.parse("   ", now=NOW, timezone=BERLIN)
    assert (result.intent, result.fallback) == (Intent.OUT_OF_SCOPE, True)


def test_naive_now_is_wall_clock_time_in_the_timezone(pipeline: NluPipeline) -> None:
    new_york = ZoneInfo("America/New_York")
    result = pipeline.parse(
        "add call the bank tomorrow at 9am", now=datetime(2026, 11, 23, 22, 0), timezone=new_york
    )
    assert result.entities.due_at == datetime(2026, 11, 24, 9, 0, tzinfo=new_york)


def test_aware_now_in_another_zone_is_converted(pipeline: NluPipeline) -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    # 16:00 UTC on the 23rd is already the 24th in Tokyo.
    now_utc = datetime(2026, 11, 23, 16, 0, tzinfo=ZoneInfo("UTC"))
    result = pipeline.parse("add call the bank tomorrow", now=now_utc, timezone=tokyo)
    assert result.entities.due_at == datetime(2026, 11, 25, 23, 59, tzinfo=tokyo)


def test_parse_is_thread_safe(pipeline: NluPipeline) -> None:
    messages = [f"add buy {n} apples tomorrow" for n in range(12)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda m: pipeline.parse(m, now=NOW, timezone=BERLIN), messages))
    assert all(r.intent is Intent.ADD_TASK for r in results)
    assert results[3].entities.title == "buy 3 apples"


def test_very_long_messages_stay_fast(pipeline: NluPipeline) -> None:
    message = "remind me to " + "buy milk and eggs tomorrow at 5pm, " * 200
    started = datetime.now()
    pipeline.parse(message, now=NOW, timezone=BERLIN)
    assert datetime.now() - started < timedelta(seconds=2)
