"""Per-user rate limiting: a fixed one-minute window counted in Redis.

Shared across replicas through Redis; when Redis is unreachable the limiter degrades to
counting in this process (per replica) instead of failing requests.
"""

import time
from collections import OrderedDict

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = structlog.get_logger()

WINDOW_SECONDS = 60
_LOCAL_MAX_KEYS = 100_000
_REDIS_RETRY_AFTER_SECONDS = 5.0


class RateLimiter:
    def __init__(self, redis: Redis, *, limit_per_minute: int) -> None:
        self._redis = redis
        self.limit = limit_per_minute
        self._local: OrderedDict[str, int] = OrderedDict()
        self._redis_down_until = 0.0

    async def hit(self, user_id: str, now: float | None = None) -> tuple[int, int]:
        """Count one request; returns (count in the current window, seconds until it resets)."""
        now = time.time() if now is None else now
        window = int(now // WINDOW_SECONDS)
        retry_after = WINDOW_SECONDS - int(now % WINDOW_SECONDS)
        key = f"ratelimit:{user_id}:{window}"
        if now >= self._redis_down_until:
            try:
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.incr(key)
                    pipe.expire(key, WINDOW_SECONDS + 5)
                    count, _ = await pipe.execute()
                return int(count), retry_after
            except (RedisError, OSError) as exc:
                # Don't pay a connect timeout on every request while Redis is down.
                self._redis_down_until = now + _REDIS_RETRY_AFTER_SECONDS
                logger.warning("ratelimit.redis_unavailable", error=repr(exc)[:200])
        return self._hit_locally(key), retry_after

    def _hit_locally(self, key: str) -> int:
        count = self._local.pop(key, 0) + 1
        self._local[key] = count
        while len(self._local) > _LOCAL_MAX_KEYS:
            self._local.popitem(last=False)
        return count

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False
