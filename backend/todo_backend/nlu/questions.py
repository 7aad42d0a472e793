"""Questions are not commands: "when did I last take my car to the shop" changes nothing.

A message that asks something (it opens with a question word or auxiliary, or ends with "?")
is never a create, complete, delete, update or reminder, unless it is a polite command ("can
you add…", "could you remind me…", "would you mind deleting…"). Such a question becomes a list
request when the rules read one in it ("what's on my shopping list?"), else out of scope.
"""

import re
from dataclasses import replace

from todo_backend.nlu.intents import ACTION_INTENTS, Intent, IntentDecision
from todo_backend.nlu.rules import DAY_AS_SUBJECT, FEELINGS, SEE_REQUEST, Rule, strip_fillers
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
    r"|could|should|shall|may|might|am|has|hasn't|have|haven't|had|any\s+idea|i\s+wonder"
    r"|any\s+(?:tips|advice|ideas|suggestions|recommendations|thoughts))\b(?!')",
    _I,
)
_POLITE = re.compile(
    rf"^(?:(?:can|could|would|will|won't)\s+(?:you|u|ya)|would\s+you\s+(?:mind|be\s+able\s+to)"
    rf"|do\s+you\s+mind|(?:can|could|may)\s+(?:i|we)\s+(?:get|have|add|set|put|make|create)"
    rf"|(?:is|would|will)\s+it\s+be\s+possible\s+to|is\s+it\s+possible\s+(?:for\s+you\s+)?to"
    rf"|(?:is\s+there\s+)?any\s+chance\s+(?:you\s+)?(?:could|can)|(?:would|could)\s+you\s+be\s+able\s+to"
    rf"|(?:do\s+you\s+think|i\s+was\s+wondering|i\s+wonder)\s+(?:if|whether)\s+(?:you|u)"
    rf"\s+(?:could|can|would)"
    rf"|(?:can|could|shall)\s+we|(?:could|can|may)\s+i\s+(?:get|have))"
    rf"\s+(?:please\s+|pls\s+|plz\s+|kindly\s+|just\s+|quickly\s+|maybe\s+|also\s+)*"
    rf"(?:(?:{COMMAND_VERBS})\w*|me\s+a\s+reminder|a\s+reminder|an?\s+(?:task|todo|item))\b",
    _I,
)
# "schedule: the bus leaves at 5?" is a label, not the verb
_IMPERATIVE = re.compile(rf"^(?:please\s+|pls\s+)?(?:{COMMAND_VERBS})\b(?!\s*:)", _I)


# "urgent question: …", "important: do you know…": the label is not the command
_LABEL = re.compile(
    r"^(?:(?:quick|urgent|important|random|silly|serious)\s+)?(?:question|q|query)\s*[:-]\s*"
    r"|^(?:urgent|important|critical|asap|quick)\s*[:-]\s*(?=(?:what|when|where|who|why|how|which|do"
    r"|does|did|is|are|can|could|would|should|will)\b)",
    _I,
)


# "add or subtract tax first?", "delete or archive old emails, which is better?": a choice
# between two verbs is asked about, never a command
_WHICH_VERB = re.compile(
    rf"^(?:{COMMAND_VERBS}|\w+)\s+or\s+(?:{COMMAND_VERBS}|\w+)\b(?=.*\?\s*$)", _I
)


def is_question(message: Message) -> bool:
    """Asks something rather than telling the bot to do something."""
    text = _LABEL.sub("", strip_fillers(message.text), count=1)
    if _POLITE.match(message.text) or _POLITE.match(text):
        return False
    if _ASKS.match(text) or _WHICH_VERB.match(text):
        return True
    return text.rstrip().endswith("?") and _IMPERATIVE.match(text) is None


# --- Said to someone else, or asked of the bot now: an instruction, not a to-do -------------

