"""The evaluator's own helpers (no model, no app): which stored task an expectation is about."""

from todo_backend.nlu.tools.evaluate import locate_task


def test_an_expectation_without_a_title_is_about_the_one_task_changed() -> None:
    before = [{"id": "1", "title": "yoga", "recurrence": None}]
    after = [{"id": "1", "title": "yoga", "recurrence": "FREQ=WEEKLY"}]
    assert locate_task({"recurrence": "FREQ=WEEKLY"}, before, after) == after[0]


def test_an_expectation_with_a_title_is_about_that_task() -> None:
    before = [{"id": "1", "title": "yoga"}]
    after = [*before, {"id": "2", "title": "swim"}]
    assert locate_task({"title": "yoga"}, before, after) == before[0]
    assert locate_task({"title": "run"}, before, after) == after[1]
