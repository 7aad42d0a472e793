"""OTLP export follows the standard OTEL_EXPORTER_OTLP_ENDPOINT semantics (a base URL)."""

import pytest

from todo_common.telemetry import traces_endpoint


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://collector:4318", "http://collector:4318/v1/traces"),
        ("http://collector:4318/", "http://collector:4318/v1/traces"),
        ("http://collector:4318/v1/traces", "http://collector:4318/v1/traces"),
    ],
)
def test_traces_go_to_v1_traces_under_the_base_url(base: str, expected: str) -> None:
    assert traces_endpoint(base) == expected
