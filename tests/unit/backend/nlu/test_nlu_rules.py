import pytest

from todo_backend.nlu.intents import Intent
from todo_backend.nlu.rules import match_rules


@pytest.mark.parametrize(
    ("text", "intent", "strong"),
    [
        ("hi there", Intent.GREETING, True),
        ("thanks!", Intent.GREETING, True),
        ("help", Intent.HELP, True),
        ("how do I delete a task?", Intent.HELP, True),
        ("remind me to call mom", Intent.SET_REMINDER, True),
        ("please delete the dentist appointment", Intent.DELETE_TASK, True),
        ("mark buy milk as done", Intent.COMPLETE_TASK, True),
        ("mark buy milk as high priority", Intent.UPDATE_TASK, True),
        ("rename buy milk to buy oat milk", Intent.UPDATE_TASK, True),
        ("add buy milk", Intent.ADD_TASK, True),
        ("show my tasks", Intent.LIST_TASKS, True),
        ("what's due today", Intent.LIST_TASKS, True),
        ("what is 7 times 8", Intent.OUT_OF_SCOPE, True),
        ("I need to call the plumber", Intent.ADD_TASK, True),
        ("actually, friday at 3pm", Intent.UPDATE_TASK, True),  # a correction, said so
        ("friday at 3pm", Intent.UPDATE_TASK, True),  # a follow-up: decides over the model
        ("finish the report by friday", Intent.ADD_TASK, False),
    ],
)
def test_rules(text: str, intent: Intent, strong: bool) -> None:
    match = match_rules(text)
    assert match is not None
    assert (match.intent, match.strong) == (intent, strong)


def test_obligation_about_managing_a_task_is_not_a_new_task() -> None:
    match = match_rules("I need to delete the gym task")
    assert match is None or match.intent is not Intent.ADD_TASK


@pytest.mark.parametrize(
    "text",
    [
        "what's the weather like in Paris?",
        "how do I bake bread",
        "tell me a joke",
        "find me a coffee shop nearby",
        "will it rain tomorrow?",
    ],
)
def test_out_of_scope_matches_no_task_rule(text: str) -> None:
    match = match_rules(text)
    assert match is None or match.intent is Intent.OUT_OF_SCOPE
