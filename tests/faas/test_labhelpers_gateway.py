"""labhelpers.gateway against a localoci of its own: deploy_hello is find-or-create (twice is a
no-op), follows the stream, invoke_hello reports every status without raising, the event is
found by key, and undeploy_hello removes only the lab's own resources, twice safely.

The tests share one server but not an order: each asks ``hello`` for a deployment, which
deploy_hello finds, or makes again after a test that removed everything."""

from __future__ import annotations

import subprocess
import sys

import oci
import pytest

from labhelpers.functions import HELLO_DIR, PATH_PREFIX
from tests.inprocess import serve_in_process

# One worker runs this module (-n 2 --dist loadgroup): its localoci process and hello deployment are made once.
pytestmark = pytest.mark.xdist_group("labhelpers-gateway")


@pytest.fixture(scope="module")
def glab(tmp_path_factory):
    """A labhelpers Lab on its own localoci, served in-process (the other faas tests own a
    gateway named lab-apigw)."""
    server = serve_in_process(tmp_path_factory.mktemp("gwlab"))
    mp = pytest.MonkeyPatch()
    mp.setenv("LOCALOCI_URL", server.url)
    mp.setenv("LOCALOCI_HOME", str(server.data_dir))
    mp.setenv("LAB_TARGET", "local")
    for var in (
        "LAB_STREAM",
        "LAB_PATH_PREFIX",
        "LAB_FN_APP",
        "LAB_GATEWAY_OCID",
        "HELLO_FUNCTION_OCID",
    ):
        mp.delenv(var, raising=False)
    from labhelpers import connect, get_or_create_stream

    lab = connect()
    stream = get_or_create_stream(lab)
    yield lab, stream
    mp.undo()
    server.stop()


@pytest.fixture(scope="module")
def first(glab):
    """The first deploy_hello on the module's fresh server, whichever test asks first."""
    from labhelpers.gateway import deploy_hello

    lab, stream = glab
    return deploy_hello(lab, stream)


@pytest.fixture
def hello(first, glab):
    """The lab's hello deployment as it is now: found (or, after an undeploy, made again)."""
    from labhelpers.gateway import deploy_hello

    lab, stream = glab
    return deploy_hello(lab, stream)


def test_first_deploy_creates_each_resource_from_the_repository_spec(first, glab):
    hello = first
    lab, stream = glab
    assert [a.split()[0] for a in hello.actions] == ["created"] * 4
    assert hello.deployment.lifecycle_state == "ACTIVE" and hello.path_prefix == PATH_PREFIX
    assert hello.url == hello.deployment.endpoint + "/hello"
    routes = {r.path: r for r in hello.deployment.specification.routes}
    assert routes["/hello"].backend.function_id == hello.function.id
    assert hello.function.config["STREAM_OCID"] == stream.id
    assert hello.function.config["STREAM_MESSAGES_ENDPOINT"] == stream.messages_endpoint


def test_deploying_twice_creates_nothing_new(hello, glab):
    from labhelpers.gateway import deploy_hello

    lab, stream = glab
    again = deploy_hello(lab, stream)
    assert all(a.startswith("found") for a in again.actions), again.actions
    assert (again.function.id, again.gateway.id, again.deployment.id) == (
        hello.function.id,
        hello.gateway.id,
        hello.deployment.id,
    )


def test_invoke_publishes_and_the_event_is_found_by_its_key(hello, glab, capsys):
    from labhelpers.checks import check_event_for_name
    from labhelpers.gateway import hello_events, invoke_hello
    from labhelpers.marks import mark

    lab, stream = glab
    client = lab.stream_client(stream.messages_endpoint)
    before = mark(client, stream)
    answer = invoke_hello(hello, "Grace Hopper")
    assert answer.status == 200 and answer.ok, answer
    assert answer.body["greeting"] == "Hello, Grace Hopper!"
    events = hello_events(client, stream, "Grace Hopper")
    assert [(e.partition, e.offset) for e in events] == [
        (answer.body["partition"], answer.body["offset"])
    ]
    assert events[0].value["callId"] == answer.body["callId"] and events[0].value["via"] == "http"
    assert check_event_for_name(client, stream, "Grace Hopper", events[0], before, hello)
    assert "✅ All good." in capsys.readouterr().out
    # The same event no longer counts after a new mark: it is not a new call.
    assert not check_event_for_name(client, stream, "Grace Hopper", events[0], mark(client, stream))
    assert "since the mark" in capsys.readouterr().out


