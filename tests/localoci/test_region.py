"""localoci as a region (``serve --as-region``): HTTPS under the realm's hostnames, each name
serving only its own service, no stand-in endpoints there (a side channel instead), the real
clock, and a CONNECT proxy that reaches localoci and nothing else.

The clients here are given the region's URLs, the proxy and the CA bundle explicitly; that the
SDK and the CLI *derive* those URLs from ``OCI_REGION_METADATA`` alone is proven in
``tests/conformance/test_region_clients.py`` (fresh processes: the SDK reads that variable once).
"""

from __future__ import annotations

import json
import socket
import ssl

import oci
import pytest
import requests
from cryptography import x509

from localoci.server import Server, ServerError
from localoci.service import ServerConfig
from tests.inprocess import serve_in_process

from .helpers import NO_RETRY, b64

REGION = "lab-1"
ADMIN = "https://streaming.lab-1.oci.lab.invalid"
MESSAGES = "https://cell-1.streaming.lab-1.oci.lab.invalid"


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    server = serve_in_process(tmp_path_factory.mktemp("region"), "--as-region", REGION)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def env(region) -> dict:
    info = region.server.info
    return info.client_env


@pytest.fixture(scope="module")
def http(env) -> requests.Session:
    """Plain HTTPS through the region's proxy, trusting the region's CA bundle."""
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"https": env["HTTPS_PROXY"]}
    session.verify = env["REQUESTS_CA_BUNDLE"]
    return session


def sdk(cls, region, env, endpoint: str, **kw):
    """An SDK client on ``endpoint`` that goes through the proxy and trusts the bundle."""
    client = cls(region.config, service_endpoint=endpoint, retry_strategy=NO_RETRY, **kw)
    client.base_client.session.trust_env = False
    client.base_client.session.proxies = {"https": env["HTTPS_PROXY"]}
    client.base_client.session.verify = env["REQUESTS_CA_BUNDLE"]
    return client


def test_server_json_says_what_a_client_needs(region, env):
    info = region.server.info
    assert info.region == REGION and info.url == ADMIN
    assert json.loads(env["OCI_REGION_METADATA"]) == {
        "realmKey": "oclab",
        "realmDomainComponent": "lab.invalid",
        "regionKey": "LAB",
        "regionIdentifier": REGION,
    }
    assert env["HTTPS_PROXY"].startswith("http://127.0.0.1:")
    assert (
        info.control_url.startswith("http://127.0.0.1:")
        and str(info.port) not in (info.control_url.rsplit(":", 1)[1])
    ), "the control channel has a port of its own"
    assert region.config["region"] == REGION, "the LOCAL profile names the region"


def test_streams_live_in_the_region_and_hand_out_its_messages_endpoint(region, env):
    admin = sdk(oci.streaming.StreamAdminClient, region, env, ADMIN)
    stream = admin.create_stream(
        oci.streaming.models.CreateStreamDetails(
            name="regional", partitions=1, compartment_id=region.config["tenancy"]
        )
    ).data
    assert stream.messages_endpoint == MESSAGES
    client = sdk(oci.streaming.StreamClient, region, env, stream.messages_endpoint)
    put = client.put_messages(
        stream.id,
        oci.streaming.models.PutMessagesDetails(
            messages=[oci.streaming.models.PutMessagesDetailsEntry(value=b64("hi"))]
        ),
    ).data
    assert put.failures == 0
    pool = admin.get_stream_pool(stream.stream_pool_id).data
    assert pool.endpoint_fqdn == "cell-1.streaming.lab-1.oci.lab.invalid"


def test_each_hostname_serves_only_its_own_service(region, env):
    tenancy = region.config["tenancy"]
    # The data plane is not at the admin endpoint, the admin API not at the messages endpoint.
    wrong_data = sdk(oci.streaming.StreamClient, region, env, ADMIN)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        wrong_data.get_group("ocid1.stream.oc1..x", "g")
    assert err.value.status == 404 and err.value.code == "NotFound"
    wrong_admin = sdk(oci.streaming.StreamAdminClient, region, env, MESSAGES)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        wrong_admin.list_streams(compartment_id=tenancy)
    assert err.value.status == 404
    ident = sdk(oci.identity.IdentityClient, region, env, "https://identity.lab-1.oci.lab.invalid")
    assert ident.get_tenancy(tenancy).data.name == "localoci"
    fns = sdk(
        oci.functions.FunctionsManagementClient,
        region,
        env,
        "https://functions.lab-1.oci.lab.invalid",
    )
    assert fns.list_applications(tenancy).data == []
    gws = sdk(oci.apigateway.GatewayClient, region, env, "https://apigateway.lab-1.oci.lab.invalid")
    assert gws.list_gateways(tenancy).data.items == []


