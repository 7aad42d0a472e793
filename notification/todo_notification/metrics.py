"""Notification's own Prometheus series, on the app's registry."""

from prometheus_client import CollectorRegistry, Counter


class NotificationMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.attempts = Counter(
            "notification_delivery_attempts_total",
            "Delivery attempts by channel and result (delivered, failed)",
            ["channel", "result"],
            registry=registry,
        )
        self.outcomes = Counter(
            "notification_deliveries_total",
            "Final delivery outcomes by channel (delivered, dead_lettered) and duplicates",
            ["channel", "outcome"],
            registry=registry,
        )