_NOTED = re.compile(
    r"\b(?:remind\w*|reminders?|tasks?|to-?dos?|to\s+do|lists?|note|don'?t\s+forget|remember"
    r"|priority|deadline|due)\b",
    _I,
)
_LEAD = r"^(?:(?:please|pls|plz|ok|okay|now|just)\s+)*"
_SUMS = frozenset(
    {"and", "to", "from", "by", "with", "plus", "minus", "times", "together", "up", "into", "+",
     "-", "x", "*", "/", "then", "divided", "multiplied", "of", "the", "numbers", "what", "is",
     "equals", "for", "me", "us", "please", "pls"}
)  # fmt: skip
_SUM_VERB = re.compile(
    _LEAD + r"(?:add|sum|subtract|take|remove|deduct|multiply|divide|times|minus)\s+(?P<rest>.*)$",
    _I,
)
# A recipe step: "add the eggs and whisk", "finish with a pinch of salt", "remove the seeds
# from the pepper"
_RECIPE = re.compile(
    r"\b(?:and|then|&)\s+(?:whisk|stir|mix|fold|fry|bake|simmer|boil|season|serve|knead|blend"
    r"|saut[eé]|cook|chop|beat|toss|combine|drain|grill|roast|sprinkle|garnish|sear|marinate"
    r"|let\s+(?:it\s+)?(?:rest|cool|sit|simmer|rise))\b"
    r"|\b(?:a\s+)?(?:pinch|dash|drizzle|sprinkle|squeeze|splash|knob|sprig)\s+of\b"
    r"|^(?:remove|take\s+out|discard|cut\s+(?:out|off))\s+the\s+(?:seeds|skins?|stems?|pits?|stones?"
    r"|bones|core|shells?|peel|fat|rind|membranes?)\s+(?:from|of|off)\b",
    _I,
)
# A puzzle or text to complete: "finish the sentence: …", "complete the sequence 2 4 8"
_COMPLETE_THE_TEXT = re.compile(
    _LEAD + r"(?:finish|complete|continue)\s+(?:(?:this|that|the\s+following)\s*:"
    r"|(?:this|the|my|that)\s+(?:sentence|sequence|series"
    r"|pattern|phrase|quote|lyrics?|song\s+lyrics|story|poem|joke|word|line|thought|riddle|puzzle)\b)",
    _I,
)
_AGENT_VERBS = (
    r"book|order|buy|purchase|pay|call|ring|phone|text|e-?mail|send|cancel|reserve|reschedule"
    r"|renew|transfer|wire|write|do|get|find|make|take|water|play|schedule|arrange"
)
# Asked of the bot to carry out: "i would like you to book…", "you call the bank for me ok",
# "cancel my dentist appointment for me", "plz pay the bill now"
_DO_IT_FOR_ME = re.compile(
    rf"^i(?:\s+would|'d|\s+wud)?\s+like\s+(?:you|u)\s+to\s+(?:please\s+)?(?:{_AGENT_VERBS})\b"
    rf"|^(?:you|u)\s+(?:{_AGENT_VERBS})\b"
    rf"|{_LEAD}(?:{_AGENT_VERBS})\b.*\bfor\s+(?:me|us)(?:\s+(?:please|pls|plz|now|ok|okay|thanks))*"
    r"[?!.\s]*$"
    rf"|{_LEAD}(?:pay|book|order|buy|send|transfer|wire|reserve|play|call|ring|text|e-?mail)\b.*"
    r"\b(?:right\s+)?now(?:\s+(?:please|pls|plz))?[?!.\s]*$"
    # the phone's own alarm or timer: "set an alarm for 7 tomorrow on my phone"
    r"|\b(?:alarm|timer)s?\b.*\bon\s+(?:my|the)\s+(?:phone|iphone|android|watch|alexa|echo|tablet|ipad)\b"
    r"|^(?:set|change|move|reset|snooze)\s+my\s+alarm\b"
    # another assistant asked by name: "ask siri to set an alarm", "tell alexa to play jazz"
    r"|^(?:ask|tell|get|have)\s+(?:siri|alexa|google|cortana|bixby|chatgpt|gemini|copilot)\b",
    _I,
)
# Not a completion: "i missed my dentist appointment", "i skipped the gym", "we ran out of milk"
_NOT_DONE = re.compile(
    r"^(?:i|we)\s+(?:just\s+)?(?:missed|skipped|forgot|lost|hate|love|ran\s+out\s+of)\b", _I
)
# A story about the day rather than a task reported done: how it went or felt ("i finished the
# book last night, what an ending", "done with work for the day, so tired", "dad's surgery went
# well", "i already called the bank, they were useless", "i checked and the shop is closed"),
# or long ago ("i renewed my passport last year", "i cancelled my gym membership last month")
_STORY = re.compile(
    r"\b(?:what\s+an?\s+\w+|what\s+a\s+relief|so\s+(?:tired|happy|glad|relieved|proud|bored"
    r"|annoyed|stressed|exhausted)|ugh+|lol|yay+|haha+|omg|phew)\b"
    r"|\b(?:went|go(?:es)?|going)\s+(?:really\s+|so\s+|very\s+|pretty\s+)?(?:well|fine|great|ok|okay"
    r"|badly|smoothly|amazing|terrible|awful|wrong)\b"
    r"|\b(?:it|they|he|she)\s+(?:was|were|wasn'?t|weren'?t|'?ll\s+be|will\s+be|still)\b"
    r"|\b(?:but|and)\s+(?:it|they|he|she|nobody|no\s+one)\s+(?:didn'?t|did\s+not|won'?t|wouldn'?t"
    r"|couldn'?t|never|hasn'?t|haven'?t)\b|\bforgot\s+(?:it|them|him|her)\b"
    # a span of one's day, not a task: "i'm done for today", "just finished a long day at work"
    r"|\b(?:done|finished)\s+for\s+(?:today|tonight|now|the\s+(?:day|week|night|weekend))\b"
    r"|\bdone\s+with\s+(?:this|the)\s+(?:week|day|conversation|chat)\b"
    r"|\b(?:long|busy|hard|tough|crazy)\s+(?:day|week|night)\b|\bso\s+much\s+done\b"
    # checked in, checked whether: not ticked off
    r"|\bcheck(?:ed|ing)?\s+(?:in|into|if|whether)\b"
    r"|\b(?:is|are|was|were)\s+(?:closed|shut|out\s+of)\b|\bran\s+out\s+of\b"
    r"|\b(?:last\s+(?:month|year|summer|winter|spring|autumn|fall)|(?:years?|months?|ages)\s+ago"
    r"|in\s+(?:19|20)\d\d)\b",
    _I,
)


