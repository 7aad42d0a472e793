"""The chat rules: turn one understood message into task changes through the task service.

parse (once per message) → decide → act. Every effect goes through `TaskService` (same
validation, same outbox events as REST), so a chat-made change reaches WebSocket clients
exactly like a REST one, and so does its undo. Destructive actions (complete, delete, update)
only touch a task the message names or "it" from this conversation; anything weaker asks,
with the candidates as numbered choices. A well-formed message never ends in an HTTP error:
what the task service refuses becomes a reply.
"""

import asyncio
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import structlog
from pydantic import ValidationError

from todo_backend.chat import replies
from todo_backend.chat.compound import Compound, split_compound
from todo_backend.chat.context import (
    Change,
    ContextStore,
    ConversationContext,
    PendingClarification,
)
from todo_backend.chat.references import (
    MAX_CANDIDATES,
    PLURAL,
    PlaceStatement,
    Report,
    Resolution,
    again_for,
    before_delete_it,
    clock_in,
    content_words,
    day_in,
    done_object,
    each_named,
    each_reported,
    is_done_verb,
    made_over,
    made_over_name,
    named_with_more,
    pick_candidate,
    place_reference,
    place_statement,
    position,
    positions,
    possessed,
    removal_in,
    removal_target,
    report_in,
    reported_task,
    reports_in,
    resolve_reference,
    search_terms,
    shares_words,
    undo_then,
)
from todo_backend.chat.schemas import ChatRequest, ChatResponse
from todo_backend.chat.updates import describe_update, task_changes
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import ACTION_INTENTS, Entities, Intent, NluResult
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.text import Message
from todo_backend.tasks.schemas import StatusFilter, TaskCreate, TaskPublic, TaskQuery, TaskUpdate
from todo_backend.tasks.service import TaskService
from todo_common.errors import DomainError, InvalidInputError
from todo_common.telemetry import step_span

logger = structlog.get_logger()

ACTION_VERBS = {
    Intent.COMPLETE_TASK: "mark as done",
    Intent.DELETE_TASK: "delete",
    Intent.UPDATE_TASK: "change",
    Intent.SET_REMINDER: "set the reminder on",
}
_ANSWERS_ARE_NEW_REQUESTS = frozenset(
    {Intent.ADD_TASK, Intent.SET_REMINDER, Intent.LIST_TASKS, Intent.UNDO, Intent.HELP}
)
_YES = re.compile(
    r"^(?:yes|yeah|yep|yup|sure|ok(?:ay)?|confirm(?:ed)?|do\s+it|go\s+ahead|please\s+do)\b", re.I
)
# A reference is matched against this many recent tasks, plus (for users with more) older
# tasks found by the words of the reference, this many per word.
_RECENT = 200
_SEARCHED = 50
_REPEATABLE_INTENTS = frozenset({Intent.COMPLETE_TASK, Intent.DELETE_TASK})
_REPEATABLE = frozenset(intent.value for intent in _REPEATABLE_INTENTS)
_RESTORED_FIELDS = ("title", "priority", "tags", "due_at", "remind_at", "recurrence", "completed")
# "both of them", "all three of those": the user counted the tasks meant
_COUNTED = re.compile(r"\b(?:both|two|three|four|five|2|3|4|5)\b", re.I)
_COUNTS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5}
# "bin the sheets task": a removal of a task said as such is never a new task
_NAMED_AS_A_TASK = re.compile(r"\b(?:task|one|item|todo|to-do|reminder)\s*$", re.I)


