"""schemathesis against the backend's public OpenAPI document: bounded, with a fixed seed.

The backend runs as it does in production (uvicorn, its own daprd, Redis, the NLU model),
authenticated as one user; every generated request, valid or not, must get an answer the
schema documents, a body that matches it, and never a 5xx.
"""

import pytest
import schemathesis
from schemathesis.engine import Status, events

from devstack.stack import Stack
from todo_common.auth import create_token

pytestmark = pytest.mark.integration

SEED = 20261201
MAX_EXAMPLES = 40
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


@pytest.fixture(scope="module")
def api_schema(secured_backend: Stack) -> schemathesis.BaseSchema:
    token = create_token("fuzzer", secured_backend.config.jwt_secret)
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {token}"},
            "request-timeout": 15,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            # Each operation on its own: no links are declared for a stateful phase to follow.
            "phases": {"stateful": {"enabled": False}},
        }
    )
    base = secured_backend.instances["backend"].base_url
    return schemathesis.openapi.from_url(f"{base}/openapi.json", config=config)


def test_the_public_schema_leaves_sidecar_only_routes_out(
    api_schema: schemathesis.BaseSchema,
) -> None:
    paths = set(api_schema.raw_schema["paths"])
    assert "/api/tasks" in paths and "/api/chat" in paths
    assert not [path for path in paths if path.startswith(("/internal", "/dapr", "/job"))]


def test_every_generated_request_gets_a_documented_answer_and_never_a_5xx(
    api_schema: schemathesis.BaseSchema,
) -> None:
    failures: list[str] = []
    cases = 0
    for event in schemathesis.engine.from_schema(api_schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            if event.status in (Status.FAILURE, Status.ERROR):
                failures += [
                    f"{event.label} [{check.name}] {check.failure_info.failure.title}: "
                    f"{check.failure_info.failure.message[:300]}\n{check.failure_info.code_sample}"
                    for checks in event.recorder.checks.values()
                    for check in checks
                    if check.failure_info is not None
                ] or [f"{event.label}: {event.status}"]
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"error: {event!r}"[:2000])
    assert failures == [], "\n\n".join(sorted(set(failures)))
    assert cases > 200, "the run should have sent a few hundred requests"