# An opinion or somebody's words is no new task: "groceries are so expensive now", "the dentist
# said i need a filling" (a level word is an update: "the report is so urgent")
_OPINION = re.compile(
    r"^(?:(?:the|my|our|his|her|their)\s+)?(?:[\w'-]+\s+){0,3}?(?:said|says|told\s+(?:me|us)|thinks"
    r"|reckons)\b"
    r"|\b(?:is|are|was|were|'s|'re|got|get|getting)\s+(?:so+|too|really|super|way|very|crazy|insanely)"
    r"\s+(?!(?:urgent|important|overdue|late|behind|pressing|critical)\b)\w",
    _I,
)


# The user's own life or other people's, told: plans under way ("i'm working from home
# tomorrow", "i'll be late home tonight", "i start chemo on monday"), habits ("we usually go to
# the gym on mondays"), what others do or want ("my sister visits every other weekend", "my son
# has football practice every tuesday", "my wife wants to paint the kitchen"), the world's
# calendar ("the clocks go back on sunday", "the plumber is coming on wednesday"). "i have a
# dentist appointment friday" stays a task (the user's own appointment), and so does anything
# needed or asked for ("my car needs new tyres", "…, remind me to …").
_SOMEONE = r"(?:my|our|his|her|their|the)\s+(?:[\w'-]+\s+){0,2}?[\w'-]+"
_CHATTY_LEAD = re.compile(r"^(?:(?:tbh|honestly|ngl|lol|ok|okay|so|well|ugh)[\s,!.]+)+", _I)
_HABIT = r"(?:usually|always|normally|often|sometimes|never|generally|typically|mostly)"
_LIFE = re.compile(
    rf"^(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:just\s+|still\s+|probably\s+|only\s+)?"
    r"(?!going\s+to\b|gonna\b|getting\b)\w+ing\b"
    r"|^(?:i|we)(?:'ll|\s+will)\s+(?:probably\s+|prob\s+)?be\b"
    rf"|^(?:i|we|he|she|they|{_SOMEONE})\s+{_HABIT}\b"
    r"|^(?:i|we)\s+(?:start|begin|leave|fly|work|move|retire|graduate|get\s+paid|go\s+back)\b"
    # "tbh i dont know what to have for lunch", "i can't decide what to wear"
    r"|^(?:i|we)\s+(?:don'?t|do\s+not|dont|can'?t|cannot|cant)\s+(?:know|decide|believe|stand|sleep"
    r"|focus|think|choose)\b"
    rf"|^{_SOMEONE}\s+(?:visits|wants|wishes|likes|loves|hates|thinks|hopes|comes|goes|arrives"
    r"|leaves|starts|begins|ends|finishes|works|lives|plays|calls|texts|keeps|gets|takes|opens"
    r"|closes|runs|says|walks|flies|stays|go|come|arrive|leave|start|begin|end|open|close|visit"
    r"|(?:is|are|'s|'re)\s+(?:\w+ing|supposed\s+to|meant\s+to|due\s+to\s+arrive|back|away|off"
    r"|home|late|delayed)"
    r"|(?:has|have)\b(?!\s+(?:to|got\s+to)\b)(?!.*\b(?:appointment|meeting|interview|reservation"
    r"|booking)s?\b))\b",
    _I,
)
# ... unless a later clause asks for something: "we're out of salt, add it to the list"
_ASKED_AFTER = re.compile(
    rf"[,;.!]\s*(?:(?:so|and|then|please|pls|can\s+you|could\s+you)\s+)*(?:{COMMAND_VERBS}"
    r"|buy|call|pay|book|get|clean|pick|order)\b",
    _I,
)
_WANTS = re.compile(r"\b(?:need|needs|needed|have\s+to|has\s+to|must|should|gotta|got\s+to)\b", _I)


def tells_about_life(text: str) -> bool:
    """News of the user's life, of other people or of the world: told, not a to-do."""
    return bool(
        _LIFE.match(_CHATTY_LEAD.sub("", text, count=1))
        and not _WANTS.search(text)
        and not _ASKED_AFTER.search(text)
    )


