"""The chat rules: turn one understood message into task changes through the task service.

Every effect goes through `TaskService` (same validation, same outbox events as REST),
so a chat-made change reaches WebSocket clients exactly like a REST one.
"""

import asyncio
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import structlog

from todo_backend.chat import replies
from todo_backend.chat.context import ContextStore, ConversationContext, PendingClarification
from todo_backend.chat.references import pick_candidate, resolve_reference
from todo_backend.chat.schemas import ChatRequest, ChatResponse
from todo_backend.nlu.intents import Entities, Intent, NluResult
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.tasks.schemas import StatusFilter, TaskCreate, TaskPublic, TaskQuery, TaskUpdate
from todo_backend.tasks.service import TaskService
from todo_common.errors import DomainError

logger = structlog.get_logger()

ACTION_VERBS = {
    Intent.COMPLETE_TASK: "mark as done",
    Intent.DELETE_TASK: "delete",
    Intent.UPDATE_TASK: "change",
    Intent.SET_REMINDER: "set the reminder on",
}


@dataclass
class Turn:
    """What one message did: the reply and the tasks it touched or listed."""

    reply: str
    tasks: list[TaskPublic] = field(default_factory=list)
    pending: PendingClarification | None = None


class ChatService:
    def __init__(
        self,
        *,
        tasks: TaskService,
        nlu: NluPipeline,
        contexts: ContextStore,
    ) -> None:
        self._tasks = tasks
        self._nlu = nlu
        self._contexts = contexts

    async def handle(self, *, user_id: str, request: ChatRequest) -> tuple[ChatResponse, NluResult]:
        conversation_id = request.conversation_id or uuid.uuid4().hex
        tz = ZoneInfo(request.timezone or "UTC")
        now = datetime.now(UTC)
        context = await self._contexts.load(user_id, conversation_id)
        understood = await asyncio.to_thread(self._nlu.parse, request.message, now=now, timezone=tz)
        answered = await self._answer_pending(user_id, request, context, now, tz)
        if answered is not None:
            # Report what was done: the remembered request, now applied to the chosen task.
            turn, understood = answered
        else:
            turn = await self._dispatch(user_id, understood, request, context, now, tz)
        context.pending = turn.pending
        if turn.tasks:
            context.last_task_ids = [task.id for task in turn.tasks]
        await self._contexts.save(user_id, conversation_id, context)
        response = ChatResponse(
            conversation_id=conversation_id,
            reply=turn.reply,
            intent=understood.intent,
            confidence=round(understood.confidence, 4),
            fallback=understood.fallback,
            entities=understood.entities.as_json(),
            tasks=[TaskPublic.model_validate(task) for task in turn.tasks],
        )
        return response, understood

    # -- turns -----------------------------------------------------------------------

    async def _answer_pending(
        self, user_id: str, request: ChatRequest, context: ConversationContext,
        now: datetime, tz: ZoneInfo,
    ) -> tuple[Turn, NluResult] | None:  # fmt: skip
        """An answer to "which one?" applies the remembered request to the chosen task."""
        pending = context.pending
        if pending is None:
            return None
        candidates = await self._existing(user_id, pending.candidate_ids)
        chosen = pick_candidate(request.message, candidates)
        if chosen is None:
            return None
        original = str(pending.entities.get("message", ""))
        understood = await asyncio.to_thread(self._nlu.parse, original, now=now, timezone=tz)
        intent = Intent(pending.intent)
        turn = await self._apply(intent, chosen, understood.entities, user_id, now, tz)
        return turn, replace(understood, intent=intent)

    async def _dispatch(
        self, user_id: str, understood: NluResult, request: ChatRequest,
        context: ConversationContext, now: datetime, tz: ZoneInfo,
    ) -> Turn:  # fmt: skip
        intent, entities = understood.intent, understood.entities
        if intent is Intent.GREETING:
            return Turn(replies.GREETING_TEXT)
        if intent is Intent.HELP:
            return Turn(replies.HELP_TEXT)
        if intent is Intent.OUT_OF_SCOPE:
            return Turn(replies.OUT_OF_SCOPE_TEXT)
        if intent is Intent.LIST_TASKS:
            return await self._list(user_id, entities, now, tz)
        if intent is Intent.ADD_TASK:
            return await self._add(user_id, entities, now, tz)
        if intent is Intent.SET_REMINDER and entities.title and not entities.reference:
            return await self._add(user_id, entities, now, tz)

        target = await self._target(user_id, intent, entities, context)
        if isinstance(target, Turn):
            if intent is Intent.SET_REMINDER and entities.title and not target.pending:
                return await self._add(user_id, entities, now, tz)  # "remind me about X": new X
            if target.pending:
                target.pending.entities = {"message": request.message}
            return target
        return await self._apply(intent, target, entities, user_id, now, tz)

    async def _target(
        self, user_id: str, intent: Intent, entities: Entities, context: ConversationContext
    ) -> TaskPublic | Turn:
        if entities.reference:
            status = StatusFilter.PENDING if intent is Intent.COMPLETE_TASK else StatusFilter.ALL
            tasks, _ = await self._tasks.list(
                user_id=user_id,
                query=TaskQuery(status=status, limit=200, sort="created_at", order="desc"),
            )
            resolution = resolve_reference(entities.reference, tasks)
            if resolution.task:
                return resolution.task
            if resolution.candidates:
                candidates = resolution.candidates[:5]
                return Turn(
                    replies.clarify(candidates, ACTION_VERBS.get(intent, "use")),
                    pending=PendingClarification(
                        intent=intent, candidate_ids=[task.id for task in candidates]
                    ),
                )
            return Turn(f'I couldn\'t find a task matching "{entities.reference}".')
        remembered = await self._existing(user_id, context.last_task_ids[:1])
        if remembered:
            return remembered[0]
        return Turn('Which task do you mean? Name it, e.g. "mark buy milk as done".')

    async def _existing(self, user_id: str, task_ids: list[str]) -> list[TaskPublic]:
        found = []
        for task_id in task_ids:
            try:
                found.append(await self._tasks.get(user_id=user_id, task_id=task_id))
            except DomainError:
                continue
        return found

    async def _apply(
        self, intent: Intent, task: TaskPublic, entities: Entities, user_id: str,
        now: datetime, tz: ZoneInfo,
    ) -> Turn:  # fmt: skip
        if intent is Intent.COMPLETE_TASK:
            if task.completed:
                return Turn(f'"{task.title}" was already done.', [task])
            done = await self._tasks.complete(user_id=user_id, task_id=task.id)
            follow_up = " The next one will be scheduled." if done.recurrence else ""
            return Turn(f'Marked "{done.title}" as done.{follow_up}', [done])
        if intent is Intent.DELETE_TASK:
            await self._tasks.delete(user_id=user_id, task_id=task.id)
            return Turn(f'Deleted "{task.title}".', [task])
        changes = self._changes(task, entities)
        if not changes.model_fields_set:
            return Turn(f'What should I change about "{task.title}"?', [task])
        updated = await self._tasks.update(user_id=user_id, task_id=task.id, changes=changes)
        return Turn(f"Updated {replies.describe(updated, tz, now)}.", [updated])

    @staticmethod
    def _changes(task: TaskPublic, entities: Entities) -> TaskUpdate:
        values: dict[str, object] = {}
        if entities.new_title:
            values["title"] = entities.new_title
        if entities.priority:
            values["priority"] = entities.priority
        if entities.due_at:
            values["due_at"] = entities.due_at
        if entities.recurrence:
            values["recurrence"] = entities.recurrence
        if entities.tags:
            values["tags"] = sorted(set(task.tags) | set(entities.tags))
        remind_at = _reminder_time(entities, entities.due_at or task.due_at)
        if remind_at:
            values["remind_at"] = remind_at
        return TaskUpdate.model_validate(values)

    async def _add(self, user_id: str, entities: Entities, now: datetime, tz: ZoneInfo) -> Turn:
        if not entities.title:
            return Turn('What should I add? For example: "add buy milk tomorrow".')
        data = TaskCreate.model_validate(
            {
                "title": entities.title,
                "priority": entities.priority or "medium",
                "tags": list(entities.tags),
                "due_at": entities.due_at,
                "remind_at": _reminder_time(entities, entities.due_at),
                "recurrence": entities.recurrence,
            }
        )
        task = await self._tasks.create(user_id=user_id, data=data)
        reminder = ", reminder set" if task.remind_at else ""
        return Turn(f"Added {replies.describe(task, tz, now)}{reminder}.", [task])

    async def _list(self, user_id: str, entities: Entities, now: datetime, tz: ZoneInfo) -> Turn:
        query = TaskQuery(
            status=StatusFilter(entities.status_filter or "pending"),
            priority=entities.priority,
            tag=entities.tags[0] if entities.tags else None,
            q=entities.search_text,
            due_before=entities.due_before,
            due_after=entities.due_after,
            sort="due_at",
            limit=replies.MAX_LISTED,
        )
        tasks, total = await self._tasks.list(user_id=user_id, query=query)
        return Turn(replies.listing(tasks, total, tz, now), tasks)


def _reminder_time(entities: Entities, due_at: datetime | None) -> datetime | None:
    if entities.remind_at:
        return entities.remind_at
    if entities.remind_before and due_at:
        return due_at - entities.remind_before
    return None
