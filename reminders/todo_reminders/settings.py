from pydantic import Field
from pydantic_settings import SettingsConfigDict

from todo_common.dapr.client import PUBSUB, STATESTORE
from todo_common.settings import ServiceSettings


class RemindersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REMINDERS_", extra="ignore", env_file=".env")

    service_name: str = "reminders"
    port: int = 8002

    pubsub_name: str = PUBSUB
    statestore_name: str = STATESTORE
    backend_app_id: str = "backend"

    # A reminder set more than this far in the past (relative to the change that set it)
    # is not scheduled; one that became due while its event waited still fires, late.
    past_reminder_grace_seconds: float = Field(60.0, ge=0)
    # Records of completed or deleted tasks are kept this long (late, reordered events).
    finished_task_ttl_seconds: int = Field(7 * 24 * 3600, ge=60)
    # A trigger the app fails to handle (sidecar or broker briefly down) is retried by
    # the scheduler at this interval, this many times, before the job is given up.
    job_retry_interval_seconds: float = Field(2.0, gt=0)
    job_max_retries: int = Field(60, ge=0)
    # Readiness includes the sidecar's connection to the Dapr scheduler.
    require_scheduler: bool = True

    @property
    def job_failure_policy(self) -> dict[str, object]:
        interval = f"{self.job_retry_interval_seconds:g}s"
        return {"constant": {"interval": interval, "maxRetries": self.job_max_retries}}
