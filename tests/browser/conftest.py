"""Browser fixtures: the whole system on free ports, and Debian's Chromium driven by Playwright.

No browser is ever downloaded: Playwright launches /usr/bin/chromium (`make setup`
installs it with apt). Every page a test opens is screenshotted into `artifacts/`
(git-ignored) when the test ends, passed or failed, and its console is checked: a page
error or a Content-Security-Policy violation fails the test.
"""

import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    expect,
    sync_playwright,
)

from devstack.infra import PostgresCluster
from devstack.stack import Stack
from tests.conftest import make_stack_config
from tests.harness import api_client, token_for

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 20_000
# Expected while the websocket service is down, never otherwise (see `allow_console`).
WEBSOCKET_FAILURE = re.compile(r"WebSocket connection to .* failed")

# Two shared cores under a whole system: assertions wait up to 20 s, not Playwright's 5.
expect.set_options(timeout=TIMEOUT_MS)


# Package scope: the stack and the browser end with tests/browser. Playwright's sync API
# keeps an event loop running in this thread while it is started, which would break every
# pytest-asyncio test collected after this package.
@pytest.fixture(scope="package")
def web_stack(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster
) -> Iterator[Stack]:
    """The four services with their sidecars, on PostgreSQL: reminders included."""
    tmp = tmp_path_factory.mktemp("browser")
    with Stack(make_stack_config(tmp, postgres.create_database("browser"))) as stack:
        yield stack


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


def new_user(prefix: str = "web") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def base_url(stack: Stack) -> str:
    return stack.instances["backend"].base_url


@dataclass
class PageWatch:
    """What a page said on its console that a test did not expect."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    websocket_urls: list[str] = field(default_factory=list)

    def dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def console(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "warning"):
            return
        text = message.text
        relevant = "Content Security Policy" in text or message.type == "error"
        if relevant and not any(pattern.search(text) for pattern in self.allowed):
            self.problems.append(f"console {message.type}: {text}")


@dataclass
class Pages:
    """Opens signed-in pages (one browser context each) and cleans up after the test."""

    browser: Browser
    stack: Stack
    test_name: str
    watch: PageWatch = field(default_factory=PageWatch)
    contexts: list[BrowserContext] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)

    def allow_console(self, pattern: re.Pattern[str]) -> None:
        self.watch.allowed.append(pattern)

    def context(self, **options: Any) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("timezone_id", "Europe/Berlin")
        options.setdefault("locale", "en-GB")
        context = self.browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return context

    def blank(self, context: BrowserContext | None = None, **options: Any) -> Page:
        page = (context or self.context(**options)).new_page()
        page.on("console", self.watch.console)
        page.on("pageerror", lambda error: self.watch.problems.append(f"page error: {error}"))
        page.on("dialog", self.watch.dialog)
        page.on("websocket", lambda socket: self.watch.websocket_urls.append(socket.url))
        self.pages.append(page)
        return page

    def signed_in(
        self,
        user_id: str,
        *,
        context: BrowserContext | None = None,
        token: str | None = None,
        wait_connected: bool = True,
        **options: Any,
    ) -> Page:
        """A page opened the way a host application would: `/#token=<JWT>`."""
        page = self.blank(context, **options)
        token = token or token_for(user_id, self.stack.config.jwt_secret)
        page.goto(f"{base_url(self.stack)}/#token={token}")
        if wait_connected:
            wait_connected_state(page)
        return page

    def close(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, page in enumerate(self.pages):
            if not page.is_closed():
                path = ARTIFACTS / f"{self.test_name}-{index}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                except Exception as exc:  # a screenshot must never hide the test's own result
                    self.watch.problems.append(f"screenshot failed: {exc!r}")
        for context in self.contexts:
            context.close()


def wait_connected_state(page: Page, timeout_ms: int = TIMEOUT_MS) -> None:
    page.wait_for_selector('#connection[data-state="connected"]', timeout=timeout_ms)


@pytest.fixture
def pages(request: pytest.FixtureRequest, browser: Browser, web_stack: Stack) -> Iterator[Pages]:
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    opened = Pages(browser, web_stack, name)
    try:
        yield opened
    finally:
        opened.close()
    assert not opened.watch.dialogs, f"the page opened dialogs: {opened.watch.dialogs}"
    # The token goes in the `bearer.<jwt>` subprotocol, never in a WebSocket URL.
    leaky = [url for url in opened.watch.websocket_urls if "token" in url or "eyJ" in url]
    assert not leaky, leaky
    assert not opened.watch.problems, "\n".join(opened.watch.problems)


@pytest.fixture
def rest(web_stack: Stack) -> Iterator[Callable[[str], httpx.Client]]:
    clients: list[httpx.Client] = []

    def for_user(user_id: str) -> httpx.Client:
        client = api_client(web_stack, user_id)
        clients.append(client)
        return client

    yield for_user
    for client in clients:
        client.close()