# News about the world or other people, not a to-do: "we land in rome at 7am tomorrow", "my
# flight leaves at 6", "we have a meeting with the client tomorrow" ("we need to…" is one)
_TELLS = re.compile(
    r"^(?:we|they|he|she|it|flight|train|bus|plane|ferry|coach"
    r"|(?:our|my|his|her|their|the)\s+(?:[\w'-]+\s+){0,2}?(?:flight|train|bus"
    r"|plane|ferry|meeting|party|class|shop|store|trip|wedding|kids?|boss|team|parents|guests?|show"
    r"|game|concert|movie|appointment|landlord|mom|mum|dad|parents|sister|brother|wife|husband"
    r"|girlfriend|boyfriend|friends?|neighbou?rs?|in-laws|client|guests?|cousins?|family))"
    r"(?:\s+|(?='))(?:just\s+|finally\s+|already\s+|all\s+)?(?!(?:need|needs|needed|have\s+to|has\s+to"
    r"|had\s+to|must|should|gotta|got\s+to|want|wants|'ll\s+need|will\s+need|ought)\b)"
    r"(?:land|lands|landed|arrive|arrives|arrived|leave|leaves|left|depart|departs|departed|start"
    r"|starts|started|begin|begins|open|opens|opened|close|closes|closed|end|ends|have|has|had"
    r"|launched|went|go|goes|are|is|were|was|'re|'s|will\s+be|'ll\s+be|keeps|always|never|\w+ed)\b"
    # the world's routine in the passive: "the bins get collected every tuesday here"
    r"|^(?:the|our|my)\s+(?:[\w'-]+\s+){0,2}?(?:gets?|got)\s+\w+(?:ed|en)\b",
    _I,
)
# When something happens, told as a fact: "garbage collection is every monday", "my piano
# lessons are on fridays", "book club meets the first monday of every month". Asking for it
# ("add …", "remind me …") is caught by _NOTED or the command verbs before this applies.
_SCHEDULE_TOLD = re.compile(
    rf"^(?!(?:{COMMAND_VERBS}|i|we|you|u|can|could|would|will|please|pls)\b)"
    r"(?:[\w'-]+\s+){1,4}?(?:is|are|'s|'re|happens?|meets?|takes\s+place|runs?|comes?|falls?)\s+"
    r"(?:on\s+|every\b|each\b|(?:the\s+)?(?:first|second|third|fourth|last|\d+(?:st|nd|rd|th))\s+"
    r"(?:\w+\s+)?(?:of|in)\s+(?:every|each|the)\b|(?:mon|tues|wednes|thurs|fri|satur|sun)days\b"
    r"|(?:daily|weekly|monthly|yearly|fortnightly)\b)",
    _I,
)
# "change of plans, we're eating out tonight", "fyi: my flight lands at 6": news told as such
_NEWS_LEAD = re.compile(
    r"^(?:change\s+of\s+plans?|btw|by\s+the\s+way|fyi|just\s+so\s+(?:you|u)\s+know|guess\s+what"
    r"|(?:quick\s+)?update|news|so|ok(?:ay)?|well)\s*[,:!.-]+\s*",
    _I,
)


# Somebody's words quoted: "my friend texted me 'remind me to never go there'", "the note says
# 'pay gas'". The command is in the quote; outside it a statement or a question.
_QUOTED = re.compile(r"(?<![\w'])(['\"])(?=\S)(.+?)(?<=\S)\1(?![\w'])")
_TOLD_OUTSIDE_THE_QUOTE = re.compile(
    r"\b(?:remind\w*|reminders?|tasks?|to-?dos?|to\s+do|(?:my|the|our|a|to-?do|to\s+do|shopping"
    r"|grocery)\s+(?:[\w'-]+\s+)?list|don'?t\s+forget|deadline|due|priority)\b",
    _I,
)
# ... and what is outside tells or asks: someone's words, a sign, a title, a question
_TELLS_OF_THE_QUOTE = re.compile(
    r"\b(?:said|says|say|saying|texted|wrote|writes|written|reads|called|titled|named|subject"
    r"|sign|note|means?|spell|song|quote|words?|clues?|crossword|rhymes?|synonyms?|antonyms?"
    r"|letters?)\b"
    r"|^(?:my|the|our|his|her|their|there'?s|there\s+is|it|this|that|she|he|they|someone"
    r"|somebody)\b",
    _I,
)


def only_quotes_command(text: str) -> bool:
    """The command words are inside quotes; outside them someone's words are told or asked
    about, and nothing asks for a task."""
    if _QUOTED.search(text) is None:
        return False
    outside = strip_fillers(_QUOTED.sub(" ", text)).strip(" ,.!?:;-")
    if not outside or _IMPERATIVE.match(outside) or _TOLD_OUTSIDE_THE_QUOTE.search(outside):
        return False
    return bool(_TELLS_OF_THE_QUOTE.search(outside) or _ASKS.match(outside))


# A report of one's own deed ("i called the bank …", "just sent off my tax return …"): the chat
# reads it as a report and matches it against the tasks (`chat.references.reports_in`), which
# out of scope here would not stop, so a story told as one is left to that match; a negation
# ("… but he didn't answer") is no report there.
_REPORTED = re.compile(
    r"^(?:(?:ok|okay|so|yeah|yes|well|also|and|oh|hey|fyi|actually)[\s,]+)*(?:(?:i|we)(?:'ve|\s+have)?"
    r"\s+)?(?:(?:just|finally|already|also)\s+)*(?:\w+ed|bought|paid|went|sent|did|made|took|got|wrote"
    r"|ran|gave|met|fed|left|sold|rang)\b",
    _I,
)
_NEGATED = re.compile(r"n't\b|\b(?:not|never|no)\b|\?", _I)


