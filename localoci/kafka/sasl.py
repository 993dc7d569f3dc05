"""SASL/PLAIN as OCI Streaming uses it: the username names tenancy, user and stream pool,
the password is an auth token.

Rules (OCI docs, "Using Kafka APIs"; the parse rule itself is localoci's choice):

* the PLAIN message is ``authzid NUL authcid NUL password`` (RFC 4616); authzid must be empty
  or equal to authcid;
* the username is ``tenancyName/userName/streamPoolId`` or
  ``tenancyName/domainName/userName/streamPoolId``: names, not OCIDs, for tenancy and user;
  the pool's OCID (``ocid1.streampool.…``) last.  Anything else is refused here, with a
  message that names the part, before the backend is asked;
* only the PLAIN mechanism is offered (OCI's Java-only OCI-RSA-SHA256 is not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kafka.protocol.sasl import SaslAuthenticateResponse, SaslHandshakeResponse

from .backend import OciUsername
from .errors import AuthenticationFailed, Code

if TYPE_CHECKING:
    from .connection import Connection

#: Connection SASL states.  RAW_TOKEN: after a v0 handshake the next frame is the bare token.
START, HANDSHAKEN, RAW_TOKEN, AUTHENTICATED = "start", "handshaken", "raw-token", "authenticated"
MECHANISMS = ["PLAIN"]
FORMAT = "tenancyName/userName/streamPoolId (or tenancyName/domainName/userName/streamPoolId)"


def _bad(message: str) -> AuthenticationFailed:
    return AuthenticationFailed("username", message)


def parse_username(username: str) -> OciUsername:
    """Split an OCI Kafka username into its parts; :class:`AuthenticationFailed` (part
    ``username``, ``tenancy``, ``user`` or ``pool``) when its shape is wrong."""
    parts = username.split("/")
    if len(parts) not in (3, 4):
        raise _bad(
            f"the username must be {FORMAT}; {username!r} has {len(parts)} "
            f"part{'s' if len(parts) != 1 else ''}."
        )
    if any(not p for p in parts):
        raise _bad(f"the username {username!r} has an empty part; it must be {FORMAT}.")
    tenancy, *middle, pool_id = parts
    user = middle[-1]
    domain = middle[0] if len(middle) == 2 else None
    if tenancy.startswith("ocid1."):
        raise AuthenticationFailed(
            "tenancy",
            "the first part of the username must be the "
            f"tenancy's name, not an OCID ({tenancy[:24]}…).",
        )
    if user.startswith("ocid1."):
        raise AuthenticationFailed(
            "user",
            f"the user part of the username must be the user's name, not an OCID ({user[:24]}…).",
        )
    if not pool_id.startswith("ocid1.streampool."):
        raise AuthenticationFailed(
            "pool",
            "the last part of the username must be the stream "
            f"pool's OCID (ocid1.streampool.…), not {pool_id!r}.",
        )
    return OciUsername(tenancy=tenancy, user=user, pool_id=pool_id, domain=domain)


def parse_plain(message: bytes) -> tuple[str, str]:
    """``(username, password)`` from a SASL/PLAIN message."""
    fields = message.split(b"\x00")
    if len(fields) != 3:
        raise _bad("the SASL/PLAIN message must be authzid NUL username NUL password.")
    try:
        authzid, authcid, password = (f.decode("utf-8") for f in fields)
    except UnicodeDecodeError:
        raise _bad("the SASL/PLAIN username and password must be UTF-8.") from None
    if authzid and authzid != authcid:
        raise _bad("the SASL authorization id must be empty or equal to the username.")
    if not authcid:
        raise _bad(f"the username is empty; it must be {FORMAT}.")
    if not password:
        raise AuthenticationFailed(
            "token", "the password is empty; it must be an auth token (Identity CreateAuthToken)."
        )
    return authcid, password


# -- the two SASL requests ------------------------------------------------------------------


async def handle_handshake(conn: Connection, version: int, req) -> SaslHandshakeResponse:
    """SaslHandshake v0/v1: only PLAIN, only once, only before authentication."""
    if conn.sasl_state != START:
        conn.close_after = True
        code = Code.ILLEGAL_SASL_STATE
        conn.listener.warn(
            "sasl-state",
            "closing %s: SaslHandshake while %s",
            conn.peer,
            "authenticated" if conn.sasl_state == AUTHENTICATED else "handshaken",
        )
    elif req.mechanism != "PLAIN":
        conn.close_after = True
        code = Code.UNSUPPORTED_SASL_MECHANISM
        conn.listener.warn(
            "sasl-mechanism",
            "closing %s: SASL mechanism %r asked; OCI Streaming "
            "takes PLAIN (username + auth token)",
            conn.peer,
            req.mechanism,
        )
    else:
        code = Code.NONE
        conn.sasl_state = RAW_TOKEN if version == 0 else HANDSHAKEN
    return SaslHandshakeResponse(version=version, error_code=int(code), mechanisms=MECHANISMS)


async def handle_authenticate(conn: Connection, version: int, req) -> SaslAuthenticateResponse:
    """SaslAuthenticate v0-2 carrying the PLAIN message; session lifetime 0 (no re-auth)."""

    def answer(code: Code, message: str | None) -> SaslAuthenticateResponse:
        return SaslAuthenticateResponse(
            version=version,
            error_code=int(code),
            error_message=message,
            auth_bytes=b"",
            session_lifetime_ms=0,
        )

    if conn.sasl_state != HANDSHAKEN:
        conn.close_after = True
        return answer(
            Code.ILLEGAL_SASL_STATE,
            "SaslAuthenticate must follow a SaslHandshake v1 for PLAIN, once.",
        )
    failure = conn.authenticate(req.auth_bytes or b"")
    if failure is not None:
        conn.close_after = True
        return answer(failure.code, failure.message)
    return answer(Code.NONE, None)


HANDLERS = {17: handle_handshake, 36: handle_authenticate}
