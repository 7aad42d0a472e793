"""The conversation panel against the real system: chat adds tasks, live on every page."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Pages, new_user
from tests.browser.helpers import chip, connection, send, task_in_group, task_rows

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")


def test_chat_adds_a_task_with_chips_seen_live_elsewhere_and_completed_back(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    first = pages.signed_in(user)
    second = pages.signed_in(user)
    connects_before = connection(second).get_attribute("data-connects")

    reply = send(first, "add buy oat milk tomorrow at 5pm #groceries high priority")

    expect(reply.locator(".msg-text")).to_contain_text('Added "buy oat milk"')
    expect(chip(reply, "title")).to_have_text("title: buy oat milk")
    expect(chip(reply, "due")).to_contain_text("tomorrow 17:00")
    expect(chip(reply, "priority")).to_have_text("priority: high")
    expect(chip(reply, "tag")).to_have_text("tag: #groceries")
    row = task_rows(first, "buy oat milk")
    expect(row).to_have_count(1)
    expect(row.locator(".tag")).to_have_text("#groceries")
    expect(row.locator(".badge")).to_have_text("high priority")
    expect(row.locator(".due")).to_have_text("due tomorrow 17:00")

    # The browser's timezone went with the message: 17:00 in Berlin, tomorrow.
    (task,) = rest(user).get("/api/tasks", params={"q": "oat milk"}).json()["items"]
    tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
    assert datetime.fromisoformat(task["due_at"]).astimezone(BERLIN) == datetime(
        tomorrow.year, tomorrow.month, tomorrow.day, 17, 0, tzinfo=BERLIN
    )

    # Live on the second page: no reload, no reconnect, the event did it.
    live_row = task_rows(second, "buy oat milk")
    expect(live_row).to_have_count(1)
    assert connection(second).get_attribute("data-connects") == connects_before
    port = pages.stack.instances["websocket"].app_port
    assert f"ws://127.0.0.1:{port}/ws" in pages.watch.websocket_urls

    second.get_by_role("checkbox", name="Complete “buy oat milk”").check()
    expect(task_in_group(first, "done", "buy oat milk")).to_have_count(1)
    expect(task_rows(first, "buy oat milk")).to_have_count(1)
    assert rest(user).get(f"/api/tasks/{task['id']}").json()["completed"] is True


def test_history_survives_a_reload_and_the_keys_do_what_the_hint_says(pages: Pages) -> None:
    page = pages.signed_in(new_user())
    box = page.get_by_label("Message", exact=True)
    box.fill("first line")
    box.press("Shift+Enter")
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    expect(page.locator(".msg")).to_have_count(1)  # only the hint: nothing was sent
    box.press("Escape")
    assert box.input_value() == ""

    send(page, "add feed the cat")
    page.reload()
    expect(page.locator(".msg-user .msg-text")).to_have_text(["add feed the cat"])
    expect(page.locator(".msg-bot .msg-text")).to_contain_text(['Added "feed the cat"'])
    # The same conversation goes on: "it" is the task of the previous turn.
    send(page, "mark it done")
    expect(task_in_group(page, "done", "feed the cat")).to_have_count(1)


def test_working_state_shows_while_a_turn_is_in_flight(pages: Pages) -> None:
    page = pages.signed_in(new_user())
    # Hold the chat request so the in-flight state can be seen, then let it through.
    held: list[object] = []
    page.route("**/api/chat", lambda route: held.append(route))
    box = page.get_by_label("Message", exact=True)
    box.fill("add water the ferns")
    box.press("Enter")
    expect(page.locator("#working")).to_have_text("Working…")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    expect(page.locator("#log")).to_have_attribute("aria-busy", "true")
    assert len(held) == 1
    held[0].continue_()  # type: ignore[attr-defined]
    expect(page.locator("#working")).to_have_text("")
    expect(page.get_by_role("button", name="Send")).to_be_enabled()
    expect(task_rows(page, "water the ferns")).to_have_count(1)


def test_a_clarifying_question_is_answered_with_a_button(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    api = rest(user)
    first = api.post("/api/tasks", json={"title": "water the plants", "tags": ["balcony"]}).json()
    second = api.post("/api/tasks", json={"title": "water the plants", "tags": ["kitchen"]}).json()
    page = pages.signed_in(user)
    expect(task_rows(page, "water the plants")).to_have_count(2)

    reply = send(page, "mark water the plants as done")
    choices = reply.get_by_role("group", name="Choose one").get_by_role("button")
    expect(choices).to_have_count(2)
    # Same title: the tags tell them apart.
    split = [text.split(". ", 1) for text in choices.all_inner_texts()]
    numbers, labels = zip(*split, strict=True)
    assert numbers == ("1", "2")
    assert sorted(labels) == ["water the plants · #balcony", "water the plants · #kitchen"]
    wanted = first if labels[1].endswith("#balcony") else second

    choices.nth(1).click()
    answer = page.locator(".msg-bot").last
    expect(answer.locator(".msg-text")).to_contain_text('Marked "water the plants" as done')
    expect(page.get_by_role("group", name="Choose one")).to_have_count(0)
    expect(page.locator(".msg-user .msg-text").last).to_have_text("2")
    expect(task_in_group(page, "done", "water the plants")).to_have_count(1)
    done = [t["id"] for t in api.get("/api/tasks", params={"status": "completed"}).json()["items"]]
    assert done == [wanted["id"]]  # the task of the button, not the other one


def test_undo_reverts_the_last_change_everywhere(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    page = pages.signed_in(user)
    other = pages.signed_in(user)
    reply = send(page, "add renew the car insurance on friday")
    expect(task_rows(other, "renew the car insurance")).to_have_count(1)

    reply.get_by_role("button", name="Undo last change").click()
    answer = page.locator(".msg-bot").last
    expect(answer.locator(".msg-text")).to_contain_text("Undone")
    expect(task_rows(page, "renew the car insurance")).to_have_count(0)
    expect(task_rows(other, "renew the car insurance")).to_have_count(0)
    assert rest(user).get("/api/tasks").json()["items"] == []
    # Nothing left to undo: the button is gone.
    expect(page.get_by_role("button", name="Undo last change")).to_have_count(0)


def test_a_hostile_title_is_shown_as_text(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = new_user()
    hostile = "<img src=x onerror=alert(1)>"
    rest(user).post("/api/tasks", json={"title": hostile, "tags": ["x<b>y</b>"]})
    page = pages.signed_in(user)
    row = task_rows(page, hostile)
    expect(row).to_have_count(1)
    expect(row.locator(".tag")).to_have_text("#x<b>y</b>")

    send(page, "add <script>window.__owned = 1</script> tomorrow")
    expect(page.locator(".msg-user .msg-text").last).to_have_text(
        "add <script>window.__owned = 1</script> tomorrow"
    )
    expect(page.locator("#task-groups img, #log img, #log script, #task-groups b")).to_have_count(0)
    assert page.evaluate("() => window.__owned === undefined")
    assert not pages.watch.dialogs
    # Live too: a hostile title arriving over the WebSocket is text as well.
    rest(user).post("/api/tasks", json={"title": "<svg onload=alert(2)>"})
    expect(task_rows(page, "<svg onload=alert(2)>")).to_have_count(1)
    expect(page.locator("#task-groups svg")).to_have_count(0)
    assert re.search(r"onerror", page.locator("#task-groups").inner_text())
