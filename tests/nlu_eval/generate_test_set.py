"""Write the generated part of the locked NLU test set (deterministic: a fixed seed).

    .venv/bin/python -m tests.nlu_eval.generate_test_set

Writes `backend/todo_backend/nlu/data/test/generated.jsonl` and the set's `MANIFEST.sha256`.
The phrasings, items and questions below were written for this test set by its maintainer,
without reading the pipeline's training or development data; the combinations and the
registers (lower case, no punctuation, ALL CAPS, SMS style, typos, polite) are drawn with a
seeded generator so the file is the same on every run. The hand-written scenarios live
beside it (`handwritten_*.jsonl`); both are locked (see `nlu/data/README.md`).
"""

import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from todo_backend.nlu.tools.evaluate import MANIFEST_NAME, manifest

OUTPUT = (
    Path(__file__).resolve().parents[2]
    / "backend"
    / "todo_backend"
    / "nlu"
    / "data"
    / "test"
    / "generated.jsonl"
)
SEED = 20261201

Scenario = dict[str, Any]

# -- registers -------------------------------------------------------------------------------

_SMS = [
    (r"\byou\b", "u"),
    (r"\byour\b", "ur"),
    (r"\bplease\b", "pls"),
    (r"\bare\b", "r"),
    (r"\bto\b", "2"),
    (r"\bfor\b", "4"),
    (r"\btomorrow\b", "tmrw"),
    (r"\bwhat\b", "wat"),
    (r"\bwhat's\b", "whats"),
    (r"\bthanks\b", "thx"),
    (r"\bbecause\b", "cuz"),
    (r"\btonight\b", "2nite"),
    (r"\bbefore\b", "b4"),
    (r"\bI'm\b", "im"),
    (r"\bdon't\b", "dont"),
]
# Misspellings people actually type, and where none applies, two letters swapped.
_MISSPELLINGS = {
    "tomorrow": "tommorow",
    "remind": "remnd",
    "reminder": "remider",
    "please": "plese",
    "schedule": "shedule",
    "groceries": "grocerys",
    "grocery": "grocey",
    "shopping": "shoping",
    "delete": "delet",
    "weather": "wether",
    "restaurant": "restaraunt",
    "definitely": "definately",
    "appointment": "appointmnet",
    "wednesday": "wensday",
    "friday": "firday",
    "calendar": "calender",
    "receipt": "reciept",
    "tonight": "tonite",
    "priority": "priorty",
    "complete": "compelte",
    "because": "becuase",
    "recommend": "recomend",
    "which": "wich",
    "what": "waht",
    "the": "teh",
}
# Words a typo must not touch in commands (the expected title must stay spelled as typed).
Register = Callable[[str, random.Random], str]


def plain(text: str, rng: random.Random) -> str:
    return text


def lower_no_punctuation(text: str, rng: random.Random) -> str:
    return re.sub(r"[?!.,]", "", text.lower()).strip()


def all_caps(text: str, rng: random.Random) -> str:
    return text.upper()


def sms(text: str, rng: random.Random) -> str:
    out = text.lower()
    for pattern, short in _SMS:
        out = re.sub(pattern, short, out)
    return re.sub(r"[.,']", "", out).replace("?", rng.choice(["?", "??", ""])).strip()


def typo(text: str, rng: random.Random, protected: frozenset[str] = frozenset()) -> str:
    words = text.split()
    known = [i for i, w in enumerate(words) if w.lower().strip("?,.!") in _MISSPELLINGS]
    known = [i for i in known if words[i].lower().strip("?,.!") not in protected]
    if known:
        i = rng.choice(known)
        core = words[i].lower().strip("?,.!")
        words[i] = words[i].lower().replace(core, _MISSPELLINGS[core])
        return " ".join(words)
    long_words = [
        i for i, w in enumerate(words) if len(w) > 4 and w.isalpha() and w.lower() not in protected
    ]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


_POLITE_OPENERS = [
    "hey, quick question: ",
    "sorry to bother you, but ",
    "hi! ",
    "excuse me, ",
    "ok so ",
    "hmm, ",
    "just wondering, ",
]


def chatty(text: str, rng: random.Random) -> str:
    opener = rng.choice(_POLITE_OPENERS)
    return opener + text[0].lower() + text[1:]


QUESTION_REGISTERS: list[tuple[str, Register]] = [
    ("plain", plain),
    ("lower", lower_no_punctuation),
    ("caps", all_caps),
    ("sms", sms),
    ("typo", typo),
    ("chatty", chatty),
]

# -- non-commands ----------------------------------------------------------------------------

