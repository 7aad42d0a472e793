"""Chat metrics: requests by intent and NLU fallbacks (the runbook's fallback-rate alert)."""

from prometheus_client import CollectorRegistry, Counter

from todo_backend.nlu.intents import NluResult


class ChatMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "chat_requests_total", "Chat turns by understood intent", ["intent"], registry=registry
        )
        self.fallbacks = Counter(
            "nlu_fallback", "Chat turns decided by the rule-based fallback", registry=registry
        )
        # Outcome = what decided the turn (model, rules = the fallback, rules_override); the
        # dashboard's intent mix and the fallback alert read it (monitoring/).
        self.turns = Counter(
            "chat_turns_total",
            "Chat turns by intent and outcome (which part decided: model, rules, rules_override)",
            ["intent", "outcome"],
            registry=registry,
        )

    def observe(self, result: NluResult) -> None:
        self.requests.labels(result.intent.value).inc()
        self.turns.labels(result.intent.value, result.source).inc()
        if result.fallback:
            self.fallbacks.inc()
