"""List phrasing, titles and tags: the item is the title, the list's name the tag."""

import pytest

from tests.unit.backend.nlu.conftest import BERLIN, NOW
from tests.unit.backend.nlu.test_chat_service import Chat
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.pipeline import NluPipeline
from todo_backend.nlu.rules import match_rules
from todo_backend.nlu.wording import fragments


@pytest.mark.parametrize(
    ("text", "title", "tag"),
    [
        ("add book the dj to my wedding to-do list", "book the dj", "wedding"),
        ("add airpods to my wishlist", "airpods", "wish"),
        ("add bread to the packing checklist", "bread", "packing"),
        ("add sugar to my list of groceries", "sugar", "groceries"),
        ("to do list: renew passport", "renew passport", None),
        ("please add to do list call john", "call john", None),
        # as the user wrote it: "chore" is no misspelling of "chores"
        ("put take out the recycling on the chore list", "take out the recycling", "chore"),
        ("add kale to the farmers market list", "kale", "farmers-market"),
        ("add something to my packing list: hiking boots", "hiking boots", "packing"),
        ("paper towels need to go on the list", "paper towels", None),
        ("update my grocery list with paper towels", "paper towels", "grocery"),
        ("alexa add garlic to my shopping list", "garlic", "shopping"),
        ("hey google put bread on the grocery list", "bread", "grocery"),
        ("please you add eggs in my shopping list", "eggs", "shopping"),
        ("please to add bread on grocery list", "bread", "grocery"),
        ("um add cheddar cheese to the grocery list i guess", "cheddar cheese", "grocery"),
        (
            "hi there, when you get a chance could you add lasagna noodles to our grocery list?"
            " thanks so much",
            "lasagna noodles",
            "grocery",
        ),
    ],
)
def test_list_item_title_and_tag(text: str, title: str, tag: str | None) -> None:
    entities = extract_entities(text, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.list_tag) == (title, tag)
    assert entities.tags == ((tag,) if tag else ())


@pytest.mark.parametrize(
    "text",
    ["add make a packing list for the trip", "add write the christmas list", "add print a list"],
)
def test_a_list_the_task_is_about_stays_in_the_title(text: str) -> None:
    entities = extract_entities(text, Intent.ADD_TASK, now=NOW)
    assert entities.title == text.removeprefix("add ")
    assert entities.tags == ()


def test_a_lone_connector_left_between_consumed_words_goes() -> None:
    entities = extract_entities(
        "add pancake mix to the grocery list and mark it low priority", Intent.ADD_TASK, now=NOW
    )
    assert (entities.title, entities.priority, entities.tags) == (
        "pancake mix",
        "low",
        ("grocery",),
    )
    assert fragments("call bob and") == "call bob"
    assert fragments("and milk") == "and milk"  # a leading word may be the task's own


@pytest.mark.parametrize(
    ("text", "intent", "reference"),
    [
        ("remove lettuce from groceries", Intent.DELETE_TASK, "lettuce"),
        ("eggs can come off the grocery list", Intent.DELETE_TASK, "eggs"),
        ("siri remove milk from my shopping list", Intent.DELETE_TASK, "milk"),
        ("cross off milk on the grocery list", Intent.COMPLETE_TASK, "milk"),
    ],
)
def test_taking_an_item_off_a_list_names_the_item(
    text: str, intent: Intent, reference: str
) -> None:
    assert extract_entities(text, intent, now=NOW).reference == reference


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cross off milk on the grocery list", Intent.COMPLETE_TASK),
        ("tick off passport on my packing list", Intent.COMPLETE_TASK),
        ("take call mom off my to do list", Intent.DELETE_TASK),
        ("eggs can come off the grocery list", Intent.DELETE_TASK),
        ("what did i put on the costco list", Intent.LIST_TASKS),
        ("open my wedding list", Intent.LIST_TASKS),
        ("pull up the hardware store list", Intent.LIST_TASKS),
        ("for my grocery list: frozen peas", Intent.ADD_TASK),
        ("remove me from the mailing list", Intent.OUT_OF_SCOPE),
        ("take me off the email list", Intent.OUT_OF_SCOPE),
        ("put me on the waiting list for the gym", Intent.OUT_OF_SCOPE),
    ],
)
def test_list_rules(text: str, intent: Intent) -> None:
    rule = match_rules(text)
    assert rule is not None
    assert rule.intent is intent


