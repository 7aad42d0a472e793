"""The Ingress serves the web client on the API's origin and routes `/ws` to the websocket."""

from __future__ import annotations

from chart_support import DEPLOYMENTS, Render, by_kind


def paths(ingress: dict[str, object]) -> list[tuple[str, str, str]]:
    rule = ingress["spec"]["rules"][0]  # type: ignore[index]
    return [
        (path["path"], path["pathType"], path["backend"]["service"]["name"])
        for path in rule["http"]["paths"]
    ]


def test_one_origin_serves_the_page_the_api_and_the_websocket(render: Render) -> None:
    ingresses = by_kind(render("values-doks.yaml"), "Ingress")
    backend, websocket = DEPLOYMENTS["backend"], DEPLOYMENTS["websocket"]
    assert paths(ingresses[backend]) == [
        ("/api", "Prefix", backend),
        ("/", "Exact", backend),
        ("/static", "Prefix", backend),
        ("/config.json", "Exact", backend),
    ]
    assert paths(ingresses[websocket]) == [("/ws", "Prefix", websocket)]
    hosts = {ingress["spec"]["rules"][0]["host"] for ingress in ingresses.values()}
    assert len(hosts) == 1


def test_the_ingress_exposes_no_operations_route_of_the_backend(render: Render) -> None:
    ingresses = by_kind(render("values-doks.yaml"), "Ingress")
    for path, kind, _ in paths(ingresses[DEPLOYMENTS["backend"]]):
        for private in ("/metrics", "/health/ready", "/internal/x", "/dev/token", "/docs"):
            if kind == "Exact":
                assert path != private
            else:
                assert not private.startswith(path.rstrip("/") + "/"), (path, private)