# Setup tasks that share words with the questions, so a false action has something to hit.
DOMAIN_TASKS: dict[str, list[str]] = {
    "banking": ["pay the credit card bill", "call the bank", "transfer money to savings"],
    "weather": ["bring an umbrella", "check the tire pressure", "water the garden"],
    "travel": ["book the flights", "renew passport", "cancel the hotel booking"],
    "cooking": ["buy eggs", "make dinner for the kids", "defrost the chicken"],
    "health": ["dentist appointment", "take vitamins", "refill my prescription"],
    "trivia": ["read the history book", "finish the crossword", "watch the documentary"],
    "small_talk": ["call mom", "walk the dog", "clean the kitchen"],
    "cannot_do": ["order pizza for friday", "book a table at the restaurant", "email the boss"],
    "personal_history": ["take the car to the shop", "pay the mortgage", "get a haircut"],
    "tech": ["update the laptop", "delete old photos", "back up the phone"],
    "shopping_info": ["buy a new phone case", "return the shoes", "get milk"],
    "entertainment": ["watch the game", "finish the book for book club", "buy movie tickets"],
    "work": ["update my resume", "prepare for the interview", "ask for a raise"],
    "home": ["unclog the bathroom drain", "clean the cast iron pan", "take the dog to the vet"],
    "maths": ["calculate the budget", "convert the recipe", "do the tax math"],
    "advice": ["call sarah", "buy anniversary gift", "start running again"],
    "misc": ["renew driver's license", "file the taxes", "register to vote"],
}
GENERIC_TASKS = [
    "water the plants",
    "pick up the dry cleaning",
    "file the expense report",
    "buy birthday card for sam",
    "vacuum the living room",
    "schedule the team meeting",
    "fix the bike tire",
    "send the invoice",
]

CITIES = ["Paris", "Chicago", "Tokyo", "Berlin", "Lagos", "Lima", "Sydney", "Toronto", "Madrid"]
WHEN = ["today", "tomorrow", "this weekend", "on friday", "next week", "tonight"]

