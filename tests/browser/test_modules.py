"""The page's pure parts, run in the real browser on the served modules: backoff with
jitter, seq de-duplication and `resume.gap`, the store's ordering rules, grouping, chips,
choices and Undo."""

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Pages, base_url

pytestmark = pytest.mark.e2e


def run(page: Page, body: str) -> Any:
    """Evaluate `body` (an async function body) with the page's modules imported."""
    return page.evaluate(
        f"""async () => {{
          const socket = await import("/static/js/socket.js");
          const store = await import("/static/js/store.js");
          const chat = await import("/static/js/chat.js");
          {body}
        }}"""
    )


@pytest.fixture
def page(pages: Pages) -> Page:
    opened = pages.blank()
    opened.goto(f"{base_url(pages.stack)}/")
    return opened


def test_backoff_grows_to_a_ceiling_with_jitter(page: Page) -> None:
    delays = run(
        page,
        """return [0, 1, 2, 5, 10, 30].map((attempt) => [
             socket.backoffDelay(attempt, { random: () => 0 }),
             socket.backoffDelay(attempt, { random: () => 1 - 1e-9 }),
           ]);""",
    )
    # Between half the ceiling and the ceiling; the ceiling doubles up to 15 s.
    assert delays == [
        [250, 500],
        [500, 1000],
        [1000, 2000],
        [7500, 15000],
        [7500, 15000],
        [7500, 15000],
    ]
    spread = run(
        page, "return new Set(Array.from({length: 50}, () => socket.backoffDelay(4))).size;"
    )
    assert spread > 10  # random: two clients do not retry in lockstep


def test_socket_drops_what_it_has_and_reloads_on_a_gap(page: Page) -> None:
    result = run(
        page,
        """const events = []; const reloads = [];
           const live = new socket.LiveSocket({
             url: "ws://127.0.0.1:9/ws", token: "t",
             onEvent: (m) => events.push(m.seq), onState: () => {},
             onReload: (why) => reloads.push(why), onUnauthorized: () => {},
           });
           const ws = { close: () => {} }; live.ws = ws;
           const say = (m) => live.received(ws, JSON.stringify(m));
           say({type: "task.created", seq: 1, data: {id: "a"}});
           say({type: "task.updated", seq: 2, data: {id: "a"}});
           say({type: "task.updated", seq: 2, data: {id: "a"}});
           say({type: "task.created", seq: 1, data: {id: "a"}});
           say({type: "resume.complete", data: {last_seq: 2}});
           say({type: "pong"});
           say({type: "resume.gap", data: {after_seq: 2, oldest_seq: 9}});
           say({type: "task.created", seq: 9, data: {id: "b"}});
           live.stop();
           const skipped = live.stats.duplicatesSkipped;
           return {events, reloads, lastSeq: live.lastSeq, skipped};""",
    )
    assert result == {"events": [1, 2, 9], "reloads": ["gap"], "lastSeq": 9, "skipped": 2}


def test_the_store_never_lets_an_older_state_win(page: Page) -> None:
    result = run(
        page,
        """const s = new store.TaskStore();
           const t = (title, at) => ({id: "1", title, updated_at: at, tags: []});
           s.upsert(t("new", "2026-01-02T00:00:00Z"));
           s.upsert(t("old", "2026-01-01T00:00:00Z"));
           const kept = s.tasks.get("1").title;
           s.beginSnapshot();  // a list load starts, an event arrives meanwhile
           s.apply({type: "task.deleted", data: t("new", "2026-01-03T00:00:00Z")});
           const created = {id: "2", title: "live", updated_at: "2026-01-03T00:00:00Z", tags: []};
           s.apply({type: "task.created", data: created});
           s.finishSnapshot([t("stale snapshot", "2026-01-02T00:00:00Z")]);
           return {kept, after: s.all().map((x) => x.title)};""",
    )
    assert result == {"kept": "new", "after": ["live"]}


def test_groups_follow_the_local_day(page: Page) -> None:
    groups = run(
        page,
        """const now = new Date(2026, 5, 10, 12, 0);
           const at = (h, d = 10) => new Date(2026, 5, d, h, 0).toISOString();
           return [
             store.groupOf({due_at: at(11)}, now),
             store.groupOf({due_at: at(23)}, now),
             store.groupOf({due_at: at(0, 11)}, now),
             store.groupOf({due_at: null}, now),
             store.groupOf({due_at: at(11), completed: true}, now),
           ];""",
    )
    assert groups == ["overdue", "today", "upcoming", "nodate", "done"]


def test_chips_choices_and_undo_from_a_chat_response(page: Page) -> None:
    result = run(
        page,
        """const chips = chat.chipsFor({title: "pay rent", due_at: null, remind_before: 1800,
             recurrence: "FREQ=MONTHLY;BYMONTHDAY=1", priority: "high", tags: ["home", "money"]});
           const parsed = chat.choicesOf({reply:
             'Which one should I delete? 1. "a"; 2. "b \\u201cc\\u201d" (answer with the number)'});
           const given = chat.choicesOf({choices: [{label: "x", answer: "1"}, "y"]});
           const fromTasks = chat.choicesOf({
             reply: 'Which one should I complete? 1. "a"; 2. "a" (answer with the number)',
             tasks: [{title: "a", tags: ["home"]}, {title: "a", tags: []}],
           });
           const quoted = chat.choicesOf({reply:
             'Which one? 1. "say "hi""; 2. "x" (answer with the number)'});
           return {
             chips: chips.map((c) => `${c.kind}=${c.value}`),
             parsed, given, fromTasks, quoted,
             undo: chat.undoOf({can_undo: true}),
             noUndo: chat.undoOf({can_undo: false}),
             noChoices: chat.choicesOf({reply: "1. not a question"}),
           };""",
    )
    assert result["chips"] == [
        "title=pay rent",
        "reminder=30 min before",
        "recurrence=on the 1st of every month",
        "priority=high",
        "tag=#home",
        "tag=#money",
    ]
    assert result["parsed"] == [{"label": "a", "answer": "1"}, {"label": "b “c”", "answer": "2"}]
    assert result["given"] == [{"label": "x", "answer": "1"}, {"label": "y", "answer": "2"}]
    assert result["fromTasks"] == [
        {"label": "a · #home", "answer": "1"},
        {"label": "a", "answer": "2"},
    ]
    assert result["quoted"] == [{"label": 'say "hi"', "answer": "1"}, {"label": "x", "answer": "2"}]
    assert result["undo"] == {"label": "Undo last change", "answer": "undo"}
    assert result["noUndo"] is None
    assert result["noChoices"] == []
