"""The notebooks' clean-up cells: delete only the learner's own streams, and are safe twice."""

from __future__ import annotations

from labhelpers import connect, delete_lab_streams, find_stream, get_or_create_stream


def test_clean_up_deletes_only_my_named_stream_and_is_idempotent(localoci_factory, monkeypatch):
    server = localoci_factory()
    monkeypatch.setenv("LOCALOCI_URL", server.url)
    monkeypatch.setenv("LAB_TARGET", "local")
    monkeypatch.setenv("LAB_ID", "ada")
    mine = connect()
    main = get_or_create_stream(mine, partitions=1)
    extra = get_or_create_stream(mine, name=mine.stream_name + "-groups", partitions=1)
    monkeypatch.setenv("LAB_ID", "bob")
    theirs = connect()
    other = get_or_create_stream(theirs, name="lab-stream-bob-groups", partitions=1)

    assert delete_lab_streams(mine, names=[extra.name]) == [extra.name]
    assert delete_lab_streams(mine, names=[extra.name]) == []  # the second run finds nothing
    assert find_stream(mine, extra.name) is None
    assert find_stream(mine, main.name) is not None  # the main lab stream stays
    assert find_stream(theirs, other.name) is not None  # another learner's stays
    assert delete_lab_streams(mine) == [main.name]  # no names: all of mine
    assert find_stream(theirs, other.name) is not None


def test_07s_clean_up_deletes_its_stream_and_its_auth_token_and_is_idempotent(
    localoci_factory, monkeypatch, tmp_path
):
    import oci

    from labhelpers.authtokens import delete_token, identity_client, save_token, token_file

    server = localoci_factory()
    monkeypatch.setenv("LOCALOCI_URL", server.url)
    monkeypatch.setenv("LAB_TARGET", "local")
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "lab-home"))
    lab = connect()
    kafka = get_or_create_stream(lab, name=lab.stream_name + "-kafka", partitions=1)
    identity = identity_client(lab)
    user = lab.config["user"]
    kept = identity.create_auth_token(
        oci.identity.models.CreateAuthTokenDetails(description="not the lab's"), user
    ).data
    mine = save_token(
        lab,
        identity.create_auth_token(
            oci.identity.models.CreateAuthTokenDetails(description="lab: Kafka clients"), user
        ).data,
    )

    assert delete_lab_streams(lab, names=[kafka.name]) == [kafka.name]
    assert delete_token(lab, identity) == mine.id
    assert delete_lab_streams(lab, names=[kafka.name]) == []  # the second run finds nothing
    assert delete_token(lab, identity) is None
    assert not token_file(lab).exists()
    assert [t.id for t in identity.list_auth_tokens(user).data] == [kept.id]  # another token stays
