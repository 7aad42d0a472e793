"""Questions shaped like list or help requests that are about something else.

"what do i have to do to renew my passport" reads like "what do i have to do today", "how
does it work when you rent a car abroad" like "how does it work", "what can you do about a
leaking tap" like "what can you do". These run after the question gates of `questions.py`
(`list_is_about_my_tasks`, `help_is_about_the_chat`) on every list or help answer, whoever
decided it, and turn the look-alike into out of scope. Each pattern is one shape of advice or
world question; a message that names the user's own tasks or list is never one.
"""

import re

from todo_backend.nlu.text import Message

_I = re.I

# The user's own tasks, list or chat, named as such: such a question is about them.
_MINE = re.compile(
    r"\b(?:(?:my|the|our)\s+(?:[\w'-]+\s+){0,2}?(?:tasks?|to-?dos?|to\s+do\s+list|list|reminders?"
    r"|plate|agenda)|this\s+(?:app|chat|bot)|(?:with|to|for)\s+(?:you|u)\b|here)\b",
    _I,
)

# --- list look-alikes -----------------------------------------------------------------------

_NOT_A_LIST_REQUEST = re.compile(
    # what it takes to get something done: "what do i have to do to renew my passport", "what
    # have i got to do to pass my exam", "what do i need to do before i sell my house"
    r"\b(?:have|need|got)\s+to\s+do\s+(?:to\b|in\s+order\s+to\b|for\s+(?:a|an)\s"
    r"|(?:before|after|when|if|once|until|so\s+that)\s+(?:i|we|you|one|my|our|the|a|an)\b)"
    # the duties of a role: "what tasks does a data analyst do", "my tasks as a bridesmaid"
    r"|\btasks?\s+(?:does|do|did|would|should)\s+(?:a|an|the|one)\s"
    r"|\b(?:tasks?|duties|chores|responsibilities)\s+(?:as|of)\s+(?:a|an|the)\s"
    # how much anyone should or can do: "how many tasks should i do a day"
    r"|^how\s+(?:many|much)\b.*\b(?:should|can|could|must)\s+(?:i|a\s+person|one|you|people|we)\b"
    # what comes next in the world: "what's next in the series", "what's next after book 3"
    r"|^what(?:'s|s|\s+is|\s+comes)\s+next\s+(?:in|after|for|on)\s+(?!(?:my|the|our)\s+"
    r"(?:[\w'-]+\s+){0,2}?(?:list|tasks|to-?dos?|agenda|plate)\b|today|tomorrow|me\b)"
    # advice on what a list should hold: "what should i put on my christmas list"
    r"|\bwhat\s+should\s+(?:i|we)\s+(?:put|add|write|include)\s+(?:on|in)\b"
    r"|\bwhat\s+should\s+(?:be|go)\s+(?:on|in)\b"
    # a list as a record or a curiosity: "the longest shopping list ever"
    r"|\b(?:longest|biggest|shortest|strangest|weirdest|most\s+\w+|famous)\s+(?:[\w'-]+\s+)?list\b"
    # "do i need a visa", "do i need to book an mot every year": a yes/no about a rule
    r"|^do\s+(?:i|we|you)\s+(?:really\s+)?need\s+(?:to\s+\w+\s+)?(?:an?|every|my)\s"
    # priority as a service: "the priority lane at the airport"
    r"|\bpriority\s+(?:lane|boarding|mail|pass|access|seating|queue|line|status|customers?"
    r"|shipping|delivery|booking)\b"
    r"|\bon\s+(?:my|your)\s+mind\b"
    # what anyone must do to a thing: "what do i have to feed a baby rabbit"
    r"|\bwhat\s+do\s+(?:i|we)\s+(?:have|need)\s+to\s+(?!do\b|get\s+done\b)\w+\s+(?:for\s+)?an?\s"
    # an event's programme: "what's on the agenda at the g7"
    r"|\b(?:agenda|schedule|itinerary|programme|program|line-?up)\s+(?:at|of|for)\s+(?:the|a|an)\s+"
    r"(?!(?:week|weekend|day|month|year|morning|afternoon|evening|rest\s+of)\b)\w",
    _I,
)
# What others did, the world's business, the list as a thing the user has
_NOT_MY_LIST = re.compile(
    # "what have the kids finished eating", "what has john done": someone else's doing
    r"^what\s+(?:have|has|did)\s+(?!(?:i|we|been|u|you)\b)(?:(?:the|my|our|your)\s+)?[a-z]+\s+"
    r"(?:already\s+|just\s+)?(?:finished|done|completed|ticked\s+off)\b"
    # "what is urgent about climate change", "what's pending in congress", "the priority for
    # the government": a status of the world's affairs
    r"|\b(?:urgent|important|pending|priority|priorities|due|overdue)\s+(?:about|regarding)\s+"
    r"(?!(?:my|the|this|that|it|them)\b)"
    r"|\b(?:urgent|important|pending|priority|priorities|due|overdue|left)\s+(?:in|for|at|with|on)\s+"
    r"(?:the\s+)?(?:congress|parliament|senate|government|world|country|economy|markets?|courts?"
    r"|politics|news|industry|un|eu|nhs|white\s+house|election|league|elections|city\s+council"
    r"|library|libraries)\b"
    # "what's left in the fridge", "what's left of the cake": not what is left to do
    r"|^what(?:'s|s|\s+is)\s+left\s+(?:in|of|at|inside)\s+(?:the|my|our|this|that)\s+"
    r"(?!(?:[\w'-]+\s+){0,2}?(?:list|tasks?|to-?dos?|agenda|plate|week|day|month)\b)"
    # "which team is top priority for the coach": a kind of thing that is no task
    r"|^(?:which|what)\s+(?!(?:tasks?|todos?|to-dos?|items?|ones?|things?|stuff|reminders?|jobs?"
    r"|chores?|errands?|of)\b)[a-z]+\s+(?:is|are)\s+(?:the\s+|a\s+)?(?:top|high|highest|most|urgent"
    r"|important|priority|overdue|due|done|finished)\b"
    r"|^what(?:'s|s|\s+is)\s+done\s+is\s+done\b"
    # "i lost my shopping list", "we left the list at home": the paper list, no request
    r"|^(?:i|we)\s+(?:just\s+|already\s+|totally\s+)?(?:lost|left|forgot|dropped|misplaced|found"
    r"|wrote|threw\s+away|printed|ripped|spilled\s+\w+\s+on)\s+(?:my|the|our)\s+"
    r"(?:[\w'-]+\s+){0,2}list\b(?!.*(?:\?|\b(?:what|show|tell|read|remind)\b))",
    _I,
)
# The world's news, money, media and things, without a word for tasks
_THE_WORLD = re.compile(
    r"\b(?:top\s+stories|headlines|budget|savings|balance|horoscope|series|episodes?|seasons?"
    r"|syllabus|itinerary|line-?up|fixtures|premier\s+league|world\s+cup|olympics|playlist"
    r"|podcasts?|box\s+office|charts?|billboard|cinema|theatre|theater)\b",
    _I,
)