@dataclass
class Turn:
    """What one message did: the reply, the tasks it touched or listed, and how to undo it."""

    reply: str
    tasks: list[TaskPublic] = field(default_factory=list)
    pending: PendingClarification | None = None
    change: Change | None = None
    undone: bool = False
    # The tasks were shown as a numbered list or choices ("the second one" counts in them).
    shown: bool = False
    # What the turn did when it is not what the NLU said ("called mum today" completes).
    intent: Intent | None = None


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
        with step_span("nlu.parse"):
            understood = await asyncio.to_thread(
                self._nlu.parse, request.message, now=now, timezone=tz
            )
        answered = await self._answer_pending(user_id, request, understood, context, now, tz)
        if answered is not None:
            # Report what was done: the remembered request, now applied to the chosen task.
            turn, understood = answered
        else:
            turn = await self._safely(user_id, understood, context, now, tz, request.message)
            if turn.intent is not None:  # "called mum today": a report that completed a task
                understood = replace(understood, intent=turn.intent)
        _remember(context, turn, understood.intent)
        await self._contexts.save(user_id, conversation_id, context)
        response = ChatResponse(
            conversation_id=conversation_id,
            reply=turn.reply,
            intent=understood.intent,
            confidence=round(understood.confidence, 4),
            fallback=understood.fallback,
            entities=understood.entities.as_json(),
            tasks=[TaskPublic.model_validate(task) for task in turn.tasks],
            can_undo=context.last_change is not None,
        )
        return response, understood

    # -- turns -----------------------------------------------------------------------

    async def _safely(
        self, user_id: str, understood: NluResult, context: ConversationContext,
        now: datetime, tz: ZoneInfo, message: str = "",
    ) -> Turn:  # fmt: skip
        try:
            text = Message(message).text
            rest = undo_then(text)
            if rest is not None and context.last_change is not None:
                combined = await self._undo_then(user_id, rest, context, now, tz)
                if combined is not None:
                    return combined
            statement = place_statement(text)
            if statement is not None and (context.shown_task_ids or context.last_task_ids):
                return await self._place(user_id, statement, context, now, tz, message)
            compound = split_compound(text)
            if compound is not None:
                both = await self._compound(user_id, compound, context, now, tz)
                if both is not None:
                    return both
            if understood.intent in (Intent.OUT_OF_SCOPE, Intent.ADD_TASK):
                for report in reports_in(message):
                    done = await self._report(user_id, report, context)
                    if done is not None:
                        return done
            named_as_task = _NAMED_AS_A_TASK.search(message.strip(" .!")) is not None
            if understood.intent is Intent.OUT_OF_SCOPE or (
                understood.intent is Intent.ADD_TASK and named_as_task
            ):
                removed = await self._outright_removal(user_id, message)
                if removed is not None:
                    return removed
            if understood.intent in (Intent.OUT_OF_SCOPE, Intent.ADD_TASK):
                again = await self._again(user_id, message, context, now, tz)
                if again is not None:
                    return again
            if understood.intent is Intent.ADD_TASK:
                changed = await self._make_over(user_id, understood.entities, now, tz)
                if changed is not None:
                    return changed
            return await self._dispatch(user_id, understood, context, now, tz, message)
        except (InvalidInputError, ValidationError) as error:
            # A message we understood but the task rules refuse: say so, change nothing.
            reason = _reason(error)
            logger.info("chat_request_refused", intent=understood.intent.value, reason=reason)
            return Turn(f"I couldn't do that: {reason}. Nothing was changed.")

    async def _answer_pending(
        self, user_id: str, request: ChatRequest, understood: NluResult,
        context: ConversationContext, now: datetime, tz: ZoneInfo,
    ) -> tuple[Turn, NluResult] | None:  # fmt: skip
        """An answer to "which one?" applies the remembered request to the chosen task."""
        pending = context.pending
        if pending is None:
            return None
        candidates = await self._existing(user_id, pending.candidate_ids)
        if pending.confirm_all:
            if not _YES.match(request.message.strip()):
                return None
            turn = await self._bulk_apply(user_id, Intent(pending.intent), candidates)
            return turn, replace(understood, intent=Intent(pending.intent))
        is_number = request.message.strip().rstrip(".").isdigit()
        if understood.intent in _ANSWERS_ARE_NEW_REQUESTS and not is_number:
            return None
        chosen = pick_candidate(request.message, candidates)
        day = day_in(request.message, now.astimezone(tz).date()) if chosen is None else None
        if day is not None:  # "the friday one"
            chosen = _on_day(Resolution(None, []), day, candidates, tz, possessed=False).task
        if chosen is None:
            return None
        intent = Intent(pending.intent)
        entities = Entities.from_json(pending.entities)
        try:
            turn = await self._apply(intent, chosen, entities, user_id, now, tz)
        except (InvalidInputError, ValidationError) as error:
            turn = Turn(f"I couldn't do that: {_reason(error)}. Nothing was changed.")
        return turn, replace(understood, intent=intent, entities=entities)

    async def _dispatch(
        self, user_id: str, understood: NluResult, context: ConversationContext,
        now: datetime, tz: ZoneInfo, message: str = "",
    ) -> Turn:  # fmt: skip
        intent, entities = understood.intent, understood.entities
        if intent is Intent.GREETING:
            return Turn(replies.GREETING_TEXT)
        if intent is Intent.HELP:
            return Turn(replies.HELP_TEXT)
        if intent is Intent.OUT_OF_SCOPE:
            return Turn(replies.OUT_OF_SCOPE_TEXT)
        if intent is Intent.UNDO:
            return await self._undo(user_id, context)
        if intent is Intent.LIST_TASKS:
            return await self._list(user_id, entities, now, tz)
        if intent is Intent.ADD_TASK:
            return await self._add(user_id, entities, now, tz)
        if intent is Intent.SET_REMINDER and entities.title and not entities.reference:
            return await self._add(user_id, entities, now, tz)
        if intent in (Intent.COMPLETE_TASK, Intent.DELETE_TASK) and entities.status_filter:
            return await self._bulk(user_id, intent, entities.status_filter, entities.list_tag)
        return await self._act(user_id, intent, entities, context, now, tz, message)

    async def _act(
        self, user_id: str, intent: Intent, entities: Entities, context: ConversationContext,
        now: datetime, tz: ZoneInfo, message: str,
    ) -> Turn:  # fmt: skip
        """The request applied to the task (or tasks) it names, or the question which one."""
        target = await self._target(user_id, intent, entities, context, tz, message)
        if isinstance(target, Turn):
            if intent is Intent.SET_REMINDER and entities.title and not target.pending:
                return await self._add(user_id, entities, now, tz)  # "remind me about X": new X
            if target.pending:
                target.pending.entities = entities.as_json()
            return target
        if isinstance(target, list):
            return await self._apply_each(intent, target, entities, user_id, now, tz)
        return await self._apply(intent, target, entities, user_id, now, tz)

    async def _undo_then(
        self, user_id: str, rest: str, context: ConversationContext, now: datetime, tz: ZoneInfo
    ) -> Turn | None:
        """ "no wait, undo that and delete it instead": the undo, then the request after it,
        where "it" is the task the undo put back. None when the rest asks for no change."""
        then = await asyncio.to_thread(self._nlu.parse, rest, now=now, timezone=tz)
        if then.intent not in ACTION_INTENTS or then.intent is Intent.UNDO:
            return None
        undone = await self._undo(user_id, context)
        context.last_change = None
        context.shown_task_ids = []
        context.last_task_ids = [task.id for task in undone.tasks]
        turn = await self._dispatch(user_id, then, context, now, tz, rest)
        intent = turn.intent or then.intent
        return replace(turn, reply=f"{undone.reply} {turn.reply}", undone=True, intent=intent)

    async def _compound(
        self, user_id: str, compound: Compound, context: ConversationContext, now: datetime,
        tz: ZoneInfo,
    ) -> Turn | None:  # fmt: skip
        """ "mark X done and add Y": each part understood and done on its own, in order, so
        that one undo puts back both. None when the first part changes nothing (the message is
        then taken whole) or the second is no request."""
        first = await asyncio.to_thread(self._nlu.parse, compound.first, now=now, timezone=tz)
        then = await asyncio.to_thread(self._nlu.parse, compound.second, now=now, timezone=tz)
        if then.intent not in ACTION_INTENTS or then.intent is Intent.UNDO:
            return None
        done = await self._safely(user_id, first, context, now, tz, compound.first)
        if done.change is None and not done.undone:
            return None
        intent = done.intent or first.intent
        _remember(context, done, intent)
        after = await self._safely(user_id, then, context, now, tz, compound.second)
        change = done.change or after.change
        if done.change is not None and after.change is not None:
            change = done.change.model_copy(update={"then": [*done.change.then, after.change]})
        tasks = [*done.tasks, *(t for t in after.tasks if t.id not in {d.id for d in done.tasks})]
        return Turn(
            f"{done.reply} {after.reply}",
            after.tasks if after.pending else tasks,
            pending=after.pending,
            change=change,
            shown=after.shown,
            intent=intent,
        )

    async def _place(
        self, user_id: str, statement: PlaceStatement, context: ConversationContext,
        now: datetime, tz: ZoneInfo, message: str,
    ) -> Turn:  # fmt: skip
        """ "the 3rd one can go", "both of them are bought": the place in what was just shown,
        deleted or marked done."""
        intent = Intent.DELETE_TASK if statement.delete else Intent.COMPLETE_TASK
        reference, context_said = place_reference(statement.place)
        entities = Entities(reference=reference, refers_to_context=context_said)
        turn = await self._act(user_id, intent, entities, context, now, tz, message)
        return replace(turn, intent=intent)

    async def _report(
        self, user_id: str, report: Report, context: ConversationContext
    ) -> Turn | None:
        """ "called mum today" completes "call mum"; "i bought it" asks which "buy ..." task
        (or is the one just talked about). None when no pending task fits the report."""
        intent = Intent.COMPLETE_TASK
        if report.reference == "it":
            remembered = await self._existing(user_id, context.last_task_ids[:2])
            fits = is_done_verb(report.verb) or reported_task(report, remembered).candidates
            if len(remembered) == 1 and fits:
                task = remembered[0]
                return replace(await self._apply_done(user_id, task), intent=intent)
        page = TaskQuery(
            status=StatusFilter.PENDING, limit=_RECENT, sort="created_at", order="desc"
        )
        tasks, _ = await self._tasks.list(user_id=user_id, query=page, count_total=False)
        several = each_reported(report, tasks[::-1])
        if several:
            done = await self._apply_each(
                intent, several, Entities(), user_id, datetime.now(UTC), ZoneInfo("UTC")
            )
            return replace(done, intent=intent)
        found = reported_task(report, tasks[::-1])
        if found.task is not None:
            return replace(await self._apply_done(user_id, found.task), intent=intent)
        if not found.candidates:
            return None
        asked = _ask(found.candidates, intent, ACTION_VERBS[intent])
        asked.intent = intent
        return asked

    async def _again(
        self, user_id: str, message: str, context: ConversationContext, now: datetime,
        tz: ZoneInfo,
    ) -> Turn | None:  # fmt: skip
        """ "mark X done" then "and the first one too": the last completion or deletion, now
        for the task the follow-up names (asking when it names none clearly)."""
        words = again_for(message)
        if words is None or context.last_action not in _REPEATABLE:
            return None
        intent = Intent(context.last_action)
        entities = extract_entities(words, intent, now=now.astimezone(tz))
        if not (entities.reference or entities.refers_to_context):
            return None
        target = await self._target(user_id, intent, entities, context, tz, message)
        if isinstance(target, Turn):  # "which one?", else it was no follow-up ("you too")
            return replace(target, intent=intent) if target.pending else None
        if isinstance(target, list):
            turn = await self._apply_each(intent, target, entities, user_id, now, tz)
        else:
            turn = await self._apply(intent, target, entities, user_id, now, tz)
        return replace(turn, intent=intent)

    async def _make_over(
        self, user_id: str, entities: Entities, now: datetime, tz: ZoneInfo
    ) -> Turn | None:
        """ "make yoga every other week": how often or how much a task the user has matters,
        said with "make" and its name, changes that task instead of adding "make yoga"."""
        name = made_over_name(entities.title)
        if name is None or not (entities.recurrence or entities.priority):
            return None  # only then is it worth reading the user's tasks
        tasks = await self._candidates(user_id, name, StatusFilter.PENDING, None)
        task = made_over(name, tasks)
        if task is None:
            return None
        changes = replace(entities, title=None, reference=task.title, tags=())
        turn = await self._apply(Intent.UPDATE_TASK, task, changes, user_id, now, tz)
        return replace(turn, intent=Intent.UPDATE_TASK)

    async def _outright_removal(self, user_id: str, message: str) -> Turn | None:
        """ "drop the landlord email" deletes the task it clearly names, even when the intent
        model read no command in it; anything less clear stays out of scope."""
        removal = removal_in(message)
        if removal is None:
            return None
        tasks = await self._candidates(user_id, removal.reference, StatusFilter.ALL, None)
        task = removal_target(removal, tasks)
        if task is None or possessed(removal.reference, message):
            return None
        intent = Intent.DELETE_TASK
        return replace(await self._apply_done(user_id, task, intent), intent=intent)

    async def _apply_done(
        self, user_id: str, task: TaskPublic, intent: Intent = Intent.COMPLETE_TASK
    ) -> Turn:
        return await self._apply(
            intent, task, Entities(), user_id, datetime.now(UTC), ZoneInfo("UTC")
        )

    async def _target(
        self, user_id: str, intent: Intent, entities: Entities, context: ConversationContext,
        tz: ZoneInfo, message: str = "",
    ) -> TaskPublic | list[TaskPublic] | Turn:  # fmt: skip
        status = StatusFilter.PENDING if intent is Intent.COMPLETE_TASK else StatusFilter.ALL
        action = ACTION_VERBS.get(intent, "use")
        shown = context.shown_task_ids or context.last_task_ids
        numbered = (entities.reference or "").startswith("number ")  # "the number three task"
        place = position(entities.reference) if entities.refers_to_context or numbered else None
        if place is not None and shown:  # "mark the second one done" after a list
            index = place - 1 if place > 0 else len(shown) - 1
            if index >= len(shown):
                return Turn(f"I only showed {len(shown)}, so I changed nothing.")
            found = await self._existing(user_id, [shown[index]])
            return found[0] if found else Turn("That task is gone already, so I changed nothing.")
        places = positions(entities.reference, len(shown)) if shown else None
        if places is not None:  # "delete the first two", "1 and 3 are done"
            if not places:
                return Turn(f"I only showed {len(shown)}, so I changed nothing.")
            several = await self._existing(user_id, [shown[i] for i in places])
            if len(several) < len(places):
                return Turn("Some of those tasks are gone already, so I changed nothing.")
            return several
        plural = entities.reference == PLURAL and entities.refers_to_context
        if plural and intent in (Intent.COMPLETE_TASK, Intent.DELETE_TASK):  # "both of them"
            several = await self._existing(user_id, shown[:MAX_CANDIDATES])
            if len(several) > 1:
                if _counted(message) == len(several):
                    return several  # "both of them" after a list of two: those two
                return _confirm_all(intent, several)
            if several:
                return several[0]
        named = (None if place is not None or plural else entities.reference) or (
            entities.reference_hint
        )
        if named and not content_words(named) and position(named) is None:
            named = None  # "eh move that to friday", "done w/ it": "it"
        if named and intent is Intent.DELETE_TASK:
            named = before_delete_it(named)
        if named:
            tasks = await self._candidates(user_id, named, status, entities.list_tag)
            clock = clock_in(named) if entities.reference else None
            at_clock = [t for t in tasks if _at_clock(t, clock[0], tz)] if clock else []
            if clock is not None and at_clock:  # "cancel the 3pm one": due or reminding then
                if len(at_clock) == 1 and not clock[1]:
                    return at_clock[0]
                tasks, named = at_clock, clock[1] or named
            owned = possessed(named, message)
            listed = named_with_more(entities.reference, message) or named
            several = each_named(listed, tasks, possessed=owned) if entities.reference else []
            report = report_in(message) if intent is Intent.COMPLETE_TASK else None
            if not several and report is not None and entities.reference:
                several = each_reported(report, tasks)  # "finished the slides and the report"
            if several:  # "done with laundry and dishes"
                return several
            resolution = resolve_reference(named, tasks, possessed=owned)
            done = done_object(named) if intent is Intent.COMPLETE_TASK else None
            if done is not None and resolution.task is None:  # "knocked out the laundry"
                stripped = resolve_reference(done, tasks, possessed=owned)
                if stripped.task is not None or not resolution.candidates:
                    resolution = stripped
            hinted = report_in(named) if entities.reference_hint and not resolution.task else None
            if hinted is not None and intent is Intent.COMPLETE_TASK:
                # "spoke to grandma earlier, tick that one off": the clause reports the call
                said = reported_task(hinted, tasks)
                resolution = said if said.task is not None else resolution
            if at_clock and not resolution.task and not resolution.candidates:
                resolution = replace(resolution, candidates=at_clock)
            today = datetime.now(tz).date()
            day = day_in(named, today) if resolution.task is None else None
            if day is None and resolution.task is None and entities.reference_hint:
                # "picked up the kids today, mark it done": the NLU read the day as a date
                day = day_in(message, today) if intent in _REPEATABLE_INTENTS else None
            if day is not None:  # "cancel friday's meeting": the meeting on friday
                resolution = _on_day(resolution, day, tasks, tz, possessed=owned)
            if resolution.task:
                return resolution.task
            if entities.refers_to_context:  # "I've booked the flights, mark it done"
                remembered = await self._existing(user_id, context.last_task_ids[:2])
                if len(remembered) == 1:
                    it = remembered[0]
                    # "it" is that task only if the other clause could be about it too
                    if shares_words(named, it.title) or it in resolution.candidates:
                        return it
                    others = [task for task in resolution.candidates if task.id != it.id]
                    return _ask([it, *others], intent, action)
            if resolution.candidates:
                return _ask(resolution.candidates, intent, action)
            return Turn(f'I couldn\'t find a task matching "{named}", so I changed nothing.')
        remembered = await self._existing(user_id, context.last_task_ids[:MAX_CANDIDATES])
        if len(remembered) == 1:
            return remembered[0]
        if remembered:  # "mark it done" after a list of several: which one?
            return _ask(remembered, intent, action)
        report = report_in(message) if intent is Intent.COMPLETE_TASK else None
        if report is not None and report.reference == "it":  # "i cleaned it": the "clean" tasks
            pending, _ = await self._tasks.list(
                user_id=user_id,
                query=TaskQuery(
                    status=StatusFilter.PENDING, limit=_RECENT, sort="created_at", order="desc"
                ),
                count_total=False,
            )
            same_verb = reported_task(report, pending[::-1]).candidates
            if same_verb:
                return _ask(same_verb, intent, action)
        # "mark it done" with nothing said before: never guess, not even the only task.
        recent, _ = await self._tasks.list(
            user_id=user_id,
            query=TaskQuery(status=status, limit=MAX_CANDIDATES, sort="created_at", order="desc"),
            count_total=False,
        )
        if recent:
            return _ask(recent, intent, action)
        return Turn("You have no tasks that I could use for that.")

    async def _candidates(
        self, user_id: str, named: str, status: StatusFilter, tag: str | None
    ) -> list[TaskPublic]:
        """The tasks a reference could name: the most recent ones, and when there are more
        than one page of them, older ones sharing the start of one of its words."""
        page = TaskQuery(status=status, tag=tag, limit=_RECENT, sort="created_at", order="desc")
        tasks, _ = await self._tasks.list(user_id=user_id, query=page, count_total=False)
        tasks.reverse()  # choices numbered in the order the tasks were made, as listed
        if len(tasks) < _RECENT:
            return tasks
        seen = {task.id for task in tasks}
        for term in search_terms(named):
            query = page.model_copy(update={"q": term, "limit": _SEARCHED})
            older, _ = await self._tasks.list(user_id=user_id, query=query, count_total=False)
            tasks.extend(task for task in older if task.id not in seen)
            seen.update(task.id for task in older)
        return tasks

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
            return Turn(
                f'Marked "{done.title}" as done.{follow_up}', [done], change=_changed([task])
            )
        if intent is Intent.DELETE_TASK:
            await self._tasks.delete(user_id=user_id, task_id=task.id)
            return Turn(
                f'Deleted "{task.title}".', [task], change=Change(kind="deleted", tasks=[task])
            )
        changes = task_changes(task, entities, now=now, tz=tz)
        if not changes.model_fields_set:
            return Turn(f'What should I change about "{task.title}"?', [task])
        same = replies.unchanged(task, changes)
        if len(same) == len(changes.model_fields_set):  # "X already has high priority": no change
            return Turn(replies.already(task, same, tz, now), [task])
        updated = await self._tasks.update(user_id=user_id, task_id=task.id, changes=changes)
        return Turn(describe_update(task, updated, tz, now), [updated], change=_changed([task]))

    async def _apply_each(
        self, intent: Intent, tasks: list[TaskPublic], entities: Entities, user_id: str,
        now: datetime, tz: ZoneInfo,
    ) -> Turn:  # fmt: skip
        """One request applied to each task it named; one undo puts them all back."""
        turns = [await self._apply(intent, task, entities, user_id, now, tz) for task in tasks]
        changes = [turn.change for turn in turns if turn.change is not None]
        change = None
        if changes:
            kind = changes[0].kind
            change = Change(kind=kind, tasks=[task for c in changes for task in c.tasks])
        return Turn(
            " ".join(turn.reply for turn in turns),
            [task for turn in turns for task in turn.tasks],
            change=change,
        )

    async def _bulk(
        self, user_id: str, intent: Intent, status_filter: str, tag: str | None = None
    ) -> Turn:
        """ "delete all completed tasks": exactly the tasks with that status ("clear my shopping
        list": on that list)."""
        status = StatusFilter(status_filter)
        if intent is Intent.COMPLETE_TASK:
            status = StatusFilter.PENDING
        tasks, _ = await self._tasks.list(
            user_id=user_id,
            query=TaskQuery(status=status, tag=tag, limit=200, sort="created_at"),
            count_total=False,
        )
        if not tasks:
            return Turn("No tasks match, so nothing changed.")
        if len(tasks) > 1:  # several at once: say which, and wait for a yes
            return _confirm_all(intent, tasks)
        return await self._bulk_apply(user_id, intent, tasks)

    async def _bulk_apply(self, user_id: str, intent: Intent, tasks: list[TaskPublic]) -> Turn:
        if not tasks:
            return Turn("No tasks match, so nothing changed.")
        for task in tasks:
            if intent is Intent.DELETE_TASK:
                await self._tasks.delete(user_id=user_id, task_id=task.id)
            else:
                await self._tasks.complete(user_id=user_id, task_id=task.id)
        verb = "Deleted" if intent is Intent.DELETE_TASK else "Marked as done"
        noun = "task" if len(tasks) == 1 else "tasks"
        kind = "deleted" if intent is Intent.DELETE_TASK else "updated"
        return Turn(f"{verb} {len(tasks)} {noun}.", tasks, change=Change(kind=kind, tasks=tasks))

    async def _add(self, user_id: str, entities: Entities, now: datetime, tz: ZoneInfo) -> Turn:
        if not entities.title:
            return Turn('What should I add? For example: "add buy milk tomorrow".')
        remind_at = _reminder_time(entities, entities.due_at)
        data = TaskCreate.model_validate(
            {
                "title": entities.title,
                "priority": entities.priority or "medium",
                "tags": list(entities.tags),
                # A repeating task counts its occurrences from its due date.
                "due_at": entities.due_at or (remind_at if entities.recurrence else None),
                "remind_at": remind_at,
                "recurrence": entities.recurrence,
            }
        )
        task = await self._tasks.create(user_id=user_id, data=data)
        return Turn(
            replies.added(
                task, tz, now, list_tag=entities.list_tag, said_priority=bool(entities.priority)
            ),
            [task],
            change=Change(kind="created", tasks=[task]),
        )

    async def _list(self, user_id: str, entities: Entities, now: datetime, tz: ZoneInfo) -> Turn:
        query = TaskQuery(
            status=StatusFilter(entities.status_filter or "pending"),
            priority=entities.priority,
            tag=entities.tags[0] if entities.tags else None,
            q=entities.search_text,
            due_before=entities.due_before,
            due_after=entities.due_after,
            has_reminder=entities.with_reminder,
            sort="due_at",
            limit=replies.MAX_LISTED,
        )
        tasks, total = await self._tasks.list(user_id=user_id, query=query)
        return Turn(replies.listing(tasks, total, tz, now), tasks, shown=True)

    async def _undo(self, user_id: str, context: ConversationContext) -> Turn:
        """Reverts this conversation's last change through the task service (events follow);
        a compound message's changes last first."""
        change = context.last_change
        if change is None:
            return Turn(replies.NOTHING_TO_UNDO)
        replies_said, restored = [], []
        for part in [*reversed(change.then), change.model_copy(update={"then": []})]:
            tasks, said = await self._revert(user_id, part)
            restored.extend(tasks)
            replies_said.append(said)
        return Turn("Undone. " + " ".join(replies_said), restored, undone=True)

    async def _revert(self, user_id: str, change: Change) -> tuple[list[TaskPublic], str]:
        """One change put back: the tasks as they are again, and what was done, in words."""
        restored: list[TaskPublic] = []
        for task in change.tasks:
            if change.kind == "created":
                try:
                    await self._tasks.delete(user_id=user_id, task_id=task.id)
                except DomainError:
                    continue  # already gone
                restored.append(task)
            elif change.kind == "deleted":
                restored.append(await self._recreate(user_id, task))
            else:
                values = task.model_dump(include=set(_RESTORED_FIELDS))
                try:
                    restored.append(
                        await self._tasks.update(
                            user_id=user_id, task_id=task.id, changes=TaskUpdate(**values)
                        )
                    )
                except DomainError:
                    continue
        titles = ", ".join(f'"{task.title}"' for task in change.tasks)
        verb = {"created": "Removed", "deleted": "Restored", "updated": "Put back"}[change.kind]
        return ([] if change.kind == "created" else restored), f"{verb} {titles}."

    async def _recreate(self, user_id: str, task: TaskPublic) -> TaskPublic:
        data = TaskCreate.model_validate(
            task.model_dump(include={"title", "description", "priority", "tags", "due_at",
                                     "remind_at", "recurrence"})
        )  # fmt: skip
        created = await self._tasks.create(user_id=user_id, data=data)
        if task.completed:
            created = await self._tasks.complete(user_id=user_id, task_id=created.id)
        return created