def test_check_fails_with_the_empty_answer_and_a_name_never_sent(hello, glab, capsys):
    from labhelpers.checks import check_event_for_name

    lab, stream = glab
    client = lab.stream_client(stream.messages_endpoint)
    from labhelpers.marks import mark

    before = mark(client, stream)
    assert not check_event_for_name(client, stream, None)
    assert not check_event_for_name(client, stream, "nobody-called-this")  # no mark
    assert not check_event_for_name(client, stream, "nobody-called-this", None, before, hello)
    out = capsys.readouterr().out
    assert "❌" in out and "All good" not in out


@pytest.mark.parametrize("name, status, error", [(None, 400, "bad_request")])
def test_invoke_reports_bad_input_without_raising(hello, name, status, error):
    from labhelpers.gateway import invoke_hello

    answer = invoke_hello(hello.endpoint, name)
    assert answer.status == status and answer.body["error"] == error and not answer.ok


def test_a_copy_with_a_wrong_stream_answers_503_publish_failed(hello, glab):
    from labhelpers.gateway import deploy_hello, invoke_hello

    lab, stream = glab
    broken = deploy_hello(
        lab,
        stream,
        function_name="hello-broken",
        path_prefix=PATH_PREFIX + "-broken",
        config={"STREAM_OCID": "ocid1.stream.oc1..nothing-here"},
    )
    assert broken.function.id != hello.function.id and broken.gateway.id == hello.gateway.id
    answer = invoke_hello(broken, "Ada")
    assert answer.status == 503 and answer.body["error"] == "publish_failed"
    assert "404" in answer.body["reason"]


def test_a_new_stream_updates_the_function_config(hello, glab):
    from labhelpers import get_or_create_stream
    from labhelpers.gateway import deploy_hello, invoke_hello

    lab, stream = glab
    other = get_or_create_stream(lab, name="lab-stream-other", partitions=1)
    moved = deploy_hello(lab, other)
    assert any("updated hello's config" in a for a in moved.actions)
    assert moved.function.config["STREAM_OCID"] == other.id
    assert invoke_hello(moved, "Ada").body["stream"] == other.id
    back = deploy_hello(lab, stream)
    assert back.function.config["STREAM_OCID"] == stream.id


def test_undeploy_deletes_only_the_labs_own_resources_and_is_safe_twice(hello, glab):
    from labhelpers.gateway import deploy_hello, invoke_hello, undeploy_hello

    lab, stream = glab
    gc = oci.apigateway.GatewayClient(lab.config, service_endpoint=lab.local.url)
    foreign = gc.create_gateway(
        oci.apigateway.models.CreateGatewayDetails(
            compartment_id=lab.compartment_id, endpoint_type="PUBLIC", display_name="someone-elses"
        )
    ).data
    deploy_hello(lab, stream)
    deleted = undeploy_hello(lab)
    assert "gateway lab-apigw" in deleted and "application lab-app" in deleted
    assert "function hello" in deleted and "deployment lab-hello-api" in deleted
    assert undeploy_hello(lab) == []
    assert invoke_hello(hello, "Ada").status == 404
    assert gc.get_gateway(foreign.id).data.lifecycle_state == "ACTIVE"
    # and deploy_hello builds everything again afterwards
    fresh = deploy_hello(lab, stream)
    assert invoke_hello(fresh, "Ada").status == 200
    undeploy_hello(lab)


