"""Dapr for the services: `client` (the sidecar's HTTP API, component names) and `app`
(what daprd calls: subscriptions, the sidecar-only guard, outcomes, job triggers).

Import from the submodule that holds the name. The few names below are still re-exported
for backend modules that are mid-change elsewhere; they move to the submodules next.
"""

from todo_common.dapr.app import require_dapr_caller
from todo_common.dapr.client import PUBSUB, DaprClient, DaprError

__all__ = ["PUBSUB", "DaprClient", "DaprError", "require_dapr_caller"]
