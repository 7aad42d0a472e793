"""Session fixtures that start real infrastructure on free ports and always stop it."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.infra import PostgresCluster, start_redis
from devstack.ports import PortPlan, free_port
from devstack.stack import Stack, StackConfig

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Brokers behind the pub/sub components. A test that uses the `pubsub` fixture (directly or
# through a stack fixture that passes it to make_stack_config) runs on Redis Streams; marked
# `both_brokers` it runs on Kafka too (one stack per broker and module: pytest groups the
# tests by the module-scoped parameter).
PUBSUB_BROKERS = ("redis", "kafka")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_brokers: the test also runs on Kafka (the `pubsub` fixture)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "pubsub" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_brokers") is not None
        metafunc.parametrize("pubsub", PUBSUB_BROKERS if both else ("redis",), scope="module")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    # Not under pytest's tmp dir: PostgreSQL runs as `postgres`, which cannot enter root's.
    data_dir = Path(tempfile.mkdtemp(prefix="todo-chatbot-pg-"))
    cluster = PostgresCluster(data_dir, free_port())
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A private Redis on a free port; yields the port."""
    port = free_port()
    process = start_redis(port, tmp_path_factory.mktemp("redis"), None, None)
    try:
        yield port
    finally:
        process.stop()


def make_stack_config(
    tmp: Path,
    database_url: str,
    *,
    app_env: dict[str, dict[str, str]] | None = None,
    nlu_model: bool = True,
    **overrides: object,
) -> StackConfig:
    """A stack on free ports. `nlu_model=False` spares stacks that never chat the model's
    start-up (chat then runs on the rule-based fallback)."""
    # Tests create many tasks quickly; only rate-limit tests want the production limit.
    env = {"backend": {"BACKEND_RATE_LIMIT_PER_MINUTE": "1000000"}}
    # Tests that let a token run out expect it refused at once: no clock-skew leeway here
    # (the leeway itself is tested in tests/unit/common/test_auth.py).
    for service in ("backend", "websocket"):
        env.setdefault(service, {})["JWT_LEEWAY_SECONDS"] = "0"
    if not nlu_model:
        env["backend"]["NLU_MODEL_PATH"] = str(tmp / "no-nlu-model")
    for name, values in (app_env or {}).items():
        env[name] = {**env.get(name, {}), **values}
    return StackConfig(
        ports=PortPlan.free(),
        data_dir=tmp / "data",
        database_url=database_url,
        log_dir=tmp / "logs",
        app_env=env,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster) -> Iterator[Stack]:
    """The whole system on PostgreSQL: 4 services with sidecars, scheduler, Redis."""
    tmp = tmp_path_factory.mktemp("system")
    stack = Stack(make_stack_config(tmp, postgres.create_database("system")))
    with stack:
        yield stack


@pytest.fixture(scope="module")
def kafka_system(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster
) -> Iterator[Stack]:
    """`system` on a local Kafka broker (Redis stays for state and rate limits); per module,
    so its broker and processes do not idle through the rest of the session."""
    tmp = tmp_path_factory.mktemp("kafka-system")
    config = make_stack_config(tmp, postgres.create_database("kafka_system"), pubsub="kafka")
    with Stack(config) as stack:
        yield stack


@pytest.fixture(scope="module")
def pubsub_system(request: pytest.FixtureRequest, pubsub: str) -> Stack:
    """The shared system on the `pubsub` broker."""
    stack: Stack = request.getfixturevalue("kafka_system" if pubsub == "kafka" else "system")
    return stack
