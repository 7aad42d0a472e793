"""The model's time budget: a stalled model hands the message to the rules in time."""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import MODEL_QUEUE, NluPipeline

from .conftest import BERLIN, NOW


@pytest.fixture(scope="module")
def budgeted() -> NluPipeline:
    loaded = NluPipeline.create(model_budget_seconds=0.3)
    assert loaded.model_loaded
    return loaded


def test_a_model_within_budget_decides(budgeted: NluPipeline) -> None:
    result = budgeted.parse("add buy milk", now=NOW, timezone=BERLIN)
    assert result.intent is Intent.ADD_TASK and not result.fallback


def test_a_stalled_model_falls_back_to_the_rules_within_the_budget(
    budgeted: NluPipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stall = tmp_path / "delay"
    stall.write_text("2")
    monkeypatch.setenv("NLU_FAULT_DELAY_FILE", str(stall))
    started = time.perf_counter()
    result = budgeted.parse("add buy milk", now=NOW, timezone=BERLIN)
    assert time.perf_counter() - started < 1.5  # the budget (0.3 s), not the stall (2 s)
    assert result.fallback and result.intent is Intent.ADD_TASK  # the rules still read it
    # Messages arriving while the model is stuck do not pile up behind it either.
    with ThreadPoolExecutor(MODEL_QUEUE * 2) as pool:
        started = time.perf_counter()
        results = list(
            pool.map(
                lambda _: budgeted.parse("add buy eggs", now=NOW, timezone=BERLIN),
                range(MODEL_QUEUE * 2),
            )
        )
    assert time.perf_counter() - started < 1.5
    assert all(r.fallback and r.intent is Intent.ADD_TASK for r in results)
