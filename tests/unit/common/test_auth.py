from datetime import timedelta

import pytest

from todo_common.auth import create_token, decode_token
from todo_common.errors import AuthenticationError

SECRET = "s" * 40


def test_token_round_trip_gives_the_subject() -> None:
    assert decode_token(create_token("alice", SECRET), SECRET).id == "alice"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (create_token("alice", SECRET, ttl=timedelta(seconds=-1)), "expired"),
        (create_token("alice", "other" * 10), "invalid"),
        ("garbage", "invalid"),
    ],
)
def test_bad_tokens_are_refused_with_the_reason(token: str, reason: str) -> None:
    with pytest.raises(AuthenticationError, match=reason):
        decode_token(token, SECRET)