# Each entry: (domain, question). Templates with {city}, {when}, {n} are filled below.
QUESTIONS: list[tuple[str, str]] = [
    # banking and money
    ("banking", "What is my bank balance?"),
    ("banking", "How much money do I have in checking?"),
    ("banking", "What's the interest rate on a savings account these days?"),
    ("banking", "How do I transfer money to another bank?"),
    ("banking", "Can you check if my paycheck came in?"),
    ("banking", "Why was my card declined at the store?"),
    ("banking", "What's the routing number for my bank?"),
    ("banking", "How long does a wire transfer take?"),
    ("banking", "Is it better to pay off the credit card or save?"),
    ("banking", "What's the exchange rate from dollars to euros?"),
    ("banking", "How do I dispute a charge on my credit card?"),
    ("banking", "What date does my credit card statement close?"),
    ("banking", "What did I spend on takeout in october?"),
    ("banking", "What's a good credit score?"),
    ("banking", "Can I deposit a check with my phone?"),
    ("banking", "How do I close my savings account?"),
    ("banking", "What's the minimum payment on my card?"),
    ("banking", "How many dollars is {n} euros?"),
    ("banking", "Has my rent payment cleared yet?"),
    ("banking", "What's the difference between a Roth IRA and a 401k?"),
    # weather
    ("weather", "What's the weather like in {city} {when}?"),
    ("weather", "Is rain expected {when}?"),
    ("weather", "Is it going to snow in {city}?"),
    ("weather", "How hot will it get {when}?"),
    ("weather", "Do I need an umbrella {when}?"),
    ("weather", "What's the temperature outside right now?"),
    ("weather", "Is there a storm coming {when}?"),
    ("weather", "What's the forecast for {city} this week?"),
    ("weather", "How windy is it in {city}?"),
    ("weather", "When does the sun set {when}?"),
    ("weather", "What's the UV index today?"),
    ("weather", "Is it cold enough for a jacket?"),
    ("weather", "What's the humidity in {city}?"),
    ("weather", "Will the weather be nice for a picnic {when}?"),
    # travel
    ("travel", "Book me a flight to {city}."),
    ("travel", "What's the process for cancelling a plane ticket?"),
    ("travel", "How early should I get to the airport for an international flight?"),
    ("travel", "What time does my train leave?"),
    ("travel", "How long is the flight from {city} to London?"),
    ("travel", "Do I need a visa to visit {city}?"),
    ("travel", "What's the cheapest way to get to {city}?"),
    ("travel", "Find me a hotel in {city} for {when}."),
    ("travel", "How much luggage can I bring on a plane?"),
    ("travel", "Has my flight been delayed at all?"),
    ("travel", "What's the time difference between here and {city}?"),
    ("travel", "Can I bring a power bank in my carry on?"),
    ("travel", "How do I get from the airport to downtown {city}?"),
    ("travel", "What are the best things to do in {city}?"),
    ("travel", "Rent me a car for the weekend."),
    ("travel", "How do I change the date of my flight?"),
    ("travel", "What's the best time of year to visit {city}?"),
    ("travel", "How do I delete a booking on airbnb?"),
    # cooking
    ("cooking", "How long do I boil an egg?"),
    ("cooking", "What can I make with chicken and rice?"),
    ("cooking", "How many grams are in a cup of flour?"),
    ("cooking", "What temperature should I bake salmon at?"),
    ("cooking", "Can I freeze cooked pasta?"),
    ("cooking", "What's a good substitute for buttermilk?"),
    ("cooking", "How do you make pancakes from scratch?"),
    ("cooking", "How long does it take to defrost a chicken?"),
    ("cooking", "Is it safe to eat raw cookie dough?"),
    ("cooking", "What wine goes with steak?"),
    ("cooking", "How do I make my rice less sticky?"),
    ("cooking", "Give me a recipe for banana bread."),
    ("cooking", "How many tablespoons in a quarter cup?"),
    ("cooking", "What's the difference between baking soda and baking powder?"),
    ("cooking", "How do you know when an avocado is ripe?"),
    ("cooking", "What should I cook for dinner tonight?"),
    ("cooking", "How do I remove garlic smell from my hands?"),
    # health
    ("health", "How much water should I drink a day?"),
    ("health", "Is it bad to take ibuprofen on an empty stomach?"),
    ("health", "What are the symptoms of the flu?"),
    ("health", "How many hours of sleep do adults need?"),
    ("health", "What's a normal resting heart rate?"),
    ("health", "Can I take vitamin D at night?"),
    ("health", "How do I get rid of a headache fast?"),
    ("health", "How many calories does an avocado have?"),
    ("health", "Should I see a doctor for a sore throat?"),
    ("health", "How often should I go to the dentist?"),
    ("health", "What stretches help with back pain?"),
    ("health", "Is green tea healthier than coffee?"),
    ("health", "How do I lower my blood pressure?"),
    ("health", "What's the best time of day to work out?"),
    ("health", "How long does a cold usually last?"),
    ("health", "Book me an appointment with my doctor."),
    # trivia and general knowledge
    ("trivia", "Who wrote Pride and Prejudice?"),
    ("trivia", "What's the capital city of Canada?"),
    ("trivia", "How deep is the Mariana trench?"),
    ("trivia", "When did the Berlin wall fall?"),
    ("trivia", "How many planets are in the solar system?"),
    ("trivia", "Who painted the Sistine chapel ceiling?"),
    ("trivia", "What's the speed of light?"),
    ("trivia", "How far is the moon from earth?"),
    ("trivia", "What is the largest ocean?"),
    ("trivia", "Who won the world cup in 2014?"),
    ("trivia", "What does DNA stand for?"),
    ("trivia", "How many bones are in the human body?"),
    ("trivia", "In what year was the Eiffel tower finished?"),
    ("trivia", "What's the square root of 144?"),
    ("trivia", "What is {n} times 12?"),
    ("trivia", "Who is the prime minister of Japan?"),
    ("trivia", "What language do they speak in Brazil?"),
    ("trivia", "How many people live in {city}?"),
    ("trivia", "Why do leaves change colour in autumn?"),
    ("trivia", "What's the longest river in the world?"),
    ("trivia", "Who invented the telephone?"),
    ("trivia", "How do airplanes stay in the air?"),
    # small talk
    ("small_talk", "How has your day been so far?"),
    ("small_talk", "Know any good puns?"),
    ("small_talk", "Am I talking to a real person or a bot?"),
    ("small_talk", "Do you have a name?"),
    ("small_talk", "Which company built you?"),
    ("small_talk", "Do you like music?"),
    ("small_talk", "I'm so bored."),
    ("small_talk", "Why are we all here, philosophically speaking?"),
    ("small_talk", "Do you ever feel lonely?"),
    ("small_talk", "I had a really long day."),
    ("small_talk", "Which season do you like best?"),
    ("small_talk", "Can we be friends?"),
    ("small_talk", "You're pretty smart."),
    ("small_talk", "That's hilarious lol"),
    ("small_talk", "I love pizza."),
    ("small_talk", "Do you ever take a break?"),
    ("small_talk", "What do you think about cats?"),
    ("small_talk", "Can you hum a tune for me?"),
    ("small_talk", "My dog just did the funniest thing."),
    ("small_talk", "Ugh, mondays."),
    # things the product cannot do
    ("cannot_do", "Order me a pizza."),
    ("cannot_do", "Call me a taxi."),
    ("cannot_do", "Play some lo-fi beats for me."),
    ("cannot_do", "Turn off the living room lights."),
    ("cannot_do", "Text my sister that I'm running late."),
    ("cannot_do", "Translate good morning into Spanish."),
    ("cannot_do", "Show me the latest news."),
    ("cannot_do", "Buy me concert tickets."),
    ("cannot_do", "Read my emails."),
    ("cannot_do", "Post my photo on instagram for me."),
    ("cannot_do", "Open the spotify app for me."),
    ("cannot_do", "Take a selfie of me."),
    ("cannot_do", "Start a timer for 10 minutes."),
    ("cannot_do", "Get me directions to the nearest gas station."),
    ("cannot_do", "Set the heating to 21 degrees."),
    ("cannot_do", "Can you order me an uber to the airport?"),
    ("cannot_do", "Look up the score of the game."),
    ("cannot_do", "Email my landlord for me."),
    ("cannot_do", "Could you call my wife?"),
    ("cannot_do", "Play the next episode."),
    ("cannot_do", "Can you buy me a coffee?"),
    ("cannot_do", "Find me a cheap flight to {city} {when}."),
    ("cannot_do", "Read me a bedtime story."),
    # sports and entertainment
    ("entertainment", "Who won the cricket match yesterday?"),
    ("entertainment", "What movies are playing this weekend?"),
    ("entertainment", "When does the next season of that show come out?"),
    ("entertainment", "Is the new marvel movie any good?"),
    ("entertainment", "What time does the match start {when}?"),
    ("entertainment", "Who's the best basketball player ever?"),
    ("entertainment", "Recommend a good book to read."),
    ("entertainment", "What's a fun board game for four people?"),
    ("entertainment", "How many episodes are in the first season?"),
    ("entertainment", "Which team is top of the league?"),
    ("entertainment", "Anything good on netflix this week?"),
    ("entertainment", "Any good podcasts about history?"),
    # work and career
    ("work", "How do I ask my boss for a raise?"),
    ("work", "What should I wear to a job interview?"),
    ("work", "How do I write a cover letter?"),
    ("work", "Is it normal to feel burned out at work?"),
    ("work", "How many vacation days do most people get?"),
    ("work", "What's a good answer to what's your biggest weakness?"),
    ("work", "How do I quit my job politely?"),
    ("work", "Should I accept a counter offer?"),
    ("work", "How long should a resume be?"),
    ("work", "What does a project manager do?"),
    # home, pets and practical know-how
    ("home", "How do I unclog a drain without chemicals?"),
    ("home", "What's the best way to clean a cast iron pan?"),
    ("home", "How often should I water a cactus?"),
    ("home", "Why is my dog eating grass?"),
    ("home", "How do I get a red wine stain out of carpet?"),
    ("home", "Can cats eat tuna?"),
    ("home", "How do I fix a running toilet?"),
    ("home", "What plants are safe for cats?"),
    ("home", "How do I get rid of fruit flies?"),
    ("home", "How often should I change my sheets?"),
    ("home", "Is it cheaper to run the dishwasher at night?"),
    ("home", "How do I remove a stripped screw?"),
    ("home", "What's the best temperature for a fridge?"),
    # maths and units
    ("maths", "What's 15 percent of {n}?"),
    ("maths", "Convert {n} miles to kilometers."),
    ("maths", "How many ounces in a pound?"),
    ("maths", "What's {n} divided by 4?"),
    ("maths", "How many days are left until new year?"),
    ("maths", "How many weeks are in a year?"),
    ("maths", "What's 72 fahrenheit in celsius?"),
    ("maths", "Is 91 a prime number?"),
    ("maths", "How do I calculate a tip?"),
    ("maths", "What day of the week was january 1st 2000?"),
    # relationships and advice
    ("advice", "How do I make new friends as an adult?"),
    ("advice", "What's a good gift for an anniversary?"),
    ("advice", "How do I stop procrastinating?"),
    ("advice", "How can I be more productive in the morning?"),
    ("advice", "What should I say in a wedding toast?"),
    ("advice", "How do I deal with a rude neighbor?"),
    ("advice", "Is it rude to leave a party early?"),
    ("advice", "How do I stay motivated to exercise?"),
    ("advice", "How can I save money on groceries?"),
    ("advice", "What's the best way to learn a new language?"),
    # news, law, education, misc.
    ("misc", "What's happening in the news today?"),
    ("misc", "Do I need a lawyer to make a will?"),
    ("misc", "How long does it take to get a passport?"),
    ("misc", "When are taxes due this year?"),
    ("misc", "What's the speed limit on highways in germany?"),
    ("misc", "How do I register to vote?"),
    ("misc", "What is the stock price of apple?"),
    ("misc", "Is bitcoin a good investment?"),
    ("misc", "How do I renew my driver's license?"),
    ("misc", "What time is it in {city}?"),
    ("misc", "How do you spell necessary?"),
    ("misc", "What does procrastinate mean?"),
    ("misc", "What's the date today?"),
    ("misc", "What day is it?"),
    ("misc", "How far is {city} from here?"),
    ("misc", "What's the population of {city}?"),
    ("misc", "Is there a holiday next week?"),
    ("misc", "What's the phone number for the DMV?"),
    ("misc", "How do I get a library card?"),
    ("misc", "What's the tallest mountain in {city}'s country?"),
    # questions about the user's past or life the product cannot answer
    ("personal_history", "When was my car last in for a service?"),
    ("personal_history", "Which day is my mortgage payment taken out?"),
    ("personal_history", "When was my last haircut?"),
    ("personal_history", "How many times did I go to the gym last month?"),
    ("personal_history", "Which level of the garage did I park on?"),
    ("personal_history", "What did I eat for lunch yesterday?"),
    ("personal_history", "How old is my mom turning this year?"),
    ("personal_history", "Who did I have dinner with last friday?"),
    ("personal_history", "What was the name of that restaurant we went to?"),
    ("personal_history", "How much did I pay for my car insurance last year?"),
    ("personal_history", "When did I last call my grandma?"),
    ("personal_history", "Have you seen where I left my wallet?"),
    ("personal_history", "What's my wifi password?"),
    ("personal_history", "What time did I wake up today?"),
    # tech help with command words in them
    ("tech", "How do I delete my facebook account?"),
    ("tech", "How do I add a printer on windows?"),
    ("tech", "How do I mark an email as read in gmail?"),
    ("tech", "What's the shortcut to undo on a mac?"),
    ("tech", "How do I remove a virus from my laptop?"),
    ("tech", "Why is my phone battery draining so fast?"),
    ("tech", "How do I change my wifi password?"),
    ("tech", "How do I add a contact on my iphone?"),
    ("tech", "What's the best laptop for students?"),
    ("tech", "How do I complete a software update on android?"),
    ("tech", "How do I cancel my netflix subscription?"),
    ("tech", "How do you delete a page in word?"),
    ("tech", "How can I set a reminder in google calendar?"),
    ("tech", "How do I clear my browser history?"),
    ("tech", "Is it safe to delete old backups?"),
    # shopping information (not list commands)
    ("shopping_info", "Where can I buy cheap phone cases?"),
    ("shopping_info", "Is the grocery store open on sunday?"),
    ("shopping_info", "What time does target close?"),
    ("shopping_info", "How much does a gallon of milk cost?"),
    ("shopping_info", "What's the return policy at ikea?"),
    ("shopping_info", "Are eggs cheaper at costco?"),
    ("shopping_info", "Which is better, the iphone or the pixel?"),
    ("shopping_info", "Is black friday worth it?"),
    ("shopping_info", "What should I get my dad for his birthday?"),
    ("shopping_info", "Do they sell stamps at the post office?"),
]

