"""Every exception labhelpers raises, under one root: :class:`LabError`.

``except LabError`` catches anything the lab's helpers raise on purpose (each message names
the fix); the SDK's own ``oci.exceptions.ServiceError`` is not wrapped and stays what it is.
Each class also keeps the built-in base it had before the tree existed (``RuntimeError``, or
``ValueError`` for :class:`DecodeError`), so code that caught those still does.

This module imports nothing, so any module (and localoci's control client, for
``LocalOCIError``) can derive from the root without pulling pandas or the SDK in.  The tree
is drawn in :mod:`labhelpers`'s docstring.

>>> issubclass(LabConfigError, LabError) and issubclass(LabConfigError, RuntimeError)
True
>>> issubclass(DecodeError, ValueError)
True
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ChromiumNotFound",
    "ConsumeError",
    "DecodeError",
    "AuthTokenMissing",
    "GatewaySetupError",
    "KafkaConfigError",
    "KafkaNotAvailable",
    "LabConfigError",
    "LabError",
    "LocalOCIError",
    "NotebookNotFound",
    "PublishError",
    "ReportError",
    "StreamError",
    "service_error_line",
]


class LabError(Exception):
    """The root of every labhelpers exception; the message names the fix."""


class LabConfigError(LabError, RuntimeError):
    """The lab cannot connect; the message names the fix."""


class LocalOCIError(LabError, RuntimeError):
    """localoci is not reachable and could not be started (the message names the fix)."""


class StreamError(LabError, RuntimeError):
    """The stream is missing or not usable; the message names the fix."""


class PublishError(LabError, RuntimeError):
    """Some entries were refused for a reason other than throttling.

    ``failed`` lists ``(index, error, error_message)``; ``result`` holds what did land
    (a :class:`labhelpers.publish.PublishResult`).
    """

    def __init__(self, failed: list[tuple[int, str, str]], result: Any):
        self.failed = failed
        self.result = result
        first = failed[0]
        super().__init__(
            f"{len(failed)} message(s) were not published (first: #{first[0]}: {first[1]}: {first[2]}); "
            f"{result.count} were. Nothing was dropped silently: see .failed."
        )


class ConsumeError(LabError, RuntimeError):
    """GetMessages failed for a reason retrying will not fix; the message names the fix."""


class DecodeError(LabError, ValueError):
    """Bytes that are not what the deserializer expects (the message says what they look like)."""


class GatewaySetupError(LabError, RuntimeError):
    """Something deploy_hello needs is missing or taken; the message names the fix."""


class KafkaConfigError(LabError, RuntimeError):
    """Kafka client settings cannot be built (:func:`labhelpers.kafka.kafka_config`); the message names the fix."""


class AuthTokenMissing(KafkaConfigError):
    """No auth token was given and none is saved: the message says how to create one."""


class KafkaNotAvailable(KafkaConfigError):
    """The stream pool reports no Kafka bootstrap servers (locally: no Kafka listener)."""


class ReportError(LabError, RuntimeError):
    """A report could not be built; the message says what to do."""


class NotebookNotFound(ReportError):
    """``export_report()`` could not find the notebook it runs in."""


class ChromiumNotFound(ReportError):
    """A PDF was asked for and no Chromium is installed."""


def service_error_line(exc: Any) -> str:
    """One line for an ``oci.exceptions.ServiceError``, as workers keep it: ``HTTP 404 NotFound: ...``.

    >>> from types import SimpleNamespace as E
    >>> service_error_line(E(status=429, code="TooManyRequests", message="slow down"))
    'HTTP 429 TooManyRequests: slow down'
    """
    return f"HTTP {exc.status} {exc.code}: {exc.message}"
