"""Settings every service shares; each service subclasses with its own `env_prefix`.

Shared values (JWT secret, sidecar ports, telemetry) keep their unprefixed, conventional
environment names (`JWT_SECRET`, `DAPR_HTTP_PORT`, …) so one `.env` serves all services.
"""

import json
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    # Key rotation: tokens signed with the previous secret stay valid while this is set
    # (set it to the old JWT_SECRET for at least the longest token lifetime, then remove it).
    jwt_previous_secret: str | None = Field(None, validation_alias=_env("JWT_PREVIOUS_SECRET"))
    # When set, tokens must carry this `iss` / `aud` (and tokens made here carry them).
    jwt_issuer: str | None = Field(None, validation_alias=_env("JWT_ISSUER"))
    jwt_audience: str | None = Field(None, validation_alias=_env("JWT_AUDIENCE"))
    # Clock skew tolerated on `exp`, `nbf` and `iat` between the token's issuer and us.
    jwt_leeway_seconds: float = Field(
        30.0, ge=0, le=300, validation_alias=_env("JWT_LEEWAY_SECONDS")
    )

    # Browser origins allowed to call the API cross-origin (CORS); none by default
    # (the web client is served by the backend itself, same origin).
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("CORS_ALLOWED_ORIGINS")
    )
    # Strict-Transport-Security on every response: only behind TLS (the ingress).
    hsts_enabled: bool = Field(False, validation_alias=_env("HSTS_ENABLED"))

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

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # `CORS_ALLOWED_ORIGINS=https://a.example,https://b.example` as well as a JSON list.
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Self:
        if self.environment is not Environment.PRODUCTION:
            return self
        for name, secret in (
            ("JWT_SECRET", self.jwt_secret),
            ("JWT_PREVIOUS_SECRET", self.jwt_previous_secret),
        ):
            if secret is not None and (secret == DEVELOPMENT_JWT_SECRET or len(secret) < 32):
                raise ValueError(f"{name} must be set to a secret of 32+ characters in production")
        return self