def _remember(context: ConversationContext, turn: Turn, intent: Intent) -> None:
    """What the next message may refer to: the tasks this turn touched or showed, its question
    and its change (for "undo")."""
    context.pending = turn.pending
    if turn.tasks:
        context.last_task_ids = [task.id for task in turn.tasks]
        if turn.shown:
            context.shown_task_ids = context.last_task_ids
        elif turn.change is not None and turn.change.kind == "created":
            context.shown_task_ids = []  # "delete the last one" now means the new task
    if turn.change is not None or turn.undone:
        context.last_change = turn.change
        repeatable = turn.change is not None and intent.value in _REPEATABLE
        context.last_action = intent.value if repeatable else None


def _ask(candidates: list[TaskPublic], intent: Intent, action: str) -> Turn:
    chosen = candidates[:MAX_CANDIDATES]
    return Turn(
        replies.clarify(chosen, action),
        tasks=chosen,
        pending=PendingClarification(intent=intent, candidate_ids=[task.id for task in chosen]),
        shown=True,
    )


def _confirm_all(intent: Intent, tasks: list[TaskPublic]) -> Turn:
    verb = "delete" if intent is Intent.DELETE_TASK else "mark as done"
    shown = ", ".join(f'"{task.title}"' for task in tasks[:MAX_CANDIDATES])
    more = f" and {len(tasks) - MAX_CANDIDATES} more" if len(tasks) > MAX_CANDIDATES else ""
    return Turn(
        f"That would {verb} {len(tasks)} tasks: {shown}{more}. Shall I? Say yes to go ahead.",
        tasks,
        pending=PendingClarification(
            intent=intent, candidate_ids=[task.id for task in tasks], confirm_all=True
        ),
    )


