"""Functions management through the official FunctionsManagementClient (API 20260325) and, for
the older 20181201 paths the Fn CLI and public examples use, signed raw requests."""

from __future__ import annotations

import oci
import pytest
import requests

from .conftest import HELLO_DIR, create_function


def signed_get(lab, path: str) -> requests.Response:
    cfg = lab.server.config
    signer = oci.signer.Signer(cfg["tenancy"], cfg["user"], cfg["fingerprint"], cfg["key_file"])
    return requests.get(lab.server.url + path, auth=signer, timeout=10)


def test_function_reports_local_invoke_endpoint_and_config(lab):
    fn = lab.fm().get_function(lab.hello.id).data
    assert fn.invoke_endpoint == lab.server.url
    assert fn.lifecycle_state == "ACTIVE"
    assert fn.source_details.source_type == "CONTAINER_IMAGE"
    assert fn.source_details.image == str(HELLO_DIR)
    assert fn.config["STREAM_OCID"] == lab.stream.id
    assert fn.application_id == lab.app.id and fn.compartment_id == lab.server.compartment


def test_get_function_answers_on_both_api_versions(lab):
    for version in ("20181201", "20260325"):
        r = signed_get(lab, f"/{version}/functions/{lab.hello.id}")
        assert r.status_code == 200, r.text
        assert r.json()["invokeEndpoint"] == lab.server.url


def test_unsigned_management_call_is_refused(lab):
    r = requests.get(f"{lab.server.url}/20260325/functions/{lab.hello.id}", timeout=10)
    assert r.status_code == 401 and r.json()["code"] == "NotAuthenticated"


def test_lists_page_with_opc_next_page_and_find_by_name(lab):
    fm = lab.fm()
    apps = fm.list_applications(lab.server.compartment, display_name="lab").data
    assert [a.id for a in apps] == [lab.app.id]
    first = fm.list_functions(lab.app.id, limit=1)
    assert len(first.data) == 1 and first.has_next_page
    everything = oci.pagination.list_call_get_all_results(
        fm.list_functions, lab.app.id, limit=1
    ).data
    assert {"hello", "probe"} <= {f.display_name for f in everything}
    assert all(f.invoke_endpoint == lab.server.url for f in everything)


def test_application_and_function_lifecycle(lab):
    fm = lab.fm()
    app = fm.create_application(
        oci.functions.models.CreateApplicationDetails(
            compartment_id=lab.server.compartment,
            display_name="crud-app",
            subnet_ids=[],
            config={"A": "1"},
        )
    ).data
    assert fm.get_application(app.id).data.config == {"A": "1"}
    fm.update_application(app.id, oci.functions.models.UpdateApplicationDetails(config={"A": "2"}))
    assert fm.get_application(app.id).data.config == {"A": "2"}
    fn = create_function(fm, app.id, "crud-fn", HELLO_DIR, {"X": "1"})
    # API 20260325's UpdateFunction returns no body (20181201 returned the function).
    fm.update_function(
        fn.id, oci.functions.models.UpdateFunctionDetails(config={"X": "2"}, timeout_in_seconds=60)
    )
    updated = fm.get_function(fn.id).data
    assert updated.config == {"X": "2"} and updated.timeout_in_seconds == 60
    with pytest.raises(oci.exceptions.ServiceError) as busy:
        fm.delete_application(app.id)
    assert busy.value.status == 409
    fm.delete_function(fn.id)
    fm.delete_application(app.id)
    with pytest.raises(oci.exceptions.ServiceError) as gone:
        fm.get_function(fn.id)
    assert gone.value.status == 404 and gone.value.code == "NotAuthorizedOrNotFound"


def test_duplicate_names_conflict(lab):
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        create_function(lab.fm(), lab.app.id, "hello", HELLO_DIR)
    assert exc.value.status == 409


def test_image_that_is_not_a_source_directory_is_refused_with_the_fix(lab, tmp_path):
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        create_function(lab.fm(), lab.app.id, "ocir-only", "iad.ocir.io/ns/repo/hello:0.0.1")
    assert exc.value.status == 400
    assert "source directory" in exc.value.message and "localoci-source" in exc.value.message


def test_freeform_tag_names_the_source_when_image_is_an_ocir_name(lab):
    fm = lab.fm()
    details = oci.functions.models.CreateFunctionDetails(
        display_name="tagged",
        application_id=lab.app.id,
        memory_in_mbs=256,
        source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(
            image="iad.ocir.io/ns/repo/hello:0.0.1"
        ),
        freeform_tags={"localoci-source": str(HELLO_DIR)},
    )
    fn = fm.create_function(details).data
    try:
        assert fn.source_details.image == "iad.ocir.io/ns/repo/hello:0.0.1"
    finally:
        fm.delete_function(fn.id)


def test_bad_config_key_is_refused(lab):
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        create_function(lab.fm(), lab.app.id, "badcfg", HELLO_DIR, {"NOT-AN-ENV-NAME": "x"})
    assert exc.value.status == 400 and "environment variable" in exc.value.message
