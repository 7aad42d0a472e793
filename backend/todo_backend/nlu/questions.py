"""Questions are not commands: "when did I last take my car to the shop" changes nothing.

A message that asks something (it opens with a question word or auxiliary, or ends with "?")
is never a create, complete, delete, update or reminder, unless it is a polite command ("can
you add…", "could you remind me…", "would you mind deleting…"). Such a question becomes a list
request when the rules read one in it ("what's on my shopping list?"), else out of scope.
"""

import re
from dataclasses import replace

from todo_backend.nlu.intents import ACTION_INTENTS, Intent, IntentDecision
from todo_backend.nlu.rules import Rule, strip_fillers
from todo_backend.nlu.text import Message

_I = re.I
COMMAND_VERBS = (
    r"add|put|stick|include|create|make|remind|set|schedule|book\s+in|mark|check|tick|cross|delete"
    r"|remove|cancel|clear|erase|complete|finish|close|change|update|rename|move|push|postpone"
    r"|reschedule|undo|revert|note|jot|write|save|tag|label|show|list|give|tell|read|bump|lower"
    r"|raise|increase|decrease|get\s+rid\s+of|take|drop|scrap|ping|alert|notify|nudge|find|search"
)
_ASKS = re.compile(
    r"^(?:what|what's|whats|when|when's|where|where's|who|who's|whom|whose|why|how|how's|which"
    r"|will|would|is|isn't|are|aren't|was|wasn't|were|do|does|doesn't|did|didn't|can"
    r"|could|should|shall|may|might|am|has|hasn't|have|haven't|had|any\s+idea|i\s+wonder)\b(?!')",
    _I,
)
_POLITE = re.compile(
    rf"^(?:(?:can|could|would|will|won't)\s+(?:you|u|ya)|would\s+you\s+(?:mind|be\s+able\s+to)"
    rf"|do\s+you\s+mind|(?:can|could|may)\s+(?:i|we)\s+(?:get|have|add|set|put|make|create)"
    rf"|(?:is|would|will)\s+it\s+be\s+possible\s+to|is\s+it\s+possible\s+(?:for\s+you\s+)?to"
    rf"|(?:is\s+there\s+)?any\s+chance\s+(?:you\s+)?(?:could|can)|(?:would|could)\s+you\s+be\s+able\s+to"
    rf"|(?:do\s+you\s+think|i\s+was\s+wondering\s+if|i\s+wonder\s+if)\s+(?:you|u)\s+(?:could|can|would)"
    rf"|(?:can|could|shall)\s+we|(?:could|can|may)\s+i\s+(?:get|have))"
    rf"\s+(?:please\s+|pls\s+|plz\s+|kindly\s+|just\s+|quickly\s+|maybe\s+|also\s+)*"
    rf"(?:(?:{COMMAND_VERBS})\w*|me\s+a\s+reminder|a\s+reminder|an?\s+(?:task|todo|item))\b",
    _I,
)
_IMPERATIVE = re.compile(rf"^(?:please\s+|pls\s+)?(?:{COMMAND_VERBS})\b", _I)


# "urgent question: …", "important: do you know…": the label is not the command
_LABEL = re.compile(
    r"^(?:(?:quick|urgent|important|random|silly|serious)\s+)?(?:question|q|query)\s*[:-]\s*"
    r"|^(?:urgent|important|critical|asap|quick)\s*[:-]\s*(?=(?:what|when|where|who|why|how|which|do"
    r"|does|did|is|are|can|could|would|should|will)\b)",
    _I,
)


def is_question(message: Message) -> bool:
    """Asks something rather than telling the bot to do something."""
    text = _LABEL.sub("", strip_fillers(message.text), count=1)
    if _POLITE.match(message.text) or _POLITE.match(text):
        return False
    if _ASKS.match(text):
        return True
    return text.rstrip().endswith("?") and _IMPERATIVE.match(text) is None


def not_a_command_gate(
    message: Message, decision: IntentDecision, rule: Rule | None
) -> IntentDecision:
    """Keeps a question from acting on tasks: list request, or out of scope."""
    if decision.intent not in ACTION_INTENTS or not is_question(message):
        return decision
    if rule is not None and rule.intent in (Intent.LIST_TASKS, Intent.HELP):
        return replace(decision, intent=rule.intent)
    return replace(decision, intent=Intent.OUT_OF_SCOPE)
