"""Help and list answers fit the question; requests only an agent could carry out change nothing.

Phrasings from a fresh development batch (since appended to
`dev.jsonl`), written before the pipeline was changed for them.
"""

import pytest

from todo_backend.nlu.intents import ACTION_INTENTS, Intent
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.questions import help_is_about_the_chat, list_is_about_my_tasks
from todo_backend.nlu.text import Message

from .conftest import BERLIN, NOW


def _intent(pipeline: NluPipeline, text: str) -> Intent:
    return pipeline.parse(text, now=NOW, timezone=BERLIN).intent


@pytest.mark.parametrize(
    "text",
    [
        "can you help me with my taxes",
        "can u help me study for my exam",
        "how do i tag someone in a facebook post",
        "how do i set up a recurring payment with my bank",
        "how do i change the due date on my library books",
        "how do you make a to do list in notion",
        "how do i undo a git commit",
        "instructions for my new coffee machine",
        "how do i get things done when i'm depressed",
        "how do i set priorities in life",
        "how does a reminder app know where i am",
        "what can i do about a noisy neighbour",
    ],
)
def test_how_to_questions_about_other_things_get_no_help_answer(
    pipeline: NluPipeline, text: str
) -> None:
    assert _intent(pipeline, text) is not Intent.HELP


@pytest.mark.parametrize(
    "text",
    [
        "how do i delete a task",
        "what can you do",
        "what commands are there",
        "how do i undo my last change",
        "can you tell me how to undo something",
        "i need help",
        "how do i use this app",
        "how do i put things on my shopping list",
        "what sort of commands do you understand",
        "how do i see what's due this week",
        "how can i mark something done",
        "can i set reminders with this",
    ],
)
def test_questions_about_the_chat_still_get_help(pipeline: NluPipeline, text: str) -> None:
    assert _intent(pipeline, text) is Intent.HELP


@pytest.mark.parametrize(
    "text",
    [
        "what's on the news today",
        "list things to do in lisbon",
        "what are the top 10 things to do in paris",
        "what should i do this weekend in berlin",
        "my list of complaints is long today",
        "i have nothing to do today",
        "everything is overdue in my life lol",
        "what did i do yesterday",
        "what's pending on my amazon order",
        "what is due on my car insurance renewal",
        "what do i have to do to get a driver's license",
        "what's the agenda for the un summit",
        "what's a bucket list",
        "what should i say in a performance review",
        "what are you doing today",
        "any good restaurants open late",
        "list some fun things to do with kids on a rainy day",
        "what do i have to bring to the dmv",
        "what's due at the end of the tax year",
        "my boss scheduled another meeting for friday",
    ],
)
def test_the_worlds_lists_and_statements_are_not_task_lists(
    pipeline: NluPipeline, text: str
) -> None:
    assert _intent(pipeline, text) is Intent.OUT_OF_SCOPE


@pytest.mark.parametrize(
    "text",
    [
        "is buy milk on my list?",
        "is pay rent still on my list",
        "did i finish everything for today",
        "what's on my plate today",
        "anything overdue?",
        "what's left",
        "what do i need to do today",
        "show me everything i haven't done yet",
        "would you mind showing me my list",
        "is there anything on my shopping list",
        "show my tasks tagged work",
        "what's due at the end of the week",
    ],
)
def test_questions_about_my_tasks_list_them(pipeline: NluPipeline, text: str) -> None:
    assert _intent(pipeline, text) is Intent.LIST_TASKS


@pytest.mark.parametrize(
    "text",
    [
        "pls call mom",
        "email my boss that i'll be late",
        "email the landlord about the broken heater",
        "can you reserve a rental car for next week",
        "can u book a flight to lima for me",
        "i need you to call the restaurant and make a reservation",
        "set the living room lights to 50 percent",
        "set the oven timer for 20 minutes",
        "start the vacuum",
        "turn the heat up",
        "cancel my hotel booking",
        "delete my old bank card from apple pay",
        "can you help me write an email to my landlord",
    ],
)
def test_what_only_an_agent_could_do_now_changes_nothing(pipeline: NluPipeline, text: str) -> None:
    assert _intent(pipeline, text) not in ACTION_INTENTS


@pytest.mark.parametrize(
    ("text", "intent", "title"),
    [
        ("call mom tomorrow", Intent.ADD_TASK, "call mom"),
        ("add call mom to my list", Intent.ADD_TASK, "call mom"),
        ("add order pizza for the party", Intent.ADD_TASK, "order pizza for the party"),
        ("remind me to call mom", Intent.SET_REMINDER, "call mom"),
        ("call the insurance company asap", Intent.ADD_TASK, "call the insurance company"),
        ("can u remind me to order pizza at 7pm", Intent.SET_REMINDER, "order pizza"),
        ("would you mind adding buy stamps", Intent.ADD_TASK, "buy stamps"),
        ("could you please put oil change on my list", Intent.ADD_TASK, "oil change"),
        ("i need to call the insurance company", Intent.ADD_TASK, "call the insurance company"),
        ("call grandma on saturday", Intent.ADD_TASK, "call grandma"),
        ("email the teacher by friday", Intent.ADD_TASK, "email the teacher"),
    ],
)
def test_a_note_to_self_about_the_same_things_is_a_task(
    pipeline: NluPipeline, text: str, intent: Intent, title: str
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert (result.intent, result.entities.title) == (intent, title)


def test_a_message_said_for_later_is_a_note_to_self(pipeline: NluPipeline) -> None:
    assert _intent(pipeline, "text sam later about the keys") is Intent.ADD_TASK
    assert _intent(pipeline, "text sam about the keys") is Intent.OUT_OF_SCOPE


def test_the_gates_are_plain_functions_of_the_message() -> None:
    assert help_is_about_the_chat(Message("how do i tag a task"))
    assert not help_is_about_the_chat(Message("how do i tag someone on instagram"))
    assert help_is_about_the_chat(Message("can someone help me out here"))
    assert list_is_about_my_tasks(Message("what's due friday"))
    assert not list_is_about_my_tasks(Message("what's due on a library book if it's late"))
    assert list_is_about_my_tasks(Message("my tasks tagged work"))
    assert not list_is_about_my_tasks(Message("my list of complaints is long today"))
    lists = (
        "what did i delete yesterday",
        "what's due in the next few days",
        "find the one about the car insurance",
    )
    for text in lists:
        assert list_is_about_my_tasks(Message(text)), text
    helps = ("what are you capable of", "how do you delete things", "what features do you have")
    for text in helps:
        assert help_is_about_the_chat(Message(text)), text