SMALL_TALK_GREETINGS = [
    "hiya bot!",
    "mornin :)",
    "heyy, how are things?",
    "cheers, appreciate it",
    "thank you so much",
    "alright, sounds good",
    "nighty night",
    "sup bot",
    "bye for now",
    "nice, thanks",
]


def _non_command_intents(domain: str) -> list[str]:
    # Small talk may be answered as a greeting or with the help text: neither acts.
    return ["out_of_scope", "greeting", "help"] if domain == "small_talk" else ["out_of_scope"]


def _fill(template: str, rng: random.Random) -> str:
    return (
        template.replace("{city}", rng.choice(CITIES))
        .replace("{when}", rng.choice(WHEN))
        .replace("{n}", str(rng.choice([3, 7, 15, 40, 120, 250])))
    )


def _setup_for(domain: str, rng: random.Random) -> list[dict[str, Any]]:
    tempting = rng.choice(DOMAIN_TASKS[domain])
    others = rng.sample([t for t in GENERIC_TASKS if t != tempting], rng.choice([1, 2]))
    return [{"title": title} for title in [tempting, *others]]


def non_commands(rng: random.Random) -> Iterator[Scenario]:
    # Every question in three registers (plain plus two drawn), each with its own setup.
    for domain, template in QUESTIONS:
        kinds = [QUESTION_REGISTERS[0], *rng.sample(QUESTION_REGISTERS[1:], 3)]
        seen = set()
        for name, register in kinds:
            text = register(_fill(template, rng), rng)
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            yield {
                "class": "non_command",
                "domain": domain,
                "register": name,
                "setup": _setup_for(domain, rng),
                "steps": [text],
                "intents": [_non_command_intents(domain)],
                "expect": {"no_change": True},
            }
    for text in SMALL_TALK_GREETINGS:
        for name, register in [QUESTION_REGISTERS[0], rng.choice(QUESTION_REGISTERS[1:4])]:
            yield {
                "class": "non_command",
                "domain": "greeting",
                "register": name,
                "setup": _setup_for("small_talk", rng),
                "steps": [register(text, rng)],
                "intents": [["greeting", "out_of_scope", "help"]],
                "expect": {"no_change": True},
            }


