"""The Identity stand-in through the official ``oci.identity.IdentityClient``: the tenancy and
its users by name, compartments (and streams that honour them), auth tokens shown once, at
most two, stored hashed, and checked for the Kafka listener."""

from __future__ import annotations

import itertools
import sqlite3
import string

import oci
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from localoci.bootstrap import TENANCY_NAME, USER_NAME

from .helpers import NO_RETRY

IM = oci.identity.models


@pytest.fixture(scope="module")
def ident(localoci):
    return oci.identity.IdentityClient(
        localoci.config, service_endpoint=localoci.url, retry_strategy=NO_RETRY
    )


def _public_pem(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


_users = itertools.count()


@pytest.fixture
def user(localoci):
    """A fresh user of the local tenancy (so its token count starts at zero), signing with the
    LOCAL profile's key."""
    key = oci.signer.load_private_key_from_file(localoci.config["key_file"])
    return localoci.control.add_user(f"learner-{next(_users)}", _public_pem(key))


def _error(call, *args, **kw) -> oci.exceptions.ServiceError:
    with pytest.raises(oci.exceptions.ServiceError) as err:
        call(*args, **kw)
    return err.value


def test_the_local_tenancy_and_user_have_names(localoci, ident):
    cfg = localoci.config
    tenancy = ident.get_tenancy(cfg["tenancy"]).data
    me = ident.get_user(cfg["user"]).data
    assert (tenancy.name, me.name) == (TENANCY_NAME, USER_NAME)
    assert me.compartment_id == cfg["tenancy"] and me.lifecycle_state == "ACTIVE"
    assert USER_NAME in [u.name for u in ident.list_users(cfg["tenancy"]).data]
    assert [u.id for u in ident.list_users(cfg["tenancy"], name=USER_NAME).data] == [cfg["user"]]


def test_unknown_users_and_tenancies_are_404_not_authorized_or_not_found(ident):
    for call, ident_ in (
        (ident.get_user, "ocid1.user.oc1..nobody"),
        (ident.get_tenancy, "ocid1.tenancy.oc1..nowhere"),
        (ident.get_compartment, "ocid1.compartment.oc1..nothing"),
    ):
        err = _error(call, ident_)
        assert (err.status, err.code) == (404, "NotAuthorizedOrNotFound")


def test_a_compartment_is_created_in_the_tenancy_listed_and_read_back(localoci, ident):
    tenancy = localoci.config["tenancy"]
    made = ident.create_compartment(
        IM.CreateCompartmentDetails(
            compartment_id=tenancy, name="lab-compartment-1", description="the class"
        )
    ).data
    assert made.id.startswith("ocid1.compartment.") and made.lifecycle_state == "ACTIVE"
    assert made.compartment_id == tenancy
    got = ident.get_compartment(made.id).data
    assert (got.name, got.description) == ("lab-compartment-1", "the class")
    assert "lab-compartment-1" in [c.name for c in ident.list_compartments(tenancy).data]
    root = ident.get_compartment(tenancy).data
    assert root.name == TENANCY_NAME, "the tenancy is the root compartment"


def test_a_compartment_name_is_unique_among_its_siblings_only(localoci, ident):
    tenancy = localoci.config["tenancy"]
    first = ident.create_compartment(
        IM.CreateCompartmentDetails(compartment_id=tenancy, name="twice", description="a")
    ).data
    err = _error(
        ident.create_compartment,
        IM.CreateCompartmentDetails(compartment_id=tenancy, name="twice", description="b"),
    )
    assert (err.status, err.code) == (409, "CompartmentAlreadyExists")
    assert err.message == "A compartment with name 'twice' already exists."
    child = ident.create_compartment(
        IM.CreateCompartmentDetails(compartment_id=first.id, name="twice", description="c")
    ).data
    assert child.compartment_id == first.id
    direct = [c.id for c in ident.list_compartments(tenancy, name="twice").data]
    subtree = [
        c.id
        for c in ident.list_compartments(tenancy, name="twice", compartment_id_in_subtree=True).data
    ]
    assert direct == [first.id] and sorted(subtree) == sorted([first.id, child.id])
    err = _error(ident.list_compartments, first.id, compartment_id_in_subtree=True)
    assert err.status == 400, "OCI allows the subtree only from the tenancy"


def test_list_compartments_pages_with_opc_next_page(localoci, ident):
    parent = ident.create_compartment(
        IM.CreateCompartmentDetails(
            compartment_id=localoci.config["tenancy"], name="paged", description="p"
        )
    ).data
    for i in range(3):
        ident.create_compartment(
            IM.CreateCompartmentDetails(compartment_id=parent.id, name=f"c{i}", description="c")
        )
    first = ident.list_compartments(parent.id, limit=2, sort_by="NAME")
    assert [c.name for c in first.data] == ["c0", "c1"] and first.next_page
    rest = ident.list_compartments(parent.id, limit=2, sort_by="NAME", page=first.next_page)
    assert [c.name for c in rest.data] == ["c2"] and rest.next_page is None
    every = oci.pagination.list_call_get_all_results(ident.list_compartments, parent.id, limit=1)
    assert sorted(c.name for c in every.data) == ["c0", "c1", "c2"]


def test_an_auth_token_is_20_printable_characters_with_punctuation_shown_once(ident, user):
    made = ident.create_auth_token(
        IM.CreateAuthTokenDetails(description="kafka"), user["user"]
    ).data
    assert len(made.token) == 20 and made.token.isprintable() and " " not in made.token
    assert any(c in string.punctuation for c in made.token)
    assert made.lifecycle_state == "ACTIVE" and made.time_expires is None
    listed = ident.list_auth_tokens(user["user"]).data
    assert [t.id for t in listed] == [made.id]
    assert listed[0].token is None, "a token's value is shown only when it is created"
    assert listed[0].description == "kafka"


def test_a_user_has_at_most_two_auth_tokens(ident, user):
    for i in range(2):
        ident.create_auth_token(IM.CreateAuthTokenDetails(description=f"t{i}"), user["user"])
    err = _error(
        ident.create_auth_token, IM.CreateAuthTokenDetails(description="third"), user["user"]
    )
    assert (err.status, err.code) == (400, "LimitExceeded")
    assert "Delete one" in err.message
    assert len(ident.list_auth_tokens(user["user"]).data) == 2


def test_deleting_a_token_answers_204_and_frees_its_place(ident, user):
    tokens = [
        ident.create_auth_token(IM.CreateAuthTokenDetails(description=d), user["user"]).data
        for d in ("a", "b")
    ]
    response = ident.delete_auth_token(user["user"], tokens[0].id)
    assert response.status == 204
    assert [t.id for t in ident.list_auth_tokens(user["user"]).data] == [tokens[1].id]
    ident.create_auth_token(IM.CreateAuthTokenDetails(description="c"), user["user"])
    err = _error(ident.delete_auth_token, user["user"], tokens[0].id)
    assert err.status == 404


def test_update_changes_the_description_not_the_token(ident, user):
    made = ident.create_auth_token(IM.CreateAuthTokenDetails(description="old"), user["user"]).data
    updated = ident.update_auth_token(
        user["user"], made.id, IM.UpdateAuthTokenDetails(description="new")
    ).data
    assert (updated.description, updated.token) == ("new", None)


def test_tokens_are_stored_hashed_and_verified_for_the_kafka_listener(localoci, ident, user):
    made = ident.create_auth_token(IM.CreateAuthTokenDetails(description="k"), user["user"]).data
    db = sqlite3.connect(localoci.data_dir / "localoci.db")
    try:
        dump = "\n".join(db.iterdump())
    finally:
        db.close()
    assert made.token not in dump, "the token itself must never be stored"
    ids = localoci.server.svc.identity
    tenancy = ids.tenancy_by_name(user["tenancyName"])
    found = ids.user_by_name(tenancy.id, user["userName"])
    assert found.id == user["user"]
    assert ids.verify_auth_token(found.id, made.token)
    assert not ids.verify_auth_token(found.id, made.token[:-1] + "?")
    ident.delete_auth_token(user["user"], made.id)
    assert not ids.verify_auth_token(found.id, made.token), "a deleted token stops working"


def test_a_user_added_on_the_control_channel_signs_with_its_own_key(localoci, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "learner.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pem = _public_pem(key)
    added = localoci.control.add_user("ada", pem)
    assert localoci.control.add_user("ada", pem)["user"] == added["user"], "same name, same user"
    cfg = {
        "user": added["user"],
        "tenancy": added["tenancy"],
        "fingerprint": added["fingerprint"],
        "key_file": str(key_file),
        "region": added["region"],
    }
    me = oci.identity.IdentityClient(cfg, service_endpoint=localoci.url, retry_strategy=NO_RETRY)
    assert me.get_user(added["user"]).data.name == "ada"


def test_streams_and_pools_honour_compartments_when_strict(localoci_factory):
    server = localoci_factory("--compartments", "strict")
    admin = server.admin(retry_strategy=NO_RETRY)
    ident = oci.identity.IdentityClient(
        server.config, service_endpoint=server.url, retry_strategy=NO_RETRY
    )
    real = ident.create_compartment(
        IM.CreateCompartmentDetails(
            compartment_id=server.config["tenancy"], name="lab-compartment", description="x"
        )
    ).data
    SM = oci.streaming.models
    made = admin.create_stream(
        SM.CreateStreamDetails(name="s", partitions=1, compartment_id=real.id)
    ).data
    assert made.compartment_id == real.id
    assert [s.id for s in admin.list_streams(compartment_id=real.id).data] == [made.id]
    unknown = "ocid1.compartment.oc1..aaaaaaaanotacompartment"
    for call, args in (
        (
            admin.create_stream,
            (SM.CreateStreamDetails(name="t", partitions=1, compartment_id=unknown),),
        ),
        (admin.create_stream_pool, (SM.CreateStreamPoolDetails(name="p", compartment_id=unknown),)),
        (admin.list_streams, ()),
        (admin.list_stream_pools, (unknown,)),
        (
            admin.change_stream_compartment,
            (made.id, SM.ChangeStreamCompartmentDetails(compartment_id=unknown)),
        ),
    ):
        kw = {"compartment_id": unknown} if call == admin.list_streams else {}
        err = _error(call, *args, **kw)
        assert (err.status, err.code) == (404, "NotAuthorizedOrNotFound"), call
        assert unknown in err.message


def test_open_compartments_accept_any_ocid_as_the_local_stand_in_did(localoci):
    admin = localoci.admin(retry_strategy=NO_RETRY)
    made = admin.create_stream(
        oci.streaming.models.CreateStreamDetails(
            name="anywhere", partitions=1, compartment_id="ocid1.compartment.oc1..madeup"
        )
    ).data
    assert made.compartment_id == "ocid1.compartment.oc1..madeup"
    admin.delete_stream(made.id)
