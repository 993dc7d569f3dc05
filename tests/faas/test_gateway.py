"""API Gateway through the official GatewayClient/DeploymentClient/WorkRequestsClient, and the
deployment endpoint over plain HTTP: the hello route end to end, Fn's header mapping, path
parameters, stock and HTTP backends, and the gateway's own errors."""

from __future__ import annotations

import oci
import pytest
import requests

from .conftest import PATH_PREFIX, read_event


def next_offset(lab) -> int:
    stats = lab.server.call("GET", "/_localoci/stats")
    return stats["streams"][lab.stream.id]["partitions"]["0"]["nextOffset"]


def test_deployment_endpoint_is_gateway_base_plus_prefix(lab):
    dep = lab.deployments().get_deployment(lab.deployment.id).data
    assert dep.lifecycle_state == "ACTIVE"
    assert dep.endpoint.startswith(lab.server.url + "/_gateway/") and dep.endpoint.endswith(
        PATH_PREFIX
    )
    assert dep.specification.routes[0].backend.type == "ORACLE_FUNCTIONS_BACKEND"
    assert dep.specification.routes[0].backend.function_id == lab.hello.id


def test_post_to_hello_route_publishes_the_event_and_answers_json(lab):
    r = requests.post(lab.url + "/hello", json={"name": "Grace"}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json" and r.headers.get("opc-request-id")
    out = r.json()
    assert out["greeting"] == "Hello, Grace!" and out["stream"] == lab.stream.id
    key, event = read_event(lab, out["offset"])
    assert key == "Grace"
    assert event["name"] == "Grace" and event["via"] == "http"
    assert event["method"] == "POST" and event["requestUrl"] == f"{PATH_PREFIX}/hello"
    assert event["callId"] == out["callId"]


@pytest.mark.parametrize(
    "body, why",
    [
        (b"", "no body"),
        (b"{not json", "not valid JSON"),
        (b'{"nom": "x"}', 'no "name"'),
        (b'{"name": 42}', "non-empty string"),
        (b'["Ada"]', 'no "name"'),
    ],
)
def test_bad_input_is_400_json_and_publishes_nothing(lab, body, why):
    before = next_offset(lab)
    r = requests.post(
        lab.url + "/hello", data=body, headers={"content-type": "application/json"}, timeout=30
    )
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == "bad_request" and why in r.json()["message"]
    assert next_offset(lab) == before


def test_function_sees_fn_http_headers_as_an_oci_gateway_sends_them(lab):
    r = requests.post(
        lab.url + "/probe?x=1&y=two",
        data=b'{"a": 1}',
        timeout=30,
        headers={"content-type": "application/json", "X-Custom": "abc", "User-Agent": "lab/1"},
    )
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["method"] == "POST"
    assert seen["requestUrl"] == f"{PATH_PREFIX}/probe?x=1&y=two"
    assert seen["headers"]["fn-intent"] == "httprequest"
    # Content-Type arrives plain and as Fn-Http-H-Content-Type (as on OCI); the FDK's
    # ctx.Headers() merges the two into a list.
    assert seen["headers"]["content-type"] == ["application/json", "application/json"]
    assert seen["httpHeaders"]["x-custom"] == "abc" and seen["httpHeaders"]["user-agent"] == "lab/1"
    assert seen["httpHeaders"]["content-type"] == "application/json"
    assert seen["httpHeaders"]["x-real-ip"] == "127.0.0.1"
    assert seen["httpHeaders"]["x-forwarded-for"] == "127.0.0.1"
    assert seen["httpHeaders"]["forwarded"] == "for=127.0.0.1"
    assert seen["body"] == '{"a": 1}'


def test_function_status_and_headers_reach_the_client(lab):
    r = requests.put(lab.url + "/probe", json={"status": 201}, timeout=30)
    assert r.status_code == 201
    assert r.headers["x-probe"] == "yes" and r.headers["content-type"] == "application/json"
    assert "fn-fdk-version" not in r.headers and "fn-http-status" not in r.headers


def test_path_parameter_and_wildcard_routes_match(lab):
    one = requests.delete(lab.url + "/items/42", timeout=30)
    assert one.status_code == 200 and one.json()["requestUrl"] == f"{PATH_PREFIX}/items/42"
    assert requests.get(lab.url + "/items/42/extra", timeout=30).status_code == 404
    deep = requests.get(lab.url + "/files/a/b/c.txt", timeout=30)
    assert deep.status_code == 200 and deep.json()["requestUrl"] == f"{PATH_PREFIX}/files/a/b/c.txt"


def test_stock_response_route_answers_without_a_function(lab):
    r = requests.get(lab.url + "/health", timeout=10)
    assert r.status_code == 200 and r.json() == {"status": "Up and Running"}
    assert r.headers["content-type"] == "application/json"


def test_http_backend_forwards_and_unreachable_backend_is_502(lab):
    r = requests.get(lab.url + "/proxy/health", timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    down = requests.get(lab.url + "/proxy/down", timeout=30)
    assert down.status_code == 502 and down.json() == {"code": 502, "message": "Bad Gateway"}


def test_unknown_route_is_404_and_unknown_gateway_or_prefix_too(lab):
    for url in (
        lab.url + "/nothing-here",
        lab.url.replace(PATH_PREFIX, "/v2") + "/hello",
        lab.server.url + "/_gateway/000000000000/v1/hello",
    ):
        r = requests.post(url, json={"name": "x"}, timeout=10)
        assert r.status_code == 404 and r.json() == {"code": 404, "message": "Not Found"}


def test_wrong_method_is_405(lab):
    r = requests.get(lab.url + "/hello", timeout=10)
    assert r.status_code == 405 and r.json() == {"code": 405, "message": "Method Not Allowed"}


def test_failing_function_is_502_from_the_gateway(lab):
    r = requests.post(lab.url + "/probe", json={"action": "raise"}, timeout=30)
    assert r.status_code == 502 and r.json() == {"code": 502, "message": "Bad Gateway"}


def test_gateway_and_deployment_lifecycle_with_work_requests(lab):
    s = lab.server
    gc, dc = lab.gateways(), lab.deployments()
    wc = oci.apigateway.WorkRequestsClient(s.config, service_endpoint=s.url)
    gw = gc.create_gateway(
        oci.apigateway.models.CreateGatewayDetails(
            compartment_id=s.compartment, endpoint_type="PUBLIC", display_name="tmp-gw"
        )
    )
    wr = wc.get_work_request(gw.headers["opc-work-request-id"]).data
    assert wr.status == "SUCCEEDED" and wr.resources[0].identifier == gw.data.id
    listed = gc.list_gateways(s.compartment, display_name="tmp-gw").data
    assert [g.id for g in listed.items] == [gw.data.id]
    spec = {
        "routes": [
            {
                "path": "/ping",
                "methods": ["GET"],
                "backend": {"type": "STOCK_RESPONSE_BACKEND", "status": 204},
            }
        ]
    }
    dep = dc.create_deployment(
        oci.apigateway.models.CreateDeploymentDetails(
            gateway_id=gw.data.id,
            compartment_id=s.compartment,
            path_prefix="/tmp",
            specification=spec,
        )
    ).data
    assert requests.get(dep.endpoint + "/ping", timeout=10).status_code == 204
    with pytest.raises(oci.exceptions.ServiceError) as taken:
        dc.create_deployment(
            oci.apigateway.models.CreateDeploymentDetails(
                gateway_id=gw.data.id,
                compartment_id=s.compartment,
                path_prefix="/tmp",
                specification=spec,
            )
        )
    assert taken.value.status == 409
    spec["routes"][0]["path"] = "/pong"
    dc.update_deployment(dep.id, oci.apigateway.models.UpdateDeploymentDetails(specification=spec))
    assert requests.get(dep.endpoint + "/pong", timeout=10).status_code == 204
    assert requests.get(dep.endpoint + "/ping", timeout=10).status_code == 404
    assert [d.id for d in dc.list_deployments(s.compartment, gateway_id=gw.data.id).data.items] == [
        dep.id
    ]
    dc.delete_deployment(dep.id)
    gc.delete_gateway(gw.data.id)
    assert requests.get(dep.endpoint + "/pong", timeout=10).status_code == 404
    with pytest.raises(oci.exceptions.ServiceError) as gone:
        gc.get_gateway(gw.data.id)
    assert gone.value.status == 404


@pytest.mark.parametrize(
    "route, fragment",
    [
        (
            {"path": "hello", "backend": {"type": "STOCK_RESPONSE_BACKEND", "status": 200}},
            "starting with '/'",
        ),
        (
            {
                "path": "/x",
                "methods": ["FETCH"],
                "backend": {"type": "STOCK_RESPONSE_BACKEND", "status": 200},
            },
            "methods",
        ),
        (
            {
                "path": "/x",
                "backend": {
                    "type": "ORACLE_FUNCTIONS_BACKEND",
                    "functionId": "ocid1.fnfunc.oc1..nope",
                },
            },
            "names no function",
        ),
        ({"path": "/x", "backend": {"type": "DYNAMIC_ROUTING_BACKEND"}}, "not supported"),
        (
            {"path": "/{a*}/x", "backend": {"type": "STOCK_RESPONSE_BACKEND", "status": 200}},
            "last segment",
        ),
    ],
)
def test_invalid_specification_is_400_naming_the_route(lab, route, fragment):
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        lab.deployments().create_deployment(
            oci.apigateway.models.CreateDeploymentDetails(
                gateway_id=lab.gateway.id,
                compartment_id=lab.server.compartment,
                path_prefix="/bad",
                specification={"routes": [route]},
            )
        )
    assert exc.value.status == 400 and fragment in exc.value.message
    assert "routes[0]" in exc.value.message


def test_spec_loader_is_importable_without_fdk():
    import subprocess
    import sys

    code = (
        "import sys; from labhelpers.functions import load_deployment_spec; "
        "load_deployment_spec('ocid1.fnfunc.oc1..x'); assert 'fdk' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
