"""Fixtures for the Functions and API Gateway stand-ins: one localoci of their own (so no other
test's reset removes them), a stream, an application with ``hello`` and ``probe``, and a
gateway deployment built from the repository's hello specification plus test routes.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from pathlib import Path

import oci
import pytest

from labhelpers.functions import HELLO_DIR, PATH_PREFIX, load_deployment_spec
from tests.conftest import LocalOCI, start_localoci

# The probe function imports fdk, which reconfigures logging: never let pytest import it.
collect_ignore = ["functions"]

PROBE_DIR = Path(__file__).parent / "functions" / "probe"


@dataclass
class Lab:
    server: LocalOCI
    stream: object
    app: object
    hello: object
    probe: object
    gateway: object
    deployment: object

    @property
    def url(self) -> str:
        return self.deployment.endpoint

    def fm(self) -> oci.functions.FunctionsManagementClient:
        return oci.functions.FunctionsManagementClient(self.server.config, service_endpoint=self.server.url)

    def invoker(self, endpoint: str | None = None) -> oci.functions.FunctionsInvokeClient:
        return oci.functions.FunctionsInvokeClient(self.server.config, service_endpoint=endpoint or self.hello.invoke_endpoint)

    def gateways(self) -> oci.apigateway.GatewayClient:
        return oci.apigateway.GatewayClient(self.server.config, service_endpoint=self.server.url)

    def deployments(self) -> oci.apigateway.DeploymentClient:
        return oci.apigateway.DeploymentClient(self.server.config, service_endpoint=self.server.url)


def create_function(fm, app_id: str, name: str, source: Path, config: dict | None = None, timeout: int = 30):
    details = oci.functions.models.CreateFunctionDetails(
        display_name=name, application_id=app_id, memory_in_mbs=256, timeout_in_seconds=timeout,
        source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(image=str(source)),
        config=config or {},
    )
    return fm.create_function(details).data


def wait_active(get, ident: str, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        obj = get(ident).data
        if obj.lifecycle_state == "ACTIVE" or time.monotonic() > deadline:
            return obj
        time.sleep(0.02)


def read_event(lab, offset: int) -> tuple[str, dict]:
    """The message at ``offset`` (partition 0), read back with the SDK."""
    client = lab.server.stream_client()
    cursor = client.create_cursor(lab.stream.id, oci.streaming.models.CreateCursorDetails(
        partition="0", type="AT_OFFSET", offset=offset)).data.value
    for _ in range(20):  # GetMessages is limited to 5 calls/s per partition: wait out a 429
        try:
            msg = client.get_messages(lab.stream.id, cursor, limit=1).data[0]
            break
        except oci.exceptions.ServiceError as exc:
            if exc.status != 429:
                raise
            time.sleep(0.25)
    return base64.b64decode(msg.key).decode(), json.loads(base64.b64decode(msg.value))


@pytest.fixture(scope="session")
def faas_server(tmp_path_factory):
    server = start_localoci(tmp_path_factory.mktemp("faas"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab(faas_server) -> Lab:
    s = faas_server
    admin = s.admin()
    stream = admin.create_stream(oci.streaming.models.CreateStreamDetails(
        name="lab-stream", partitions=1, compartment_id=s.compartment)).data
    stream = wait_active(admin.get_stream, stream.id)
    fm = oci.functions.FunctionsManagementClient(s.config, service_endpoint=s.url)
    app = fm.create_application(oci.functions.models.CreateApplicationDetails(
        compartment_id=s.compartment, display_name="lab", subnet_ids=[], config={"APP_LEVEL": "from-app"})).data
    hello = create_function(fm, app.id, "hello", HELLO_DIR, {
        "STREAM_OCID": stream.id, "STREAM_MESSAGES_ENDPOINT": stream.messages_endpoint})
    probe = create_function(fm, app.id, "probe", PROBE_DIR, {"PROBE_SETTING": "42"}, timeout=5)
    gc = oci.apigateway.GatewayClient(s.config, service_endpoint=s.url)
    dc = oci.apigateway.DeploymentClient(s.config, service_endpoint=s.url)
    gw = gc.create_gateway(oci.apigateway.models.CreateGatewayDetails(
        compartment_id=s.compartment, endpoint_type="PUBLIC", subnet_id="ocid1.subnet.oc1..lab",
        display_name="lab-apigw")).data
    gw = wait_active(gc.get_gateway, gw.id)
    spec = load_deployment_spec(hello.id)
    probe_backend = {"type": "ORACLE_FUNCTIONS_BACKEND", "functionId": probe.id}
    spec["routes"] += [
        {"path": "/probe", "methods": ["GET", "POST", "PUT"], "backend": probe_backend},
        {"path": "/items/{item}", "methods": ["ANY"], "backend": probe_backend},
        {"path": "/files/{rest*}", "methods": ["GET"], "backend": probe_backend},
        {"path": "/proxy/health", "methods": ["GET"],
         "backend": {"type": "HTTP_BACKEND", "url": f"{s.url}/_localoci/health"}},
        {"path": "/proxy/down", "methods": ["GET"],
         "backend": {"type": "HTTP_BACKEND", "url": "http://127.0.0.1:9/nothing", "connectTimeoutInSeconds": 1}},
    ]
    dep = dc.create_deployment(oci.apigateway.models.CreateDeploymentDetails(
        gateway_id=gw.id, compartment_id=s.compartment, path_prefix=PATH_PREFIX,
        display_name="hello-api", specification=spec)).data
    dep = wait_active(dc.get_deployment, dep.id)
    return Lab(s, stream, app, hello, probe, gw, dep)