# -- in-domain -------------------------------------------------------------------------------

LIST_ITEMS: dict[str, list[str]] = {
    "shopping": [
        "a dozen eggs",
        "kitchen roll",
        "hot dog buns",
        "oat milk",
        "dish soap",
        "bananas",
        "a loaf of bread",
        "coffee filters",
        "toothpaste",
        "trash bags",
        "olive oil",
        "batteries",
    ],
    "grocery": [
        "spinach",
        "greek yogurt",
        "ground beef",
        "tortillas",
        "peanut butter",
        "frozen peas",
        "cheddar cheese",
        "apples",
    ],
    "packing": ["sunscreen", "phone charger", "passport", "swim trunks", "rain jacket"],
    "work": ["update the roadmap slides", "email the vendor", "book the conference room"],
    "home": ["replace the smoke detector battery", "fix the squeaky door", "clean the gutters"],
}
LIST_ADD_TEMPLATES = [
    "add {item} to my {list} list",
    "put {item} on the {list} list",
    "I need {item} added to my {list} list",
    "{item} on the {list} list please",
    "can you add {item} to the {list} list?",
    "on my {list} list, add {item}",
    "add {item} to {list} list",
    "stick {item} on my {list} list",
    "please put {item} on my {list} list",
    "{list} list: {item}",
    "throw {item} on the {list} list",
    "could you add {item} to our {list} list",
    "add {item} to the {list} list for me",
    "I need to get {item}, add it to my {list} list",
]
TODO_LIST_TEMPLATES = [
    "on my to do list, add {item}",
    "add {item} to my to-do list",
    "put {item} on my todo list",
]
TODO_ITEMS = ["mop the hallway", "ring the landlord", "renew the library books", "sort the mail"]

LIST_QUERY_TEMPLATES = [
    "what's on my {list} list?",
    "pull up my {list} list",
    "whats on the {list} list rn",
    "read me the {list} list",
    "what have I got on my {list} list",
    "can I see the {list} list?",
]

