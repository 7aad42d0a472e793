"""Two users on one running backend: neither REST nor chat ever reaches the other's tasks,
whatever the second user names, references or replays."""

from typing import Any

import pytest

from devstack.stack import Stack
from tests.harness import api_client

pytestmark = pytest.mark.integration


def task_ids(turn: dict[str, Any]) -> set[str]:
    return {task["id"] for task in turn["tasks"]}


def test_chat_never_resolves_a_reference_to_another_users_task(secured_backend: Stack) -> None:
    with (
        api_client(secured_backend, "iso-alice") as alice,
        api_client(secured_backend, "iso-bob") as bob,
    ):
        mine = alice.post("/api/tasks", json={"title": "pay the oat milk invoice"}).json()
        shown = alice.post("/api/chat", json={"message": "show my tasks"}).json()
        assert mine["id"] in task_ids(shown)
        alices_conversation = shown["conversation_id"]

        for message in (
            "mark pay the oat milk invoice as done",
            "delete pay the oat milk invoice",
            "change pay the oat milk invoice to high priority",
            "remind me about pay the oat milk invoice tomorrow at 9am",
            "show my tasks",
            f"delete {mine['id']}",
        ):
            turn = bob.post("/api/chat", json={"message": message})
            assert turn.status_code == 200, turn.text
            assert mine["id"] not in task_ids(turn.json()), message
        # Alice's conversation id says nothing to Bob: "it" is not her task for him.
        for message in ("mark it done", "delete it", "the first one"):
            turn = bob.post(
                "/api/chat", json={"message": message, "conversation_id": alices_conversation}
            )
            assert turn.status_code == 200, turn.text
            assert mine["id"] not in task_ids(turn.json()), message

        # REST by id: as if it did not exist.
        for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/complete")):
            response = bob.request(
                method,
                f"/api/tasks/{mine['id']}{path}",
                json={"completed": True} if method == "PATCH" else None,
            )
            assert response.status_code == 404, (method, path)
        assert bob.get("/api/tasks", params={"q": "oat milk"}).json()["total"] == 0

        after = alice.get(f"/api/tasks/{mine['id']}").json()
        # Alice's own follow-up in her conversation still works on it.
        done = alice.post(
            "/api/chat", json={"message": "mark it done", "conversation_id": alices_conversation}
        ).json()
    assert after == mine  # untouched by anything Bob sent
    assert mine["id"] in task_ids(done) and done["tasks"][0]["completed"] is True