@pytest.mark.parametrize(
    ("text", "intent", "tags"),
    [
        ("what did i put on the costco list", Intent.LIST_TASKS, ("costco",)),
        ("open my wedding list", Intent.LIST_TASKS, ("wedding",)),
        ("mark sunscreen as done on the packing list", Intent.COMPLETE_TASK, ("packing",)),
        ("for my grocery list: frozen peas", Intent.ADD_TASK, ("grocery",)),
    ],
)
def test_list_messages_end_to_end(
    pipeline: NluPipeline, text: str, intent: Intent, tags: tuple[str, ...]
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is intent
    assert result.entities.tags == tags


@pytest.mark.parametrize(
    "text",
    ["remove me from the mailing list", "take me off the email list"],
)
def test_taking_yourself_off_a_list_changes_no_task(pipeline: NluPipeline, text: str) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent is Intent.OUT_OF_SCOPE


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("i've got a doctor's appointment thursday at 3", "doctor's appointment", "26T15:00"),
        ("i have a dentist appointment on friday at 10am", "dentist appointment", "27T10:00"),
        ("i've got a haircut saturday at 11", "haircut", "28T11:00"),
    ],
)
def test_an_appointment_statement_is_titled_by_the_appointment(
    text: str, title: str, due: str
) -> None:
    entities = extract_entities(text, Intent.ADD_TASK, now=NOW)
    assert entities.title == title
    assert entities.due_at is not None
    assert entities.due_at.astimezone(BERLIN).strftime("%dT%H:%M") == due


@pytest.mark.parametrize(
    ("text", "title", "tags"),
    [
        ("trash bags should be on the shopping list", "trash bags", ("shopping",)),
        ("paper towels gotta go on the costco list", "paper towels", ("costco",)),
        ("add get a haircut to my to do list", "get a haircut", ()),
        ("dont forget to put eggs on the shopping list", "eggs", ("shopping",)),
        ("we're out of salt, add salt to the grocery list", "salt", ("grocery",)),
        ("add fix the sink to my chores", "fix the sink", ("chores",)),
        ("add renew passport, tags travel and admin", "renew passport", ("travel", "admin")),
        # "tag" as a noun names no tag
        ("add buy a gift tag for mom", "buy a gift tag for mom", ()),
    ],
)
def test_more_titles_and_tags(text: str, title: str, tags: tuple[str, ...]) -> None:
    entities = extract_entities(text, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.tags) == (title, tags)


def test_a_noun_after_the_verb_is_not_a_second_verb() -> None:
    entities = extract_entities(
        "take trash bags off the shopping list", Intent.DELETE_TASK, now=NOW
    )
    assert entities.reference == "trash bags"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("scratch coffee off the list", Intent.COMPLETE_TASK),
        ("we don't need rice on the list anymore", Intent.DELETE_TASK),
        ("can i see the packing list", Intent.LIST_TASKS),
        ("what do i need to get from the pharmacy list", Intent.LIST_TASKS),
        ("can you recommend things to put on a christmas list", Intent.OUT_OF_SCOPE),
        ("can you give me ideas for a baby shower registry list", Intent.OUT_OF_SCOPE),
        ("I need hot dogs put on my shopping list", Intent.ADD_TASK),
    ],
)
def test_list_intents_end_to_end(pipeline: NluPipeline, text: str, intent: Intent) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent is intent


@pytest.mark.parametrize(
    ("text", "title", "tags"),
    [
        ("can you add like three avocados to the grocery list", "three avocados", ("grocery",)),
        ("hello! please add birthday candles to my party list :)", "birthday candles", ("party",)),
        ("adding toothpaste to the shopping list", "toothpaste", ("shopping",)),
        ("add toothpaste to the shoppinglist", "toothpaste", ("shopping",)),
        ("i need to remember to get milk add it to my shopping list", "get milk", ("shopping",)),
        ("we're out of olive oil, add it to the grocery list", "olive oil", ("grocery",)),
        (
            "put an extra phone charger on my packing list for the trip",
            "an extra phone charger",
            ("packing",),
        ),
        # a day after the list is the due date, not what the list is for
        ("add bread to my shopping list for tomorrow", "bread", ("shopping",)),
        ("shopping: eggs", "eggs", ("shopping",)),
        ("and add butter to the list too", "butter", ()),
        ("also put napkins on there", "napkins", ()),
        ("add call the lawyer (high priority)", "call the lawyer", ()),
    ],
)
def test_chatty_and_voice_list_phrasing(text: str, title: str, tags: tuple[str, ...]) -> None:
    entities = extract_entities(text, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.tags) == (title, tags)


