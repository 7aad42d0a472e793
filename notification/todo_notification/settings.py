from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from todo_common.dapr.client import PUBSUB, SMTP_BINDING, STATESTORE, WEBHOOK_BINDING
from todo_common.settings import ServiceSettings
from todo_notification.deliveries import Channel, RetryPolicy

REMINDERS_DEADLETTER_TOPIC = "reminders-deadletter"


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore", env_file=".env")

    service_name: str = "notification"
    port: int = 8003

    # NOTIFICATION_CHANNELS=inapp,webhook,email: which channels every reminder goes to.
    channels: Annotated[tuple[Channel, ...], NoDecode] = (Channel.INAPP,)
    pubsub_name: str = PUBSUB
    statestore_name: str = STATESTORE
    deadletter_topic: str = REMINDERS_DEADLETTER_TOPIC
    webhook_binding: str = WEBHOOK_BINDING
    smtp_binding: str = SMTP_BINDING
    # Per-user recipient, e.g. "{user_id}@example.com"; unset: the component's emailTo.
    email_to_template: str | None = None

    # A failed channel is tried again after base, 2x base, 4x base, ... (capped), and
    # dead-lettered after `max_attempts` attempts in all.
    max_attempts: int = Field(5, ge=1)
    retry_base_seconds: float = Field(2.0, gt=0)
    retry_max_seconds: float = Field(300.0, gt=0)
    # How long an attempt may hold its channel before a redelivery may take it over;
    # longer than the slowest binding call (`binding_timeout_seconds`).
    lease_seconds: float = Field(20.0, gt=0)
    binding_timeout_seconds: float = Field(15.0, gt=0)
    # Delivery records (the dedupe memory) are kept this long.
    record_ttl_seconds: int = Field(7 * 24 * 3600, ge=60)
    # A retry trigger the app fails to take (sidecar/state store briefly down).
    job_retry_interval_seconds: float = Field(2.0, gt=0)
    job_max_retries: int = Field(60, ge=0)

    @field_validator("channels", mode="before")
    @classmethod
    def _split_channels(cls, value: Any) -> Any:
        if isinstance(value, str):
            names = [name.strip().lower() for name in value.split(",") if name.strip()]
            return tuple(dict.fromkeys(names))
        return value

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.max_attempts, self.retry_base_seconds, self.retry_max_seconds)

    @property
    def job_failure_policy(self) -> dict[str, object]:
        interval = f"{self.job_retry_interval_seconds:g}s"
        return {"constant": {"interval": interval, "maxRetries": self.job_max_retries}}
