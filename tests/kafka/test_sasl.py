"""OCI's Kafka username and the PLAIN message: parsed here, before any backend is asked."""

from __future__ import annotations

import pytest

from localoci.kafka import AuthenticationFailed, OciUsername
from localoci.kafka.sasl import parse_plain, parse_username

POOL = "ocid1.streampool.oc1.phx.amaaaaaaexample"


def test_three_part_usernames_name_tenancy_user_and_pool():
    assert parse_username(f"acme/jdoe/{POOL}") == OciUsername("acme", "jdoe", POOL)


def test_four_part_usernames_carry_the_identity_domain():
    u = parse_username(f"acme/oracleidentitycloudservice/jdoe@example.com/{POOL}")
    assert (u.domain, u.user) == ("oracleidentitycloudservice", "jdoe@example.com")


@pytest.mark.parametrize(
    "username,part",
    [
        ("acme/jdoe", "username"),
        (f"a/b/c/d/{POOL}", "username"),
        (f"acme//{POOL}", "username"),
        (f"ocid1.tenancy.oc1..aaa/jdoe/{POOL}", "tenancy"),
        (f"acme/ocid1.user.oc1..aaa/{POOL}", "user"),
        ("acme/jdoe/DefaultPool", "pool"),
    ],
)
def test_malformed_usernames_fail_naming_the_part(username, part):
    with pytest.raises(AuthenticationFailed) as e:
        parse_username(username)
    assert e.value.part == part and e.value.code == 58


def test_plain_messages_split_into_username_and_password():
    assert parse_plain(b"\0acme/jdoe/x\0p:a;s>s") == ("acme/jdoe/x", "p:a;s>s")
    assert parse_plain(b"acme/jdoe/x\0acme/jdoe/x\0pw") == ("acme/jdoe/x", "pw")


@pytest.mark.parametrize("message", [b"nonulls", b"other\0u\0p", b"\0u\0", b"\0\0p", b"\0\xff\0p"])
def test_bad_plain_messages_are_authentication_failures(message):
    with pytest.raises(AuthenticationFailed):
        parse_plain(message)