def is_a_story(text: str) -> bool:
    """How the day went rather than a task reported done ("done with work for the day, so
    tired", "dad's surgery went well"); a story told as a report of one's own deed counts only
    where the chat would not read it as a report."""
    return _STORY.search(text) is not None and (
        _REPORTED.match(text) is None or _NEGATED.search(text) is not None
    )


# "would you mind telling me what the time is in new york": a question, asked politely
_TELL_ME_WH = re.compile(
    r"\btell(?:ing)?\s+(?:me|us)\s+(?:what|when|where|how|who|which|whether|if|why)\b", _I
)


def is_told_not_asked(text: str) -> bool:
    """A statement, not a new task: an opinion or somebody's words, news about the world or
    other people, the user's life, a day as the subject, a feeling."""
    return bool(
        _OPINION.search(text)
        or _TELLS.match(_NEWS_LEAD.sub("", text, count=1))
        or _SCHEDULE_TOLD.match(_NEWS_LEAD.sub("", text, count=1))
        or tells_about_life(text)
        or DAY_AS_SUBJECT.match(text)
        or (FEELINGS.search(text) and not _IMPERATIVE.match(text))
    )


# A title the parse left starting with its own subject ("i have the german course", "we have
# choir", "i walk the dog"): the message said what somebody does, not what to do. "I need
# to …", "I must …" are stripped before the title is read, so they never reach this.
_SUBJECT_FIRST = re.compile(
    r"^(?:i|we|they|he|she)(?:'m|'ve|'re|\s+am|\s+are)?\s+(?!(?:need|must|gotta|should|ought"
    r"|want|wanna|have\s+to|has\s+to|got\s+to)\b)[a-z]",
    _I,
)
_ASKED_TO_NOTE = re.compile(
    r"\b(?:add|put|stick|jot|save|schedule|log|write\s+(?:it\s+)?down)\b", _I
)


def title_tells_what_one_does(title: str | None, text: str) -> bool:
    """The would-be task is somebody's doing, told ("every monday I have the german course",
    "ugh i have zero motivation to clean today"), and nothing asks for it to be noted."""
    return (
        title is not None
        and _SUBJECT_FIRST.match(title) is not None
        and _NOTED.search(text) is None
        and _ASKED_TO_NOTE.search(text) is None
    )


def is_a_sum(text: str) -> bool:
    """ "add 5 and 7", "add up 12 34 and 56", "remove 3 from 10": numbers and nothing else."""
    match = _SUM_VERB.match(text.strip().rstrip("?!."))
    if match is None:
        return False
    words = re.findall(r"[\w.]+|[+*/-]", match["rest"].lower())
    numbers = [word for word in words if re.fullmatch(r"\d+(?:[.,]\d+)?", word)]
    return len(numbers) >= 2 and all(word in _SUMS or word in numbers for word in words)


def is_not_a_to_do(message: Message, intent: Intent) -> bool:
    """An instruction that reads like a command but is no to-do for the user: a sum, a recipe
    step, a text to complete, or work asked of the bot now ("… for me", "… now")."""
    text = strip_fillers(message.text)
    if is_a_sum(text) or _COMPLETE_THE_TEXT.match(text) or only_quotes_command(text):
        return True
    if intent in (Intent.ADD_TASK, Intent.SET_REMINDER) and (
        SEE_REQUEST.match(text) or _TELL_ME_WH.search(text)
    ):
        return True  # "show me the weather for tomorrow", "list three recipes with rice"
    if intent is Intent.COMPLETE_TASK and (_NOT_DONE.match(text) or is_a_story(text)):
        return True
    if (
        intent in (Intent.ADD_TASK, Intent.SET_REMINDER)  # a reminder without a cue is a task
        and is_told_not_asked(text)
        and _NOTED.search(text) is None
    ):
        return True
    if _NOTED.search(text):  # "add 2 cups of flour to the shopping list", "remind me to…"
        return False
    # the raw text too: strip_fillers drops "i would like you to"
    return bool(
        _RECIPE.search(text) or _DO_IT_FOR_ME.search(text) or _DO_IT_FOR_ME.search(message.text)
    )


def not_a_command_gate(
    message: Message, decision: IntentDecision, rule: Rule | None
) -> IntentDecision:
    """Keeps a question from acting on tasks: list request, or out of scope; an instruction
    that is no to-do (`is_not_a_to_do`) is out of scope."""
    if decision.intent in ACTION_INTENTS and is_not_a_to_do(message, decision.intent):
        return replace(decision, intent=Intent.OUT_OF_SCOPE)
    if decision.intent not in ACTION_INTENTS or not is_question(message):
        return decision
    if rule is not None and rule.intent in (Intent.LIST_TASKS, Intent.HELP):
        return replace(decision, intent=rule.intent)
    return replace(decision, intent=Intent.OUT_OF_SCOPE)


# --- Help and list answers are about this chat and the user's own tasks -------------------