ACTS = [
    "call my brother",
    "meet steve",
    "mail a check",
    "take out the recycling",
    "feed the cat",
    "pick up the kids",
    "call the pharmacy",
    "send the rent",
    "water the tomatoes",
    "take my pills",
    "go to sleep",
    "check the oven",
    "book the vet",
    "charge the car",
    "text jenna back",
    "move the laundry to the dryer",
]
TIMES = [
    ("at 8 pm", "20:00"),
    ("at 8pm", "20:00"),
    ("at 9 P.M.", "21:00"),
    ("at one pm", "13:00"),
    ("at noon", "12:00"),
    ("at 7:30 am", "07:30"),
    ("at 6:45pm", "18:45"),
    ("at 11 am", "11:00"),
    ("at 10 in the morning", "10:00"),
    ("at 3 in the afternoon", "15:00"),
    ("at 5:15 p.m.", "17:15"),
    ("at seven pm", "19:00"),
    ("at 4pm", "16:00"),
    ("at 9am", "09:00"),
]
DAYS = [
    ("tomorrow", "tomorrow"),
    ("tommorow", "tomorrow"),
    ("tmrw", "tomorrow"),
    ("on friday", "next friday"),
    ("next monday", "next monday"),
    ("on wednesday", "next wednesday"),
    ("this saturday", "next saturday"),
    ("", "upcoming"),
]
REMINDER_TEMPLATES = [
    "remind me to {act} {day} {time}",
    "remind me {day} {time} to {act}",
    "set a reminder for me to {act} {time} {day}",
    "set up a reminder to {act} {day} {time}",
    "can you remind me to {act} {time} {day}?",
    "could you remind me {day} to {act} {time}",
    "remnd me to {act} {day} {time}",
    "please remind me to {act} {day} {time}",
    "reminder: {act} {day} {time}",
    "don't let me forget to {act} {day} {time}",
    "ping me {day} {time} to {act}",
    "i need a reminder to {act} {day} {time}",
    "PLZ REMIND ME TO {act} {day} {time}",
    "remind me {time} {day} that I have to {act}",
]
REMINDER_DAY_ONLY = [
    "remind me to {act} {day}",
    "set a reminder to {act} {day}",
    "remind me {day} to {act}",
]
# "auto": the evaluator's zone where the run is mid-morning (see nlu/tools/evaluate.py).
TIMEZONES = ["auto", "auto", "auto", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]

TASKS_TO_REFERENCE = [
    "buy birthday present for dad",
    "renew the car insurance",
    "clean out the garage",
    "schedule a dentist appointment",
    "return library books",
    "pay the water bill",
    "call the plumber",
    "submit the expense report",
    "wash the car",
    "order new glasses",
    "repaint the fence",
    "prepare slides for the board",
]
COMPLETE_TEMPLATES = [
    "mark {t} as done",
    "i finished {t}",
    "{t} is done",
    "done with {t}",
    "check off {t}",
    "can you mark {t} as complete?",
    "completed {t}",
    "{t} - done",
    "MARK {t} DONE",
    "i already did {t}, tick it off",
    "cross {t} off my list",
]
DELETE_TEMPLATES = [
    "delete the {t} task",
    "remove {t} from my list",
    "get rid of {t}",
    "please delete the task {t}",
    "can you remove {t}?",
    "scrap {t}",
    "take {t} off my list",
    "DELETE {t} PLS",
    "i dont need {t} anymore, delete it",
    "erase {t}",
]
PRIORITY_TEMPLATES = [
    ("lower the priority of {t}", "low"),
    ("make {t} high priority", "high"),
    ("{t} is urgent", "high"),
    ("set {t} to low priority", "low"),
    ("bump {t} up to high priority", "high"),
    ("change the priority of {t} to high", "high"),
    ("{t} can be low priority", "low"),
    ("mark {t} as important", "high"),
]
DUE_UPDATE_TEMPLATES = [
    ("move {t} to {day}", None),
    ("push {t} to {day}", None),
    ("{t} is due {day} now", None),
    ("change the due date of {t} to {day}", None),
    ("reschedule {t} for {day}", None),
]
DUE_DAYS = [
    ("tomorrow", "tomorrow"),
    ("friday", "next friday"),
    ("next tuesday", "next tuesday"),
    ("thursday", "next thursday"),
    ("tommorow", "tomorrow"),
]