def _counted(message: str) -> int | None:
    """How many tasks "both of them", "all three of those" counts; None when it counts none."""
    found = _COUNTED.search(message)
    if found is None:
        return None
    word = found.group().casefold()
    return int(word) if word.isdigit() else _COUNTS[word]


def _changed(before: list[TaskPublic]) -> Change:
    return Change(kind="updated", tasks=before)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))
    return str(error)


def _at_clock(task: TaskPublic, clock: time, tz: ZoneInfo) -> bool:
    moments = (task.due_at, task.remind_at)
    return any(
        m is not None and m.astimezone(tz).time().replace(second=0) == clock for m in moments
    )


def _on_day(
    resolution: Resolution, day: tuple[date, str], tasks: list[TaskPublic], tz: ZoneInfo,
    *, possessed: bool,
) -> Resolution:  # fmt: skip
    """Among the tasks the other words name (all, for "the friday one"), those due or reminding
    on the day said: one acts, several ask; none leaves the resolution as it was."""
    on, rest = day
    pool = tasks
    if rest:
        named = resolve_reference(rest, tasks, possessed=possessed)
        pool = [named.task] if named.task else named.candidates
    same_day = [
        task
        for task in pool
        if any(m and m.astimezone(tz).date() == on for m in (task.due_at, task.remind_at))
    ]
    if len(same_day) == 1:
        return Resolution(same_day[0], [])
    return Resolution(None, same_day) if same_day else resolution


def _at_time(moment: datetime, clock: time, tz: ZoneInfo) -> datetime:
    """The same local day as `moment`, at `clock`."""
    return datetime.combine(moment.astimezone(tz).date(), clock, tzinfo=tz)


def _reminder_time(entities: Entities, due_at: datetime | None) -> datetime | None:
    if entities.remind_at:
        return entities.remind_at
    if entities.remind_before and due_at:
        return due_at - entities.remind_before
    return None
