"""axe-core on the real page (conversation, chips, choices, every task group), phone and
desktop, light and dark; and the screenshot the README shows."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, AXE, DESKTOP, PHONE, Pages, base_url, new_user
from tests.browser.helpers import send, task_rows

pytestmark = pytest.mark.e2e

SERIOUS = ("serious", "critical")


def run_axe(page: Page) -> list[dict[str, Any]]:
    # Injected in a context that bypasses the page's CSP (axe is not part of the page).
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def serious(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in SERIOUS
    ]


def populate(user: str, api: httpx.Client) -> None:
    now = datetime.now(UTC)
    api.post(
        "/api/tasks",
        json={
            "title": "submit the tax return",
            "due_at": (now - timedelta(days=1)).isoformat(),
            "priority": "high",
            "tags": ["admin"],
        },
    )
    api.post(
        "/api/tasks",
        json={
            "title": "team stand-up",
            "due_at": (now + timedelta(days=2)).isoformat(),
            "recurrence": "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "tags": ["work"],
        },
    )
    api.post("/api/tasks", json={"title": "water the plants", "tags": ["home"]})
    api.post("/api/tasks", json={"title": "water the plants", "tags": ["balcony"]})
    done = api.post("/api/tasks", json={"title": "book flights", "priority": "low"}).json()
    api.post(f"/api/tasks/{done['id']}/complete")


@pytest.mark.parametrize(
    ("viewport", "scheme"),
    [(DESKTOP, "light"), (DESKTOP, "dark"), (PHONE, "light"), (PHONE, "dark")],
    ids=["desktop-light", "desktop-dark", "phone-light", "phone-dark"],
)
def test_axe_finds_no_serious_violation(
    pages: Pages,
    rest: Callable[[str], httpx.Client],
    viewport: dict[str, int],
    scheme: str,
) -> None:
    user = new_user("axe")
    populate(user, rest(user))
    page = pages.signed_in(user, viewport=viewport, color_scheme=scheme, bypass_csp=True)
    send(page, "remind me to call mom tomorrow at 6pm #family")
    send(page, "mark water the plants as done")  # leaves the choice buttons on screen
    expect(page.get_by_role("group", name="Choose one")).to_be_visible()
    assert page.locator("#log").get_attribute("role") == "log"
    assert serious(run_axe(page)) == []

    signed_out = pages.blank(viewport=viewport, color_scheme=scheme, bypass_csp=True)
    signed_out.goto(f"{base_url(pages.stack)}/")
    expect(signed_out.get_by_role("heading", name="Sign in")).to_be_visible()
    assert serious(run_axe(signed_out)) == []


def test_screenshot_of_a_conversation_with_a_populated_task_list(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    user = "alice"  # the stack's database is new each session: one alice
    populate(user, rest(user))
    page = pages.signed_in(user, viewport={"width": 1280, "height": 760})
    send(page, "add buy oat milk tomorrow at 5pm #groceries high priority")
    send(page, "remind me to call mom every monday at 9am")
    send(page, "mark water the plants as done")
    page.get_by_role("group", name="Choose one").get_by_role("button").first.click()
    expect(page.locator(".msg-bot")).to_have_count(4)
    expect(task_rows(page, "call mom")).to_have_count(1)
    page.get_by_label("Message", exact=True).blur()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "web-client.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
