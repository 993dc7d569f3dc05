"""OCI's timestamp format: RFC 3339 UTC with milliseconds, e.g. ``2018-11-30T01:34:15.928Z``.

>>> format_ms(1543541655928)
'2018-11-30T01:34:15.928Z'
>>> parse_to_ms("2018-11-30T01:34:15.928123456Z", "time")     # nanoseconds, as the CLI may send
1543541655928
>>> parse_to_ms("2018-11-30T02:34:15.928+01:00", "time")      # an offset
1543541655928
>>> parse_to_ms("yesterday", "time")
Traceback (most recent call last):
    ...
localoci.errors.OciError: 'time' is not a valid RFC 3339 date-time: 'yesterday'. Use e.g. 2024-01-02T03:04:05.000Z.
"""

from __future__ import annotations

from datetime import UTC, datetime


def format_ms(ms: int) -> str:
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_to_ms(value: object, field: str) -> int:
    """Parse an RFC 3339 date-time (0-9 fraction digits, ``Z`` or an offset) to epoch ms."""
    from .errors import invalid_parameter

    if not isinstance(value, str) or not value:
        raise invalid_parameter(
            f"'{field}' must be an RFC 3339 date-time string, e.g. 2024-01-02T03:04:05.000Z."
        )
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python accepts at most 6 fraction digits: trim extra precision.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        i = 0
        while i < len(rest) and rest[i].isdigit():
            digits += rest[i]
            i += 1
        text = head + ("." + digits[:6].ljust(6, "0") if digits else "") + rest[i:]
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise invalid_parameter(
            f"'{field}' is not a valid RFC 3339 date-time: {value!r}. Use e.g. 2024-01-02T03:04:05.000Z."
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)
