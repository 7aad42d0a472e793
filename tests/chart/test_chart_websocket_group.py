"""The websocket replicas can manage their Redis Streams consumer group in every shape."""

from __future__ import annotations

import pytest
from chart_support import DEPLOYMENTS, Render, by_kind


def websocket_config(render: Render, values_file: str | None, *sets: str) -> dict[str, str]:
    data: dict[str, str] = by_kind(render(values_file, *sets), "ConfigMap")[
        DEPLOYMENTS["websocket"]
    ]["data"]
    return data


def test_without_a_secret_the_plain_redis_url_is_in_the_config(render: Render) -> None:
    config = websocket_config(render, "ci/development-redis-values.yaml")
    assert config["WEBSOCKET_REDIS_STREAM_GROUP"] == "true"
    assert config["REDIS_URL"] == "redis://redis-master:6379/0"


@pytest.mark.parametrize("tls", [False, True])
def test_with_the_secret_the_url_comes_from_it_not_the_config(render: Render, tls: bool) -> None:
    config = websocket_config(render, None, f"redis.enableTLS={str(tls).lower()}")
    assert config["WEBSOCKET_REDIS_STREAM_GROUP"] == "true"
    assert "REDIS_URL" not in config  # the Secret's redis-url, with its password


def test_tls_without_a_secret_uses_rediss(render: Render) -> None:
    config = websocket_config(render, "ci/development-redis-values.yaml", "redis.enableTLS=true")
    assert config["REDIS_URL"] == "rediss://redis-master:6379/0"