def test_labhelpers_gateway_imports_neither_fdk_nor_the_server():
    code = (
        "import sys, labhelpers.gateway; "
        "bad = [m for m in ('fdk', 'starlette', 'uvicorn', 'localoci.faas.runtime') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_oci_target_builds_nothing_finds_what_fn_deploy_made_and_keeps_it(glab):
    """The oci path, driven against localoci: it never creates an application, a function from
    source or a gateway; it names the missing piece, then creates only the deployment."""
    import dataclasses

    from labhelpers.gateway import GatewaySetupError, deploy_hello, invoke_hello, undeploy_hello

    lab, stream = glab
    oci_lab = dataclasses.replace(lab, target="oci")
    undeploy_hello(lab)
    with pytest.raises(GatewaySetupError, match="fn create app"):
        deploy_hello(oci_lab, stream)
    # What the learner makes by hand (fn create app, fn deploy, the Console): no lab tags.
    M, G = oci.functions.models, oci.apigateway.models
    fm = oci.functions.FunctionsManagementClient(lab.config, service_endpoint=lab.local.url)
    gc = oci.apigateway.GatewayClient(lab.config, service_endpoint=lab.local.url)
    app = fm.create_application(
        M.CreateApplicationDetails(
            compartment_id=lab.compartment_id, display_name="lab-app", subnet_ids=[]
        )
    ).data
    fn = fm.create_function(
        M.CreateFunctionDetails(
            display_name="hello",
            application_id=app.id,
            memory_in_mbs=256,
            source_details=M.CreateContainerImageFunctionSourceDetails(image=str(HELLO_DIR)),
        )
    ).data
    with pytest.raises(GatewaySetupError, match="api-gateway gateway create"):
        deploy_hello(oci_lab, stream)
    assert not fm.get_function(fn.id).data.config, "a failed deploy_hello changed the function"
    gw = gc.create_gateway(
        G.CreateGatewayDetails(
            compartment_id=lab.compartment_id, endpoint_type="PUBLIC", display_name="lab-apigw"
        )
    ).data

    hello = deploy_hello(oci_lab, stream)
    assert hello.function.id == fn.id and hello.gateway.id == gw.id
    assert any(a.startswith("updated hello's config") for a in hello.actions)
    assert any(a.startswith("created deployment") for a in hello.actions)
    assert invoke_hello(hello, "Ada").status == 200
    copy = deploy_hello(
        oci_lab,
        stream,
        function_name="hello-broken",
        path_prefix="/v1-broken",
        config={"STREAM_OCID": "ocid1.stream.oc1..nope"},
    )
    assert "created function hello-broken from hello's image" in copy.actions
    assert copy.function.source_details.image == fn.source_details.image

    deleted = undeploy_hello(oci_lab)
    assert sorted(deleted) == [
        "deployment lab-hello-api",
        "deployment lab-hello-broken-api",
        "function hello-broken",
    ]
    assert fm.get_function(fn.id).data.lifecycle_state == "ACTIVE"
    assert gc.get_gateway(gw.id).data.lifecycle_state == "ACTIVE"
    fm.delete_function(fn.id)
    fm.delete_application(app.id)
    gc.delete_gateway(gw.id)


def test_the_postman_collection_is_v2_1_names_this_deployment_and_its_calls_work(
    hello, tmp_path, monkeypatch
):
    """Each request in the collection, with ``{{endpoint}}`` filled in as Postman does, answers
    what the notebook says; the file holds no key, token or signature."""
    import json

    import requests

    from labhelpers.gateway import POSTMAN_SCHEMA, postman_collection

    monkeypatch.setenv("LAB_HOME", str(tmp_path))
    path = postman_collection(hello, "Ada")
    assert path == tmp_path / "postman" / "lab-hello-api.postman_collection.json"
    text = path.read_text()
    collection = json.loads(text)
    assert collection["info"]["schema"] == POSTMAN_SCHEMA
    assert collection["variable"] == [
        {"key": "endpoint", "value": hello.endpoint, "type": "string"}
    ]
    for secret in ("BEGIN", "PRIVATE", "Authorization", "signature", "keyId"):
        assert secret not in text
    statuses = []
    for item in collection["item"]:
        r = item["request"]
        url = r["url"]["raw"].replace("{{endpoint}}", hello.endpoint)
        headers = {h["key"]: h["value"] for h in r["header"]}
        body = r.get("body", {}).get("raw")
        answer = requests.request(r["method"], url, headers=headers, data=body, timeout=60)
        statuses.append(answer.status_code)
    assert statuses == [200, 400, 200]
    assert postman_collection(hello, path=tmp_path / "again.json") == tmp_path / "again.json"


def test_function_source_shows_the_named_functions_of_func_py():
    from labhelpers.gateway import function_source

    shown = function_source("handler", "publish")
    assert shown.startswith("def handler(") and "\n\n\ndef publish(" in shown
    assert "def parse_name" not in shown
    assert function_source() == (HELLO_DIR / "func.py").read_text()


def test_deploy_hello_finds_what_the_notebooks_step_by_step_cells_made(glab):
    """Notebook 04 creates the four resources with bare SDK calls (same names, same tags),
    then calls deploy_hello: it must find all four, and undeploy_hello remove them, twice."""
    from labhelpers.functions import load_deployment_spec
    from labhelpers.gateway import (
        APPLICATION,
        FUNCTION,
        GATEWAY,
        deploy_hello,
        lab_tags,
        sdk_clients,
        undeploy_hello,
    )

    lab, stream = glab
    undeploy_hello(lab)
    F, G = oci.functions.models, oci.apigateway.models
    fm, gc, dc = sdk_clients(lab)
    app = fm.create_application(
        F.CreateApplicationDetails(
            compartment_id=lab.compartment_id,
            display_name=APPLICATION,
            subnet_ids=[],
            freeform_tags=lab_tags(lab),
        )
    ).data
    fn = fm.create_function(
        F.CreateFunctionDetails(
            display_name=FUNCTION,
            application_id=app.id,
            memory_in_mbs=256,
            timeout_in_seconds=30,
            source_details=F.CreateContainerImageFunctionSourceDetails(image=str(HELLO_DIR)),
            config={"STREAM_OCID": stream.id, "STREAM_MESSAGES_ENDPOINT": stream.messages_endpoint},
            freeform_tags=lab_tags(lab),
        )
    ).data
    gw = gc.create_gateway(
        G.CreateGatewayDetails(
            compartment_id=lab.compartment_id,
            endpoint_type="PUBLIC",
            subnet_id="ocid1.subnet.oc1..local",
            display_name=GATEWAY,
            freeform_tags=lab_tags(lab),
        )
    ).data
    gw = oci.wait_until(gc, gc.get_gateway(gw.id), "lifecycle_state", "ACTIVE").data
    dep = dc.create_deployment(
        G.CreateDeploymentDetails(
            gateway_id=gw.id,
            compartment_id=lab.compartment_id,
            path_prefix=PATH_PREFIX,
            display_name="lab-hello-api",
            specification=load_deployment_spec(fn.id),
            freeform_tags=lab_tags(lab),
        )
    ).data
    found = deploy_hello(lab, stream)
    assert all(a.startswith("found") for a in found.actions), found.actions
    assert (found.application.id, found.function.id, found.gateway.id, found.deployment.id) == (
        app.id,
        fn.id,
        gw.id,
        dep.id,
    )
    assert sorted(undeploy_hello(lab)) == sorted(
        [
            "deployment lab-hello-api",
            "function hello",
            f"application {APPLICATION}",
            f"gateway {GATEWAY}",
        ]
    )
    assert undeploy_hello(lab) == []
