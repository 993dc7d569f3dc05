"""labhelpers.kafka_config and its auth token, against a real localoci (in-process): the token
is saved once (0600) and found again only while Identity has it, the settings never show it,
the username is ``tenancy/user/pool`` from Identity's names, bad input names the fix, and the
partitioners are the clients' own."""

from __future__ import annotations

import stat

import oci
import pytest

from labhelpers import connect, get_or_create_stream
from labhelpers.authtokens import delete_token, identity_client, save_token, saved_token, token_file
from labhelpers.errors import AuthTokenMissing, KafkaConfigError, LabError
from labhelpers.kafka import KafkaConfig, kafka_config, to_kafka_python
from labhelpers.partitioners import crc32_partition, murmur2, murmur2_partition

SECRET = "Ab3:>x;[)Q9-9{z=w!Lp"


@pytest.fixture
def lab(inprocess_factory, monkeypatch, tmp_path):
    server = inprocess_factory()
    monkeypatch.setenv("LOCALOCI_URL", server.url)
    monkeypatch.setenv("LOCALOCI_HOME", str(server.data_dir))
    monkeypatch.setenv("LAB_TARGET", "local")
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "lab-home"))
    monkeypatch.delenv("LAB_STREAM", raising=False)
    return connect()


def _create(lab, description="test"):
    details = oci.identity.models.CreateAuthTokenDetails(description=description)
    return identity_client(lab).create_auth_token(details, lab.config["user"]).data


# -- showing the settings ------------------------------------------------------------------------


def test_the_settings_never_show_the_token_but_hand_it_to_the_client():
    conf = KafkaConfig(
        {"bootstrap.servers": "127.0.0.1:9092", "sasl.password": SECRET},
        pool_id="ocid1.streampool.oc1..p",
    )
    for shown in (repr(conf), str(conf), conf._repr_html_(), repr(conf.kafka_python())):
        assert SECRET not in shown and "[REDACTED]" in shown
    assert conf["sasl.password"] == SECRET
    assert dict(conf.kafka_python())["sasl_plain_password"] == SECRET


def test_kafka_python_gets_every_librdkafka_key_under_its_own_name():
    conf = {
        "bootstrap.servers": "h:1",
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "PLAIN",
        "sasl.username": "t/u/p",
        "sasl.password": "x",
        "ssl.ca.location": "/ca.pem",
    }
    assert dict(to_kafka_python(conf, enable_idempotence=False)) == {
        "bootstrap_servers": "h:1",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "PLAIN",
        "sasl_plain_username": "t/u/p",
        "sasl_plain_password": "x",
        "ssl_cafile": "/ca.pem",
        "enable_idempotence": False,
    }
    with pytest.raises(KafkaConfigError, match="linger.ms"):
        to_kafka_python({**conf, "linger.ms": 5})


# -- the token -----------------------------------------------------------------------------------


def test_a_token_is_saved_once_readable_by_its_owner_only_and_found_again(lab):
    created = _create(lab)
    saved = save_token(lab, created)
    path = token_file(lab)
    assert saved.path == path and path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert created.token not in repr(saved) and created.token not in str(saved)
    again = saved_token(lab)
    assert again is not None and again.id == created.id and again.value == created.token


def test_a_token_deleted_elsewhere_is_forgotten(lab):
    created = _create(lab)
    save_token(lab, created)
    identity_client(lab).delete_auth_token(lab.config["user"], created.id)
    assert saved_token(lab) is None
    assert not token_file(lab).exists()


def test_delete_token_deletes_it_from_identity_and_is_safe_twice(lab):
    created = _create(lab)
    save_token(lab, created)
    assert delete_token(lab) == created.id
    listed = identity_client(lab).list_auth_tokens(lab.config["user"]).data
    assert created.id not in {t.id for t in listed}
    assert not token_file(lab).exists()
    assert delete_token(lab) is None


def test_a_listed_token_has_no_value_to_save(lab):
    _create(lab)
    [listed] = identity_client(lab).list_auth_tokens(lab.config["user"]).data
    with pytest.raises(KafkaConfigError, match="create_auth_token"):
        save_token(lab, listed)


# -- kafka_config's errors -----------------------------------------------------------------------


