"""The task panel: groups, inline edit/complete/delete through REST, filters, keyboard only."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Pages, new_user
from tests.browser.helpers import task_in_group, task_rows

pytestmark = pytest.mark.e2e


def iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def test_tasks_are_grouped_and_show_priority_tags_due_and_recurrence(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    api = rest(user)
    api.post("/api/tasks", json={"title": "late invoice", "due_at": iso(-timedelta(hours=30))})
    api.post(
        "/api/tasks",
        json={
            "title": "gym",
            "due_at": iso(timedelta(days=3)),
            "recurrence": "FREQ=WEEKLY;BYDAY=MO,TH",
            "priority": "high",
            "tags": ["health"],
        },
    )
    api.post("/api/tasks", json={"title": "someday read", "priority": "low"})
    done = api.post("/api/tasks", json={"title": "old chore"}).json()
    api.post(f"/api/tasks/{done['id']}/complete")
    page = pages.signed_in(user)

    expect(task_in_group(page, "overdue", "late invoice")).to_have_count(1)
    gym = task_in_group(page, "upcoming", "gym")
    expect(gym).to_have_count(1)
    expect(gym.locator(".recurrence")).to_have_text("↻ every Monday and Thursday")
    expect(gym.locator(".badge")).to_have_text("high priority")
    expect(gym.locator(".tag")).to_have_text("#health")
    expect(task_in_group(page, "nodate", "someday read").locator(".badge")).to_have_text(
        "low priority"
    )
    expect(task_in_group(page, "done", "old chore")).to_have_count(1)
    expect(page.get_by_role("heading", level=3)).to_have_text(
        ["Overdue (1)", "Upcoming (1)", "No date (1)", "Done (1)"]
    )
    expect(page.locator("#task-count")).to_have_text("3 open · 1 done")


def test_edit_title_and_due_inline_with_the_keyboard_alone(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    api = rest(user)
    task = api.post("/api/tasks", json={"title": "call the bank"}).json()
    page = pages.signed_in(user)
    expect(task_rows(page, "call the bank")).to_have_count(1)

    # From the message box, Tab follows the layout: Send, then the task panel.
    page.get_by_label("Message", exact=True).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Search tasks")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Filter by tag")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Complete “call the bank”")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Edit “call the bank”")).to_be_focused()
    page.keyboard.press("Enter")

    title = page.get_by_label("Title")
    expect(title).to_be_focused()
    title.press("Control+a")
    page.keyboard.type("call the bank about the card")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Due")).to_be_focused()
    page.get_by_label("Due").fill("2031-05-06T14:30")
    page.keyboard.press("Enter")

    row = task_rows(page, "call the bank about the card")
    expect(row).to_have_count(1)
    expect(row.locator(".due")).to_contain_text("14:30")
    saved = api.get(f"/api/tasks/{task['id']}").json()
    assert saved["title"] == "call the bank about the card"
    # 14:30 in the browser's timezone (Europe/Berlin, summer time: UTC+2).
    assert datetime.fromisoformat(saved["due_at"]) == datetime(2031, 5, 6, 12, 30, tzinfo=UTC)
    expect(page.get_by_role("button", name="Edit “call the bank about the card”")).to_be_focused()

    # Complete with the keyboard: Space on the focused checkbox.
    page.get_by_role("checkbox", name="Complete “call the bank about the card”").focus()
    page.keyboard.press("Space")
    expect(task_in_group(page, "done", "call the bank about the card")).to_have_count(1)
    assert api.get(f"/api/tasks/{task['id']}").json()["completed"] is True


def test_escape_cancels_an_edit_and_delete_removes_the_task(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    api = rest(user)
    task = api.post("/api/tasks", json={"title": "sort photos"}).json()
    api.post("/api/tasks", json={"title": "print photos"})
    page = pages.signed_in(user)
    page.get_by_role("button", name="Edit “sort photos”").click()
    page.get_by_label("Title").fill("changed my mind")
    page.get_by_label("Title").press("Escape")
    expect(task_rows(page, "sort photos")).to_have_count(1)
    assert api.get(f"/api/tasks/{task['id']}").json()["title"] == "sort photos"

    other = pages.signed_in(user)
    page.get_by_role("button", name="Delete “sort photos”").focus()
    page.keyboard.press("Enter")
    expect(task_rows(page, "sort photos")).to_have_count(0)
    # The keyboard user's place is kept: focus moves to the neighbouring task.
    expect(page.get_by_role("checkbox", name="Complete “print photos”")).to_be_focused()
    expect(task_rows(other, "sort photos")).to_have_count(0)
    assert api.get(f"/api/tasks/{task['id']}").status_code == 404


def test_filter_by_tag_and_search(pages: Pages, rest: Callable[[str], httpx.Client]) -> None:
    user = new_user()
    api = rest(user)
    api.post("/api/tasks", json={"title": "buy apples", "tags": ["shopping"]})
    api.post("/api/tasks", json={"title": "buy a bike", "tags": ["sport", "shopping"]})
    api.post("/api/tasks", json={"title": "run 5k", "tags": ["sport"]})
    page = pages.signed_in(user)
    expect(page.locator("#task-groups .task")).to_have_count(3)

    page.get_by_label("Filter by tag").select_option("sport")
    expect(page.locator("#task-groups .task-title")).to_have_text(["buy a bike", "run 5k"])
    page.get_by_label("Search tasks").fill("BUY")
    expect(page.locator("#task-groups .task-title")).to_have_text(["buy a bike"])
    page.get_by_label("Filter by tag").select_option("")
    expect(page.locator("#task-groups .task-title")).to_have_text(["buy apples", "buy a bike"])
    # A task arriving live respects the filters too.
    api.post("/api/tasks", json={"title": "buy bread"})
    api.post("/api/tasks", json={"title": "bake bread"})
    expect(page.locator("#task-groups .task-title")).to_have_count(3)
    page.get_by_label("Search tasks").fill("zzz")
    expect(page.locator(".empty")).to_have_text("No task matches the filters.")
