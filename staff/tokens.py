"""Staff login tokens: HS256 JWTs signed with the server's secret, with a capped lifetime and a per-user version.

A token carries the user's ``token_version`` (``ver``); logging out everywhere, a password change and disabling
the user bump the version, so every token issued before is refused. A token whose lifetime (``exp - iat``) is
longer than the configured one is refused even when its signature is right.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from staff.accounts import StaffInfo

ALGORITHM = "HS256"
SKEW_S = 60  # clock skew allowed between the issuing and the checking worker


class Tokens:
    """Issues and checks login tokens for ``minutes`` at most."""

    def __init__(self, secret: bytes, minutes: int, clock: Callable[[], float] = time.time) -> None:
        # HS256 wants at least 32 bytes of key: derive them, so the key is never used raw elsewhere
        self._key = hashlib.sha256(b"qifa-staff-jwt:" + secret).digest()
        self.minutes, self.clock = minutes, clock

    def issue(self, staff: StaffInfo, now: datetime | None = None) -> str:
        now = now or datetime.fromtimestamp(self.clock(), UTC)
        claims = {"sub": staff.name, "role": staff.role, "ver": staff.token_version, "iat": now,
                  "jti": secrets.token_hex(16), "exp": now + timedelta(minutes=self.minutes)}
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def read(self, token: str) -> dict[str, Any] | None:
        """The token's claims, or None when it is malformed, forged, expired, too long-lived or from the future."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self._key, algorithms=[ALGORITHM], leeway=SKEW_S,
                options={"require": ["sub", "exp", "iat", "jti", "ver"], "verify_iat": True})
        except jwt.PyJWTError:
            return None
        exp, iat, ver = claims["exp"], claims["iat"], claims["ver"]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (exp, iat, ver)):
            return None
        if exp - iat > self.minutes * 60 or iat > self.clock() + SKEW_S:
            return None
        return claims

    def csrf(self, claims: dict[str, Any]) -> str:
        """The CSRF token of one login: an HMAC of the token's id, so nothing is stored server-side."""
        return hmac.new(self._key, f"csrf:{claims['jti']}".encode(), hashlib.sha256).hexdigest()

    def current(self, claims: dict[str, Any], staff: StaffInfo | None) -> bool:
        """Whether ``claims`` still log ``staff`` in: the user is active and has not revoked the token."""
        return staff is not None and staff.active and claims.get("ver") == staff.token_version
