"""Readiness: the scheduler must answer through the sidecar."""

from typing import cast

import pytest

from tests.unit.reminders.fake_dapr import FakeDapr
from todo_common.dapr.client import DaprClient, DaprError
from todo_reminders.main import SchedulerProbe


async def test_scheduler_probe_is_ok_when_the_scheduler_answers_not_found() -> None:
    assert await SchedulerProbe(cast(DaprClient, FakeDapr()))() is True


async def test_scheduler_probe_fails_while_the_scheduler_is_unreachable() -> None:
    probe = SchedulerProbe(cast(DaprClient, FakeDapr(scheduler_down=True)))
    with pytest.raises(DaprError):  # the health registry reports a raising probe as failing
        await probe()
