"""Signing in: a token in the URL fragment (host applications), or a name in development."""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Pages, base_url, new_user
from tests.browser.helpers import connection, send, task_rows
from tests.harness import token_for
from todo_common.auth import create_token

pytestmark = pytest.mark.e2e


def test_a_fragment_token_signs_in_and_leaves_the_address_bar(pages: Pages) -> None:
    user = new_user("fragment")
    token = token_for(user, pages.stack.config.jwt_secret)
    page = pages.signed_in(user, token=token)
    assert "token" not in page.url
    assert page.url == f"{base_url(pages.stack)}/"
    assert page.evaluate("() => sessionStorage.getItem('todo.token')") == token
    assert page.evaluate("() => localStorage.length") == 0
    expect(page.locator("#who")).to_have_text(user)
    # The page source carries no secret: the token lives only in the session's storage.
    assert token not in page.content()
    page.reload()
    expect(connection(page)).to_have_attribute("data-state", "connected")
    expect(page.locator("#who")).to_have_text(user)


def test_development_sign_in_mints_a_token_for_a_name(
    pages: Pages, rest: Callable[[str], httpx.Client]
) -> None:
    name = new_user("dev")
    page = pages.blank()
    page.goto(f"{base_url(pages.stack)}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    field = page.get_by_label("Your name (development sign-in)")
    expect(field).to_be_focused()
    field.fill(name)
    field.press("Enter")
    expect(connection(page)).to_have_attribute("data-state", "connected")
    expect(page.locator("#who")).to_have_text(name)
    send(page, "add renew the passport")
    expect(task_rows(page, "renew the passport")).to_have_count(1)
    titles = [t["title"] for t in rest(name).get("/api/tasks").json()["items"]]
    assert titles == ["renew the passport"]

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("() => sessionStorage.length") == 0


def test_an_invalid_fragment_token_asks_to_sign_in(pages: Pages) -> None:
    page = pages.blank()
    page.goto(f"{base_url(pages.stack)}/#token=not-a-jwt")
    expect(page.locator("#sign-in-message")).to_have_text(
        "The token in the link is invalid or expired."
    )
    assert "token" not in page.url
    expect(page.locator("#app")).to_be_hidden()


def test_development_token_endpoint_exists_only_in_development(pages: Pages) -> None:
    # This stack runs ENVIRONMENT=development; tests/unit/backend/web covers the others.
    response = httpx.post(f"{base_url(pages.stack)}/dev/token", json={"name": "x y"})
    assert response.status_code == 422
    config = httpx.get(f"{base_url(pages.stack)}/config.json").json()
    port = pages.stack.instances["websocket"].app_port
    assert config == {"websocket_url": f"ws://127.0.0.1:{port}/ws", "dev_sign_in": True}


def test_an_expired_sign_in_asks_to_sign_in_again(pages: Pages) -> None:
    user = new_user("expiring")
    token = create_token(user, pages.stack.config.jwt_secret, ttl=timedelta(seconds=8))
    expires = datetime.now(UTC) + timedelta(seconds=8)
    page = pages.signed_in(user, token=token)
    pages.allow_console(re.compile(r"status of 401"))
    # Nothing to poll for: the token simply runs out.
    page.wait_for_timeout((expires - datetime.now(UTC)).total_seconds() * 1000 + 1000)
    box = page.get_by_label("Message", exact=True)
    box.fill("add something")
    box.press("Enter")  # answered 401: the page drops the token
    expect(page.locator("#sign-in-message")).to_have_text(
        "Your sign-in has expired: sign in again."
    )
    expect(page.locator("#app")).to_be_hidden()
    assert page.evaluate("() => sessionStorage.getItem('todo.token')") is None