def asks_about_the_world(message: Message) -> bool:
    """A question shaped like a list request that asks for advice or about the world: "what
    do i have to do to get a mortgage", "what tasks does a data analyst do"."""
    text = message.text
    if _NOT_A_LIST_REQUEST.search(text):
        return not re.search(r"\b(?:on|in|from)\s+(?:my|the)\s+to-?do\s+list\b", text, _I)
    if _NOT_MY_LIST.search(text):
        return True
    return bool(_THE_WORLD.search(text)) and _MINE.search(text) is None


# --- help look-alikes -----------------------------------------------------------------------

# Other products and places the chat is not ("how does tagging work on instagram", "undo in
# photoshop", "reminders in ios"), beyond `questions.py`'s list.
_OTHER_PRODUCT = re.compile(
    r"\b(?:ios|macos|photoshop|lightroom|illustrator|powerpoint|keynote|canva|figma|discord"
    r"|telegram|signal|messenger|youtube|pinterest|reddit|wordpress|shopify|salesforce|clickup"
    r"|onenote|onedrive|dropbox|icloud|python|javascript|java|sql|vim|emacs|vscode|photos?"
    r"|instagram|insta|facebook|tiktok|twitter|whatsapp|snapchat|gmail|outlook|excel|notion"
    r"|trello|asana|todoist|google|alexa|siri|iphone|android|windows|mac|kindle|fitbit|garmin"
    r"|word|teams|slack|zoom|jira|spotify|netflix)\b",
    _I,
)
_NOT_A_HELP_REQUEST = re.compile(
    # "what can you do about a leaking tap", "what can i do about noisy neighbours"
    r"\bwhat\s+(?:else\s+)?(?:can|could|do|should|would)\s+(?:you|u|i|one|we)\s+do\s+"
    r"(?:about|for|with|to|if|when|in|on)\s+(?!(?:my|the|your|this)\s+(?:[\w'-]+\s+)?(?:tasks?"
    r"|list|reminders?|to-?dos?|app|chat|bot)\b|(?:it|this|that|them|me|us|tasks?|reminders?|lists?)\b)"
    # "how does it work when you rent a car abroad": the question is the clause after "work"
    r"|^how\s+(?:does|do|would)\s+(?:it|this|that)\s+work\s+(?:when|if|for|in|on|at|abroad"
    r"|during)\b(?!\s+(?:this|the)\s+(?:app|chat|bot)|\s+here)"
    # a definition or an opinion of the thing in general: "what is a reminder", "how does a to
    # do list help with adhd"
    r"|^(?:what\s+is|what'?s|whats|how\s+does|how\s+do|why\s+(?:does|do|is|are|should)|is|are"
    r"|does|do)\s+(?:an?|to-?do)\s+(?:to[\s-]?do\s+lists?|lists?|reminders?|tasks?|tags?|priority"
    r"|deadlines?|due\s+dates?)\b(?!\s+(?:here|in\s+this|with\s+you))"
    # the user's life, not the chat: "how do i say no", "how do i stay motivated"
    r"|\bhow\s+(?:do|can|should)\s+(?:i|we)\s+(?:say\s+no|cope|stay\s+(?:motivated|focused|on\s+top)"
    r"|stop\s+procrastinating|stick\s+to|deal\s+with\s+(?!(?:my|the)\s+(?:tasks?|list)))\b",
    _I,
)
_HERE = re.compile(
    r"\b(?:(?:this|the|your)\s+(?:app|bot|chat|assistant)|with\s+(?:you|u)|here)\b", _I
)


def help_is_about_something_else(message: Message) -> bool:
    """A question shaped like a help request about another product or the user's life: "how
    does tagging work on instagram", "what can you do about a leaking tap"."""
    text = message.text
    if _NOT_A_HELP_REQUEST.search(text):
        return True
    return bool(_OTHER_PRODUCT.search(text)) and _HERE.search(text) is None