def test_stand_in_endpoints_are_404_on_the_region_and_answer_on_the_side_channel(region, http):
    for url in (f"{ADMIN}/_localoci/health", f"{MESSAGES}/_localoci/clock", f"{ADMIN}/_gateway/x"):
        r = http.get(url, timeout=10)
        assert r.status_code == 404, url
    health = region.control.health()
    assert health["status"] == "ok" and health["region"] == REGION
    assert region.control.stats()["counters"] is not None


def test_a_region_runs_on_the_real_clock(region, tmp_path):
    with pytest.raises(Exception) as err:
        region.control.advance(60)
    assert getattr(err.value, "code", None) == 409
    local = serve_in_process(tmp_path / "moved")
    try:
        local.control.advance(3600)
    finally:
        local.stop()
    with pytest.raises(ServerError, match="real clock"):
        Server(
            ServerConfig(data_dir=tmp_path / "moved", realm=region.server.config.realm),
            log_file=False,
        )


def test_the_proxy_refuses_every_host_outside_the_region(region, env):
    proxy = env["HTTPS_PROXY"].removeprefix("http://")
    host, port = proxy.rsplit(":", 1)
    before = region.control.stats()["counters"].get("proxy_refused", 0)

    def ask(request: bytes) -> bytes:
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(request)
            return s.recv(4096)

    assert ask(b"CONNECT pypi.org:443 HTTP/1.1\r\nHost: pypi.org:443\r\n\r\n").startswith(
        b"HTTP/1.1 403"
    )
    assert ask(b"CONNECT streaming.lab-1.oci.lab.invalid:8443 HTTP/1.1\r\n\r\n").startswith(
        b"HTTP/1.1 403"
    ), "only the realm's port"
    assert ask(
        b"CONNECT streaming.us-ashburn-1.oci.oraclecloud.com:443 HTTP/1.1\r\n\r\n"
    ).startswith(b"HTTP/1.1 403")
    assert ask(b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n").startswith(
        b"HTTP/1.1 405"
    )
    assert region.control.stats()["counters"]["proxy_refused"] == before + 4


def test_the_certificate_names_every_hostname_the_sdk_derives(region, env):
    material = region.server.region.tls
    cert = x509.load_pem_x509_certificate(material.cert_file.read_bytes())
    names = set(
        cert.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value.get_values_for_type(x509.DNSName)
    )
    assert names == {
        "streaming.lab-1.oci.lab.invalid",
        "cell-1.streaming.lab-1.oci.lab.invalid",
        "identity.lab-1.oci.lab.invalid",
        "functions.lab-1.oci.lab.invalid",
        "apigateway.lab-1.oci.lab.invalid",
        "*.lab-1.functions.oci.lab.invalid",
        "*.apigateway.lab-1.oci.lab.invalid",
    }
    ctx = ssl.create_default_context(cafile=env["REQUESTS_CA_BUNDLE"])
    gateway_name = "k3y.apigateway.lab-1.oci.lab.invalid"
    with (
        socket.create_connection(("127.0.0.1", region.server.config.port), timeout=10) as raw,
        ctx.wrap_socket(raw, server_hostname=gateway_name) as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3"), "a gateway's name verifies"


def test_the_ca_bundle_keeps_certifi_and_the_machines_roots(region, env, tmp_path, monkeypatch):
    import certifi

    bundle = open(env["REQUESTS_CA_BUNDLE"]).read()
    ca = region.server.region.tls.ca_file.read_text()
    assert bundle.startswith(ca.strip())
    assert open(certifi.where()).read().strip()[-200:] in bundle
    mine = tmp_path / "machine.pem"  # a bundle the machine sets (this one: another CA's)
    other = serve_in_process(tmp_path / "other", "--as-region", "lab-9")
    other.stop()
    mine.write_text((tmp_path / "other" / "tls" / "ca.pem").read_text())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(mine))
    second = serve_in_process(tmp_path / "again", "--as-region", REGION)
    try:
        again = open(second.server.info.client_env["REQUESTS_CA_BUNDLE"]).read()
    finally:
        second.stop()
    assert mine.read_text().strip() in again, "what REQUESTS_CA_BUNDLE named is kept"
    assert open(certifi.where()).read().strip()[-200:] in again, "and certifi's roots"


