"""Session 7: one of the user's lists asked for by name ("what is on the list for costco") and
tasks named by their tag ("everything tagged home") are list requests; somebody else's agenda
or schedule is not."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("show the list for the party", "party"),
        ("what is on the list for costco", "costco"),
        ("read me what's on the list for the trip", "trip"),
        ("everything tagged home", "home"),
        ("show me everything tagged work", "work"),
    ],
)
def test_a_list_asked_for_by_name_lists_its_tag(pipeline: NluPipeline, text: str, tag: str) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.LIST_TASKS
    assert result.entities.tags == (tag,)


@pytest.mark.parametrize(
    "text",
    [
        "what's on the agenda for the board meeting",
        "show me the schedule for the olympics",
        "everything changed when i moved",
    ],
)
def test_somebody_elses_list_is_no_list_request(pipeline: NluPipeline, text: str) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent is Intent.OUT_OF_SCOPE
