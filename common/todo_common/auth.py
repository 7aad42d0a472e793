"""JWT (HS256) bearer auth: `sub` is the user id, `exp` is honoured."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from todo_common.errors import AuthenticationError

ALGORITHM = "HS256"
_MAX_USER_ID_LENGTH = 128


@dataclass(frozen=True)
class CurrentUser:
    id: str


def create_token(user_id: str, secret: str, *, ttl: timedelta = timedelta(hours=12)) -> str:
    now = datetime.now(UTC)
    claims = {"sub": user_id, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: str, secret: str) -> CurrentUser:
    """Return the token's user or raise AuthenticationError saying why it is refused."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]}
        )
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
    secret: str = request.app.state.settings.jwt_secret
    return decode_token(credentials.credentials, secret)


CurrentUserDep = Annotated[CurrentUser, Depends(get_current_user)]