# The chat's own things: a question naming one of them can be a question about the chat.
_CHAT_THINGS = re.compile(
    r"\b(?:tasks?|todos?|to-dos?|reminders?(?!\s+apps?\b)|undo|tags|tagging|what'?s\s+due"
    r"|(?:mark|tick|check)\s+(?:\w+\s+){0,2}?(?:as\s+)?(?:done|complete|off)"
    r"|tag\s+(?:a|the|my|an?\s+item|it|things|something|stuff)\b|due\s+dates?|deadlines?"
    r"|recurring\s+(?:tasks?|reminders?|items?|things|todos?)|(?:repeat|recur)(?:ing)?\b"
    r"|(?:my|the|to-?do|to\s+do|task|shopping|grocery)\s+lists?|lists?\s+(?:with|in|here)\s+(?:you|u|this)"
    r"|items?\s+(?:on|in|to|from|off)\s+(?:my|the)\s+list|priority\s+(?:of|on|for)\s+(?:a|an|the|my)"
    r"|(?:high|low|medium)[\s-]priority)\b",
    re.I,
)
# The chat itself, or what it can do: "what can you do", "how do I use this", "your commands".
_THE_CHAT = re.compile(
    r"\b(?:(?:this|the|your|ur)\s+(?:app|bot|chat|chatbot|assistant|thing|service|tool)"
    r"|(?:use|using|ask|asking|talk\s+to|say\s+to|type\s+to|tell)\s+(?:you|u|this|it)\b(?!\s+\w+\s+\w)"
    r"|what\s+(?:else\s+)?(?:can|could|do|will)\s+(?:you|u)\s+(?:do|help)"
    r"|what\s+(?:else\s+)?(?:can|could|do|should)\s+i\s+(?:say|type|ask|write|tell\s+you)"
    r"|what\s+(?:else\s+)?can\s+i\s+do\s+(?:here|with\s+(?:you|u|this|it))"
    r"|what\s+(?:you|u)\s+(?:can\s+|could\s+)?do\b|(?:can|could)\s+(?:you|u)\s+help\s+(?:me\s+)?with[?!.\s]*$"
    r"|(?:are|r)\s+(?:you|u)\s+(?:able|capable)\s+(?:of|to)[?!.\s]*$"
    r"|(?:features|commands|options|functions)\s+(?:do\s+)?(?:you|u)\s+(?:have|offer|support|know|understand)"
    r"|how\s+(?:do|can|would|should)\s+(?:i|you|u|we)\s+(?:add|delete|remove|list|postpone|move|change|edit"
    r"|rename|complete|finish|mark|tag|undo|set|create|see|view|show|find|search|sort|filter|prioriti[sz]e)"
    r"\s+(?:\w+\s+)?(?:something|things|stuff|it|them|everything|only|all|a\s+thing)\b"
    r"|(?:are|r)\s+(?:you|u)\s+(?:able|capable)\s+(?:of\s+)?(?:to\s+)?(?:do|help|make|set|add"
    r"|remind|track|handle|keep|remember|repeat|list|show|delete|change|undo|understand)"
    r"|(?:your|ur|the)\s+(?:commands|features|options|abilities|capabilities|functions)\b(?!\s+(?:of|for)\b)"
    r"|commands?\b(?!\s+(?:to|for|in|on|of)\b)|examples?(?:\s+of\s+(?:what|how|commands|things\s+i))?"
    r"\s*(?:of\s+what\b.*)?[?!.]*$|how\s+(?:does\s+)?(?:this|it)\s+works?"
    r"|(?:can|could|do|will)\s+(?:you|u)\s+(?:do|understand|handle|help(?:\s+me)?(?:\s+out)?)[\s?!.]*$)",
    re.I,
)
# Another product, device or place the question is about ("tag someone in a facebook post",
# "the due date on my library books", "a to do list in notion").
_OTHER_PRODUCTS = (
    r"facebook|instagram|insta|twitter|tiktok|whatsapp|snapchat|linkedin|slack|zoom|teams"
    r"|outlook|gmail|google|excel|word|docs|sheets|notion|trello|asana|evernote|todoist|jira"
    r"|scrum|agile|kanban|spotify|netflix|amazon|ebay|etsy|airbnb|iphone|ipad|android|windows|mac"
    r"|macbook|linux|git|github|alexa|siri|chrome|safari|firefox|(?:apple|smart)\s*watch|fitbit"
    r"|garmin|kindle|google\s+home|playlists?|(?:reminders?|to-?do|task|calendar)\s+apps?"
)
_ELSEWHERE = re.compile(
    rf"\b(?:{_OTHER_PRODUCTS}"
    r"|phone|laptop|computer|pc|router|printer|tv|car|bank|my\s+watch|echo|tablet|galaxy|pixel"
    r"|library|wishlist|cart|browser|post|calendar|email|inbox|account|website|app\s+store"
    r"|life|work\s+life|kids?|exam|essay|homework|taxes|marathon|job|career|relationship"
    # words and advice, not using the chat: "how do you spell reminder", "… at work"
    r"|spell|spelling|pronounce|synonyms?|translate|mean|meaning|define|definition|at\s+work"
    r"|when\s+(?:my|the)\s+(?!(?:task|reminder|todo|to-do|item|list|due)s?\b)\w+)\b",
    re.I,
)
_IN_ANOTHER_PRODUCT = re.compile(rf"\b(?:{_OTHER_PRODUCTS})\b", re.I)
# A question about the chat may name the chat as the place: "… on my phone with this app".
_HERE = re.compile(
    r"\b(?:(?:this|the|your)\s+(?:app|bot|chat|assistant)|with\s+(?:you|u)|here|in\s+this)\b", re.I
)


