"""Dapr for the services: `client` (the sidecar's HTTP API, component names) and `app`
(what daprd calls: subscriptions, the sidecar-only guard, outcomes, job triggers).

The names are re-exported here so `from todo_common.dapr import DaprClient` keeps working.
"""

from todo_common.dapr.app import (
    DROP,
    RETRY,
    SUCCESS,
    Outcome,
    Subscription,
    job_response,
    require_dapr_caller,
    sidecar_client,
    subscriber_reply,
    subscription_router,
    unwrap_job_data,
)
from todo_common.dapr.client import (
    PUBSUB,
    SMTP_BINDING,
    STATESTORE,
    WEBHOOK_BINDING,
    WEBSOCKET_PUBSUB,
    DaprClient,
    DaprError,
    DaprResponse,
    StateConflictError,
    StateEntry,
)

__all__ = [
    "DROP", "PUBSUB", "RETRY", "SMTP_BINDING", "STATESTORE", "SUCCESS", "WEBHOOK_BINDING",
    "WEBSOCKET_PUBSUB", "DaprClient", "DaprError", "DaprResponse", "Outcome",
    "StateConflictError", "StateEntry", "Subscription", "job_response", "require_dapr_caller",
    "sidecar_client", "subscriber_reply", "subscription_router", "unwrap_job_data",
]  # fmt: skip
