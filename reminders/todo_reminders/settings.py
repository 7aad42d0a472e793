from pydantic_settings import SettingsConfigDict

from todo_common.settings import ServiceSettings


class RemindersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REMINDERS_", extra="ignore", env_file=".env")

    service_name: str = "reminders"
    port: int = 8002
