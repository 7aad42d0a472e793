"""Live sync in the browser: reminders as toasts, and a websocket restart caught up exactly."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WEBSOCKET_FAILURE, Pages, new_user
from tests.browser.helpers import connection, task_in_group, task_rows

pytestmark = pytest.mark.e2e

# Records what the page hands to the Notification API (the real one still runs).
RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  window.__notifications = [];
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push({ title, body: options && options.body });
    }
  };
})();
"""


def test_a_reminder_due_in_3_seconds_shows_a_toast_and_a_notification(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    context = pages.context()
    context.grant_permissions(["notifications"])
    context.add_init_script(RECORD_NOTIFICATIONS)
    page = pages.signed_in(user, context=context)
    expect(page.get_by_role("button", name="Enable notifications")).to_be_hidden()

    remind_at = datetime.now(UTC) + timedelta(seconds=3)
    rest(user).post(
        "/api/tasks", json={"title": "stretch your legs", "remind_at": remind_at.isoformat()}
    ).raise_for_status()

    toast = page.locator(".toast-reminder")
    expect(toast).to_have_count(1, timeout=30_000)
    expect(toast.locator(".toast-title")).to_have_text("Reminder")
    expect(toast.locator(".toast-body")).to_have_text("stretch your legs")
    assert page.evaluate("() => window.__notifications") == [
        {"title": "Reminder", "body": "stretch your legs"}
    ]
    toast.get_by_role("button", name="Dismiss").click()
    expect(toast).to_have_count(0)


def test_the_page_reconnects_after_a_websocket_restart_and_catches_up_once(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    stack = pages.stack
    user = new_user()
    api = rest(user)
    page = pages.signed_in(user)
    seen = api.post("/api/tasks", json={"title": "before the outage"}).json()
    expect(task_rows(page, "before the outage")).to_have_count(1)
    expect(connection(page)).not_to_have_attribute("data-last-seq", "")
    seq_before = int(connection(page).get_attribute("data-last-seq") or 0)

    list_loads: list[str] = []
    page.on(
        "request",
        lambda request: list_loads.append(request.url) if "/api/tasks?" in request.url else None,
    )
    pages.allow_console(WEBSOCKET_FAILURE)
    stack.kill_instance("websocket")
    try:
        expect(connection(page)).to_have_attribute("data-state", "reconnecting")
        expect(connection(page).locator("#connection-text")).to_have_text("reconnecting…")
        # Changes while the page has no live connection.
        api.post("/api/tasks", json={"title": "during the outage", "tags": ["outage"]})
        api.post(f"/api/tasks/{seen['id']}/complete").raise_for_status()
        gone = api.post("/api/tasks", json={"title": "short-lived"}).json()
        api.delete(f"/api/tasks/{gone['id']}").raise_for_status()
        expect(task_rows(page, "during the outage")).to_have_count(0)
    finally:
        stack.start_instance("websocket")
        stack.wait_ready("websocket")

    expect(connection(page)).to_have_attribute("data-state", "connected", timeout=40_000)
    expect(task_rows(page, "during the outage")).to_have_count(1)
    expect(task_in_group(page, "done", "before the outage")).to_have_count(1)
    expect(task_rows(page, "short-lived")).to_have_count(0)
    # Resumed after its seq, not reloaded: exactly the 4 events it missed, no list fetch.
    expect(connection(page)).to_have_attribute("data-last-seq", str(seq_before + 4))
    assert list_loads == []
    assert int(connection(page).get_attribute("data-connects") or 0) >= 2
    # Nothing twice, and later changes keep arriving live.
    api.post("/api/tasks", json={"title": "after the outage"})
    expect(task_rows(page, "after the outage")).to_have_count(1)
    expect(task_rows(page, "during the outage")).to_have_count(1)
    expect(page.locator("#task-groups .task")).to_have_count(3)


def test_offline_is_shown_and_the_page_comes_back_by_itself(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    context = pages.context()
    page = pages.signed_in(user, context=context)
    pages.allow_console(WEBSOCKET_FAILURE)
    context.set_offline(True)
    expect(connection(page)).to_have_attribute("data-state", "offline")
    expect(connection(page).locator("#connection-text")).to_have_text("offline")
    context.set_offline(False)
    expect(connection(page)).to_have_attribute("data-state", "connected")
    rest(user).post("/api/tasks", json={"title": "back online"})
    expect(task_rows(page, "back online")).to_have_count(1)
