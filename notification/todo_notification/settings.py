from pydantic_settings import SettingsConfigDict

from todo_common.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore", env_file=".env")

    service_name: str = "notification"
    port: int = 8003
