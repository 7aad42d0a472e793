from datetime import UTC, datetime, timedelta

import jwt
import pytest

from todo_common.auth import TokenPolicy, create_token, decode_token
from todo_common.errors import AuthenticationError
from todo_common.settings import ServiceSettings

SECRET = "s" * 40


def test_token_round_trip_gives_the_subject() -> None:
    assert decode_token(create_token("alice", SECRET), SECRET).id == "alice"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        # Beyond the clock-skew leeway (30 s).
        (create_token("alice", SECRET, ttl=timedelta(seconds=-120)), "expired"),
        (create_token("alice", "other" * 10), "invalid"),
        ("garbage", "invalid"),
    ],
)
def test_bad_tokens_are_refused_with_the_reason(token: str, reason: str) -> None:
    with pytest.raises(AuthenticationError, match=reason):
        decode_token(token, SECRET)


def test_the_algorithm_is_pinned_to_hs256() -> None:
    claims = {"sub": "alice", "exp": datetime.now(UTC) + timedelta(hours=1)}
    unsigned = jwt.encode(claims, None, algorithm="none")
    other_hmac = jwt.encode(claims, SECRET * 2, algorithm="HS512")
    for token, secret in ((unsigned, SECRET), (other_hmac, SECRET * 2)):
        with pytest.raises(AuthenticationError, match="invalid"):
            decode_token(token, secret)


def test_a_small_clock_skew_is_tolerated_and_no_more() -> None:
    policy = TokenPolicy(secret=SECRET, leeway_seconds=30)
    just_expired = create_token("alice", SECRET, ttl=timedelta(seconds=-10))
    assert decode_token(just_expired, policy).id == "alice"
    long_expired = create_token("alice", SECRET, ttl=timedelta(seconds=-60))
    with pytest.raises(AuthenticationError, match="expired"):
        decode_token(long_expired, policy)
    issued_ahead = jwt.encode(
        {"sub": "alice", "iat": datetime.now(UTC) + timedelta(seconds=10),
         "exp": datetime.now(UTC) + timedelta(hours=1)},
        SECRET, algorithm="HS256",
    )  # fmt: skip
    assert decode_token(issued_ahead, policy).id == "alice"


def test_issuer_and_audience_are_required_when_configured() -> None:
    policy = TokenPolicy(secret=SECRET, issuer="https://id.example", audience="todo-chatbot")
    good = create_token("alice", SECRET, issuer="https://id.example", audience="todo-chatbot")
    assert decode_token(good, policy).id == "alice"
    for token in (
        create_token("alice", SECRET),
        create_token("alice", SECRET, issuer="https://evil.example", audience="todo-chatbot"),
        create_token("alice", SECRET, issuer="https://id.example", audience="another-app"),
    ):
        with pytest.raises(AuthenticationError, match="invalid"):
            decode_token(token, policy)
    # Not configured: a token's own iss/aud do not matter.
    assert decode_token(good, SECRET).id == "alice"


def test_during_a_key_rotation_tokens_of_the_previous_secret_still_pass() -> None:
    old, new = "o" * 40, "n" * 40
    issued_before = create_token("alice", old)
    rotating = TokenPolicy(secret=new, previous_secret=old)
    assert decode_token(issued_before, rotating).id == "alice"
    assert decode_token(create_token("bob", new), rotating).id == "bob"
    with pytest.raises(AuthenticationError, match="invalid"):
        decode_token(issued_before, TokenPolicy(secret=new))  # grace period over
    with pytest.raises(AuthenticationError, match="invalid"):
        decode_token(create_token("mallory", "m" * 40), rotating)


def test_policy_comes_from_the_shared_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SECRET", "n" * 40)
    monkeypatch.setenv("JWT_PREVIOUS_SECRET", "o" * 40)
    monkeypatch.setenv("JWT_ISSUER", "https://id.example")
    monkeypatch.setenv("JWT_LEEWAY_SECONDS", "5")
    policy = TokenPolicy.from_settings(ServiceSettings())
    assert policy == TokenPolicy(
        secret="n" * 40, previous_secret="o" * 40, issuer="https://id.example", leeway_seconds=5
    )


def test_production_refuses_a_weak_previous_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("JWT_SECRET", "n" * 40)
    monkeypatch.setenv("JWT_PREVIOUS_SECRET", "short")
    with pytest.raises(ValueError, match="JWT_PREVIOUS_SECRET"):
        ServiceSettings()