ADD_WITH_DUE = [
    ("{t} by {day}", None),
    ("add {t} due {day}", None),
    ("todo: {t} {day}", None),
    ("I have to {t} {day}", None),
    ("new task {t} for {day}", None),
    ("can you add {t} for {day}", None),
]
NEW_TASKS = [
    "fix the wobbly table",
    "organize the spice rack",
    "renew the residence permit",
    "submit the insurance claim",
    "buy stamps",
    "clean the microwave",
    "call grandma",
    "book a haircut",
    "return the blender",
    "plan the birthday party",
    "write thank you notes",
    "service the boiler",
]
PRIORITY_ADD = [
    ("low priority: {t}", "low"),
    ("high priority task to {t}", "high"),
    ("{t}, high priority", "high"),
    ("urgent: {t}", "high"),
    ("add {t} with low priority", "low"),
    ("add a high priority task: {t}", "high"),
    ("{t} (low priority)", "low"),
    ("important - {t}", "high"),
]
RECURRING = [
    (
        "scrub the oven every first saturday of the month",
        "scrub the oven",
        "FREQ=MONTHLY;BYDAY=1SA",
    ),
    ("water the plants every monday", "water the plants", "FREQ=WEEKLY;BYDAY=MO"),
    ("take out the bins every tuesday and friday", "take out the bins", "FREQ=WEEKLY;BYDAY=TU,FR"),
    ("pay the nanny on the 1st of every month", "pay the nanny", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("call mom every sunday", "call mom", "FREQ=WEEKLY;BYDAY=SU"),
    ("stand up meeting every weekday", "stand up meeting", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("take vitamins every day", "take vitamins", "FREQ=DAILY"),
    ("mow the lawn every other week", "mow the lawn", "FREQ=WEEKLY;INTERVAL=2"),
    (
        "go over the accounts every last friday of the month",
        "go over the accounts",
        "FREQ=MONTHLY;BYDAY=-1FR",
    ),
    ("change the air filter every 3 months", "change the air filter", "FREQ=MONTHLY;INTERVAL=3"),
    ("back up the laptop every week", "back up the laptop", "FREQ=WEEKLY"),
    ("pay the phone bill monthly on the 15th", "pay the phone bill", "FREQ=MONTHLY;BYMONTHDAY=15"),
]
RECURRING_PREFIXES = ["add ", "", "new task: ", "please add ", "can you add "]


def _register_command(text: str, rng: random.Random, protected: frozenset[str]) -> tuple[str, str]:
    """A command in a register; the expected title's words are never misspelled."""
    choice = rng.random()
    if choice < 0.45:
        return "plain", text
    if choice < 0.65:
        return "lower", lower_no_punctuation(text, rng)
    if choice < 0.75:
        return "caps", text.upper()
    if choice < 0.9:
        return "typo", typo(text, rng, protected)
    return "sms", _sms_command(text)


def _sms_command(text: str) -> str:
    out = text.lower()
    for pattern, short in [(r"\bplease\b", "pls"), (r"\btomorrow\b", "tmrw"), (r"\byou\b", "u")]:
        out = re.sub(pattern, short, out)
    return out.replace("?", "")


# Date and time words keep their spelling when a register adds a random typo: one typo per
# message, and the expected date stays what the message says.
_DATE_WORDS = frozenset(
    [
        "tomorrow",
        "tommorow",
        "tmrw",
        "today",
        "tonight",
        "noon",
        "morning",
        "afternoon",
        "evening",
        "pm",
        "am",
        "next",
        "this",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "every",
        "other",
        "week",
        "month",
        "day",
        "weekday",
        "first",
        "last",
    ]
)


def _words(*texts: str) -> frozenset[str]:
    return frozenset(w.lower() for text in texts for w in text.split()) | _DATE_WORDS


def _others(rng: random.Random, exclude: str, k: int = 2) -> list[dict[str, Any]]:
    pool = [t for t in TASKS_TO_REFERENCE if t != exclude]
    return [{"title": t} for t in rng.sample(pool, k)]


def list_phrasing(rng: random.Random) -> Iterator[Scenario]:
    for list_name, items in LIST_ITEMS.items():
        for item in items:
            for template in rng.sample(
                LIST_ADD_TEMPLATES, 2 if list_name in ("work", "home") else 3
            ):
                text = template.replace("{item}", item).replace("{list}", list_name)
                register, text = _register_command(text, rng, _words(item))
                yield {
                    "class": "1_list_phrasing",
                    "register": register,
                    "setup": _others(rng, "", 1),
                    "steps": [text],
                    "intents": [["add_task"]],
                    "expect": {"task": {"title": item, "tags": [list_name]}},
                }
    for item in TODO_ITEMS:
        for template in TODO_LIST_TEMPLATES:
            text = template.replace("{item}", item)
            yield {
                "class": "1_list_phrasing",
                "register": "plain",
                "steps": [text],
                "intents": [["add_task"]],
                "expect": {"task": {"title": item, "tags": []}},
            }
    for list_name, items in LIST_ITEMS.items():
        for template in rng.sample(LIST_QUERY_TEMPLATES, 3):
            on_list = rng.sample(items, 2)
            setup = [{"title": t, "tags": [list_name]} for t in on_list] + _others(rng, "", 1)
            register, text = _register_command(
                template.replace("{list}", list_name), rng, _words(list_name)
            )
            yield {
                "class": "1_list_phrasing",
                "register": register,
                "setup": setup,
                "steps": [text],
                "intents": [["list_tasks"]],
                "expect": {"listed": on_list, "no_change": True},
            }


def reminders(rng: random.Random) -> Iterator[Scenario]:
    for n in range(120):
        act = ACTS[n % len(ACTS)]
        time_text, clock = rng.choice(TIMES)
        day_text, day_phrase = rng.choice(DAYS)
        template = rng.choice(REMINDER_TEMPLATES)
        text = (
            template.replace("{act}", act).replace("{day}", day_text).replace("{time}", time_text)
        )
        text = " ".join(text.split())
        if template.startswith("PLZ"):
            text, register = text.upper(), "caps"
        else:
            register, text = _register_command(text, rng, _words(act))
        expected = f"upcoming {clock}" if day_phrase == "upcoming" else f"{day_phrase} {clock}"
        yield {
            "class": "2_reminders",
            "register": register,
            # A time without a day ("at 8 pm") depends on the hour of the run, except in "auto".
            "timezone": "auto" if day_phrase == "upcoming" else rng.choice(TIMEZONES),
            "setup": _others(rng, "", 1),
            "steps": [text],
            "intents": [["set_reminder", "add_task"]],
            "expect": {"task": {"title": act, "remind_at": expected}},
        }
    for n in range(24):
        act = ACTS[(n * 5) % len(ACTS)]
        day_text, day_phrase = rng.choice([d for d in DAYS if d[0]])
        text = rng.choice(REMINDER_DAY_ONLY).replace("{act}", act).replace("{day}", day_text)
        register, text = _register_command(text, rng, _words(act))
        yield {
            "class": "2_reminders",
            "register": register,
            "steps": [text],
            "intents": [["set_reminder", "add_task"]],
            "expect": {"task": {"title": act, "remind_at": day_phrase}},
        }


def references(rng: random.Random) -> Iterator[Scenario]:
    for n, target in enumerate(TASKS_TO_REFERENCE):
        for template in rng.sample(COMPLETE_TEMPLATES, 4):
            register, text = _register_command(template.replace("{t}", target), rng, _words(target))
            setup = [{"title": target}, *_others(rng, target)]
            rng.shuffle(setup)
            yield {
                "class": "4_references",
                "register": register,
                "setup": setup,
                "steps": [text],
                "intents": [["complete_task"]],
                "expect": {"task": {"title": target, "completed": True}},
            }
        for template in rng.sample(DELETE_TEMPLATES, 3):
            register, text = _register_command(template.replace("{t}", target), rng, _words(target))
            setup = [{"title": target}, *_others(rng, target)]
            rng.shuffle(setup)
            yield {
                "class": "4_references",
                "register": register,
                "setup": setup,
                "steps": [text],
                "intents": [["delete_task"]],
                "expect": {"absent": target},
            }
        if n % 2 == 0:
            first = rng.choice(["add", "new task", "please add", "todo:"])
            yield {
                "class": "4_references",
                "register": "plain",
                "steps": [
                    f"{first} {target}",
                    rng.choice(
                        [
                            "mark that done",
                            "that one's done now",
                            "ok it's done",
                            "actually I already did it, mark it complete",
                        ]
                    ),
                ],
                "intents": [["add_task"], ["complete_task"]],
                "expect": {"task": {"title": target, "completed": True}},
            }
        else:
            first = rng.choice(["add", "new task:", "add a task:"])
            yield {
                "class": "4_references",
                "register": "plain",
                "steps": [
                    f"{first} {target}",
                    rng.choice(
                        ["delete it again", "never mind, remove that", "scratch that, delete it"]
                    ),
                ],
                "intents": [["add_task"], ["delete_task"]],
                "expect": {"absent": target},
            }


def updates(rng: random.Random) -> Iterator[Scenario]:
    for target in TASKS_TO_REFERENCE:
        template, priority = rng.choice(PRIORITY_TEMPLATES)
        register, text = _register_command(template.replace("{t}", target), rng, _words(target))
        yield {
            "class": "5_compound_relative",
            "register": register,
            "setup": [{"title": target, "priority": "medium"}, *_others(rng, target, 1)],
            "steps": [text],
            "intents": [["update_task"]],
            "expect": {"task": {"title": target, "priority": priority}},
        }
        template, _ = rng.choice(DUE_UPDATE_TEMPLATES)
        day_text, day_phrase = rng.choice(DUE_DAYS)
        text = template.replace("{t}", target).replace("{day}", day_text)
        register, text = _register_command(text, rng, _words(target))
        yield {
            "class": "5_compound_relative",
            "register": register,
            "setup": [{"title": target}, *_others(rng, target, 1)],
            "steps": [text],
            "intents": [["update_task"]],
            "expect": {"task": {"title": target, "due_at": day_phrase}},
        }


def new_tasks(rng: random.Random) -> Iterator[Scenario]:
    for task in NEW_TASKS:
        for template, _ in rng.sample(ADD_WITH_DUE, 2):
            day_text, day_phrase = rng.choice(DUE_DAYS)
            text = template.replace("{t}", task).replace("{day}", day_text)
            register, text = _register_command(text, rng, _words(task))
            yield {
                "class": "5_compound_relative",
                "register": register,
                "steps": [text],
                "intents": [["add_task"]],
                "expect": {"task": {"title": task, "due_at": day_phrase}},
            }
        template, priority = rng.choice(PRIORITY_ADD)
        register, text = _register_command(template.replace("{t}", task), rng, _words(task))
        yield {
            "class": "5_compound_relative",
            "register": register,
            "steps": [text],
            "intents": [["add_task"]],
            "expect": {"task": {"title": task, "priority": priority}},
        }
    for text, title, rule in RECURRING:
        for prefix in rng.sample(RECURRING_PREFIXES, 2):
            register, phrased = _register_command(prefix + text, rng, _words(title))
            yield {
                "class": "5_compound_relative",
                "register": register,
                "steps": [phrased],
                "intents": [["add_task"]],
                "expect": {"task": {"title": title, "recurrence": rule}},
            }


GENERATORS = [non_commands, list_phrasing, reminders, references, updates, new_tasks]


def generate() -> list[Scenario]:
    rng = random.Random(SEED)
    scenarios = []
    for make in GENERATORS:
        for number, scenario in enumerate(make(rng), 1):
            scenarios.append({"id": f"gen-{make.__name__}-{number:04d}", **scenario})
    return scenarios


def render(scenarios: list[Scenario]) -> str:
    return "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in scenarios)


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    scenarios = generate()
    OUTPUT.write_text(render(scenarios), encoding="utf-8")
    # The manifest makes any change to the locked set (generated or hand-written) visible.
    (OUTPUT.parent / MANIFEST_NAME).write_text(manifest(OUTPUT.parent), encoding="utf-8")
    print(f"wrote {len(scenarios)} scenarios to {OUTPUT} and its {MANIFEST_NAME}")


if __name__ == "__main__":
    main()
