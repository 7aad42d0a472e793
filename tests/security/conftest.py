"""One backend as production runs it (uvicorn, its own daprd, Redis, the NLU model), with a
Dapr API token between app and sidecar, shared by the security tests."""

import secrets
from collections.abc import Iterator

import pytest

from devstack.stack import Stack
from tests.conftest import make_stack_config


@pytest.fixture(scope="session")
def secured_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("secured")
    config = make_stack_config(
        tmp,
        f"sqlite+aiosqlite:///{tmp}/tasks.db",
        services=("backend",),
        dapr_api_token=secrets.token_hex(16),
    )
    with Stack(config) as stack:
        yield stack
