"""Conversation context in the Dapr state store (Redis), per user and conversation, with a TTL.

It remembers which tasks the last turn touched ("mark it done") and what the last list
showed ("delete the second one"), a pending clarification ("which one did you mean?") with the
request already parsed, and the last change, so that "undo" can revert it.
"""

from typing import Literal

from pydantic import BaseModel, Field

from todo_backend.tasks.schemas import TaskPublic
from todo_common.dapr.client import STATESTORE, DaprClient

ChangeKind = Literal["created", "updated", "deleted"]


class PendingClarification(BaseModel):
    intent: str
    candidate_ids: list[str]
    # The request as parsed when it was asked (`Entities.as_json()`): the answer only picks
    # the task, the message is not parsed again.
    entities: dict[str, object] = Field(default_factory=dict)
    # A bulk change waiting for "yes" (it applies to every candidate).
    confirm_all: bool = False


class Change(BaseModel):
    """What one chat turn changed: enough to put it back."""

    kind: ChangeKind
    # created: the new tasks; updated/deleted: the tasks as they were before the change.
    tasks: list[TaskPublic]
    # What the same message changed after this ("mark X done and add Y"): undone first.
    then: list["Change"] = Field(default_factory=list)


class ConversationContext(BaseModel):
    last_task_ids: list[str] = Field(default_factory=list)
    # What the last list or question showed, in its order: "the second one" counts in it,
    # even after "mark the first one done" has touched one of them.
    shown_task_ids: list[str] = Field(default_factory=list)
    pending: PendingClarification | None = None
    last_change: Change | None = None
    # What the last change did to its task ("complete_task", "delete_task"), so that "and the
    # first one too" can do it again to another.
    last_action: str | None = None


class ContextStore:
    def __init__(self, dapr: DaprClient, *, ttl_seconds: int) -> None:
        self._dapr = dapr
        self._ttl = ttl_seconds

    @staticmethod
    def _key(user_id: str, conversation_id: str) -> str:
        return f"chat-context:{user_id}:{conversation_id}"

    async def load(self, user_id: str, conversation_id: str) -> ConversationContext:
        raw = await self._dapr.get_state(STATESTORE, self._key(user_id, conversation_id))
        return ConversationContext.model_validate(raw) if raw else ConversationContext()

    async def save(self, user_id: str, conversation_id: str, context: ConversationContext) -> None:
        await self._dapr.save_state(
            STATESTORE,
            self._key(user_id, conversation_id),
            context.model_dump(mode="json"),
            ttl_seconds=self._ttl,
        )
