"""A client that knows nothing of localoci reaches it as a region: the official SDK and the OCI
CLI, in processes of their own (the SDK reads ``OCI_REGION_METADATA`` once per process), with
an ordinary ``~/.oci/config`` profile and three variables -- no endpoint anywhere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conformance.test_cli import OCI_BIN
from tests.inprocess import serve_in_process
from tests.oci_target.region import client_env, learner_profile


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    server = serve_in_process(tmp_path_factory.mktemp("region"), "--as-region", "lab-1")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def learner(region, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    profile = learner_profile(region.server.info, home, "ada")
    return profile, client_env(region.server.info, home)


SDK_SCRIPT = r"""
import base64, json, oci
config = oci.config.from_file()            # ~/.oci/config, DEFAULT: what `oci setup config` writes
none = oci.retry.NoneRetryStrategy()
identity = oci.identity.IdentityClient(config, retry_strategy=none)
admin = oci.streaming.StreamAdminClient(config, retry_strategy=none)
compartment = identity.create_compartment(oci.identity.models.CreateCompartmentDetails(
    compartment_id=config["tenancy"], name="sdk-compartment", description="sdk")).data
created = admin.create_stream(oci.streaming.models.CreateStreamDetails(
    name="sdk-stream", partitions=1, compartment_id=compartment.id)).data
stream = oci.wait_until(admin, admin.get_stream(created.id), "lifecycle_state", "ACTIVE").data
client = oci.streaming.StreamClient(config, service_endpoint=stream.messages_endpoint, retry_strategy=none)
put = client.put_messages(stream.id, oci.streaming.models.PutMessagesDetails(messages=[
    oci.streaming.models.PutMessagesDetailsEntry(value=base64.b64encode(b"over https").decode())])).data
cursor = client.create_cursor(stream.id, oci.streaming.models.CreateCursorDetails(
    partition="0", type="TRIM_HORIZON")).data.value
got = client.get_messages(stream.id, cursor).data
print(json.dumps({
    "admin": admin.base_client.endpoint,
    "identity": identity.base_client.endpoint,
    "functions": oci.functions.FunctionsManagementClient(config).base_client.endpoint,
    "apigateway": oci.apigateway.GatewayClient(config).base_client.endpoint,
    "messages": stream.messages_endpoint,
    "tenancy": identity.get_tenancy(config["tenancy"]).data.name,
    "me": identity.get_user(config["user"]).data.name,
    "compartment": compartment.id,
    "value": base64.b64decode(got[0].value).decode(),
    "applications": oci.functions.FunctionsManagementClient(config, retry_strategy=none)
        .list_applications(compartment.id).data,
}))
"""


def test_the_sdk_derives_every_endpoint_from_the_custom_realm(learner):
    profile, env = learner
    proc = subprocess.run(
        [sys.executable, "-c", SDK_SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["admin"] == "https://streaming.lab-1.oci.lab.invalid/20180418"
    assert out["identity"] == "https://identity.lab-1.oci.lab.invalid/20160918"
    assert out["functions"].startswith("https://functions.lab-1.oci.lab.invalid/")
    assert out["apigateway"].startswith("https://apigateway.lab-1.oci.lab.invalid/")
    assert out["messages"] == "https://cell-1.streaming.lab-1.oci.lab.invalid"
    assert (out["tenancy"], out["me"]) == (profile.tenancy_name, "ada")
    assert out["value"] == "over https" and out["applications"] == []


def test_without_the_region_metadata_the_sdk_fails_instead_of_reaching_oracle(learner):
    _, env = learner
    env = {k: v for k, v in env.items() if k != "OCI_REGION_METADATA"}
    script = (
        "import oci\n"
        "a = oci.streaming.StreamAdminClient(oci.config.from_file(), "
        "retry_strategy=oci.retry.NoneRetryStrategy())\n"
        "print(a.base_client.endpoint)\n"
        "try:\n"
        "    a.list_streams(compartment_id=oci.config.from_file()['tenancy'])\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    endpoint, outcome = proc.stdout.split()
    assert "oraclecloud.com" in endpoint, "an unknown region falls back to realm OC1 ..."
    assert outcome in ("ProxyError", "RequestException", "ConnectionError"), (
        "... whose hosts the proxy refuses: nothing leaves the machine"
    )


@pytest.mark.cli
@pytest.mark.skipif(OCI_BIN is None, reason="the OCI CLI is not installed (pip install oci-cli)")
def test_the_cli_lists_streams_with_only_an_ordinary_config(learner):
    profile, env = learner
    env = {**env, "OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING": "True"}
    created = subprocess.run(
        [
            OCI_BIN,
            "iam",
            "compartment",
            "create",
            "-c",
            profile.tenancy,
            "--name",
            "cli-comp",
            "--description",
            "cli",
            "--query",
            "data.id",
            "--raw-output",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr[-2000:]
    compartment = created.stdout.strip()
    made = subprocess.run(
        [
            OCI_BIN,
            "streaming",
            "admin",
            "stream",
            "create",
            "--name",
            "cli-stream",
            "--partitions",
            "1",
            "-c",
            compartment,
            "--wait-for-state",
            "SUCCEEDED",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    listed = subprocess.run(
        [OCI_BIN, "streaming", "admin", "stream", "list", "--compartment-id", compartment],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    [stream] = json.loads(listed.stdout)["data"]
    assert stream["name"] == "cli-stream"
    assert stream["messages-endpoint"] == "https://cell-1.streaming.lab-1.oci.lab.invalid"
