"""The conversation layer among distractors: a word only one title has names that task, the
words of how a thing is said ("is finally done", "no need to ... after all") name nothing,
and what is still too weak to act on asks. Real task service (SQLite), real model."""

from dataclasses import dataclass

import pytest

from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.chat.references import possessed, resolve_reference

ERRANDS = ("renew the car insurance", "book a dentist appointment", "buy milk", "go to the gym",
           "do the laundry", "wash the dishes", "call the plumber", "take the bins out",
           "vacuum the living room", "buy coffee beans", "book flights to rome")  # fmt: skip


@pytest.fixture
async def chat(chat: Chat) -> Chat:
    """The shared chat (conftest), with ERRANDS as the user's tasks."""
    for title in ERRANDS:
        await chat.create(title)
    return chat


async def _completed(chat: Chat) -> list[str]:
    return sorted(title for title, task in (await chat.all()).items() if task.completed)


@dataclass(frozen=True)
class _Task:
    id: str
    title: str


def _tasks(*titles: str) -> list[_Task]:
    return [_Task(str(number), title) for number, title in enumerate(titles)]


@pytest.mark.parametrize(
    ("reference", "title"),
    [("dentist thing", "book a dentist appointment"), ("the netflix one", "cancel netflix"),
     ("bins", "take the bins out"), ("the vacuuming", "vacuum the living room"),
     ("passport renewal", "renew passport"), ("the parcel pickup", "pick up the parcel")],
)  # fmt: skip
def test_words_only_one_title_has_name_that_task(reference: str, title: str) -> None:
    tasks = _tasks("buy milk", "book a dentist appointment", "cancel netflix", "take the bins out",
                   "vacuum the living room", "renew passport", "call the plumber",
                   "pick up the parcel")  # fmt: skip
    found = resolve_reference(reference, tasks)  # type: ignore[arg-type]
    assert found.task is not None and found.task.title == title


@pytest.mark.parametrize(
    ("message", "reference"), [("i finished my coffee", "coffee"), ("i finished my book", "book")]
)
def test_a_thing_of_ones_own_is_no_task_named_by_one_of_its_words(
    message: str, reference: str
) -> None:
    tasks = _tasks("buy coffee beans", "book flights to rome", "call mum")
    assert possessed(reference, message)
    found = resolve_reference(reference, tasks, possessed=True)  # type: ignore[arg-type]
    assert found.task is None


def test_a_word_in_two_titles_still_asks() -> None:
    tasks = _tasks("clean the fridge", "clean the windows", "buy milk")
    found = resolve_reference("the cleaning", tasks)  # type: ignore[arg-type]
    assert found.task is None
    assert [t.title for t in found.candidates][:2] == ["clean the fridge", "clean the windows"]


@pytest.mark.parametrize(
    ("message", "title"),
    [("the dentist thing is done", "book a dentist appointment"),
     ("ok so the laundry is finally done", "do the laundry"),
     ("no need to call the plumber after all", "call the plumber"),
     ("finally sorted the car insurance", "renew the car insurance"),
     ("done wiht the bins", "take the bins out")],
)  # fmt: skip
async def test_a_completion_among_distractors_acts_on_the_task_it_names(
    chat: Chat, message: str, title: str
) -> None:
    await chat.say(message)
    assert await _completed(chat) == [title]


async def test_an_update_by_a_word_only_one_title_has_changes_that_task(chat: Chat) -> None:
    await chat.say("push the dentist to saturday")
    tasks = await chat.all()
    assert tasks["book a dentist appointment"].due_at is not None
    assert all(task.due_at is None for title, task in tasks.items() if "dentist" not in title)


async def test_my_coffee_finished_completes_no_coffee_task(chat: Chat) -> None:
    await chat.say("i finished my coffee")
    assert await _completed(chat) == []


@pytest.mark.parametrize(
    ("message", "titles"),
    [("done with laundry and dishes", ["do the laundry", "wash the dishes"]),
     ("walked the dog and mowed the lawn", ["mow the lawn", "walk the dog"]),
     ("bought milk and coffee beans", ["buy coffee beans", "buy milk"])],
)  # fmt: skip
async def test_a_compound_completion_completes_each_task_and_one_undo_reverts_all(
    chat: Chat, message: str, titles: list[str]
) -> None:
    await chat.create("walk the dog")
    await chat.create("mow the lawn")
    await chat.say(message)
    assert await _completed(chat) == titles
    await chat.say("undo")
    assert await _completed(chat) == []


async def test_a_title_with_and_in_it_is_one_task(chat: Chat) -> None:
    await chat.create("buy salt and pepper")
    await chat.say("delete buy salt and pepper")
    tasks = await chat.all()
    assert "buy salt and pepper" not in tasks and len(tasks) == len(ERRANDS)


@pytest.mark.parametrize(
    ("message", "title"),
    [("drop the dentist appointment", "book a dentist appointment"),
     ("could you scratch the gym one", "go to the gym"),
     ("get rid of the rome flights", "book flights to rome")],
)  # fmt: skip
async def test_a_removal_said_outright_deletes_the_task_it_names(
    chat: Chat, message: str, title: str
) -> None:
    await chat.say(message)
    tasks = await chat.all()
    assert title not in tasks and len(tasks) == len(ERRANDS) - 1


@pytest.mark.parametrize(
    "message",
    ["drop off the milk at grandma's", "delete my gym account",
     "remove the onions from the recipe", "delete all the photos on my phone"],
)  # fmt: skip
async def test_a_removal_of_something_else_deletes_nothing(chat: Chat, message: str) -> None:
    await chat.create("remove stain from the rug")
    before = await chat.all()
    await chat.say(message)
    assert await chat.all() == before


async def test_and_the_first_one_too_repeats_the_last_completion_on_the_listed_task(
    chat: Chat,
) -> None:
    listed = await chat.say("show my tasks")
    first, second = listed.tasks[0].title, listed.tasks[1].title
    await chat.say("mark the second one done")
    reply = await chat.say("and the first one too")
    assert await _completed(chat) == sorted([first, second])
    assert reply.intent == "complete_task"


async def test_a_named_task_as_well_repeats_the_last_deletion(chat: Chat) -> None:
    await chat.say("delete buy milk")
    await chat.say("the gym one as well")
    tasks = await chat.all()
    assert "buy milk" not in tasks and "go to the gym" not in tasks


async def test_you_too_after_a_completion_changes_nothing_more(chat: Chat) -> None:
    await chat.say("mark buy milk as done")
    reply = await chat.say("thanks, you too")
    assert await _completed(chat) == ["buy milk"]
    assert reply.intent != "complete_task"


async def test_a_rename_whose_title_has_to_in_it_keeps_that_title_whole(chat: Chat) -> None:
    await chat.say("change go to the gym to go swimming")
    tasks = await chat.all()
    assert "go swimming" in tasks and "go to the gym" not in tasks


async def test_a_report_followed_by_news_completes_the_task_it_reports(chat: Chat) -> None:
    await chat.say("called the plumber, he's coming on friday")
    assert await _completed(chat) == ["call the plumber"]
    assert "called the plumber, he's coming" not in await chat.all()


async def test_a_report_with_a_negation_anywhere_completes_nothing(chat: Chat) -> None:
    await chat.say("called the plumber, he didn't pick up")
    assert await _completed(chat) == []


async def test_a_clause_naming_the_task_before_delete_it_deletes_that_task(chat: Chat) -> None:
    await chat.say("don't need to renew the car insurance anymore, delete it")
    tasks = await chat.all()
    assert "renew the car insurance" not in tasks and len(tasks) == len(ERRANDS) - 1