def test_without_a_token_the_error_says_how_to_create_one(lab):
    get_or_create_stream(lab, partitions=1)
    with pytest.raises(AuthTokenMissing, match="create_auth_token") as err:
        kafka_config(lab)
    assert isinstance(err.value, LabError)


def test_a_lab_without_a_user_cannot_sign_in_to_kafka(lab):
    lab.config = {k: v for k, v in lab.config.items() if k != "user"}
    with pytest.raises(KafkaConfigError, match="api_key"):
        kafka_config(lab, token=SECRET)


def test_a_pool_that_is_not_a_pool_is_named(lab):
    with pytest.raises(KafkaConfigError, match="ocid1.streampool"):
        kafka_config(lab, "ocid1.stream.oc1..notapool", token=SECRET)
    with pytest.raises(KafkaConfigError, match="StreamPool"):
        kafka_config(lab, 42, token=SECRET)


def test_no_lab_stream_yet_says_to_create_it(lab):
    with pytest.raises(KafkaConfigError, match="get_or_create_stream"):
        kafka_config(lab, token=SECRET)


# -- partitioners ----------------------------------------------------------------------------------


def test_murmur2_is_kafka_pythons():
    from kafka.partitioner.default import murmur2 as theirs

    for key in [b"", b"a", b"ab", b"abc", b"abcd", "ключ-7".encode(), bytes(range(41))]:
        assert murmur2(key) & 0xFFFFFFFF == theirs(key) & 0xFFFFFFFF, key


def test_the_partitioners_disagree_for_some_keys():
    keys = [f"user-{i}" for i in range(20)]
    assert any(murmur2_partition(k, 3) != crc32_partition(k, 3) for k in keys)
    assert all(0 <= crc32_partition(k, 3) < 3 for k in keys)


# -- end to end: the settings sign in to the stand-in's listener ---------------------------------


def _lab_with_token(lab):
    stream = get_or_create_stream(lab, name=lab.stream_name + "-kafka", partitions=3)
    return stream, kafka_config(lab, stream, token=_create(lab, "e2e"))


def test_confluent_kafka_produces_with_the_settings_and_rest_reads_it_back(lab):
    from confluent_kafka import Producer

    from labhelpers import consume

    stream, conf = _lab_with_token(lab)
    assert conf["security.protocol"] == "SASL_SSL" and conf["ssl.ca.location"]
    reports = []
    producer = Producer(dict(conf))
    producer.produce(
        stream.name, key=b"k", value=b"hello", on_delivery=lambda e, m: reports.append((e, m))
    )
    assert producer.flush(30) == 0
    ((error, message),) = reports
    assert error is None and message.partition() == crc32_partition(b"k", 3)
    client = lab.stream_client(stream.messages_endpoint)
    got = list(consume(client, stream.id, partitions=str(message.partition()), limit=10))
    assert [(m.key, m.value, m.offset) for m in got] == [("k", "hello", message.offset())]


def test_kafka_python_signs_in_with_the_converted_settings_once_idempotence_is_off(lab):
    from kafka import KafkaProducer
    from kafka.errors import IncompatibleBrokerVersion

    stream, conf = _lab_with_token(lab)
    producer = KafkaProducer(**conf.kafka_python())
    with pytest.raises(IncompatibleBrokerVersion, match="InitProducerId"):
        producer.send(stream.name, key=b"k", value=b"x").get(timeout=20)
    producer.close(timeout=5)
    producer = KafkaProducer(**conf.kafka_python(enable_idempotence=False))
    sent = producer.send(stream.name, key=b"user-1", value=b"x").get(timeout=20)
    producer.close(timeout=5)
    assert sent.partition == murmur2_partition(b"user-1", 3)


def test_a_saved_token_signs_in_on_the_next_run_without_creating_another(lab):
    from confluent_kafka import Producer

    stream, _ = _lab_with_token(lab)
    conf = kafka_config(lab, stream)  # no token given: the saved one
    producer = Producer(dict(conf))
    producer.produce(stream.name, value=b"again")
    assert producer.flush(30) == 0
    assert len(identity_client(lab).list_auth_tokens(lab.config["user"]).data) == 1
