"""JWT bearer auth: HS256 only, `sub` is the user id, `exp` is honoured.

A small clock-skew leeway applies to `exp`/`nbf`/`iat`; `iss` and `aud` are checked when
configured; during a key rotation tokens signed with the previous secret still pass.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from todo_common.errors import AuthenticationError
from todo_common.settings import ServiceSettings

# Pinned: a token naming any other algorithm (`none`, RS256 with our secret as a "public
# key"...) is refused before its signature is even looked at.
ALGORITHM = "HS256"
DEFAULT_LEEWAY_SECONDS = 30.0
_MAX_USER_ID_LENGTH = 128


@dataclass(frozen=True)
class CurrentUser:
    id: str


@dataclass(frozen=True)
class TokenPolicy:
    """What a token must satisfy to be accepted."""

    secret: str
    previous_secret: str | None = None
    issuer: str | None = None
    audience: str | None = None
    leeway_seconds: float = DEFAULT_LEEWAY_SECONDS

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "TokenPolicy":
        return cls(
            secret=settings.jwt_secret,
            previous_secret=settings.jwt_previous_secret,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway_seconds=settings.jwt_leeway_seconds,
        )


def create_token(
    user_id: str,
    secret: str,
    *,
    ttl: timedelta = timedelta(hours=12),
    issuer: str | None = None,
    audience: str | None = None,
) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": user_id, "iat": now, "exp": now + ttl}
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _claims(token: str, secret: str, policy: TokenPolicy) -> dict[str, Any]:
    required = ["sub", "exp"] + ["iss"] * bool(policy.issuer) + ["aud"] * bool(policy.audience)
    return jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],
        issuer=policy.issuer,
        audience=policy.audience,
        leeway=policy.leeway_seconds,
        options={"require": required, "verify_aud": policy.audience is not None},
    )


def decode_token(token: str, policy: TokenPolicy | str) -> CurrentUser:
    """Return the token's user or raise AuthenticationError saying why it is refused.

    A bare secret checks strictly (no leeway, no rotation); services pass
    `TokenPolicy.from_settings(settings)`."""
    if isinstance(policy, str):
        policy = TokenPolicy(secret=policy, leeway_seconds=0)
    try:
        try:
            claims = _claims(token, policy.secret, policy)
        except jwt.InvalidSignatureError:
            if not policy.previous_secret:
                raise
            claims = _claims(token, policy.previous_secret, policy)  # rotation grace period
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationError("token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthenticationError(f"invalid token: {exc}") from exc
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject or len(subject) > _MAX_USER_ID_LENGTH:
        raise AuthenticationError("invalid token: bad 'sub' claim")
    return CurrentUser(id=subject)


_bearer = HTTPBearer(auto_error=False)


async def get_current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("missing bearer token")
    settings: ServiceSettings = request.app.state.settings
    return decode_token(credentials.credentials, TokenPolicy.from_settings(settings))


CurrentUserDep = Annotated[CurrentUser, Depends(get_current_user)]
