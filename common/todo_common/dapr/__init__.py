"""Dapr for the services: `client` (the sidecar's HTTP API, component names) and `app`
(what daprd calls: subscriptions, the sidecar-only guard, outcomes, job triggers).

Nothing is re-exported here: import a name from the submodule that holds it.
"""
