"""Small page helpers shared by the browser tests (locators by role, label and text)."""

import re

from playwright.sync_api import Locator, Page, expect


def send(page: Page, text: str) -> Locator:
    """Type into the message box, press Enter, and return the bot's reply once it is in."""
    bots_before = page.locator(".msg-bot").count()
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".msg-bot")).to_have_count(bots_before + 1)
    expect(page.locator("#composer")).to_have_attribute("aria-busy", "false")
    return page.locator(".msg-bot").last


def task_rows(page: Page, title: str) -> Locator:
    """Every row of the task panel whose title is exactly `title`."""
    exact = re.compile(rf"^{re.escape(title)}$")
    return page.locator("#task-groups .task").filter(
        has=page.locator(".task-title", has_text=exact)
    )


def task_in_group(page: Page, group: str, title: str) -> Locator:
    exact = re.compile(rf"^{re.escape(title)}$")
    return page.locator(f'#task-groups [data-group="{group}"] .task').filter(
        has=page.locator(".task-title", has_text=exact)
    )


def chip(reply: Locator, kind: str) -> Locator:
    return reply.locator(f'.chip[data-kind="{kind}"]')


def connection(page: Page) -> Locator:
    return page.locator("#connection")
