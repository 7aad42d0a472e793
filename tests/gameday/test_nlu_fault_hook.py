"""The game day's NLU latency hook: off unless NLU_FAULT_DELAY_FILE names a file."""

from pathlib import Path

import pytest

from todo_backend.nlu.pipeline import injected_model_delay


def test_no_delay_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NLU_FAULT_DELAY_FILE", raising=False)
    assert injected_model_delay() == 0.0


def test_the_delay_is_read_from_the_file_on_every_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    delay = tmp_path / "delay"
    monkeypatch.setenv("NLU_FAULT_DELAY_FILE", str(delay))
    assert injected_model_delay() == 0.0  # no file yet
    delay.write_text("2.5\n")
    assert injected_model_delay() == 2.5
    delay.write_text("not a number")
    assert injected_model_delay() == 0.0
    delay.write_text("0")
    assert injected_model_delay() == 0.0