@pytest.mark.parametrize(
    ("text", "intent", "reference"),
    [
        ("take off milk from the grocery list", Intent.DELETE_TASK, "milk"),
        ("mark bread as bought on the shopping list", Intent.COMPLETE_TASK, "bread"),
        ("strike milk from the grocery list", Intent.COMPLETE_TASK, "milk"),
        # "the groceries" here is the task, not a list
        ("check off the groceries", Intent.COMPLETE_TASK, "groceries"),
    ],
)
def test_more_removals(pipeline: NluPipeline, text: str, intent: Intent, reference: str) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert (result.intent, result.entities.reference) == (intent, reference)


def test_shopping_colon_is_an_item(pipeline: NluPipeline) -> None:
    result = pipeline.parse("groceries: milk and bread", now=NOW, timezone=BERLIN)
    assert result.intent is Intent.ADD_TASK
    assert (result.entities.title, result.entities.tags) == ("milk and bread", ("groceries",))


@pytest.mark.parametrize(
    ("text", "title", "tags"),
    [
        ("add 'call grandma' please and thank you", "call grandma", ()),
        ("add renew insurance under finance please", "renew insurance", ("finance",)),
        ("add backup the laptop and put it under tech", "backup the laptop", ("tech",)),
        ("i have a dinner reservation saturday at 8pm", "dinner reservation", ()),
        ("there's a parent teacher meeting on thursday at 6", "parent teacher meeting", ()),
        ("add... uh... return the rental car", "return the rental car", ()),
        ("add buy milk \N{SLIGHTLY SMILING FACE}", "buy milk", ()),
        ("put bread on the list, we're out", "bread", ()),
    ],
)
def test_titles_lose_politeness_remarks_and_emoji(
    text: str, title: str, tags: tuple[str, ...]
) -> None:
    entities = extract_entities(text, Intent.ADD_TASK, now=NOW)
    assert (entities.title, entities.tags) == (title, tags)


async def test_clearing_a_list_deletes_only_that_list_and_asks_first(chat: Chat) -> None:
    await chat.create("eggs", tags=["shopping"])
    await chat.create("milk", tags=["shopping"])
    await chat.create("pay rent")
    await chat.say("add bread to my shopping list")  # "it" must not be the target
    reply = await chat.say("clear my shopping list")
    assert "3 tasks" in reply.reply and "pay rent" not in reply.reply
    assert set(await chat.all()) == {"eggs", "milk", "bread", "pay rent"}
    await chat.say("yes")
    assert set(await chat.all()) == {"pay rent"}


async def test_removing_one_item_from_a_list_leaves_the_rest(chat: Chat) -> None:
    await chat.create("eggs", tags=["shopping"])
    await chat.create("milk", tags=["shopping"])
    await chat.say("take eggs off the shopping list")
    assert set(await chat.all()) == {"milk"}


@pytest.mark.parametrize(
    "text", ["clear my shopping list", "delete my grocery list", "empty the shopping list"]
)
def test_clearing_a_named_list_is_a_bulk_delete_on_its_tag(
    pipeline: NluPipeline, text: str
) -> None:
    result = pipeline.parse(text, now=NOW, timezone=BERLIN)
    assert result.intent is Intent.DELETE_TASK
    assert result.entities.status_filter == "all"
    assert result.entities.list_tag in ("shopping", "grocery")
    assert not result.entities.refers_to_context


def test_removing_it_from_a_list_is_still_it(pipeline: NluPipeline) -> None:
    result = pipeline.parse("remove it from my list", now=NOW, timezone=BERLIN)
    assert (result.entities.status_filter, result.entities.refers_to_context) == (None, True)


@pytest.mark.parametrize(
    "text", ["my wife made the grocery list this week", "the hardware store closes at 6"]
)
def test_news_about_others_is_no_command(pipeline: NluPipeline, text: str) -> None:
    assert pipeline.parse(text, now=NOW, timezone=BERLIN).intent is Intent.OUT_OF_SCOPE
