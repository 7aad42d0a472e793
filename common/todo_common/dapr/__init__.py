"""Dapr for the services: `client` (the sidecar's HTTP API, component names) and `app`
(what daprd calls: subscriptions, the sidecar-only guard, outcomes, job triggers).

Import from the submodule that holds the name. `DaprError` alone is still re-exported here,
for `todo_common.app` while that module is mid-change elsewhere.
"""

from todo_common.dapr.client import DaprError

__all__ = ["DaprError"]
