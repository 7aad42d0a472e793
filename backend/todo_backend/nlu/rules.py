"""Keyword rules: the fallback classifier, and explicit commands that may override the model.

A *strong* match is an explicit command at the start of the message ("delete …", "mark … as
done", "remind me …"); the pipeline lets it override the model. A *weak* match ("I need to …",
a question about tasks) only decides when the model is missing or unsure. No match means the
message is out of scope.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from todo_backend.nlu.dates import find_temporal
from todo_backend.nlu.intents import Intent
from todo_backend.nlu.recurrence import find_recurrence
from todo_backend.nlu.text import GAP, Message, Utterance

_I = re.I

_FILLERS = re.compile(
    r"^(?:(?:ok(?:ay)?|so|also|and|oh|hey|um+|uh+|well|actually|alright|right|please|pls|plz|kindly"
    r"|oops|wait|hmm+|now|ah|nah|nope|like|no(?!\s+(?:need|more\b|due\s+date|deadline|reminders?\b|repeat))|yes|yeah|yep|sure|great|cool|thanks|hi|hello|hiya|heya|yo"
    r"|hey\s+there|hi\s+there|good\s+(?:morning|afternoon|evening)(?=\s*,)"
    r"|quick\s+one|one\s+more\s+thing|btw|by\s+the\s+way|ugh+|argh+|i\s+was\s+(?:thinking|wondering)|i\s+think|i\s+guess|i\s+suppose|lol|hmm+"
    r")\b[\s,!.:-]*)+"
    r"(?=\S)",
    _I,
)
_REQUEST = re.compile(
    r"^(?:(?:would|will)\s+it\s+be\s+possible\s+to\s+"
    r"|is\s+it\s+possible\s+(?:for\s+you\s+)?to\s+|(?:could|would|can)\s+(?:you|u)\s+(?:kindly"
    r"|possibly|maybe)\s+|(?:i\s+would|i'd)\s+(?:like|love"
    r"|appreciate\s+it\s+if)\s+(?:you\s+)?(?:to|could)\s+|if\s+you\s+could\s+|"
    r"(?:would|could)\s+you\s+(?:be\s+able\s+to|be\s+so\s+kind\s+as\s+to)\s+"
    r"|(?:do\s+you\s+think|i\s+was\s+wondering\s+(?:if|whether)|i\s+wonder\s+(?:if|whether)"
    r"|(?:if|whether)|(?:is\s+there\s+)?any\s+chance)"
    r"\s+(?:you|u)\s+(?:could|can|would)\s+|(?:can|could)\s+we\s+|how\s+about\s+|what\s+about\s+"
    r"|maybe\s+|perhaps\s+|why\s+don't\s+you\s+|"
    r"(?:can|could|would|will)\s+(?:you|u|ya)\s+(?:please\s+|pls\s+)?|i\s+(?:want|would\s+like|'d\s+like"
    r"|wanna)\s+(?:you\s+)?to\s+|i\s+need\s+(?:you|u)\s+to\s+|let's\s+|go\s+ahead\s+and\s+"
    r"|(?:you|u)\s+(?:can|could|may)\s+(?=(?:mark|check|tick|cross|delete|remove|cancel|scrap|drop)\b))",
    _I,
)

_TASK_WORDS = re.compile(
    r"\b(?:tasks?|todos?|to-dos?|to\s+do|list|agenda|plate|due|overdue|pending|completed|done"
    r"|finished|open|remaining|left|reminders|items|scheduled|priority|tagged|labell?ed|urgent"
    r"|need\s+to|have\s+to|should\s+i|work\s+on|going\s+on|coming\s+up|next"
    r"|(?:do\s+i\s+have|have\s+i\s+got|is\s+there)\s+(?:anything|something|stuff|much|a\s+lot)"
    r"|forgetting|forgotten|everything)\b|#\w",
    _I,
)
_DATED = re.compile(
    r"\b(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|next\s+\w+|(?:by|before|until|till)\s+\w+|in\s+\d+|at\s+\d|\d{1,2}\s*(?:am|pm)"
    r"|\d{4}-\d{1,2}-\d{1,2})\b",
    _I,
)


# Verbs only an agent carries out at once: messages, calls, purchases, bookings, playback.
_AGENT_VERBS = (
    r"call|ring|phone|text|sms|e-?mail|message|msg|facetime|skype|whatsapp|dial|order|book|reserve"
    r"|buy|purchase|pay|transfer|send|play|stream|navigate|share|post|tweet|download|install"
)
_DEVICES = (
    r"lights?|lamps?|thermostat|heat(?:ing|er)?|ac|a/c|air\s+con\w*|fan|temperature|volume|oven"
    r"|(?:oven|kitchen|egg)\s+timer|tv|television|radio|music|songs?|speakers?|vacuum|roomba|blinds"
    r"|curtains|sprinklers?|alarm\s+system|garage(?:\s+door)?|front\s+door|back\s+door|heat"
    r"|dishwasher|washing\s+machine|washer|dryer|tumble\s+dryer|kettle|coffee\s+machine"
)
# Work in the world only someone else could do: "could you hire a cleaner", "can u find a plumber"
_WORLD_VERBS = (
    r"hire|rent|arrange|organi[sz]e|sort\s+out|fetch|grab|deliver|fax|print|translate|research"
    r"|look\s+up|fix|repair|find(?=\s+(?:a|an|some|me|us|out|someone|somewhere)\b)"
    # "can you renew my library books online", "could you schedule a zoom call", "can you let
    # my boss know i'll be late", "could you tell my husband to …" (not "tell me …")
    r"|renew|schedule|draft|compose|inform|let\s+(?!me\b|us\b)(?:[\w'-]+\s+){1,2}?know"
    r"|(?:tell|ask|warn)\s+(?!me\b|us\b|myself\b)\w"
)
_ASKED_OF_THE_BOT = re.compile(
    r"^(?:(?:hey|hi|ok|okay|so|um|oh|well|please|pls|plz)[\s,!.]+)*"
    r"(?:(?:please\s+)?(?:can|could|would|will)\s+(?:you|u|ya)(?:\s+(?:be\s+able\s+to|mind))?"
    r"|i\s+(?:need|want|would\s+like|'d\s+like)\s+(?:you|u)\s+to|go\s+ahead\s+and"
    r"|is\s+it\s+possible\s+for\s+(?:you|u)\s+to|(?:is\s+there\s+)?any\s+chance\s+(?:you|u)\s+(?:could|can)"
    r"|(?:(?:i\s+was\s+)?(?:wondering|hoping)|i\s+wonder|i\s+hope|do\s+you\s+think)\s+(?:if\s+|whether\s+|that\s+)?(?:you|u)"
    r"\s+(?:could|can|would)(?:\s+be\s+able\s+to)?)"
    rf"\s+(?:please\s+|pls\s+|just\s+|quickly\s+|possibly\s+|maybe\s+)*(?:(?:{_AGENT_VERBS})(?:ing)?"
    rf"|{_WORLD_VERBS})\b",
    _I,
)
# What a message says ("text mom that dinner is at 8"): its date is not when to send it
_UNTIL_THE_CONTENT = (
    r"(?:(?!\b(?:that|saying|to\s+say|and\s+(?:say|tell|ask)|telling|asking|letting)\b).)*?"
)
_AGENT_ACTION = re.compile(
    r"^(?:call|ring|phone|text|sms|e-?mail|message|msg|facetime|skype|whatsapp|dial|fax|dm"
    r"|send\s+(?:(?:a|an|the|my)\s+)?(?:(?:quick|short|slack|teams|whatsapp|signal|telegram"
    r"|linkedin|facebook|instagram)\s+)?(?:e-?mail|text|message|msg|whatsapp|sms|dm"
    r"|note|reply|fax|voice\s+(?:note|message))\s+to)\s+"
    rf"(?!(?:it|that|this|them)\b)(?!{_UNTIL_THE_CONTENT}(?:{_DATED.pattern}|\b(?:later|soon|asap"
    r"|urgent|sometime|this\s+(?:week|weekend|morning|afternoon|evening|month)|back|before|after"
    r"|when)\b))\S"
    r"|^(?:turn|switch|set|dim|brighten|raise|lower|start|stop|pause|resume|lock|unlock|open|close"
    r"|shut|mute|unmute|preheat|arm|disarm|run)\s+(?:on\s+|off\s+|up\s+|down\s+)?(?:the\s+|my\s+"
    rf"|all\s+(?:the\s+)?)?(?:[\w'-]+\s+){{0,2}}?(?:{_DEVICES})\b"
    # the phone's or the tracker's own job: "snooze my alarm", "count my steps today"
    r"|^(?:snooze|dismiss|silence)\s+(?:my|the|this|that)\s+(?:[\w'-]+\s+)?(?:alarm|timer|phone"
    r"|notifications?|ringer)\b"
    r"|^(?:count|track|log|record|measure|monitor)\s+(?:my|how\s+(?:long|much|many|far|well)\s+i)\s+"
    r"(?:[\w'-]+\s+)?(?:steps|sleep|slept|sleeping|heart\s*rate|pulse|calories|water|weight|runs?"
    r"|walk|workouts?|blood\s+pressure|mood|cycle|period|package|parcel|delivery|location|screen"
    r"\s+time|drink|ran|walked|weigh)\b"
    # another service's booking or card: "cancel my hotel booking", "delete my old bank card"
    r"|^(?:cancel|delete|remove|close)\s+(?:my|the|our)\s+(?:[\w'-]+\s+){0,3}?(?:booking|reservation"
    r"|subscription|membership|order|card|account|flight|ticket|premium|free\s+trial)s?\b"
    # a shop's checkout: "complete my purchase", "finish my checkout on amazon"
    r"|^(?:complete|finish)\s+(?:my|the|this)\s+(?:purchase|checkout|payment|transaction)\b"
    # "cancel my dentist appointment with the surgery": arranged with someone else, not a task
    r"|^cancel\s+(?:my|our|the)\s+.+\s+(?:with|at)\s+(?:the\s+)?(?:surgery|clinic|dentists?|doctors?"
    r"|gp|airline|hotel|salon|vets?|practice|provider)\s*[.!]*$"
    # work asked of the bot: "help me write an email", "help me pick a laptop"
    r"|^help\s+me\s+(?!(?:add|create|set|remind|remember|keep|organi[sz]e|make\s+a|with|on|use|out"
    r"|please|understand\s+(?:this|you|how))\b)\w",
    _I,
)
_SAYS_DONE = re.compile(
    r"\b(?:is|are|'s|was|were)\s+(?:all\s+|now\s+)?(?:done|finished|complete|completed|sorted"
    r"|handled|taken\s+care\s+of)\b|\b(?:done|finished|completed)[\s!.]*$",
    _I,
)
_CALL_LATER = re.compile(
    r"^(?:call|ring|phone|text|e-?mail|message|facetime|skype|whatsapp)\s+(?!(?:me|us|it|that|this)\b)\S"
    rf"(?=.*(?:{_DATED.pattern}|\b(?:later|sometime|this\s+(?:week|weekend|morning|afternoon|evening"
    r"|month))\b))",
    _I,
)
_TODO_FRAMING = re.compile(
    r"\b(?:remind\w*|reminders?|tasks?|to-?dos?|to\s+do|list|note|don'?t\s+forget|remember"
    r"|priority|prio|deadline|due\s+date)\b",
    _I,
)


_OUT_THERE = re.compile(
    r"\b(?:near\s+(?:me|here|by)|nearby|around\s+here|nearest|closest|train\s+times|times\s+(?:to|for)"
    r"|directions|online|on\s+the\s+(?:web|internet|map)|restaurants?|hotels?|flights?\s+to|weather"
    r"|opening\s+hours|hours\s+of|recipes?|definition|meaning|synonyms?|lyrics|reviews?|prices?"
    r"|how\s+to|wikipedia)\b"
    # an indefinite thing is out in the world: "find a recipe", "look up a word"
    r"|^(?:search\s+for|look\s+up|lookup|find|look\s+for)\s+(?:a|an|some|any)\s+"
    r"(?!(?:task|todo|to-do|reminder|item)s?\b)",
    _I,
)
_WORLD_LIST = re.compile(
    r"^(?:show|list|display|view)\s+(?:me\s+|us\s+)?(?:of\s+)?(?:(?:the|some|a|an|\d+|two|three|four"
    r"|five|ten|all\s+the|top|best|good)\s+)*(?!(?:my|our|all|every|everything|what|it|them|those"
    r"|these|ones|stuff|things|today|today's|tomorrow|tonight|this|next|overdue|completed|done|finished"
    r"|pending|open|unfinished|high|low|medium|urgent|important)\b)[a-z]",
    _I,
)
_NOT_TASK_WORDS = re.compile(r"^\s*(?:show|list|display|view)\b|\b(?:a|the)\s+list\s+of\b", _I)
_QUESTION = re.compile(
    r"\?\s*$|^(?:what|when|where|who|whom|whose|why|how|which|will|would|is|are|was|were|do|does"
    r"|did|can|could|should|shall|may|might|am|has|have|had)\b",
    _I,
)


def _names_tasks(text: str) -> bool:
    """Speaks of tasks: "list" as the command word or "a list of" snacks does not count."""
    return _TASK_WORDS.search(_NOT_TASK_WORDS.sub(" ", text)) is not None


def _always(_: str) -> bool:
    return True


def _repeats(text: str) -> bool:
    return find_recurrence(Utterance(text)) is not None


def is_question(text: str) -> bool:
    return _QUESTION.search(text) is not None


@dataclass(frozen=True)
class Rule:
    """One keyword rule: `pattern` on the message without fillers decides `intent`.

    A rule applies only where `applies` holds for that text. A `decisive` rule wins even over
    a model sure of another intent ("how do I delete a task?" is a help question however much
    it looks like a delete). `whole_message` rules read the message with its fillers.
    """

    intent: Intent
    strong: bool
    name: str
    pattern: re.Pattern[str]
    applies: Callable[[str], bool] = _always
    decisive: bool = False
    whole_message: bool = False

    def matches(self, text: str, whole: str) -> bool:
        return self.pattern.search(whole if self.whole_message else text) is not None and (
            self.applies(text)
        )


_A_LIST = (
    r"(?:(?:my|the|our)\s+)?(?:back\s+to\s+school\s+|[\w'-]+\s+(?:and|&|n)\s+[\w'-]+\s+"
    r"|(?:[\w'-]+\s+){0,2})list\b"
)
# "… the list for the party", "… my list for costco": the list named by what it is for
_FOR_WHAT = r"(?:\s+(?:for|4)\s+(?:(?:the|my|our)\s+)?[\w'-]+(?:\s+[\w'-]+)?)?"
_THANKS = r"(?:\s*,?\s*(?:please|pls|plz|thanks|thank\s+you|thx|ty))?"
# A request about the to-do list itself: "remind", "add", "task" make a remark a command again
_TODO_WORDS = re.compile(
    r"\b(?:remind\w*|reminders?|tasks?|to-?dos?|add|put\s+\w+\s+on|note|don'?t\s+forget|remember)\b",
    _I,
)
# Update phrasing: a task's field, a day, a frequency; subjects that are not tasks.
_ITS = r"(?:(?:the|its|any|a|my|that|this|all)\s+)?"
_FIELD = (
    r"(?:due\s+date|deadline|due\s+time|reminders?|alarm|repeats?|repetition|recurrence"
    r"|repeating|recurring)"
)
_DAY = (
    r"(?:today|tonight|tomorrow|tmrw|next\s+\w+|the\s+\d{1,2}(?:st|nd|rd|th)?"
    r"|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?)\b"
)
_EVERY = r"(?:daily|weekly|monthly|yearly|annual|fortnightly|nightly|regular|recurring|repeating)"
# "add fix the roof, this is urgent", "remind me to X, it's urgent": a new task, said urgent
_NEW_TASK_LEAD = re.compile(
    r"^(?:add\b(?!\s+(?:(?:the|a|an)\s+)?(?:#?[\w-]+\s+)?(?:tag|label)s?\b|\s+#[\w-]+\s+(?:to|on|onto)\b)"
    r"|(?:put|stick)\b(?=.*\b(?:on|to|onto|in)\s+(?:my|the|our)\s+(?:[\w'-]+\s+)?list\b)|create\b|new\b|remind\b|(?:todo|to-do|task|note|reminder)\s*[:-]"
    r"|jot\s+down\b|set\s+(?:up\s+)?(?:a|an)\s+(?:reminder|alarm)\b|don'?t\s+(?:let\s+me\s+)?forget\b)",
    _I,
)
# A question, as the update rules read one ("do the team lunch on friday instead" is no question)
_ASKS = re.compile(
    r"\?\s*$|^(?:what|when|where|who|whom|whose|why|how|which|is|are|was|were|does|did|can|could"
    r"|should|shall|may|might|am|has|had)\b",
    _I,
)
_NOT_A_TASK = (
    r"(?:i|you|he|she|we|they|everything|nothing|everyone|life|family|health|time|money|safety"
    r"|education|love|sleep|what|why|how|when|where|who|which|is|are|do|does|can|should|show|list"
    r"|display)"
)

# "the gym is closed today", "my sister arrives on friday", "my boss called, the meeting is at
# 3": news about the world with a date, not something for the user to do
_WORLD_NEWS = re.compile(
    r"^(?:(?:ok|so|oh|well|fyi|btw|hey|just\s+so\s+you\s+know)[\s,]+)*"
    r"(?:(?:the|my|our|his|her|their)\s+)?(?!(?:i|we|you|add|remind|put|schedule|set|create|make|new|plan|note|todo)\b)[a-z]+(?:\s+[a-z']+){0,2}?(?:\s+|(?='s\b))"
    r"(?:(?:is|are|was|were|got|gets|'s)\s+(?:\w+\s+)?(?:closed|open|shut|off|sick|ill|late"
    r"|delayed|busy|away|back|home|free|full|empty|broken|ready|over|on\s+strike|on\s+holiday)"
    r"|arrives?|arrived|starts?|started|begins?|began|closes|opens|opened|comes|came"
    r"|ends|ended|lands|landed|called(?=\s*,))\b"
    # what happened to the user: "i got a new job today", "we went to the zoo on sunday"
    r"|^(?:(?:ok|so|oh|well|fyi|btw|hey)[\s,]+)*(?:i|we)\s+(?:just\s+)?(?:got\s+(?:a\s+)?new|had"
    r"|went|saw|met|won|lost|passed|failed)\b(?!\s+to\b)",
    _I,
)
# ... a command after the news makes it one: "the plumber came today, you can tick that off"
_ASKED_IN_NEWS = re.compile(
    r"\b(?:delete|remove|cancel|mark|tick|check|cross|done|complete|move|change|push|make|set"
    r"|get\s+rid|scrap|drop|can\s+you|could\s+you|please|pls|need\s+to|have\s+to|must)\b",
    _I,
)
# An errand a person writes as a note to self ("fix the bike urgent"): a verb of things to do,
# never one aimed at someone ("call me asap")
_ERRAND = (
    r"(?:pay|renew|fix|repair|mend|call|ring|phone|text|e-?mail|buy|pick\s+up|clean|wash|tidy"
    r"|vacuum|hoover|mop|water|feed|walk|mow|take|return|submit|file|finish|sign|post|mail"
    r"|replace|sort|update|review|back\s+up|visit|collect|drop\s+off|prepare|plan|organi[sz]e"
    r"|write|learn|practi[cs]e|study|iron|cook|bake|print|pack|defrost|descale|dust|polish)\s+"
    r"(?!(?:me|us|you|u|him|her|them|it|this|that)\b)"
)
# "set a high priority reminder", "make an urgent task": how much the new one matters
_NEW_PRIORITY = (
    r"(?:(?:(?:high|low|medium|normal|top)[\s-]+prio(?:rity)?|(?:very\s+|really\s+|super\s+)?"
    r"(?:urgent|important))\s+)"
)
_ERRAND_PRIORITY = (
    r"asap|a\.s\.a\.p\.?|urgent(?:ly)?|(?:high|low|top|medium|normal)\s+prio(?:rity)?|important"
    r"|no\s+rush|not\s+urgent"
)
_ERRAND_SCHEDULE = (
    r"daily|weekly|monthly|yearly|annually|fortnightly|every\s+(?:day|week|month|year|morning"
    r"|evening|night|weekday|other\s+\w+|\d+\s+\w+|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
)
# A list request made of list words and a filter only (rule `filter_question`); "is" after the
# lead would make "what's done is done" one.
_Q_LEAD = (
    r"(?:what(?:'s|s|\s+is|\s+are)?|wats?|which(?:\s+ones?|\s+tasks?)?(?:\s+(?:is|are))?"
    r"|anything|any|is\s+(?:there\s+)?anything|are\s+there\s+any|(?:do|have)\s+i\s+(?:have|got)"
    r"\s+any(?:thing)?|show(?:\s+me)?|list|give\s+me|(?:my\s+)?(?:tasks|todos|to-dos|items)"
    r"|everything(?=\s+(?:i|i've|ive|tagged|that'?s?|still|not|with|without|due|high|low|urgent"
    r"|important)\b))"
)
_Q_WORD = (
    r"(?:still|else|that|that's|thats|i|i've|ive|have|has|got|been|me|my|the|all|of|so|far|yet"
    r"|already|now|currently|right|really|very|super|most|more|quite|there|for|on|list|to\s+do"
    r"|do|need|tasks?|items?|things?|stuff|ones?|please|pls|plz|due|today|tonight|tomorrow|tmrw"
    r"|(?:this|next)\s+(?:week|weekend|month)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|by"
    r"|before|haven'?t|havent|didn'?t|not|off|yet|a|an|any)"
)
_Q_FILTER = (
    r"(?:urgent|important|(?:high|low|top)[\s-]+prio(?:rity)?|priority|pending|outstanding"
    r"|overdue|late|left|remaining|unfinished|incomplete|finished|completed|done"
    r"|(?:ticked|crossed|checked)\s+off|still\s+open|tagged\s+#?[\w-]+"
    r"|with(?:out|\s+no)?\s+(?:a\s+|any\s+)?reminders?|reminders?)"
)
# The end of a help request: "how do you work out 15% of 80" asks for arithmetic.
_HELP_END = r"\s*[\s!.?]*$"
_RULES: list[Rule] = [
    Rule(
        Intent.UPDATE_TASK,
        strong=True,
        decisive=True,
        name="spared_then_changed",
        # "don't delete the passport task, just make it low priority", "keep X but move it to
        # friday": the task stays, the second clause changes it
        pattern=re.compile(
            r"^(?:(?:no|nah|ok|okay|so|wait|please|pls)[\s,]+)*(?:(?:don'?t|dont|do\s+not)\s+"
            r"(?:delete|remove|cancel|drop|scrap|bin|trash|erase)|keep)\s+\S.*?"
            r"(?:[,;]|\b(?:just|but|instead|rather|only))\s*(?:(?:just|but|instead|rather|only)\s+)?"
            r"(?:make|set|change|move|push|lower|raise|put|rename|reschedule|bump)\b",
            _I,
        ),
    ),
    Rule(
        Intent.UNDO,
        strong=True,
        name="undo",
        decisive=True,
        pattern=re.compile(
            r"^(?:scratch\s+that|undo|revert|reverse|roll\s*back)(?:\s+(?:that|it|this|the\s+last\s+(?:change|one|action"
            r"|thing|step)|what\s+you\s+(?:just\s+)?did|my\s+last\s+(?:change|action)))?(?:\s+please)?[\s!.]*$"
            r"|^take\s+(?:that|it)\s+back[\s!.]*$|^(?:put|bring)\s+it\s+back[\s!.]*$",
            _I,
        ),
    ),
    Rule(
        Intent.GREETING,
        strong=True,
        name="greeting",
        # Greetings are mostly the filler words stripped from other messages.
        whole_message=True,
        pattern=re.compile(
            r"^(?:(?:hi|hello|hey|hiya|heya|howdy|yo|greetings|sup|good\s+(?:morning|afternoon|evening"
            r"|day|night)|morning|evening|what's\s+up|whats\s+up|how\s+are\s+you(?:\s+doing)?(?:\s+today)?"
            r"|how's\s+it\s+going|nice\s+to\s+meet\s+you|thanks?(?:\s+you)?(?:\s+(?:so\s+much|a\s+lot))?"
            r"|thx|ty|cheers|bye(?:\s+bye)?|goodbye|see\s+(?:you|ya)(?:\s+(?:later|soon|tomorrow|tonight"
            r"|then|next\s+week|on\s+\w+day))?|ok|okay|cool|great"
            r"|awesome|perfect)(?:\s+(?:there|buddy|friend|bot|assistant|again|everyone|all|hey))*"
            r"[\s!.,?]*)+$",
            _I,
        ),
    ),
    Rule(
        Intent.HELP,
        strong=True,
        name="help_request",
        pattern=re.compile(
            r"^(?:help(?:\s+(?:me|please|pls))?(?:\s+out(?:\s+here)?)?[\s!.?]*$|/help|/start|\?+$"
            # "what can i do about a noisy neighbour", "… in amsterdam" are not about the chat
            r"|what\s+(?:else\s+)?can\s+(?:you|i)\s+(?:do|say|ask)(?:\s+(?:here|exactly|then|now"
            r"|again|(?:to|for|with)\s+(?:you|u|me|this|it|my\s+(?:tasks|list|reminders))"
            r"|in\s+(?:this|the|here)\s*(?:app|chat|bot)?))*[\s!.?]*$"
            r"|what\s+(?:do|can)\s+you\s+(?:do|help)(?:\s+(?:me|us|with|exactly|here|then|again|anyway"
            r"|actually|really|for\s+(?:me|us)|with\s+(?:my\s+)?(?:tasks|lists?|reminders|that|this)"
            rf"|in\s+(?:this|the|here)\s*(?:app|chat|bot)?))*{_HELP_END}"
            # "how does the engine work", "instructions for the desk": not about this chat
            r"|how\s+(?:does|do)\s+(?:this|it|you|the\s+(?:app|bot|chat|assistant|list|reminders?|tags?"
            r"|priority|undo)|tagging|reminding|prioriti[sz]ing|reminders|tags|recurring\s+tasks)"
            rf"\s+work(?:\s+(?:here|exactly|then|again|now|in\s+(?:this|the)\s+(?:app|chat)))*{_HELP_END}"
            r"|what\s+(?:are\s+)?(?:your|the)"
            r"\s+(?:commands|features|options)\b(?!\s+(?:for|of|in|on)\b)"
            r"|(?:list\s+of\s+)?commands[\s!.?]*$|menu$|instructions[\s!.?]*$|usage$"
            r"|what\s+are\s+you\s+(?:able|capable)(?:\s+(?:to\s+do|to\s+help(?:\s+(?:me|us|with))?|of"
            rf"|of\s+doing|doing|here|exactly|for\s+(?:me|us)))*{_HELP_END}"
            r"|(?:i(?:'m|\s+am)\s+new(?:\s+here)?\b[\s,.!-]*)?(?:so\s+)?what\s+(?:are|r)\s+(?:you|u)"
            r"\s+(?:for|good\s+for|meant\s+for|here\s+for)[\s!.?]*$"
            r"|i(?:'m|\s+am)\s+new\s+(?:here|to\s+(?:this|the\s+app))[\s!.?]*$"
            r"|i(?:'m|\s+am)\s+(?:so\s+|a\s+bit\s+|totally\s+)?(?:lost|confused|stuck)"
            r"(?:\s+(?:here|with\s+(?:this|you|the\s+app)))?[\s!.?]*$"
            r"|i\s+don'?t\s+(?:understand|know\s+how)(?:\s+(?:this|it|you)(?:\s+works?)?"
            r"|\s+to\s+use\s+(?:this|it|you))?[\s!.?]*$)",
            _I,
        ),
    ),
    Rule(
        Intent.HELP,
        strong=True,
        name="how_to_question",
        decisive=True,
        pattern=re.compile(
            r"^(?:how\s+(?:do|can|should|would|could)\s+(?:i|you|we)|how\s+to|is\s+there\s+a\s+way\s+to"
            r"|(?:can\s+you\s+)?(?:show|tell|explain)\s+(?:me\s+)?how"
            r"|can\s+i\s+(?=.*\b(?:with|in|using)\s+(?:this|you|u|the\s+(?:app|bot|chat))\b))"
            r"\b(?=.*\b(?:tasks?|todos?|to-dos?|what'?s\s+due|(?:mark|tick|check)\s+(?:\w+\s+){0,2}?(?:as\s+)?"
            r"(?:done|complete|off)|reminders?|tags?|tagging|priority|priorities|due\s+dates?|deadlines?"
            r"|(?:this|the)\s+(?:app|bot|chat|assistant)|(?:use|ask)\s+(?:you|this|it)|undo"
            r"|(?:my|the|to-?do)\s+(?:[\w'-]+\s+)?list|recurring|items?|commands?)\b)",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="arithmetic",
        pattern=re.compile(
            r"^(?:what(?:'s|\s+is)|calculate|compute|how\s+much\s+is|solve)\s+[\d\s.,]+\s*(?:plus|minus"
            r"|times|divided\s+by|multiplied\s+by|over|x|\*|/|\+|-|to\s+the\s+power\s+of)\s*[\d.]+",
            _I,
        ),
    ),
    Rule(
        Intent.UPDATE_TASK,
        strong=True,
        name="priority_statement",
        # "buy milk isn't urgent anymore" lowers its priority; it neither deletes nor completes it
        applies=lambda text: not is_question(text),
        pattern=re.compile(
            r"^\S.*\s(?:isn't|isnt|is\s+not|aren't|are\s+not|(?:is|are)\s+no\s+longer)\s+(?:that\s+|so\s+"
            r"|very\s+|really\s+|super\s+)?(?:urgent|important|pressing|a\s+priority|(?:a\s+)?(?:high|top)"
            r"\s+priority)(?:\s+(?:anymore|any\s+more|now|after\s+all))?[\s!.]*$"
            r"|^\S.*\s(?:is|are)\s+(?:now\s+)?(?:really\s+|very\s+|super\s+)?(?:urgent|important"
            r"|(?:a\s+)?(?:high|top|low)\s+priority)\s+(?:now|all\s+of\s+a\s+sudden)[\s!.]*$",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="settings_change",
        # "change the language to french", "move my money to savings", "make it louder": a
        # setting or a thing of the device's, changed the way a task would be
        pattern=re.compile(
            r"^(?:set|change|update|move)\s+.*\bon\s+my\s+(?:phone|watch|laptop|computer|tablet|ipad"
            r"|iphone|android|tv)\b"
            r"|^(?:change|update|switch|set|rename|move|turn|bump|lower|raise|adjust|reset)\s+"
            r"(?:(?:up|down|it|to|the|my|your|our)\s+)*(?:[\w'-]+\s+)?(?:language|volume|font(?:\s+size)?"
            r"|theme|dark\s+mode|light\s+mode|subject|channel|password|passcode|pin|user\s*name"
            r"|display\s+name|profile(?:\s+picture)?|avatar|email\s+address|phone\s+number|files?"
            r"|folders?|wi-?fi(?:\s+network)?|heating|thermostat|temperature|brightness|screen|money|savings|settings?"
            r"|ringtone|wallpaper|keyboard|time\s*zone|software|app|browser|status|bio|headline"
            r"|nickname|signature|ringer|out\s+of\s+office|auto-?reply)"
            r"(?=\s*[.!]*$|\s+(?:to|into|from|in|on|for|back|up|down|a\s+bit|please)\b)"
            r"|^(?:make|turn)\s+(?:it|this|that|the\s+\w+)\s+(?:a\s+(?:bit|little)\s+)?(?:louder|quieter"
            r"|brighter|darker|bigger|smaller|warmer|cooler|colder|hotter|faster|slower)\b"
            r"|^tag\s+(?:(?:my|a|his|her|our|your)\s+)?(?:[\w'-]+\s+)?in\s+(?:the|a|my|this|that|your)\s+"
            r"(?:photos?|pictures?|pics?|posts?|videos?|comments?|story)\b",
            _I,
        ),
    ),
    Rule(
        Intent.UPDATE_TASK,
        strong=True,
        name="update_field",
        # A change to one field of a task, which other rules would read as a delete or a new
        # task: "remove the deadline from X", "stop repeating X", "X isn't urgent anymore",
        # "make the gym task weekly", "add the #home tag to X", "..., can you update it".
        applies=lambda text: _ASKS.search(text) is None and _NEW_TASK_LEAD.match(text) is None,
        pattern=re.compile(
            rf"^(?:remove|delete|clear|drop|take|get\s+rid\s+of|strip)\s+{_ITS}(?:{_FIELD}"
            r"|(?:#?[\w-]+\s+)?(?:tags?|labels?))\s+(?:from|off|on)\b"
            rf"|^(?:clear|remove|drop|take|delete)\s+{_ITS}(?:due\s+date|deadline)\b(?:\s+(?:for|of|off)\b"
            r"|[\s.!]*$)"
            rf"|^(?:(?:turn|switch|shut)\s+off|disable|unset|no(?:\s+more)?)\s+{_ITS}{_FIELD}\b"
            rf"|\b(?:isn'?t|is\s+not|aren'?t|no\s+longer|not)\s+(?:{_EVERY}|every\s+\w+)(?:\s+anymore)?\b"
            r"|^(?:cancel|end)\s+(?:the\s+|its\s+)?(?:repeats?|repetition|recurrence|repeating|recurring)\b"
            r"|^stop\s+(?:the|its)\s+(?:repeats?|repetition|recurrence)\b"
            rf"|^(?:turn|switch|shut)\s+{_ITS}{_FIELD}\s+off\b"
            # "the parcel pickup moved to wednesday": a reported move
            rf"|^(?!{_NOT_A_TASK}\b)\S.*\s+(?:got\s+|was\s+|has\s+been\s+|is\s+)?(?:moved|pushed(?:\s+back)?"
            rf"|rescheduled|postponed|shifted|delayed)\s+(?:to|till|until|back\s+to)\s+(?:the\s+)?{_DAY}"
            r"|^(?:stop|quit)\s+(?:repeating|recurring|reminding\s+me\s+(?:about|of|to))\b"
            r"(?!\s+(?:yourself|myself|me|that\s+(?:song|word|joke))\b)"
            r"|^(?:don'?t|do\s+not)\s+(?:repeat|remind\s+me\s+(?:about|of))\b|^un-?(?:tag|label)\b"
            r"|\b(?:doesn'?t|does\s+not|don'?t|do\s+not|no\s+longer|isn'?t|is\s+not|won'?t|shouldn'?t"
            r"|needn'?t)\s+(?:need\s+to\s+|have\s+to\s+)?(?:be\s+)?(?:repeat(?:ing)?|recurr?(?:ing)?)\b"
            r"|\b(?:don'?t|do\s+not|no\s+longer)\s+(?:need|want)\s+(?:a\s+|the\s+|any\s+)?(?:reminder"
            r"|alarm)s?\b(?!\s+(?:about|to)\b)|\b(?:doesn'?t|does\s+not|no\s+longer)\s+(?:have|need)\s+(?:a\s+)?(?:due\s+date"
            r"|deadline)|\b(?:has|have)\s+no\s+(?:due\s+date|deadline)\b"
            # "the electricity bill is urgent", "X isn't urgent anymore", "X can wait"
            rf"|^(?!{_NOT_A_TASK}\b)(?!.*\b(?:says?|said|thinks?|thought|told|tells)\b)\S.*?\s*(?:\bis|\bare|'s"
            r"|\bisn'?t|\baren'?t)\s+(?:now\s+|still\s+)?"
            r"(?:not\s+|no\s+longer\s+)?(?:(?:really|very|super|pretty|quite|so|extremely|kinda|that|too)\s+)?"
            r"(?:urgent|important|critical|(?:top|high|low)\s+prio(?:rity)?|a\s+(?:top\s+|high\s+)?priority)"
            r"(?:\s+(?:now|anymore|any\s+more|tbh|honestly|really|though|anyway|lol))*[\s!.]*$"
            rf"|^(?!{_NOT_A_TASK}\b)\S.*\s+can\s+wait[\s!.]*$"
            rf"|^(?!{_NOT_A_TASK}\b)\S.*\s+(?:can|could)\s+be\s+(?:a\s+)?low(?:er)?(?:\s+prio(?:rity)?)?[\s!.]*$"
            r"|^bump\s+up\b|^bump\s+\S.*\s+up(?:\s+(?:the|my)\s+list)?[\s!.]*$"
            # "make the gym task weekly", "make floss a daily habit", "X should repeat on mondays"
            r"|^make\s+(?:(?:it|that|this)\b.*|.*\b(?:task|todo|to-do|item|reminder|one))\s+"
            rf"(?:{_EVERY}|every\s+(?:other\s+)?\w+(?:\s+and\s+\w+)?)[\s!.]*$|^make\s+.+\s+an?\s+{_EVERY}\s+(?:thing|habit|task|event|routine|one)\b"
            r"|^(?:make|have|set|let)\s+(?!sure\b).+\s+(?:happen|repeat|recur)\b"
            r"|\b(?:should|must|needs\s+to|has\s+to|to)\s+(?:repeat|recur)\b"
            rf"|\bto\s+be\s+{_EVERY}\b|^(?:set|change|switch|make)\s+.+\s+to\s+(?:repeat\s+)?(?:every\b|{_EVERY})"
            r"|\b(?:should|will|can|must)\s+(?:only|just)\s+(?:happen|be\s+done|be)\s+once\b"
            r"|\b(?:make|set)\s+(?:it|that|this)\s+(?:a\s+)?one[-\s](?:off|time)\b"
            # "ok put the bbq on sunday instead": a day said instead of another
            rf"|^(?:put|move|make|set|do|have|schedule|change)\s+.+\s+(?:(?:on|to|for|at)\s+)?(?:every\s+)?"
            rf"{_DAY}.*\binstead[\s!.]*$"
            # "i need to move the bank appointment to wednesday": managing a task, not a new one
            r"|^(?:i|we)\s+(?:(?:need|want|have|ought)\s+to|'d\s+like\s+to|would\s+like\s+to|should|must"
            r"|gotta)\s+(?:move|reschedule|postpone"
            r"|push\s+back|rename|change\s+the\s+(?:date|time|deadline|due\s+date|priority))\b"
            r"|^(?:the\s+)?(?:title|name)\s+should\s+(?:be|say|read)\b"
            # "X is due friday now", "X is due thursday, not wednesday", "that should be wednesday"
            r"|\b(?:is|are)\s+(?:now\s+)?due\b.*\b(?:now|instead)[\s!.]*$"
            rf"|\b(?:due|be|is|are|moved|coming|happening|on)\s+.+(?:,\s*|\s+)(?:not|instead\s+of|rather\s+than)"
            rf"\s+(?:on\s+)?{_DAY}"
            rf"|^(?:it|that|this)\s+should\s+(?:be\s+(?:on\s+|at\s+|due\s+|for\s+)?(?={_DAY}|\S*\d|noon"
            r"|midnight|next\b)|say|read|be\s+called|be\s+named)"
            rf"|^\S.*\s+should\s+be\s+(?:due\s+)?(?:on\s+)?{_DAY}"
            r"|^(?:moving|pushing|rescheduling|postponing|shifting)\s+(?:the|my|it|that|this)\b"
            r"|\b(?:it|that|this)\s+should\s+(?:say|read|be\s+called|be\s+named|be\s+titled)\b"
            r"|^(?:fix|correct)\s+(?:the\s+)?(?:title|name|typo|spelling|wording)\b"
            # tags: "add the #home tag to X", "add a work tag to X"
            r"|^(?:add|put|stick|attach|apply)\s+(?:(?:the|a|an)\s+)?(?:#?[\w-]+\s+)?(?:tag|label)s?\b"
            r"(?:\s+#?[\w-]+)?\s+(?:to|on|onto)\b|^(?:add|put|attach)\s+#[\w-]+\s+(?:to|on|onto)\b"
            # "the dentist got moved to friday, can you update it"; "X can wait, make it low"
            r"|[,;]\s*(?:(?:so|and|then|please|pls|now)\s+)*(?:(?:can|could)\s+(?:you|u)\s+)?(?:update"
            r"|change|adjust|fix|move|reschedule)\s+(?:it|that|this)\b"
            r"|[,;]\s*(?:(?:so|and|then|please|pls)\s+)*(?:make|set|mark)\s+(?:it|that|this)\s+(?:low|high"
            r"|medium|urgent|important|(?:top|high|low)\s+prio)",
            _I,
        ),
    ),
    Rule(
        Intent.DELETE_TASK,
        strong=True,
        name="no_need_anymore",
        whole_message=True,
        pattern=re.compile(
            r"^(?:(?:ok|so|oh|well|actually)[\s,]+)*no\s+(?:more\s+)?need\s+(?:to|for)\b.*\b(?:anymore|any\s+more"
            r"|now)\b"
            # "I don't need to buy stamps anymore", "i no longer need to renew my passport"
            r"|^(?:(?:ok|so|oh|well|actually|yeah|hmm|um)[\s,]+)*(?:i|we)\s+(?:really\s+)?(?:(?:don'?t|do\s+not)"
            r"\s+(?:need|have|want)\s+(?:to|the|my|that|this|those|these)\s+\S.*\b(?:anymore|any\s+more)"
            r"|no\s+longer\s+(?:need|have"
            r"|want)\s+to\s+\S)"
            r"|^(?:i|we)\s+(?:won'?t|will\s+not)\s+(?:be\s+)?need(?:ing)?\s+(?:to|the|my|that|this)\s+\S.*"
            r"\b(?:anymore|any\s+more)\b",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="other_container",
        # "add a song to my playlist", "add me to the mailing list": not a list of things to do
        pattern=re.compile(
            r"^(?:add|put|save|move)\s+.+\s+(?:to|on|onto|in|into)\s+(?:my|the|our)\s+(?:[\w'-]+\s+){0,2}"
            r"(?:cart|basket|playlist|watchlist|watch\s+list|contacts|address\s+book|account|wallet"
            r"|favou?rites|bookmarks|mailing\s+list|group\s+chat|spotify|camera\s+roll|photo\s+album"
            r"|(?:google|outlook|apple|icloud|work|shared)\s+calendar)"
            r"\s*[.!?]*$"
            # "add a filter to this selfie", "add 15 percent tip to the bill"
            r"|^add\s+.+\s+(?:to|into|onto)\s+(?:this|that)\s+(?!(?:list|task|todo|to-do|reminder|one"
            r"|week|weekend|month|year|morning|afternoon|evening)\b)[a-z]+\s*[.!?]*$"
            r"|^add\s+.+\s+(?:to|into|onto)\s+(?:the|my|your|a|an)\s+(?:[\w'-]+\s+)?(?:bill|tab|total|soup"
            r"|sauce|stew|dough|batter|salad|smoothie|coffee|tea|drink|photo|picture|pic|selfie|video"
            r"|song|track|story|post)\s*[.!?]*$"
            # a recipe step however it goes on: "add sugar to bread dough after kneading"
            r"|^add\s+.+\s+(?:to|into)\s+(?:(?:the|my|your|a|an)\s+)?(?:[\w'-]+\s+)?(?:dough|batter|soup"
            r"|sauce|stew|marinade|dressing|mixture|broth|stock|risotto|curry)\s+(?:after|before|when"
            r"|while|once|until|and|then|for)\b"
            r"|^add\s+(?:me|us|him|her|them)\s+(?:to|on)\b|^add\s+(?:a\s+)?(?:new\s+)?contact\b"
            r"|^add\s+.+\s+as\s+(?:a|an|my)\s+(?:[\w'-]+\s+)?(?:contact|friend|driver|admin|member|user"
            r"|collaborator|favou?rite)\b"
            # another app's things: "schedule a tweet for 9am", "mark my calendar as busy"
            r"|^schedule\s+(?:a|an|the|my)\s+(?:[\w'-]+\s+)?(?:tweet|post|email|e-mail|message|text|story"
            r"|newsletter)\b|^mark\s+my\s+(?:calendar|status|inbox|emails?|messages?)\b"
            r"|^(?:set|change|move|reset)\s+my\s+alarm\b"
            # a text to rewrite: "make this email sound more polite", "make my cv shorter"
            r"|^make\s+(?:this|that|my|the)\s+(?:[\w'-]+\s+)?(?:e-?mail|message|text|letter|essay"
            r"|sentence|paragraph|cv|resume|post|caption|bio|speech|story|poem|intro|reply|answer)\s+"
            r"(?:sound|look|read|more|less|shorter|longer|better|clearer|nicer|funnier|simpler)\b"
            # the printer's or the download's own job: "cancel the print job"
            r"|^(?:cancel|stop|pause|resume)\s+(?:the|my|this|that)\s+(?:print(?:ing)?\s+job|print"
            r"|download|upload|installation|install|update|backup|sync|stream|recording)s?\s*[.!]*$"
            r"|^(?:schedule|book|order|call|get|request)\s+(?:an?\s+|my\s+)?(?:uber|lyft|taxi|cab)\b"
            # "delete the photos from my phone", "clear my notifications": the device's, not a task
            r"|^(?:delete|remove|clear|erase|wipe|rename|reset|uninstall|empty)\s+(?:all\s+)?(?:of\s+)?"
            r"(?:my|the|those|these)\s+(?:[\w'-]+\s+){0,2}?(?:notifications?|photos|pictures|apps?"
            r"|contacts?|emails|inbox|browser|history|cache|cookies|password|wallpaper|ringtone|phone"
            r"|laptop|computer|speaker|wi-?fi|bluetooth|files|folder|downloads|voicemails?|texts"
            r"|messages|trash|recycle\s+bin)(?:\s+(?:from|on|in|off)\s+(?:my|the)\s+[\w'-]+"
            r"|\s+(?:from|for|of)\s+(?:the\s+)?(?:last|past)\s+(?:\d+\s+|few\s+)?\w+)?\s*[.!?]*$"
            # an edit of a photo, a text or a recipe: "remove the red eye from this photo"
            r"|^(?:delete|remove|erase|wipe|cut|crop|clear|take)\s+.+\s+(?:from|off|out\s+of|in|of)\s+"
            r"(?:this|that|my|the|these)\s+(?:[\w'-]+\s+)?(?:photo|picture|pic|selfie|image|video|clip"
            r"|document|doc|file|email|message|recipe|sentence|paragraph|text|essay|song|track"
            r"|spreadsheet|slide|presentation|post|story|contract|cv|resume|letter|draft|page)s?\b",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="remark_about_others",
        # "my wife made the grocery list this week", "the hardware store closes at 6": news, no task
        applies=lambda text: _TODO_WORDS.search(text) is None,
        pattern=re.compile(
            r"^(?:my|our)\s+(?:wife|husband|partner|mom|mum|mother|dad|father|son|daughter|kids?"
            r"|boss|friend|sister|brother|roommate|flatmate|neighbou?r|boyfriend|girlfriend|parents"
            r"|family|team|colleague|coworker)\s+(?:already\s+|just\s+)?(?:made|wrote|took|put|got|went"
            r"|left|did|forgot|bought|sent|lost|found|gave|said|told|finished|cleaned|cooked|called)\b"
            r"|^(?:the\s+)?(?:[\w'-]+\s+){0,3}?(?:store|shop|pharmacy|bank|library|gym|office|mall"
            r"|supermarket|post\s+office|restaurant|cafe|museum|pool|market)\s+(?:closes|opens|shuts"
            r"|is\s+(?:open|closed))\b",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="world_news",
        # "the shops are shut on sunday", "my sister arrives on friday": news with a date
        applies=lambda text: (
            _DATED.search(text) is not None
            and _TODO_WORDS.search(text) is None
            and _ASKED_IN_NEWS.search(text) is None
        ),
        pattern=_WORLD_NEWS,
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="list_as_subject",
        # "the shopping list is on the fridge", "my to do list is getting long": the list itself
        # is the news; "the grocery list needs eggs" asks for them
        applies=lambda text: _TODO_WORDS.search(text) is None,
        pattern=re.compile(
            r"^(?:the|my|our)\s+(?:[\w'-]+\s+){0,2}list\s+(?:is|was|'s|are|were|has\s+been|looks"
            r"|seems|got|gets|keeps|went|fell|blew)\b(?!\s+(?:missing|short\s+of|out\s+of)\b)"
            # "we forgot the packing list", "i left my grocery list at home": the paper list
            r"|^(?:i|we)\s+(?:just\s+|already\s+|totally\s+)?(?:lost|left|forgot|dropped|misplaced"
            r"|found|threw\s+away|ripped|printed)\s+(?:my|the|our)\s+(?:[\w'-]+\s+){0,2}list\b"
            r"(?!.*(?:\?|\b(?:what|show|tell|read|remind|add|put)\b))",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="advice_request",
        # "can you recommend things to put on a christmas list", "give me ideas for a packing list"
        pattern=re.compile(
            r"^(?:recommend|suggest|brainstorm|give\s+me\s+(?:some\s+|a\s+few\s+)?(?:ideas|suggestions"
            r"|tips|recommendations|examples\s+of\s+things)|(?:help\s+me\s+)?(?:think\s+of|come\s+up\s+with)"
            r"\s+(?:some\s+)?(?:ideas|things|stuff))\b",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="person_on_a_list",
        # "remove me from the mailing list", "put me on the waiting list": people are no tasks
        decisive=True,
        pattern=re.compile(
            r"^(?:add|put|sign|remove|take|delete|drop|get)\s+(?:me|us|him|her|them|myself)\s+(?:up\s+)?"
            r"(?:to|on|onto|for|off|from|out\s+of)\s+(?:(?:my|the|our|this|that|a|an|your)\s+)?"
            r"(?:[\w'-]+\s+){0,3}?(?:list|newsletter|group|waitlist|roster|team|class|course|program"
            r"|meeting|call|chat|thread|channel|event|calendar|invite)\b"
            # "check me in for my flight", "log me into netflix": done by the airline's or the
            # site's own service, not a note to self
            r"|^(?:check|log|sign|book)\s+(?:me|us|him|her|them|myself)\s+(?:in|into|on|onto|out)\b",
            _I,
        ),
    ),
    Rule(
        Intent.LIST_TASKS,
        strong=True,
        name="filter_question",
        # "what's urgent", "anything important?", "whats still open", "what have i ticked off":
        # nothing but list words and a filter, however short
        pattern=re.compile(
            rf"^{_Q_LEAD}(?:\s+(?:{_Q_WORD}|{_Q_FILTER}))*?\s+{_Q_FILTER}"
            rf"(?:\s+(?:{_Q_WORD}|{_Q_FILTER}))*\s*[?!.]*$"
            # "completed ones", "done stuff", "the overdue items pls"
            rf"|^(?:(?:my|the|all|all\s+my|all\s+the)\s+)?{_Q_FILTER}\s+(?:tasks|todos|to-dos|items|ones"
            r"|stuff|things)(?:\s*,?\s*(?:please|pls|plz))?\s*[?!.]*$",
            _I,
        ),
    ),
    Rule(
        Intent.LIST_TASKS,
        strong=True,
        name="list_question",
        # "what did i put on the costco list", "open my wedding list"
        pattern=re.compile(
            rf"^(?:what|what's|whats|wats?|which)\b.*\b(?:on|in|from)\s+{_A_LIST}{_FOR_WHAT}{_THANKS}\s*[?.!]*$"
            rf"|^(?:(?:can|could|may)\s+i\s+(?:see|view|look\s+at|check|have\s+a\s+look\s+at)"
            rf"|open|pull\s+up|bring\s+up|read(?:\s+out)?|check)\s+(?:me\s+)?(?:(?:my|the|our)\s+)?"
            rf"(?:back\s+to\s+school\s+|(?:[\w'-]+\s+){{0,2}})(?:wish|check)?list{_FOR_WHAT}{_THANKS}\s*[?.!]*$",
            _I,
        ),
    ),
    Rule(
        Intent.ADD_TASK,
        strong=True,
        name="ends_on_a_list",
        # "milk eggs and butter on the list please"
        applies=lambda text: not is_question(text),
        pattern=re.compile(
            r"^(?!(?:show|tell|read|list|display|view|see|give|what|wat|whats|what's|which|is|are|do"
            r"|does|any|check|open|print|pull|get|find|search|mark|tick|cross|strike|scratch|take|remove"
            r"|delete|erase|clear|empty|wipe|clean)\b)"
            rf"\w.*\s(?:on|to|onto)\s+{_A_LIST}\s*(?:,?\s*(?:please|pls|thanks|thank\s+you|ty))?[\s.!]*$",
            _I,
        ),
    ),
    Rule(
        Intent.COMPLETE_TASK,
        strong=True,
        name="complete_clause",
        # "I've booked the flights, mark it done": the last clause is the command.
        pattern=re.compile(
            r"[,;.!]\s*(?:(?:so|and|then|please|pls|now|you\s+can)\s+)*(?:mark|check|tick|cross)\s+"
            r"(?:it|that|this|that\s+one|it\s+all)\s*(?:off|(?:as\s+)?(?:done|complete|completed|finished))"
            r"[\s!.]*(?:please)?[\s!.]*$",
            _I,
        ),
    ),
    Rule(
        Intent.DELETE_TASK,
        strong=True,
        name="delete_clause",
        pattern=re.compile(
            r"[,;.!]\s*(?:(?:so|and|then|please|pls|now|you\s+can)\s+)*(?:delete|remove|cancel|scrap|drop"
            r"|erase|trash|ditch|get\s+rid\s+of)\s+(?:it|that|this|that\s+one)(?:\s+(?:from|off)\s+"
            r"(?:my|the)\s+list)?[\s!.]*(?:please)?[\s!.]*$",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="service_request",
        # "book me a flight", "get me a taxi", "pay my phone bill for me": the bot is asked to
        # do the thing itself, which it cannot; "remind me", "show me" stay commands.
        pattern=re.compile(
            r"^(?:book|order|get|find|buy|call|send|play|bring|fetch|reserve|make|grab|pay|write|sing"
            r"|draw|cook|draft|translate|rent|hire|schedule|arrange|organi[sz]e|sort|print|fax"
            r"|pour|fix)\s+(?:me|us)\s+(?!(?:a\s+|an\s+)?(?:reminder|task|to-?do|list|note)\b)\w"
            r"|^(?:book|order|buy|pay|write|finish|do|make|send|get|call|play|read|reserve|draft|fix"
            r"|translate|solve|answer|spell|explain|summari[sz]e|proofread|rewrite|edit|check|look\s+up"
            r"|calculate|convert|rent|hire|arrange|organi[sz]e|sort\s+out|print|fax)\b"
            r"(?!.*\b(?:remind|reminder|task|list)\b).*\bfor\s+(?:me|us)"
            r"(?:\s+(?:please|pls|plz|now|asap|today|tonight|quickly|thanks|thank\s+you|ok|okay"
            r"|right\s+now|if\s+you\s+can))*\s*[.!?]*$",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="agent_request",
        # Asked of an assistant that would do it now: "can you call my brother", "i need you to
        # order…". A to-do is put on the list or said to the user ("add call mom", "remind me").
        whole_message=True,
        applies=lambda text: _TODO_FRAMING.search(text) is None,
        pattern=_ASKED_OF_THE_BOT,
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="agent_action",
        # "call mom", "email my boss that i'll be late", "set the lights to 50 percent": a call
        # or message nobody said when to make ("call mom tomorrow" is a to-do), or a device.
        # "call the vet is done" reports a task, it does not ask for a call.
        applies=lambda text: (
            _TODO_FRAMING.search(text) is None
            and _SAYS_DONE.search(text) is None
            and not _repeats(text)  # "text dad every other day" says when: a to-do
        ),
        pattern=_AGENT_ACTION,
    ),
    Rule(
        Intent.ADD_TASK,
        strong=True,
        name="call_later",
        # "call grandma on saturday", "text sam later about the keys": a call or message said
        # for later is a note to self, however near "text john" (out of scope) it reads
        applies=lambda text: _TODO_FRAMING.search(text) is None,
        pattern=_CALL_LATER,
    ),
    Rule(
        Intent.ADD_TASK,
        strong=True,
        name="game_with_someone",
        # "play tennis with mark on thursday": a plan with someone on a day, not music to play
        applies=lambda text: _DATED.search(text) is not None and _TODO_FRAMING.search(text) is None,
        pattern=re.compile(
            r"^play\s+(?!(?:some|the|my|a|an|music|songs?|it|that|this|me|us|something)\b)[\w-]+"
            r"(?:\s+[\w-]+)?\s+with\s+\w",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="recall_request",
        # "remind me what the capital of france is": asking to be told, not a reminder
        pattern=re.compile(
            r"^remind\s+me\s*[,:-]?\s*(?:what|what's|whats|who|who's|whom|where|where's|why|which|how)\b",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="remind_someone_else",
        # "remind the team about the meeting", "remind john to call me": the chat reminds only you
        pattern=re.compile(
            r"^remind\s+(?:the\s+(?:team|kids|boss|group|class|family|others)|every(?:one|body)"
            r"|my\s+(?:wife|husband|partner|boss|team|kids?|son|daughter|mom|mum|dad|brother|sister"
            r"|friends?|colleagues?|coworkers?|roommates?|boyfriend|girlfriend)|him|her|them"
            r"|(?!(?:me|myself|us|to|about|that|u|ya|2|tomorrow|today|tonight|in|at|on|every|each|next"
            r"|this)\b)[a-z]+)\s+(?:to|about|that)\b",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="money_transfer",
        pattern=re.compile(
            r"^(?:add|put|transfer|send|deposit|move|load|top\s+up)\s+(?:some\s+|more\s+)?(?:money|funds"
            r"|cash|credit|\$\s?\d[\d.,]*|\d[\d.,]*\s*(?:dollars|euros|bucks|pounds|usd|eur))\b"
            r"|^add\s+(?:up\s+)?(?:(?:these|those|the|two|some|big)\s+)?(?:numbers|fractions|decimals|sums)\b"
            r"|^add\s+(?:up\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:and|plus|to|\+)"
            r"\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s*[?.!]*$",
            _I,
        ),
    ),
    Rule(
        Intent.SET_REMINDER,
        strong=True,
        name="reminder_command",
        pattern=re.compile(
            r"^(?:remind\s+(?:me|us|to)\b|set\s+(?:up\s+)?(?:a|an|me\s+a|me\s+an)\s+"
            # "set a weekly reminder", "set up a recurring alarm"
            r"(?:(?:daily|nightly|weekly|monthly|yearly|annual|recurring|repeating|quick)\s+)?"
            rf"{_NEW_PRIORITY}?(?:reminder|alarm|alert)"
            r"|(?:i\s+(?:want|need|would\s+like|'d\s+like)|can\s+i\s+(?:get|have)|give\s+me|get\s+me)\s+"
            r"(?:a|an)\s+(?:reminder|alarm)\b|(?:create|add"
            r"|make|schedule|give\s+me)\s+(?:a|an)\s+(?:new\s+)?(?:(?:daily|nightly|weekly|monthly|yearly"
            rf"|recurring|repeating)\s+)?{_NEW_PRIORITY}?(?:reminder|alarm|alert)\b(?!\s+task)"
            r"|new\s+reminder|reminder\s*(?::|to|for|about)|(?:alert|notify|ping|nudge|buzz|warn)\s+me"
            r"|don'?t\s+let\s+me\s+forget\s+to\s+.*\b(?:at|in|on|tomorrow|tonight)\b)",
            _I,
        ),
    ),
    Rule(
        Intent.UPDATE_TASK,
        strong=True,
        name="priority_change",
        pattern=re.compile(
            r"^(?:(?:lower|raise|increase|decrease|reduce|boost|bump(?:\s+up)?|up|drop)(?:\s+the)?\s+priority"
            r"|deprioriti[sz]e|prioriti[sz]e)\b"
            # "drop paint the spare room to low priority": a change of priority, not a delete
            r"|^(?:drop|knock|bring|move|push|bump|turn|switch)\b.*\bto\s+(?:a\s+)?(?:low|lower|high"
            r"|higher|medium|normal|top)\s+priority\b"
            r"|^(?:mark|set|make|change|update|flag)\b"
            r"(?!\s+(?:up\s+)?(?:a|an|me\s+an?)\s+(?:new\s+)?(?:\S+[\s-]+){0,3}?(?:reminder|alarm|alert|task|todo"
            r"|to-do)\b)(?:(?!\b(?:as\s+)?(?:done|complete|completed"
            r"|finished)\b).)*\b(?:priority|urgent|important)\b",
            _I,
        ),
    ),
    Rule(
        Intent.DELETE_TASK,
        strong=True,
        name="delete_command",
        pattern=re.compile(
            r"^(?:delete|remove|erase|trash|scrap|discard|get\s+rid\s+of|nuke|ditch|purge|wipe|drop"
            r"|cancel|clear)\b|^(?:forget|never\s*mind)\s+(?:about\s+)?(?:the|my|(?!(?:some|any|every|no)thing)\w+ing)\b"
            rf"|^(?:take|cross\s+out)\b.+\b(?:off(?:\s+of)?|from|out\s+of)\s+{_A_LIST}"
            r"|^(?:i|we)\s+(?:don'?t|do\s+not|no\s+longer)\s+need\s+.+\s+(?:on|in)\s+"
            rf"{_A_LIST}(?:\s+(?:anymore|any\s+more))?[\s!.]*$"
            r"|^\w.*\b(?:can|could|should|needs?\s+to|has\s+to)\s+(?:come|go|be\s+(?:taken|removed"
            rf"|deleted))\s+(?:off|from|out\s+of)\s+{_A_LIST}",
            _I,
        ),
    ),
    Rule(
        Intent.COMPLETE_TASK,
        strong=True,
        name="complete_command",
        pattern=re.compile(
            r"^(?:mark|check|tick|cross|strike|scratch)\b.*\b(?:done|complete|completed|finished|off|out)\b"
            rf"|^(?:strike|cross|scratch)\b.+\b(?:from|off)\s+{_A_LIST}"
            r"|^(?:mark|check|tick)\b.*\bas\s+(?:bought|purchased|got|gotten|picked\s+up)\b"
            r"|^(?:i(?:'ve|\s+have)?\s+(?:just\s+|already\s+|finally\s+)?(?:finished|completed)"
            r"|i(?:'m|\s+am)\s+(?:all\s+)?(?:done|finished)\s+with|done\s+with|finished\s+with"
            r"|(?:just\s+)?finished|completed)\b"
            r"|^(?:done|finished|completed|all\s+done)[\s!.]*$"
            # "done: update the project plan", "DONE - call the vet": a report written as a note
            r"|^(?:done|finished|completed)\s*(?::|-+|\u2013|\u2014)\s*\S"
            r"|^(?:tick|check|cross)\s+(?:off\s+)?(?:the\s+)?(?:number\s+|no\.?\s*|#)?[1-9](?:\s+off)?[\s!.]*$"
            r"|\b(?:is|are|as|has\s+been|have\s+been)\s+(?:done|completed|finished)[\s!.]*$",
            _I,
        ),
    ),
    Rule(
        Intent.UPDATE_TASK,
        strong=True,
        name="update_command",
        pattern=re.compile(
            r"^(?:rename|retitle|reschedule|postpone|push\s+back)\b"
            r"|^(?:change|update|edit|modify|switch|adjust)\b.*\b(?:to|into|from|priority|due|deadline"
            r"|title|name|date|time)\b"
            r"|^(?:move|push|shift|bump|delay)\b.*\b(?:to|2|until|till|til|back|forward|later|by"
            r"|ahead|earlier|sooner|(?:up|out)\s+(?:by\s+)?(?:a|an|one|two|three|\d+|a\s+couple\s+of)\s+"
            r"(?:day|week|hour)s?)\b"
            r"|^make\s+(?:it|that|this|them)\b|^make\s+.+\s+due\b|^(?:tag|label)\b(?!\s+along\b)"
            r"|^(?:set|give|add)\s+(?:a\s+|the\s+)?(?:new\s+)?(?:due\s+date|deadline)\b"
            r"|^(?:set|give)\b.*\b(?:due\s+date|deadline)\b"
            r"|^(?:make|set|have)\s+.+\s+(?:repeat|recur|recurring|repeating)\b"
            r"|^.+\s+is\s+now\s+(?:a\s+)?(?:high|low|medium|top|urgent|due|recurring)\b"
            # "the dentist is actually on friday", "pay the water bill should be due 2027-01-15"
            r"|^(?!.*(?:\?|\b(?:how|what|why|where|who|which|can\s+i|do\s+i|should\s+i)\b))"
            r".+\s+(?:should\s+(?:now\s+)?be|is\s+(?:actually|now)|(?:has\s+been|got|was)\s+"
            r"(?:moved|pushed|rescheduled|postponed|changed))\s+(?:due\s+)?(?:on|at|for|to|by|until"
            r"|till)?\s*(?:\d|noon|midnight|tonight|tomorrow|today|next|this|mon|tue|wed|thu|fri|sat"
            r"|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
            r"|^(?:call|name|title)\s+(?:it|that|this)\s+\S"
            r"|^set\s+(?!(?:a|an|up|me|my)\b)\S.*\s+(?:for|to)\s+(?:\d|noon|midnight|tonight|tomorrow"
            r"|today|next|this|mon|tue|wed|thu|fri|sat|sun)",
            _I,
        ),
    ),
    Rule(
        Intent.ADD_TASK,
        strong=True,
        name="add_command",
        pattern=re.compile(
            r"^(?:add|create|new\s+(?:task|todo|to-do|item)|jot\s+down|note\s+down|write\s+down"
            r"|note\s+to\s+self|put\b.+\b(?:on|in|to)\s+my\s+(?:list|tasks|todo)"
            rf"|make\s+an?\s+(?:new\s+)?{_NEW_PRIORITY}?(?:task|todo|note))\b"
            r"|^(?:todo|to-do|task|reminder|note|(?:this\s+is\s+|it'?s\s+)?(?:super\s+|very\s+|really\s+)?"
            r"(?:urgent|important|critical)"
            r"|asap|p[123]|not\s+urgent|no\s+rush|(?:high|low|medium|top)[\s-]+prio(?:rity)?)"
            r"\s*[:-]\s*(?=\w)"
            r"|^(?:(?:a|an)\s+)?(?:high|low|medium|top|urgent)(?:[\s-]+priority)?\s+(?:task|todo|to-do|item)\b"
            # "URGENT call the school back", "asap!! pay the fine": a label, then an errand
            r"|^(?:super\s+|very\s+|really\s+)?(?:urgent|asap|important|critical)\b[\s!.,]+(?!.*\?\s*$)"
            r"(?=(?:call|ring|phone|e-?mail|text|pay|buy|book|fix|send|finish|submit|renew|pick\s+up"
            r"|clean|reply|sign|file|return|print|contact|prepare|review|update|cancel|get)\s+\w)"
            rf"|^(?:put|stick|include|pop|throw|chuck|bung|toss|slap|place|get|write|jot\s+down)\b.+\b"
            rf"(?:on|in|onto|to)\s+{_A_LIST}"
            # "I need X put on the list"; "things to put on a christmas list" is no command
            rf"|(?<!\bto\s)\b(?:added|put)\s+(?:to|on|onto|in)\s+(?:my|the|our)\s+(?:[\w'-]+\s+){{0,2}}list\b"
            rf"|^(?:i|we)\s+(?:need|want)\s+.+\s+(?:on|in)\s+{_A_LIST}"
            rf"|^(?:(?:on|to|in|for)\s+)?{_A_LIST}\s*[,:;-]?\s*(?:please\s+)?(?:add|put|include|needs)\b"
            rf"|^(?:(?:on|to|in|for)\s+)?{_A_LIST}\s*[:-]\s*(?!(?:what|whats|what's|show|is|are|do)\b)\w"
            r"|^(?:shopping|groceries|grocery|packing|errands|chores|costco)\s*:\s*(?=\w)"
            rf"|^(?:[\w'-]+\s+){{1,2}}list\s*[,:;-]?\s*(?:please\s+)?(?:add|put|include)\b",
            _I,
        ),
    ),
    Rule(
        Intent.LIST_TASKS,
        strong=True,
        name="search_command",
        # "find a restaurant near me", "look up the train times": the world, not the tasks
        applies=lambda text: _OUT_THERE.search(text) is None,
        pattern=re.compile(
            r"^(?:search|look\s+up|lookup)\b(?!\s+(?:the\s+)?(?:web|internet|google|online|definition))"
            r"|^(?:find|look\s+for)\b(?!\s+me\s+(?:a|an|some|the\s+(?:nearest|best|closest))\b)",
            _I,
        ),
    ),
    Rule(
        Intent.OUT_OF_SCOPE,
        strong=True,
        name="world_search",
        # "look up the opening hours of the post office": a search of the web, not of the tasks
        applies=lambda text: _OUT_THERE.search(text) is not None,
        pattern=re.compile(r"^(?:search|look\s+up|lookup|google)\b", _I),
    ),
    Rule(
        Intent.LIST_TASKS,
        strong=True,
        name="task_list_question",
        pattern=re.compile(
            # "is buy milk on my list?", "did i finish everything for today"
            rf"^(?:is|are)\s+\S.*\s(?:still\s+|already\s+)?(?:on|in)\s+{_A_LIST}\s*[?.!]*$"
            # "have i got anything on the costco list", "do i have much on my packing list"
            r"|^(?:have\s+i\s+got|do\s+i\s+have|(?:i\s+)?got)\s+(?:anything|any\s+\w+|much|stuff|things"
            rf"|a\s+lot)\b.*\s(?:on|in)\s+{_A_LIST}{_FOR_WHAT}\s*[?.!]*$"
            r"|^(?:did|have)\s+i\s+(?:finish|complete|do|get\s+through|tick\s+off)\w*\s+(?:everything|all"
            r"|it\s+all|my\s+(?:tasks|list|to-?dos?))\b"
            r"|^(?:what(?:'s|\s+is|\s+are|\s+do|\s+else|\s+must|\s+should)?|which|whats)\b.*\b(?:tasks?"
            r"|todos?|to-dos?|due|overdue|pending|on\s+my\s+(?:plate|agenda)|left\s+to\s+do"
            r"|reminders?\s+(?:do|did|have)\s+(?:i|we)|(?:my|the)\s+reminders(?!\s+(?:work|feature))"
            rf"|(?:on|in)\s+{_A_LIST}"
            r"|(?:need|have)\s+to\s+(?:do|get\s+done))\b"
            # "what is there for tomorrow", "what's on for friday"
            rf"|^(?:what(?:'s|s|\s+is)\s+(?:there\s+(?:for|on)|on\s+for)|is\s+there\s+anything\s+(?:for"
            rf"|on)|anything\s+(?:on\s+)?(?:for|on))\s+(?:this\s+|next\s+|the\s+)?(?:{_DAY}|weekend\b"
            r"|week\b)\s*[?.!]*$",
            _I,
        ),
    ),
    Rule(
        Intent.LIST_TASKS,
        strong=True,
        name="list_command",
        # "list the planets", "show me the news": a list of the world, not of the tasks
        applies=lambda text: _names_tasks(text) or _WORLD_LIST.match(text) is None,
        pattern=re.compile(
            r"^(?:show|list|display|view)\b(?!\s+me\s+(?:how|some\s+examples|examples|what\s+you))",
            _I,
        ),
    ),
    Rule(
        Intent.COMPLETE_TASK,
        strong=False,
        name="complete_words",
        # A bare "complete X by friday" is more likely a new task than a completion.
        applies=lambda text: _DATED.search(text) is None,
        pattern=re.compile(
            r"^(?:complete|finish|close)\b(?!.*\b(?:by|before|until|tomorrow|today|tonight|next)\b)"
            r"|\b(?:check|tick|cross)\s+(?:it|that|this)\s+off\b",
            _I,
        ),
    ),
    Rule(
        Intent.COMPLETE_TASK,
        strong=False,
        name="ends_done",
        applies=lambda text: not is_question(text),
        pattern=re.compile(
            r"\b(?:done|finished|completed|complete|sorted|taken\s+care\s+of)[\s!.]*$", _I
        ),
    ),
    Rule(
        Intent.COMPLETE_TASK,
        strong=False,
        name="past_tense_report",
        pattern=re.compile(
            r"^i(?:'ve|\s+have)?\s+(?:already|just|finally)\s+\w+(?:ed|id|ought|ent|ot|ade)\b", _I
        ),
    ),
    Rule(
        Intent.COMPLETE_TASK,
        strong=True,
        name="state_report",
        # "the gas bill is paid", "my car insurance has been renewed": a task reported done
        applies=lambda text: not is_question(text),
        pattern=re.compile(
            r"^(?:the|my|our)\s+\S.*\s(?:is|are|has\s+been|have\s+been|got)\s+(?:all\s+)?"
            r"(?:paid|booked|sorted|fixed|cleaned|washed|bought|sent|submitted|renewed|returned|posted"
            r"|mailed|filed|handed\s+in|picked\s+up)(?:\s+(?:now|already|today|finally))?[\s!.]*$",
            _I,
        ),
    ),
    Rule(
        Intent.DELETE_TASK,
        strong=False,
        name="no_longer_wanted",
        pattern=re.compile(
            r"\b(?:(?:don'?t|do\s+not)\s+(?:want|need)\b.*\b(?:anymore|any\s+more|no\s+more)"
            r"|no\s+longer\s+(?:need|want)|(?:isn't|is\s+not|aren't)\s+(?:needed|happening)"
            r"\s+(?:anymore|any\s+more))\b",
            _I,
        ),
    ),
    Rule(
        Intent.ADD_TASK,
        strong=False,
        name="schedule_command",
        pattern=re.compile(r"^(?:schedule|plan|book|organi[sz]e|arrange|set\s+up)\b", _I),
    ),
    Rule(
        Intent.ADD_TASK,
        strong=True,
        name="obligation",
        pattern=re.compile(
            r"^(?:(?:i|we)\s+(?:really\s+|still\s+|also\s+)?(?:(?:need|have|ought)\s+to|must|should"
            r"|gotta)|need\s+to|have\s+to|gotta|(?:i'm\s+|i\s+am\s+)?(?:gonna|going\s+to)\s+(?:need|have)\s+to"
            r"|(?:i\s+)?(?:can't|cannot|can\s+not|mustn't|must\s+not)\s+forget\s+(?:to|about)"
            r"|need\s+(?!(?:help|to|a\s+hand|some\s+help)\b)(?=\w)"
            r"|don'?t\s+(?:let\s+me\s+)?forget\s+(?:to|about)|remember\s+to"
            r"|i(?:'ve|\s+have)\s+got\s+to)\s*"
            # "I need to delete the gym task" manages a task rather than being one.
            r"(?!\s*(?:change|update|edit|rename|delete|remove|mark|move|reschedule|postpone|see"
            r"|cancel(?!\s+(?:my|the|our|a)\s+(?:[\w'-]+\s+){0,3}?(?:membership|subscription|booking"
            r"|reservation|order|flight|ticket|account|card|contract|plan|policy|insurance|lease)s?\b)"
            r"|check\s+(?:my|the)\s+(?:list|tasks)|know|view|list|find|add|create|set\s+a\s+reminder)\b)",
            _I,
        ),
    ),
    Rule(
        Intent.LIST_TASKS,
        strong=False,
        name="task_question",
        # A question is a list request only if it is about tasks ("what's the weather?" is not).
        applies=_names_tasks,
        pattern=re.compile(
            r"^(?:what|which|how\s+many|do\s+i|are\s+there|is\s+there|any(?:thing)?|give\s+me|tell\s+me"
            r"|read|get|see|pull\s+up|check|my)\b",
            _I,
        ),
    ),
    Rule(
        Intent.ADD_TASK,
        strong=True,
        name="errand_with_priority_or_schedule",
        # "pay rent monthly", "renew passport asap", "HIGH PRIORITY PAY THE RENT": an errand
        # said with how urgent it is or how often, without a command word, is a new task
        applies=lambda text: not is_question(text),
        pattern=re.compile(
            # "pay the fine needs to be high priority", "X is urgent now": a change, not a new task
            rf"^(?!.*\b(?:is|are|isn'?t|aren'?t|needs?\s+to\s+be|should\s+be|must\s+be|has\s+to\s+be"
            rf"|now|anymore)\b)(?:(?:please|pls|ok|okay|so)[\s,]+)?(?:"
            rf"(?:(?:(?:high|top|low|medium)\s+priority|urgent|important|p[123])[\s:,-]+|!{{2,}}\s*)"
            rf"{_ERRAND}\S.*"
            rf"|{_ERRAND}\S.*?(?:\s*[,(-]\s*|\s+)(?:{_ERRAND_PRIORITY}|{_ERRAND_SCHEDULE})\)?"
            # "pay rent every month on the 1st": the day of the schedule after it
            r"(?:\s+(?:on|at)\s+(?:the\s+)?[\w:]+)?[\s!.]*$)",
            _I,
        ),
    ),
]


def strip_fillers(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _REQUEST.sub("", _FILLERS.sub("", text, count=1), count=1).strip()
    return text


_FOLLOW_UP_WORDS = re.compile(
    r"\b(?:and|also|too|as\s+well|then|please|pls|plz|thanks|thx|instead|rather|oh)\b", _I
)
_LONGEST_FOLLOW_UP = 12  # words: "every other tuesday and thursday at 7 in the evening please"
# "oh and it's every 4 weeks" is about the task; "it's friday!" alone is not.
_IT_REPEATS = re.compile(
    r"\b(?:it'?s|it\s+is|that'?s|it\s+(?:should|needs?\s+to)\s+be|(?:should|needs?\s+to)\s+be)\b",
    _I,
)


def _only_when(text: str) -> bool:
    """ "actually, friday at 3pm", "and every day please": nothing but when it is or how often
    it repeats (a follow-up changing a task)."""
    if len(text.split()) > _LONGEST_FOLLOW_UP:
        return False  # the scans below are the rules' main cost; a follow-up is short
    utterance = Utterance(text)
    repeats = find_recurrence(utterance)
    found = find_temporal(utterance, now=datetime.now(ZoneInfo("UTC")), resolve=False)
    leftover = _FOLLOW_UP_WORDS.sub("", utterance.leftover())
    if repeats:
        leftover = _IT_REPEATS.sub("", leftover)
    return bool(found or repeats) and not re.sub(r"[\W_]+", "", leftover)


# "friday at 3pm", "every monday" alone: the model cannot know it follows a task, so the rule
# decides; with no task in the conversation the chat asks which one and changes nothing.
DATE_ONLY_FOLLOW_UP = Rule(
    Intent.UPDATE_TASK,
    strong=True,
    name="date_only_follow_up",
    decisive=True,
    pattern=re.compile(""),
)
# "actually, friday at 3pm", "no wait, saturday", "thursday instead": a correction, said so
DATE_CORRECTION = Rule(
    Intent.UPDATE_TASK, strong=True, name="date_correction", pattern=re.compile("")
)
_CORRECTING = re.compile(
    r"^\W*(?:actually|no|nah|nope|wait|oops|sorry|hmm+|i\s+meant|i\s+mean|make\s+(?:it|that))\b"
    r"|\b(?:instead|rather)\W*$",
    _I,
)
_CORRECTION_WORDS = re.compile(
    r"^(?:(?:sorry|oops|no|nah|nope|wait|actually|i\s+meant(?:\s+to\s+say)?|i\s+mean"
    r"|make\s+(?:it|that)|change\s+(?:it|that)\s+to)\b[\s,.!-]*)+|\s*\b(?:instead|rather)\W*$",
    _I,
)
# The day itself is the subject: "tomorrow is my birthday", "monday was a nightmare"
DAY_AS_SUBJECT = re.compile(
    r"^(?:(?:today|tonight|tomorrow|yesterday|this\s+\w+|next\s+\w+|(?:every\s+)?(?:mon|tues"
    r"|wednes|thurs|fri|satur|sun)day)(?:'s|\s+(?:is|was|will\s+be|feels|looks|seems|has\s+been"
    r"|(?:is\s+)?(?:going\s+to|gonna)\s+be))|(?:mon|tues|wednes|thurs|fri|satur|sun)days\s+are)\b",
    _I,
)
# "…, wish me luck", "so relieved it's the weekend": how the user feels, not an errand
FEELINGS = re.compile(
    r"\b(?:wish\s+me\s+luck|fingers\s+crossed|can'?t\s+wait|glad|relieved|thankful|grateful"
    r"|not\s+looking\s+forward|dreading|(?:so|really|a\s+bit)\s+nervous|nervous\s+about)\b",
    _I,
)
# "my meeting at 3pm went really well", "every monday feels so long lol": telling, not asking
_NARRATION = re.compile(
    r"\b(?:went|was|were|felt|feels|seemed|seems|looked|sounded|happened|enjoyed|loved|hated)\b"
    r"|\b(?:lol|lmao|haha+)\b"
    # "I'm so tired today": how the user feels, not an errand
    r"|^(?!.*\b(?:add|remind|put|delete|remove|mark|set|schedule)\b)(?:i'm|i\s+am)\s+"
    r"(?:so\s+|really\s+|very\s+|super\s+|kinda\s+|a\s+bit\s+|pretty\s+)*"
    r"(?:tired|exhausted|bored|sleepy|hungry|sick|ill|stressed|sad|happy|excited|nervous"
    r"|worried|annoyed|cold|freezing|knackered|shattered)\b"
    rf"|{DAY_AS_SUBJECT.pattern}|{FEELINGS.pattern}"
    # the world's routine, said in the passive: "the bins get collected every tuesday"
    r"|^(?:the|our|my)\s+(?:[\w'-]+\s+){0,2}?(?:gets?|got)\s+\w+(?:ed|en)\b"
    # what already happened to someone or something: "the meeting ran over again today"
    r"|^(?:the|my|our|his|her|their)\s+(?:[\w'-]+\s+){1,2}?(?:ran|came|took|broke|fell|got|left"
    r"|made|went|did|had|was|were|kept|began|stopped|overran)\b",
    _I,
)
# "ugh monday again", "friday already?!": a day and nothing to do on it
_NOTHING_TO_DO = frozenset(
    {"again", "already", "finally", "yet", "still", "another", "ugh", "argh", "yay", "omg", "sigh",
     "lol", "haha", "hooray", "woohoo", "wow", "oh", "no", "yes", "nooo", "blues", "vibes",
     "mood", "is", "here", "over", "soon", "almost", "nearly", "happy", "thank", "god", "it's",
     "its", "i", "love", "hate", "fridays", "mondays", "weekends"}
)  # fmt: skip


def _a_day_and_nothing_to_do(text: str) -> bool:
    if len(text.split()) > 6:  # a remark this short; spares the date parser on the rest
        return False
    utterance = Utterance(text)
    if not find_temporal(utterance, now=datetime.now(ZoneInfo("UTC")), resolve=False):
        return False
    words = re.findall(r"[\w']+", utterance.leftover().lower())
    return all(word in _NOTHING_TO_DO for word in words)


# "show me the weather for tomorrow", "list three recipes for tonight": asked to see, no to-do
SEE_REQUEST = re.compile(
    r"^(?:(?:show|tell|give|read)\s+(?:me|us)\b(?!\s+(?:a\s+)?(?:reminder|call|ring|shout|hand)\b)"
    r"|(?:display|view)\b|list\s+(?:some|the|\d+|two|three|four|five|ten|a\s+few|all\s+the|good"
    r"|best|top)\b(?!.*\bon\s+(?:ebay|vinted|craigslist|gumtree|etsy|amazon)\b))",
    _I,
)
DATED_STATEMENT = Rule(
    Intent.ADD_TASK,
    strong=False,
    name="dated_statement",
    pattern=_DATED,
    applies=lambda text: (
        not is_question(text)
        and not _NARRATION.search(text)
        and not _WORLD_NEWS.search(text)
        and not SEE_REQUEST.match(text)
        and not _a_day_and_nothing_to_do(text)
    ),
)


# Who a statement is about: "my yoga class is every tuesday", "we get paid every other friday"
_SUBJECT_FIRST = re.compile(
    r"^(?:i|i'm|im|we|we're|you|he|she|they|it|it's|there|there's|my|our|his|her|their|your|the"
    r"|this|that|these|those|everyone|everybody|people|nobody|someone|mum|mom|dad)\b"
    r"|^\w+'s\b",
    _I,
)
# "make yoga every other week", "move the gym to every tuesday": a change to a task
_CHANGE_LEAD = re.compile(
    r"^(?:make|change|move|switch|turn|set|reschedule|push|shift|update)\s+"
    r"(?!(?:a|an|some|dinner|lunch|breakfast|tea|time)\b)",
    _I,
)
# "rent is due on the 1st", "the bins go out": something is, or does, on a schedule
_BEING = re.compile(
    r"^(?:[\w'-]+\s+){0,3}?(?:is|are|was|were|isn't|aren't|'s|has|have|had|hates?|loves?|likes?"
    r"|goes|go|comes?|opens?|closes?|starts?|runs?|happens?|meets?|visits?)\b",
    _I,
)
_A_CLAUSE_ASKS = re.compile(
    r"(?:^|[,;:]\s*)(?:is|are|do|does|did|can|could|will|would|when|what|how|why|where|who|which"
    r"|should|shall)\b",
    _I,
)
_REMINDER_WORD = re.compile(r"\b(?:remind|reminder|alert|notify|ping|nudge)\w*\b", _I)
_ASKED_TO_NOTE = re.compile(r"\b(?:add|put|note|schedule|set)\b", _I)


def _a_routine_to_keep(text: str) -> bool:
    """A thing to do said with how often, and no subject: "floss every night", "text dad every
    other day", "gym mon wed fri pls". With a subject it is how life goes ("the bins go out
    every thursday", "rent is due on the 1st"), unless the message asks for it to be noted;
    reminders and questions are the other rules' and the model's."""
    if (
        is_question(text)
        or _A_CLAUSE_ASKS.search(text)
        or _REMINDER_WORD.search(text)
        or _NARRATION.search(text)
        or _WORLD_NEWS.search(text)
        or _CHANGE_LEAD.match(text)
    ):
        return False
    utterance = Utterance(text)
    if find_recurrence(utterance) is None:
        return False
    rest = utterance.leftover().replace(GAP, " ")
    if not re.search(r"[a-z]{2}", rest, _I):
        return False
    if _ASKED_TO_NOTE.search(rest):
        return True
    clauses = [c.strip(" .!-") for c in re.split(r"[,;:]|\s+(?:and|so|but|or)\s+", rest)]
    return not any(_SUBJECT_FIRST.match(c) or _BEING.match(c) for c in clauses if c)


ROUTINE = Rule(
    Intent.ADD_TASK,
    strong=True,
    name="routine",
    pattern=re.compile(r"\w"),
    applies=_a_routine_to_keep,
)


def match_rules(message: Message | str) -> Rule | None:
    """The first rule that matches, a date-only follow-up, a dated statement, or None."""
    if isinstance(message, str):
        message = Message(message)
    text = strip_fillers(message.text)
    if _only_when(_CORRECTION_WORDS.sub("", text)):
        return DATE_CORRECTION if _CORRECTING.search(message.text) else DATE_ONLY_FOLLOW_UP
    for rule in (*_RULES, ROUTINE, DATED_STATEMENT):
        if rule.matches(text, message.text):
            return rule
    return None
