"""`/health`, `/health/live` and `/health/ready` with pluggable checks.

A hard check failing makes the service unready (503) — it cannot do its job. A soft
check failing only reports `degraded` (e.g. the NLU model missing while the rule-based
fallback still serves chat).
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

CHECK_TIMEOUT_SECONDS = 2.0


class CheckStatus(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    FAILING = "failing"


Probe = Callable[[], Awaitable[bool]]
# (check name, hard, healthy): metrics record every probe result (`health_check_up`).
CheckObserver = Callable[[str, bool, bool], None]


@dataclass(frozen=True)
class HealthCheck:
    name: str
    probe: Probe
    hard: bool = True


class HealthRegistry:
    def __init__(self, observer: CheckObserver | None = None) -> None:
        self._checks: list[HealthCheck] = []
        self._observer = observer

    def add(self, name: str, probe: Probe, *, hard: bool = True) -> None:
        self._checks.append(HealthCheck(name, probe, hard))

    async def _run_one(self, check: HealthCheck) -> dict[str, Any]:
        try:
            healthy = await asyncio.wait_for(check.probe(), CHECK_TIMEOUT_SECONDS)
            error = None
        except Exception as exc:  # a probe that raises is a failing check, never a 500
            healthy, error = False, repr(exc)[:200]
        if self._observer is not None:
            self._observer(check.name, check.hard, healthy)
        if healthy:
            status = CheckStatus.OK
        else:
            status = CheckStatus.FAILING if check.hard else CheckStatus.DEGRADED
        result: dict[str, Any] = {"name": check.name, "status": status, "hard": check.hard}
        if error:
            result["error"] = error
        return result

    async def report(self) -> tuple[int, dict[str, Any]]:
        results = await asyncio.gather(*(self._run_one(check) for check in self._checks))
        failing = [r["name"] for r in results if r["status"] is CheckStatus.FAILING]
        degraded = [r["name"] for r in results if r["status"] is CheckStatus.DEGRADED]
        if failing:
            status = CheckStatus.FAILING
        elif degraded:
            status = CheckStatus.DEGRADED
        else:
            status = CheckStatus.OK
        body = {"status": status, "failing": failing, "degraded": degraded, "checks": results}
        return (503 if failing else 200), body


def health_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready", responses={503: {"description": "a hard check is failing"}})
    async def ready(request: Request) -> JSONResponse:
        registry: HealthRegistry = request.app.state.health
        status_code, body = await registry.report()
        return JSONResponse(body, status_code)

    @router.get("/health", responses={503: {"description": "a hard dependency is down"}})
    async def health(request: Request) -> JSONResponse:
        registry: HealthRegistry = request.app.state.health
        status_code, body = await registry.report()
        body["service"] = request.app.state.settings.service_name
        return JSONResponse(body, status_code)

    return router
