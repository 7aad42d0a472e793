import socket
import uuid

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from todo_common.settings import ServiceSettings


def _default_replica_id() -> str:
    return f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"


class WebsocketSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WEBSOCKET_", extra="ignore", env_file=".env")

    service_name: str = "websocket"
    port: int = 8001
    replica_id: str = Field(default_factory=_default_replica_id)
    max_connections: int = Field(5000, ge=1)
    send_queue_size: int = Field(256, ge=1)
    max_message_bytes: int = Field(4096, ge=64)
    # Liveness is the protocol's ping/pong, sent by uvicorn (`--ws-ping-interval` and
    # `--ws-ping-timeout`, which devstack and the image take from these two): a client
    # that answers pings stays connected however quiet it is; one that does not is closed.
    ping_interval_seconds: float = Field(20.0, gt=0)
    ping_timeout_seconds: float = Field(20.0, gt=0)
    alert_warning_connections: int = 400
    alert_critical_connections: int = 480
    # How long a new client's live messages wait for its `resume` request.
    resume_grace_seconds: float = Field(1.0, ge=0)
    history_limit: int = Field(1000, ge=1)
    history_ttl_seconds: int = Field(24 * 3600, ge=60)
    pubsub_name: str = Field(
        "websocket-pubsub", validation_alias=AliasChoices("WEBSOCKET_PUBSUB_NAME")
    )
    # With Redis Streams pub/sub the app keeps its consumer group (`ws-replica-<replica_id>`,
    # the component's `consumerID: ws-replica-{podName}`) at the stream's end on start-up
    # and removes the groups of replicas that are gone (see stream_group.py). Off for a
    # broker that is not Redis (Kafka: a consumer group per replica, initialOffset newest).
    redis_stream_group: bool = True
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("REDIS_URL", "WEBSOCKET_REDIS_URL"),
    )
    stream_maintenance_seconds: float = Field(5.0, gt=0)
