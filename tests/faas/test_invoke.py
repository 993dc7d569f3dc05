"""InvokeFunction through the official FunctionsInvokeClient; the Fn environment and the
resource-principal credentials a function gets; failures and timeouts."""

from __future__ import annotations

import base64
import json
import select
import sqlite3
import time

import oci
import pytest
import requests
from cryptography.hazmat.primitives import serialization

from localoci import auth

from .conftest import HELLO_DIR, PROBE_DIR, create_function, read_event


def invoke(lab, fn, body: dict | str, **kw):
    data = body if isinstance(body, str) else json.dumps(body)
    return lab.invoker().invoke_function(fn.id, invoke_function_body=data, **kw)


def test_hello_publishes_and_answers_json_with_partition_and_offset(lab):
    r = invoke(lab, lab.hello, {"name": "Ada"})
    assert r.status == 200 and r.headers["content-type"] == "application/json"
    out = json.loads(r.data.text)
    assert (
        out["greeting"] == "Hello, Ada!"
        and out["partition"] == "0"
        and isinstance(out["offset"], int)
    )
    key, event = read_event(lab, out["offset"])
    assert key == "Ada"
    assert (
        event["name"] == "Ada" and event["via"] == "invoke" and event["functionId"] == lab.hello.id
    )


def test_invoke_works_on_the_20181201_path_too(lab):
    cfg = lab.server.config
    signer = oci.signer.Signer(cfg["tenancy"], cfg["user"], cfg["fingerprint"], cfg["key_file"])
    r = requests.post(
        f"{lab.server.url}/20181201/functions/{lab.probe.id}/actions/invoke",
        data=b'{"action": "echo"}',
        headers={"content-type": "application/json"},
        auth=signer,
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert r.json()["body"] == '{"action": "echo"}'


def test_function_runs_warm_with_fn_environment_and_merged_config(lab):
    first = json.loads(invoke(lab, lab.probe, {}).data.text)
    second = json.loads(invoke(lab, lab.probe, {}).data.text)
    assert first["pid"] == second["pid"], "the function process is reused between calls"
    env = first["env"]
    assert env["FN_FN_ID"] == lab.probe.id and env["FN_APP_ID"] == lab.app.id
    assert env["FN_FN_NAME"] == "probe" and env["FN_APP_NAME"] == "lab"
    assert env["PROBE_SETTING"] == "42" and env["APP_LEVEL"] == "from-app"
    assert env["OCI_RESOURCE_PRINCIPAL_VERSION"] == "2.2"
    assert not any(k in env for k in ("OCI_CLI_PROFILE", "OCI_CONFIG_FILE")), (
        "the server's OCI settings stay out"
    )
    assert first["headers"].get("fn-call-id") and "fn-intent" not in first["headers"]


def test_direct_invoke_of_bad_input_reports_400_in_the_body(lab):
    # Without Fn-Intent: httprequest the FDK answers the platform 200 for any status but 502/504.
    r = invoke(lab, lab.hello, "not json")
    assert r.status == 200
    assert json.loads(r.data.text)["status"] == 400


def test_function_that_raises_is_a_502_function_invoke_execution_failed(lab):
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        invoke(lab, lab.probe, {"action": "raise"})
    assert exc.value.status == 502 and exc.value.code == "FunctionInvokeExecutionFailed"
    assert "probe was asked to fail" in exc.value.message


def test_crashed_process_is_reported_and_restarted(lab):
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        invoke(lab, lab.probe, {"action": "exit"})
    assert exc.value.status == 502
    assert json.loads(invoke(lab, lab.probe, {}).data.text)["pid"]


def test_call_outliving_the_timeout_is_a_504_and_the_function_recovers(lab):
    started = time.monotonic()
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        invoke(lab, lab.probe, {"action": "sleep", "seconds": 30})
    assert exc.value.status == 504 and exc.value.code == "FunctionInvokeTimeout"
    assert time.monotonic() - started < 15
    assert invoke(lab, lab.probe, {}).status == 200


def test_detached_invoke_answers_202_at_once(lab):
    r = invoke(lab, lab.probe, {}, fn_invoke_type="detached")
    assert r.status == 202


# -- resource principals ----------------------------------------------------------------------


def rp_stream_client(lab, token: str, pem: str) -> oci.streaming.StreamAdminClient:
    signer = oci.auth.signers.EphemeralResourcePrincipalSigner(
        session_token=token, private_key=pem, region="us-ashburn-1"
    )
    return oci.streaming.StreamAdminClient(
        {},
        signer=signer,
        service_endpoint=lab.server.url,
        retry_strategy=oci.retry.NoneRetryStrategy(),
    )


def probe_token(lab) -> tuple[str, str]:
    out = json.loads(invoke(lab, lab.probe, {"action": "token"}).data.text)
    return out["rpst"], out["pem"]


def test_resource_principal_token_carries_the_claims_the_sdk_reads(lab):
    token, pem = probe_token(lab)
    signer = oci.auth.signers.EphemeralResourcePrincipalSigner(
        session_token=token, private_key=pem, region="us-ashburn-1"
    )
    assert signer.get_claim("sub") == lab.probe.id
    assert signer.get_claim("res_type") == "fnfunc"
    assert signer.tenancy_id == lab.server.config["tenancy"]
    assert signer.compartment_id == lab.server.compartment
    assert rp_stream_client(lab, token, pem).get_stream(lab.stream.id).status == 200


def test_tampered_resource_principal_token_is_401(lab):
    token, pem = probe_token(lab)
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["res_compartment"] = "ocid1.compartment.oc1..someoneelse"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        rp_stream_client(lab, f"{head}.{forged}.{sig}", pem).get_stream(lab.stream.id)
    assert exc.value.status == 401


def test_expired_resource_principal_token_is_401(lab):
    token, pem = probe_token(lab)
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    public_pem = (
        oci.signer.load_private_key(pem, None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with sqlite3.connect(lab.server.data_dir / "localoci.db") as db:
        secret = bytes.fromhex(
            db.execute("SELECT value FROM meta WHERE key = 'server_secret'").fetchone()[0]
        )
    keep = {k: v for k, v in claims.items() if k not in ("iat", "exp", "jwk", "iss")}
    expired = auth.issue_token(secret, public_pem, keep, ttl_s=-600)
    with pytest.raises(oci.exceptions.ServiceError) as exc:
        rp_stream_client(lab, expired, pem).get_stream(lab.stream.id)
    assert exc.value.status == 401 and "expired" in exc.value.message


def test_publish_failure_answers_503_with_the_reason(lab):
    fm = lab.fm()
    broken = create_function(
        fm,
        lab.app.id,
        "hello-nostream",
        HELLO_DIR,
        {
            "STREAM_OCID": "ocid1.stream.oc1.local.doesnotexist",
            "STREAM_MESSAGES_ENDPOINT": lab.server.url,
        },
    )
    try:
        out = json.loads(invoke(lab, broken, {"name": "Ada"}).data.text)
    finally:
        fm.delete_function(broken.id)
    assert out["status"] == 503 and out["error"] == "publish_failed"
    assert "404" in out["reason"] and "doesnotexist" in out["reason"]


def test_reset_and_shutdown_stop_function_processes(localoci_factory):
    import os

    server = localoci_factory()
    fm = oci.functions.FunctionsManagementClient(server.config, service_endpoint=server.url)
    app = fm.create_application(
        oci.functions.models.CreateApplicationDetails(
            compartment_id=server.compartment, display_name="r", subnet_ids=[]
        )
    ).data
    fn = create_function(fm, app.id, "probe", PROBE_DIR)
    inv = oci.functions.FunctionsInvokeClient(server.config, service_endpoint=server.url)

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def wait_dead(pid: int, timeout: float = 5.0) -> bool:
        """Wait for ``pid`` to end: a pidfd turns readable when it exits (Linux); else poll."""
        if not hasattr(os, "pidfd_open"):
            deadline = time.monotonic() + timeout
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            return not alive(pid)
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            return True
        try:
            return bool(select.select([fd], [], [], timeout)[0])
        finally:
            os.close(fd)

    pid = json.loads(inv.invoke_function(fn.id, invoke_function_body="{}").data.text)["pid"]
    assert alive(pid)
    server.control.reset()
    assert wait_dead(pid)
    with pytest.raises(oci.exceptions.ServiceError) as gone:
        fm.get_function(fn.id)
    assert gone.value.status == 404
    app = fm.create_application(
        oci.functions.models.CreateApplicationDetails(
            compartment_id=server.compartment, display_name="r", subnet_ids=[]
        )
    ).data
    fn = create_function(fm, app.id, "probe", PROBE_DIR)
    pid = json.loads(inv.invoke_function(fn.id, invoke_function_body="{}").data.text)["pid"]
    server.stop()
    assert wait_dead(pid)
