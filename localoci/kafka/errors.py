"""Kafka error codes the listener answers with, and the two exceptions that cross the seam.

Exception tree (what a :class:`~localoci.kafka.backend.Backend` may raise)::

    KafkaError                 a Kafka error code plus a message naming the fix
    └── AuthenticationFailed   SASL_AUTHENTICATION_FAILED (58); ``part`` says which part of
                               the credentials is wrong: username, tenancy, domain, user,
                               pool or token

Named constructors build the messages, so that the wording (which is part of what a learner
reads in their client's error) lives here and not in each backend.  Codes are Apache Kafka's
(``clients/.../common/protocol/Errors.java``).
"""

from __future__ import annotations

from enum import IntEnum


class Code(IntEnum):
    """The Kafka error codes localoci uses (a subset of Kafka's)."""

    UNKNOWN_SERVER_ERROR = -1
    NONE = 0
    OFFSET_OUT_OF_RANGE = 1
    CORRUPT_MESSAGE = 2
    UNKNOWN_TOPIC_OR_PARTITION = 3
    LEADER_NOT_AVAILABLE = 5
    MESSAGE_TOO_LARGE = 10
    OFFSET_METADATA_TOO_LARGE = 12
    COORDINATOR_NOT_AVAILABLE = 15
    INVALID_TOPIC_EXCEPTION = 17
    INVALID_REQUIRED_ACKS = 21
    ILLEGAL_GENERATION = 22
    INCONSISTENT_GROUP_PROTOCOL = 23
    INVALID_GROUP_ID = 24
    UNKNOWN_MEMBER_ID = 25
    INVALID_SESSION_TIMEOUT = 26
    REBALANCE_IN_PROGRESS = 27
    UNSUPPORTED_SASL_MECHANISM = 33
    ILLEGAL_SASL_STATE = 34
    UNSUPPORTED_VERSION = 35
    TOPIC_ALREADY_EXISTS = 36
    INVALID_PARTITIONS = 37
    INVALID_REPLICATION_FACTOR = 38
    INVALID_REQUEST = 42
    POLICY_VIOLATION = 44
    INVALID_CONFIG = 40
    SASL_AUTHENTICATION_FAILED = 58
    GROUP_ID_NOT_FOUND = 69
    UNSUPPORTED_COMPRESSION_TYPE = 76
    INVALID_RECORD = 87


class KafkaError(Exception):
    """A Kafka error code with a message that says what is wrong and what to do."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = Code(code)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.name}, {self.message!r})"

    # -- topics (what a backend raises from create_topic) -----------------------------------

    @classmethod
    def topic_exists(cls, name: str, pool_id: str) -> KafkaError:
        return cls(
            Code.TOPIC_ALREADY_EXISTS,
            f"a stream named {name!r} already exists in stream pool {pool_id}; "
            "stream names are unique within a pool.",
        )

    @classmethod
    def partitions_limit(cls, wanted: int, available: int) -> KafkaError:
        return cls(
            Code.POLICY_VIOLATION,
            f"creating {wanted} partitions would exceed the tenancy's partition limit "
            f"({available} left); delete streams you no longer need or ask for fewer "
            "partitions.",
        )


class AuthenticationFailed(KafkaError):
    """SASL/PLAIN credentials were refused.  ``part`` names the wrong part."""

    PARTS = ("username", "tenancy", "domain", "user", "pool", "token", "streams")

    def __init__(self, part: str, message: str) -> None:
        assert part in self.PARTS, part
        super().__init__(Code.SASL_AUTHENTICATION_FAILED, f"Authentication failed: {message}")
        self.part = part

    @classmethod
    def unknown_tenancy(cls, name: str) -> AuthenticationFailed:
        return cls(
            "tenancy",
            f"no tenancy is named {name!r}. The first part of the username is "
            "the tenancy's name (not its OCID).",
        )

    @classmethod
    def unknown_domain(cls, domain: str, tenancy: str) -> AuthenticationFailed:
        return cls(
            "domain",
            f"tenancy {tenancy!r} has no identity domain named {domain!r}. "
            "Use tenancyName/userName/streamPoolId, or the domain's name as the second part.",
        )

    @classmethod
    def unknown_user(cls, user: str, tenancy: str) -> AuthenticationFailed:
        return cls(
            "user",
            f"tenancy {tenancy!r} has no user named {user!r}. The user part is the "
            "user's name (not its OCID).",
        )

    @classmethod
    def unknown_pool(cls, pool_id: str, tenancy: str) -> AuthenticationFailed:
        return cls(
            "pool",
            f"no active stream pool {pool_id} in tenancy {tenancy!r}. The last part "
            "of the username is the stream pool's OCID (the pool's Kafka settings show it).",
        )

    @classmethod
    def bad_token(cls, user: str) -> AuthenticationFailed:
        return cls(
            "token",
            f"the password is not an auth token of user {user!r}. Create one "
            "(Identity CreateAuthToken) and use its token value as the SASL password.",
        )

    @classmethod
    def duplicate_streams(cls, pool_id: str, names: list[str]) -> AuthenticationFailed:
        return cls(
            "streams",
            f"stream pool {pool_id} has more than one stream named "
            f"{', '.join(repr(n) for n in names)}; Kafka topics need unique names. "
            "Delete or move the duplicates.",
        )