def test_a_gateways_deployments_answer_at_its_hostname(region, env, http):
    tenancy = region.config["tenancy"]
    gws = sdk(oci.apigateway.GatewayClient, region, env, "https://apigateway.lab-1.oci.lab.invalid")
    deps = sdk(
        oci.apigateway.DeploymentClient, region, env, "https://apigateway.lab-1.oci.lab.invalid"
    )
    G = oci.apigateway.models
    gw = gws.create_gateway(
        G.CreateGatewayDetails(compartment_id=tenancy, endpoint_type="PUBLIC", display_name="gw")
    ).data
    gw = gws.get_gateway(gw.id).data
    assert gw.hostname.endswith(".apigateway.lab-1.oci.lab.invalid")
    spec = G.ApiSpecification(
        routes=[
            G.ApiSpecificationRoute(
                path="/health",
                methods=["GET"],
                backend=G.StockResponseBackend(status=200, body="ok"),
            )
        ]
    )
    dep = deps.create_deployment(
        G.CreateDeploymentDetails(
            gateway_id=gw.id, compartment_id=tenancy, path_prefix="/v1", specification=spec
        )
    ).data
    dep = deps.get_deployment(dep.id).data
    assert dep.endpoint == f"https://{gw.hostname}/v1"
    r = http.get(dep.endpoint + "/health", timeout=10)
    assert (r.status_code, r.text) == (200, "ok")
    assert http.get(dep.endpoint + "/nothing", timeout=10).status_code == 404
    other = http.get("https://zzz.apigateway.lab-1.oci.lab.invalid/v1/health", timeout=10)
    assert other.status_code == 404, "an unknown gateway"


def test_a_realm_domain_must_be_invalid_and_may_carry_a_port():
    from localoci.cli import build_parser, realm_from_args

    args = build_parser().parse_args(
        ["serve", "--as-region", "lab-2", "--realm-domain", "example.invalid:8443"]
    )
    realm = realm_from_args(args)
    assert realm.url(realm.host("streaming")) == "https://streaming.lab-2.oci.example.invalid:8443"
    assert realm.allows("identity.lab-2.oci.example.invalid", 8443)
    assert not realm.allows("identity.lab-2.oci.example.invalid", 443)
    bad = build_parser().parse_args(["serve", "--as-region", "lab-2", "--realm-domain", "oci.com"])
    with pytest.raises(ValueError, match=r"\.invalid"):
        realm_from_args(bad)


def test_the_doctor_reaches_the_region_through_its_proxy(env, monkeypatch):
    """Behind HTTPS_PROXY the SDK never dials the host itself; the doctor must not either."""
    from labhelpers.doctor import _reachable

    monkeypatch.setenv("HTTPS_PROXY", env["HTTPS_PROXY"])
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _reachable(f"{ADMIN}/20180418")
    assert not _reachable("https://streaming.us-ashburn-1.oci.oraclecloud.com/20180418")
    monkeypatch.delenv("HTTPS_PROXY")
    assert not _reachable(f"{ADMIN}/20180418", timeout=1), "the name resolves nowhere"


def test_the_local_target_refuses_a_region_and_says_how_to_use_it(region, monkeypatch):
    from labhelpers import localctl
    from labhelpers.errors import LabError

    monkeypatch.delenv("LOCALOCI_URL", raising=False)
    monkeypatch.setenv("LOCALOCI_HOME", str(region.data_dir))
    with pytest.raises(LabError, match="serves as region lab-1.*LAB_TARGET=oci"):
        localctl.find()
