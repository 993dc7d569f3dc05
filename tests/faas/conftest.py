"""Fixtures for the Functions and API Gateway stand-ins: per test module, a localoci served
in-process (its own, so no other module's reset removes what it made), a stream, an
application with ``hello`` and ``probe``, and a gateway deployment built from the repository's
hello specification plus test routes.  Nothing here sleeps: streams and resources are ACTIVE at
once (ready delay 0), and a throttled read moves the server's rate-limit clock past its wait.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path

import oci
import pytest

from labhelpers.functions import HELLO_DIR, PATH_PREFIX, load_deployment_spec
from tests.inprocess import InProcessServer

__all__ = ["HELLO_DIR", "PATH_PREFIX", "PROBE_DIR"]

# The probe function imports fdk, which reconfigures logging: never let pytest import it.
collect_ignore = ["functions"]

PROBE_DIR = Path(__file__).parent / "functions" / "probe"


@dataclass
class Lab:
    server: InProcessServer
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
        return oci.functions.FunctionsManagementClient(
            self.server.config, service_endpoint=self.server.url
        )

    def invoker(self, endpoint: str | None = None) -> oci.functions.FunctionsInvokeClient:
        return oci.functions.FunctionsInvokeClient(
            self.server.config, service_endpoint=endpoint or self.hello.invoke_endpoint
        )

    def gateways(self) -> oci.apigateway.GatewayClient:
        return oci.apigateway.GatewayClient(self.server.config, service_endpoint=self.server.url)

    def deployments(self) -> oci.apigateway.DeploymentClient:
        return oci.apigateway.DeploymentClient(self.server.config, service_endpoint=self.server.url)


def create_function(
    fm, app_id: str, name: str, source: Path, config: dict | None = None, timeout: int = 30
):
    details = oci.functions.models.CreateFunctionDetails(
        display_name=name,
        application_id=app_id,
        memory_in_mbs=256,
        timeout_in_seconds=timeout,
        source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(
            image=str(source)
        ),
        config=config or {},
    )
    return fm.create_function(details).data


def active(get, ident: str):
    """The resource, which the module's server (ready delay 0) made ACTIVE at once."""
    obj = get(ident).data
    assert obj.lifecycle_state == "ACTIVE", f"{ident} is {obj.lifecycle_state}"
    return obj


WAIT = re.compile(r"next request can be made in (\d+) ms")


def read_event(lab, offset: int) -> tuple[str, dict]:
    """The message at ``offset`` (partition 0), read back with the SDK."""
    client = lab.server.stream_client()
    cursor = client.create_cursor(
        lab.stream.id,
        oci.streaming.models.CreateCursorDetails(partition="0", type="AT_OFFSET", offset=offset),
    ).data.value
    for _ in range(20):  # GetMessages is limited to 5 calls/s per partition: move past a 429's wait
        try:
            msg = client.get_messages(lab.stream.id, cursor, limit=1).data[0]
            break
        except oci.exceptions.ServiceError as exc:
            if exc.status != 429:
                raise
            lab.server.rate_clock.advance(int(WAIT.search(exc.message).group(1)) / 1000)
    return base64.b64decode(msg.key).decode(), json.loads(base64.b64decode(msg.value))


@pytest.fixture(scope="module")
def localoci(inprocess_localoci):
    return inprocess_localoci


@pytest.fixture
def localoci_factory(inprocess_factory):
    return inprocess_factory


@pytest.fixture(scope="module")
def faas_server(inprocess_localoci) -> InProcessServer:
    return inprocess_localoci


@pytest.fixture(scope="module")
def lab(faas_server) -> Lab:
    s = faas_server
    admin = s.admin()
    stream = admin.create_stream(
        oci.streaming.models.CreateStreamDetails(
            name="lab-stream", partitions=1, compartment_id=s.compartment
        )
    ).data
    stream = active(admin.get_stream, stream.id)
    fm = oci.functions.FunctionsManagementClient(s.config, service_endpoint=s.url)
    app = fm.create_application(
        oci.functions.models.CreateApplicationDetails(
            compartment_id=s.compartment,
            display_name="lab",
            subnet_ids=[],
            config={"APP_LEVEL": "from-app"},
        )
    ).data
    hello = create_function(
        fm,
        app.id,
        "hello",
        HELLO_DIR,
        {"STREAM_OCID": stream.id, "STREAM_MESSAGES_ENDPOINT": stream.messages_endpoint},
    )
    probe = create_function(fm, app.id, "probe", PROBE_DIR, {"PROBE_SETTING": "42"}, timeout=5)
    gc = oci.apigateway.GatewayClient(s.config, service_endpoint=s.url)
    dc = oci.apigateway.DeploymentClient(s.config, service_endpoint=s.url)
    gw = gc.create_gateway(
        oci.apigateway.models.CreateGatewayDetails(
            compartment_id=s.compartment,
            endpoint_type="PUBLIC",
            subnet_id="ocid1.subnet.oc1..lab",
            display_name="lab-apigw",
        )
    ).data
    gw = active(gc.get_gateway, gw.id)
    spec = load_deployment_spec(hello.id)
    probe_backend = {"type": "ORACLE_FUNCTIONS_BACKEND", "functionId": probe.id}
    spec["routes"] += [
        {"path": "/probe", "methods": ["GET", "POST", "PUT"], "backend": probe_backend},
        {"path": "/items/{item}", "methods": ["ANY"], "backend": probe_backend},
        {"path": "/files/{rest*}", "methods": ["GET"], "backend": probe_backend},
        {
            "path": "/proxy/health",
            "methods": ["GET"],
            "backend": {"type": "HTTP_BACKEND", "url": f"{s.url}/_localoci/health"},
        },
        {
            "path": "/proxy/down",
            "methods": ["GET"],
            "backend": {
                "type": "HTTP_BACKEND",
                "url": "http://127.0.0.1:9/nothing",
                "connectTimeoutInSeconds": 1,
            },
        },
    ]
    dep = dc.create_deployment(
        oci.apigateway.models.CreateDeploymentDetails(
            gateway_id=gw.id,
            compartment_id=s.compartment,
            path_prefix=PATH_PREFIX,
            display_name="hello-api",
            specification=spec,
        )
    ).data
    dep = active(dc.get_deployment, dep.id)
    return Lab(s, stream, app, hello, probe, gw, dep)