# "i need help", "can someone help me out here": asking for help with nothing else named
_JUST_HELP = frozenset(
    {
        "i", "i'm", "im", "am", "need", "want", "could", "would", "use", "some", "any", "help",
        "me", "please", "pls", "plz", "can", "you", "u", "someone", "anyone", "get", "out", "here",
        "a", "little", "bit", "hey", "hi", "hello", "sos", "now", "asap", "so", "totally",
        "really", "lost", "confused", "stuck", "with", "this",
    }
)  # fmt: skip


def help_is_about_the_chat(message: Message) -> bool:
    """A help answer fits a question about using this chat, not "how do I fix a flat tire",
    "can you help me with my taxes" or "how do I tag someone in a facebook post"."""
    text = message.text
    words = set(re.findall(r"[\w']+", text.lower()))
    if words and words <= _JUST_HELP and words & {"help", "lost", "confused", "stuck", "sos"}:
        return True
    if _ELSEWHERE.search(text) and not _HERE.search(text):
        return False
    return bool(_CHAT_THINGS.search(text) or _THE_CHAT.search(text))


# "my list of complaints is long", "i have nothing to do today": telling, not asking.
_STATEMENT = re.compile(
    r"^(?:i|we|he|she|they|it|everything|nothing|everyone|work|life|today|tomorrow|this\s+week"
    r"|(?:my|our|his|her|the)\s+(?:[\w'-]+\s+){0,3}?)"
    r"\s*(?:(?:already|just|finally|totally|actually)\s+)?(?P<verb>am|'m|is|are|was|were|have|has|had|'ve|'s|got|get|do|did|don't|didn't|can't|always"
    r"|never|just|really|so|feel|felt|think|love|hate|want|wants|need|needs|keep|keeps|make|makes"
    r"|say|says|said|told|asked|went|wish|hope|forgot|finished|thinks|seems|looks|\w+ed)\b",
    re.I,
)
_ASKS_TO_SEE = re.compile(
    r"\b(?:see|know|view|hear|check\s+(?:my|the|what)|look\s+at|show\s+me|remind\s+me\s+what"
    r"|tell\s+me)\b",
    re.I,
)
# The world's lists and plans rather than the user's: "things to do in paris", "the agenda for
# the un summit", "what do i need for a passport", "what's due on a library book".
_TAGGED = frozenset({"tagged", "labelled", "labeled"})
# "what is on the list for costco", "show the list for the party": one of the user's lists by
# name (the tag "costco"), where "the agenda for the board meeting" is somebody else's
_A_NAMED_LIST = re.compile(
    r"\b(?:on|show|read|see|view|check)\s+(?:me\s+)?(?:what'?s\s+on\s+)?the\s+list\s+for\s+"
    r"(?:the\s+)?[\w'-]+\s*\??$",
    _I,
)
_NOT_MY_TASKS = re.compile(
    r"\bto\s+do\s+(?:\w+\s+){0,3}?(?:in|at|near|around)\s+(?!(?:the\s+)?(?:morning|afternoon|evening"
    r"|\d|an?\s+(?:hour|week|day|minute)|(?:my|the)\s+(?:list|garden|house|kitchen)))\w"
    r"|\bshould\s+(?:i|we)\s+do\s+(?:\w+\s+){0,3}?(?:if|when|with|about|in|at|for\s+(?:a|an|my|the))\b"
    r"|\b(?:have|need)\s+to\s+do\s+to\b|\bwhat\s+do\s+(?:i|we)\s+need\s+(?:for|to\s+(?!do\b|get\s+done))"
    r"|\b(?:need|have)\s+to\s+(?:bring|wear|pack|know|say|study|learn|prepare|show|submit|sign|be)\b"
    r"|\b(?:things|stuff|activities|places)\s+to\s+(?:do|see|visit|eat|try)\b"
    r"|\bdue\s+(?:on|at|for|in)\s+(?:a|an|my|the)\s+(?!(?:list|to-?do|agenda|plate|weekend|week|month|day"
    r"|year|next|coming|first|last|\d|end\s+of\s+(?:the\s+)?(?:week|month|day|year)\b))"
    r"|\b(?:the|a|an)\s+(?:[\w'-]+\s+)?(?:agenda|list|checklist|schedule|plan|to\s+do\s+list)\s+(?:for|of)"
    r"\s+(?!(?:(?:today|tonight|tomorrow)(?!'s)|this|next\s+(?:week|weekend|month|few|couple|\w+day)"
    r"|the\s+(?:week|weekend|day|month)|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|me|my|everything|all|what|tasks|things|stuff|todos"
    r"|to-dos|reminders|pending|overdue|completed|open|unfinished)\b)"
    r"|^(?:what|whats|what's)\s+(?:is|'s)?\s*(?:an?|the\s+meaning\s+of)\s+\w"
    r"|\b(?:are|were|did|do|will)\s+(?:you|u)\b(?!\s+(?:show|list|tell|read|give|see|know|have\s+on))"
    r"|\bshould\s+(?:i|we)\s+(?!(?:do|work|tackle|start|focus|finish|prioriti[sz]e"
    r"|get(?!\s+(?:my|him|her|them|me|us|a|an|some)\b)|handle|knock"
    r"|begin|look|be\s+doing|pick|deal)\b)\w|^(?:who|whom|whose|why)\b|\bdifference\s+between\b"
    r"|\bthe\s+best\s+(?:[\w'-]+\s+){0,3}?(?:apps?|way|tool|method|system)\b"
    # a job's duties, or anyone's: "the main tasks of a project manager", "what's due when you
    # rent a car"
    r"|\b(?:tasks?|duties|responsibilities|chores)\s+(?:of|for)\s+(?:a|an)\s"
    # advice on what any list holds, and words: "what goes on a wedding registry list", "what
    # does due diligence mean"
    r"|\b(?:goes|go|belongs?|be|put)\s+(?:on|in)\s+an?\s+(?:[\w'-]+\s+){0,3}?(?:list|checklist)\b"
    r"|\bwhat\s+does\s+.+\s+mean\b|\bmeaning\s+of\b|\bdefin(?:e|ition)\b|\btranslat\w*"
    r"|\bin\s+(?:spanish|french|german|italian|english|portuguese|chinese|mandarin|japanese|dutch"
    r"|polish|russian|arabic|turkish|greek|latin|korean|hindi|swedish)\s*[?!.]*$"
    r"|\b(?:when|if)\s+(?:you|u|one)\s+(?!(?:can|could|have\s+time|get\s+a\s+(?:chance|sec|moment"
    r"|minute))\b)\w",
    re.I,
)
# What the user did ("what did i do yesterday") is a list request only when it asks what was
# finished ("what did i finish", "which tasks did i complete").
_PAST = re.compile(r"\bdid\s+(?:i|we)\b", re.I)
_FINISHED_WORDS = re.compile(
    r"\b(?:finish\w*|complet\w*|tick\w*|check\w*\s+off|cross\w*\s+off|get\s+done|tasks?|todos?"
    r"|delet\w*|remov\w*|add|added|creat\w*|chang\w*|postpon\w*|mov\w*"
    r"|to-dos?|list|reminders?)\b",
    re.I,
)
_THE_WORLD = re.compile(
    r"\b(?:tv|radio|netflix|news|cinema|movies?|menu|weather|forecast|sales?|restaurants?|bars?"
    r"|hotels?|flights?|trains?|bus|package|parcel|order|delivery|shipment|bank|account|insurance"
    r"|prescription|summit|election|stock|market|game|match|gym|concert|amazon|ebay|payments?"
    r"|transactions|purchases|subscriptions|photos|pictures|emails|messages|texts|contacts|files"
    r"|phone|keys|wallet|glasses|steps|calories)\b"
    r"|\bthe\s+date\b|\btime\s+is\s+it\b|\bwhat\s+day\s+is\b",
    re.I,
)
_ON_MY_LIST = re.compile(
    r"\b(?:on|in|from|off)\s+(?:my|our|the)\s+(?:[\w'-]+\s+){0,2}list\s*[?.!]*$", re.I
)
_MY_TASK_THINGS = re.compile(
    r"\b(?:tasks?|todos?|to-dos?|reminders?|(?:my|the)\s+(?:[\w'-]+\s+)?list|to\s+do\s+list"
    r"|(?:the\s+)?ones?\s+(?:about|with|for|tagged))\b",
    re.I,
)


def list_is_about_my_tasks(message: Message) -> bool:
    """A list answer fits a request to see the user's own tasks, not "what's on tv tonight",
    "things to do in lisbon", "my to do list at work is insane" or "what did i do yesterday"."""
    text = strip_fillers(message.text)
    statement = _STATEMENT.match(text)
    if (
        statement is not None
        and "?" not in text
        and not _ASKS_TO_SEE.search(text)
        # "my tasks tagged work" names tasks by a participle; "my boss scheduled a meeting" tells
        and not (statement["verb"].endswith("ed") and _MY_TASK_THINGS.search(statement[0]))
        and statement["verb"].casefold() not in _TAGGED  # "everything tagged home"
    ):
        return False
    if _ON_MY_LIST.search(text) or _A_NAMED_LIST.search(text):
        return True  # "what do i need to get from the pharmacy list", "… the list for costco"
    if _NOT_MY_TASKS.search(text) or (
        _IN_ANOTHER_PRODUCT.search(text) and not _HERE.search(text)
    ):  # "list my spotify playlists", "what does high priority mean in jira"
        return False
    if _PAST.search(text) and not _FINISHED_WORDS.search(text):
        return False
    return not (_THE_WORLD.search(text) and not _MY_TASK_THINGS.search(text))
