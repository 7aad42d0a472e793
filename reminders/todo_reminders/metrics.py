"""Reminders' own Prometheus series, on the app's registry (see todo_common.metrics)."""

from prometheus_client import CollectorRegistry, Counter, Histogram


class RemindersMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.task_events = Counter(
            "reminders_task_events_total",
            "task-events consumed, by event type and outcome",
            ["type", "outcome"],
            registry=registry,
        )
        self.job_operations = Counter(
            "reminders_job_operations_total",
            "Reminder jobs scheduled (or rescheduled) and cancelled",
            ["operation"],
            registry=registry,
        )
        self.triggers = Counter(
            "reminders_triggers_total",
            "Reminder jobs fired, by outcome (published, or why dropped)",
            ["outcome"],
            registry=registry,
        )
        self.occurrences = Counter(
            "reminders_occurrences_total",
            "Next occurrences of recurring tasks, by result",
            ["result"],
            registry=registry,
        )
        self.lateness = Histogram(
            "reminders_publish_lateness_seconds",
            "reminder.due published minus remind_at",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300, 3600),
            registry=registry,
        )
