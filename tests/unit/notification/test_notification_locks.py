"""Per-key locks: one key at a time, other keys free, nothing left behind."""

import asyncio

from todo_common.locks import KeyedLocks


async def test_same_key_is_serialised_other_keys_are_not() -> None:
    locks = KeyedLocks()
    order: list[str] = []
    release = asyncio.Event()

    async def hold(key: str, name: str, wait: bool) -> None:
        async with locks.hold(key):
            order.append(f"{name}-in")
            if wait:
                await release.wait()
            order.append(f"{name}-out")

    first = asyncio.create_task(hold("a", "first", wait=True))
    await asyncio.sleep(0)
    second = asyncio.create_task(hold("a", "second", wait=False))
    other = asyncio.create_task(hold("b", "other", wait=False))
    await other
    await asyncio.sleep(0)
    assert order == ["first-in", "other-in", "other-out"]  # "second" waits for "first"
    release.set()
    await asyncio.gather(first, second)
    assert order[3:] == ["first-out", "second-in", "second-out"]
    assert len(locks) == 0
