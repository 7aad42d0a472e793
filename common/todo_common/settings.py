"""Settings every service shares; each service subclasses with its own `env_prefix`.

Shared values (JWT secret, sidecar ports, telemetry) keep their unprefixed, conventional
environment names (`JWT_SECRET`, `DAPR_HTTP_PORT`, …) so one `.env` serves all services.
"""

from enum import StrEnum
from typing import Self

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_JWT_SECRET = "dev-secret-change-me-0123456789abcdef"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class TracingExporter(StrEnum):
    NONE = "none"
    CONSOLE = "console"
    OTLP = "otlp"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=".env", env_file_encoding="utf-8")

    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8000

    environment: Environment = Field(Environment.DEVELOPMENT, validation_alias=_env("ENVIRONMENT"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    jwt_secret: str = Field(DEVELOPMENT_JWT_SECRET, validation_alias=_env("JWT_SECRET"))

    dapr_host: str = Field("127.0.0.1", validation_alias=_env("DAPR_HOST"))
    dapr_http_port: int = Field(3500, validation_alias=_env("DAPR_HTTP_PORT"))
    dapr_api_token: str | None = Field(None, validation_alias=_env("DAPR_API_TOKEN"))
    # Sent by daprd on every call it makes to the app; when set, internal routes demand it.
    app_api_token: str | None = Field(None, validation_alias=_env("APP_API_TOKEN"))
    dapr_timeout_seconds: float = Field(5.0, validation_alias=_env("DAPR_TIMEOUT_SECONDS"))

    otel_exporter: TracingExporter = Field(
        TracingExporter.NONE, validation_alias=_env("OTEL_EXPORTER")
    )
    otel_endpoint: str | None = Field(None, validation_alias=_env("OTEL_EXPORTER_OTLP_ENDPOINT"))

    @property
    def dapr_base_url(self) -> str:
        return f"http://{self.dapr_host}:{self.dapr_http_port}"

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Self:
        weak = self.jwt_secret == DEVELOPMENT_JWT_SECRET or len(self.jwt_secret) < 32
        if self.environment is Environment.PRODUCTION and weak:
            raise ValueError("JWT_SECRET must be set to a secret of 32+ characters in production")
        return self
