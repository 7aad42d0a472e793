"""Requests for another assistant, quoted words and remarks change nothing; the to-dos that look
like them still act; help and list answers are only about this chat and the user's tasks."""

import pytest

from todo_backend.nlu.intents import ACTION_INTENTS, Intent
from todo_backend.nlu.pipeline import NluPipeline

from .conftest import BERLIN, NOW


def _intent(pipeline: NluPipeline, text: str) -> Intent:
    return pipeline.parse(text, now=NOW, timezone=BERLIN).intent


@pytest.mark.parametrize(
    "text",
    [
        # polite requests for work done in the world, whatever the opener
        "i was wondering whether you could book a sauna slot for thursday",
        "hey could u hire a dog walker for next week",
        "would you be able to arrange a pickup from the airport tonight",
        "any chance you could fetch my dry cleaning today",
        "rent us a van for saturday",
        "book a physio appointment for me asap",
        # a message whose date is what it says, not when to send it
        "send a text to my landlord saying the boiler broke this morning",
        "whatsapp my sister that dinner is at 7",
        "fax the signed lease to the agency",
        # the phone, the house, the tracker
        "snooze the alarm for five minutes",
        "run the dishwasher",
        "track my sleep tonight",
        "log my weight today",
        # editing something that is not a task
        "add a border to this picture",
        "add a 10 percent tip to the bill",
        "remove the watermark from my photo",
        "cut the second paragraph of the essay",
        "change my linkedin headline to product lead",
        # asked to see, not to do
        "show me the news for today",
        "list five films for tonight",
        "play some jazz in the kitchen tonight",
    ],
)
def test_requests_for_another_assistant_change_nothing(pipeline: NluPipeline, text: str) -> None:
    assert _intent(pipeline, text) not in ACTION_INTENTS


@pytest.mark.parametrize(
    "text",
    [
        "my neighbour shouted 'delete that photo' across the street lol",
        "the post-it on my desk says 'call the bank', no idea why",
        "what does 'mark to market' mean",
        "tomorrow is my anniversary!",
        "saturday already, wow",
        "tomorrow's going to be busy",
        "the train broke down again today",
        "every friday is chaos at work",
        "mondays are the worst",
        "the recycling gets picked up every thursday",
        "train leaves at 8 tomorrow morning",
        "my husband keeps moving my keys",
        "big exam tomorrow, fingers crossed",
        "the pool's shut tomorrow for repairs",
        "so relieved it's the weekend tomorrow",
        # another app's things, a sum, the phone's alarm
        "add more pepper to a bland stew?",
        "send a teams message to the office that i'm stuck in traffic",
        "can you add up 4, 8 and 15 for me",
        "set my alarm for 7 tomorrow",
        "add anna as a favourite",
        "schedule a post for noon",
        "mark my calendar as out of office",
    ],
)
def test_quoted_words_and_remarks_about_the_day_change_nothing(
    pipeline: NluPipeline, text: str
) -> None:
    assert _intent(pipeline, text) not in ACTION_INTENTS


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("add 'book the sauna'", Intent.ADD_TASK),
        ("put 'rent a van' on my list", Intent.ADD_TASK),
        ("remind me to send the landlord a text at 6pm", Intent.SET_REMINDER),
        ("i need to cancel my magazine subscription", Intent.ADD_TASK),
        ("i need to book the car service", Intent.ADD_TASK),
        ("could you add hire a dog walker", Intent.ADD_TASK),
        ("add track my expenses", Intent.ADD_TASK),
        ("text the plumber tomorrow about the leak", Intent.ADD_TASK),
        ("what reminders do i have", Intent.LIST_TASKS),
        ("what can you do for me", Intent.HELP),
        ("add pepper to the shopping list", Intent.ADD_TASK),
        ("the bins need to go out every tuesday", Intent.ADD_TASK),
        ("set an alarm for 7 tomorrow to call the bank", Intent.SET_REMINDER),
        ("i have to send the teams invite for friday", Intent.ADD_TASK),
        ("play squash with jo on friday", Intent.ADD_TASK),
        ("add buy flowers for gran, she'll be so glad", Intent.ADD_TASK),
    ],
)
def test_to_dos_that_look_like_requests_still_act(
    pipeline: NluPipeline, text: str, intent: Intent
) -> None:
    assert _intent(pipeline, text) is intent


@pytest.mark.parametrize(
    "text",
    [
        "what can i do in vienna this weekend",
        "find a recipe for banana bread",
        "look up the opening hours of the zoo",
        "how do i set a reminder on my fitbit",
        "how do you spell priority",
        "what are the typical tasks of a nurse",
        "what's due when you return a rental car",
        "list my spotify playlists",
        "find my keys",
        "what goes on a camping checklist",
        "what does due process mean",
        "what's the F1 schedule for next season",
        "what should i get my mum for christmas",
        "how do you say 'shopping list' in german",
    ],
)
def test_questions_about_the_world_are_neither_help_nor_a_task_list(
    pipeline: NluPipeline, text: str
) -> None:
    assert _intent(pipeline, text) in (Intent.OUT_OF_SCOPE, Intent.GREETING)


@pytest.mark.parametrize(
    "message", ["i need to order a pizza for the kids party", "i need to arrange a taxi for friday"]
)
def test_a_thing_the_user_says_they_need_to_do_stays_a_to_do(
    pipeline: NluPipeline, message: str
) -> None:
    assert pipeline.parse(message, now=NOW, timezone=BERLIN).intent is Intent.ADD_TASK


def test_cancelling_an_appointment_with_the_surgery_is_out_of_scope(pipeline: NluPipeline) -> None:
    result = pipeline.parse(
        "cancel my dentist appointment with the surgery", now=NOW, timezone=BERLIN
    )
    assert result.intent is Intent.OUT_OF_SCOPE


def test_moving_a_meeting_with_the_bank_is_still_an_update(pipeline: NluPipeline) -> None:
    result = pipeline.parse("move the meeting with the bank to friday", now=NOW, timezone=BERLIN)
    assert result.intent is Intent.UPDATE_TASK
