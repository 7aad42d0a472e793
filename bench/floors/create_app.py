"""Floor of a REST create: check a JWT, insert one row and commit on the same PostgreSQL,
XADD one stream entry. No Dapr, no outbox, no validation beyond the JWT.

    python -m bench.floors.create_app --port N   (env: FLOOR_DATABASE_URL, FLOOR_REDIS_URL,
                                                  JWT_SECRET)
"""

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import jwt
import redis.asyncio as redis
from fastapi import FastAPI, Header, HTTPException, Request

from bench.floors.serve import serve

INSERT = (
    "INSERT INTO task (id, owner_id, title, completed, priority, created_at, updated_at) "
    "VALUES ($1, $2, $3, false, $4, $5, $5)"
)


def create_app() -> FastAPI:
    secret = os.environ["JWT_SECRET"]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = os.environ["FLOOR_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
        app.state.pool = await asyncpg.create_pool(url, min_size=4, max_size=20)
        app.state.redis = redis.from_url(os.environ["FLOOR_REDIS_URL"])
        yield
        await app.state.pool.close()
        await app.state.redis.aclose()

    app = FastAPI(lifespan=lifespan, openapi_url=None)

    @app.post("/tasks", status_code=201)
    async def create(request: Request, authorization: str = Header()) -> dict[str, str]:
        try:
            claims = jwt.decode(authorization.removeprefix("Bearer "), secret, ["HS256"])
        except jwt.InvalidTokenError as exc:
            raise HTTPException(401, "invalid token") from exc
        body = json.loads(await request.body())
        task_id = str(uuid.uuid4())
        now = datetime.now(UTC)
        async with request.app.state.pool.acquire() as connection:
            await connection.execute(
                INSERT, task_id, claims["sub"], body["title"], body.get("priority", "medium"), now
            )
        await request.app.state.redis.xadd(
            "floor-task-events", {"id": task_id, "user": claims["sub"]}, maxlen=100_000
        )
        return {"id": task_id}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    serve(create_app())


if __name__ == "__main__":
    main()
