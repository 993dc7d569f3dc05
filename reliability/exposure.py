"""exposure: loopback only, and no secret printed, logged or committed.

* localoci refuses every non-loopback ``--host`` (``0.0.0.0``, ``::``, this machine's own
  addresses) unless ``--allow-remote``: exit status 2, a message naming the flag, nothing bound;
  with the flag it does start (the switch is real).
* A default localoci listens on 127.0.0.1 only: every listening socket of its pid (``ss``, or
  ``/proc/net/tcp{,6}``) is on a loopback address.
* Secrets (the API private key, its fingerprint, the user and tenancy OCIDs, the server's token
  secret, resource-principal tokens) appear nowhere in ``server.log``, ``stdout.log`` or the
  functions' logs after a run (``-v`` debug logging) with auth failures of every kind, function
  invokes, gateway calls and errors; nor in what labhelpers prints (``connect()``,
  ``describe()``, ``repr``, the HTML view, ``doctor()`` with good and wrong keys, error messages).
  The key and config files are mode 0600.
* Nothing committed holds a private key: every PEM private-key block in ``git ls-files`` is
  parsed (a placeholder in a test is not a key; a loadable one fails), no config-like file has
  credential lines, and ``.pre-commit-config.yaml``'s ``no-private-keys`` hook matches a real
  key (checked against a freshly generated one).
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import oci
import requests

from . import common
from .common import Result, b64

ROOT = Path(__file__).resolve().parents[1]
ECHO_DIR = Path(__file__).resolve().parent / "functions" / "echo"
JWT = re.compile(r"eyJ[\w-]{10,}\.[\w-]{10,}\.")
PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----(.*?)-----END \1PRIVATE KEY-----", re.S
)


def _own_addresses() -> list[str]:
    out = set()
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None):
            out.add(info[4][0])
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        r = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5)
        out.update(r.stdout.split())
    return sorted(a for a in out if not ipaddress.ip_address(a.split("%")[0]).is_loopback)


def refuse_remote(res: Result, wd: Path) -> None:
    hosts = ["0.0.0.0", "::", *_own_addresses()[:3]]
    results = {}
    for h in hosts:
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "localoci",
                "serve",
                "--host",
                h,
                "--port",
                "0",
                "--data-dir",
                str(wd / "remote"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        ok = p.returncode == 2 and "refusing to listen" in p.stderr and "--allow-remote" in p.stderr
        results[h] = "refused" if ok else f"exit {p.returncode}: {p.stderr[-200:]}"
        if not ok:
            res.fail(f"--host {h}: not refused: {results[h]}")
    # The switch is real: with --allow-remote it starts.
    s = common.process.start(wd / "remote-ok", "--host", "0.0.0.0", "--allow-remote")
    try:
        started = s.proc.poll() is None
    finally:
        s.stop()
    res.figures["non_loopback_hosts"] = results
    res.figures["allow_remote_starts"] = started


def _listening(pid: int) -> list[str]:
    """Local addresses of the TCP sockets ``pid`` listens on."""
    try:
        r = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, timeout=10)
        rows = [line.split() for line in r.stdout.splitlines() if f"pid={pid}," in line]
        if r.returncode == 0:
            return [row[3] for row in rows]
    except (OSError, subprocess.SubprocessError):
        pass
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            m = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(fd))
            if m:
                inodes.add(m.group(1))
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                if f[3] == "0A" and f[9] in inodes:
                    addr, port = f[1].split(":")
                    raw = bytes.fromhex(addr)
                    ip = socket.inet_ntop(
                        socket.AF_INET if len(raw) == 4 else socket.AF_INET6,
                        raw[::-1]
                        if len(raw) == 4
                        else b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)),
                    )
                    out.append(f"{ip}:{int(port, 16)}")
    return out


def secrets_of(data_dir: Path) -> dict[str, str]:
    """The secrets a localoci data directory holds, by name (values and distinctive pieces)."""
    import sqlite3

    cfg = oci.config.from_file(str(data_dir / "config"), "LOCAL")
    out = {
        "user OCID": cfg["user"],
        "tenancy OCID": cfg["tenancy"],
        "fingerprint": cfg["fingerprint"],
    }
    pem = (data_dir / "oci_api_key.pem").read_text()
    body = [
        line
        for line in pem.splitlines()
        if line and not line.startswith("-----") and line != "OCI_API_KEY"
    ]
    for i in (1, len(body) // 2, len(body) - 2):
        out[f"private key line {i}"] = body[i]
    con = sqlite3.connect(f"file:{data_dir / 'localoci.db'}?mode=ro", uri=True)
    out["server token secret"] = con.execute(
        "SELECT value FROM meta WHERE key = 'server_secret'"
    ).fetchone()[0]
    con.close()
    return out


def _scan(text: str, secrets: dict[str, str], where: str, res: Result) -> int:
    found = 0
    for name, value in secrets.items():
        if value and value in text:
            res.fail(f"{where}: contains the {name}")
            found += 1
    for marker in ("PRIVATE KEY", "ST$ey"):
        if marker in text:
            res.fail(f"{where}: contains {marker!r}")
            found += 1
    m = JWT.search(text)
    if m:
        res.fail(f"{where}: contains a token {m.group(0)[:16]}...")
        found += 1
    return found


def server_logs(res: Result, wd: Path) -> None:
    data = wd / "logs"
    s = common.process.start(data, "-v")
    try:
        cfg = common.config_of(s)
        comp = cfg["tenancy"]
        stream = common.create_stream(s, "exposure", 1)
        client = common.stream_client(s)
        client.put_messages(
            stream.id,
            common.Models.PutMessagesDetails(
                messages=[common.Models.PutMessagesDetailsEntry(value=b64("hello"))]
            ),
        )
        # Auth failures of every kind (the auth check's matrix, on one route).
        from . import auth as authcheck

        raw = common.Raw(s)
        route = next(r for r in authcheck.signed_routes() if r.name == "GetStream")
        other = authcheck._other_key()
        from cryptography.hazmat.primitives import serialization

        pem = other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        impostor = oci.signer.Signer(
            cfg["tenancy"], cfg["user"], cfg["fingerprint"], None, private_key_content=pem
        )
        failures = 0
        for _kind, prepared in authcheck.cases(
            raw, route, impostor, __import__("random").Random(1)
        ):
            failures += raw.send(prepared).status_code == 401
        # Functions: invokes (ok, dry run, detached), and the gateway.
        fm = oci.functions.FunctionsManagementClient(cfg, service_endpoint=s.url)
        app = fm.create_application(
            oci.functions.models.CreateApplicationDetails(
                compartment_id=comp, display_name="exposure", subnet_ids=[]
            )
        ).data
        fn = fm.create_function(
            oci.functions.models.CreateFunctionDetails(
                display_name="echo",
                application_id=app.id,
                memory_in_mbs=256,
                timeout_in_seconds=30,
                source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(
                    image=str(ECHO_DIR)
                ),
                config={"SOME_SETTING": "x"},
            )
        ).data
        inv = oci.functions.FunctionsInvokeClient(cfg, service_endpoint=s.url)
        invokes = 0
        for body in (b'{"name": "x"}', b"", b"\xff" * 100):
            invokes += inv.invoke_function(fn.id, invoke_function_body=body).status == 200
        inv.invoke_function(fn.id, invoke_function_body=b"{}", fn_invoke_type="detached")
        with contextlib.suppress(oci.exceptions.ServiceError):
            inv.invoke_function("ocid1.fnfunc.oc1.local.nope", invoke_function_body=b"{}")
        gc = oci.apigateway.GatewayClient(cfg, service_endpoint=s.url)
        gw = gc.create_gateway(
            oci.apigateway.models.CreateGatewayDetails(
                compartment_id=comp,
                endpoint_type="PUBLIC",
                subnet_id="ocid1.subnet.oc1..x",
                display_name="gw",
            )
        ).data
        time.sleep(0.3)
        dc = oci.apigateway.DeploymentClient(cfg, service_endpoint=s.url)
        dep = dc.create_deployment(
            oci.apigateway.models.CreateDeploymentDetails(
                gateway_id=gw.id,
                compartment_id=comp,
                path_prefix="/v1",
                display_name="d",
                specification={
                    "routes": [
                        {
                            "path": "/echo",
                            "methods": ["ANY"],
                            "backend": {"type": "ORACLE_FUNCTIONS_BACKEND", "functionId": fn.id},
                        }
                    ]
                },
            )
        ).data
        time.sleep(0.3)
        endpoint = dc.get_deployment(dep.id).data.endpoint
        gateway_ok = requests.post(
            endpoint + "/echo", data=b"hi", headers={"Authorization": "Bearer abc"}, timeout=30
        ).status_code
        time.sleep(0.5)  # the detached call
        secrets = secrets_of(data)
        listening = _listening(s.proc.pid)
    finally:
        s.stop()
    files = [data / "server.log", data / "stdout.log", *sorted((data / "functions").glob("*.log"))]
    leaks = 0
    for f in files:
        leaks += _scan(f.read_text(errors="replace"), secrets, f"localoci log {f.name}", res)
    modes = {f: oct((data / f).stat().st_mode & 0o777) for f in ("oci_api_key.pem", "config")}
    for f, m in modes.items():
        if m != "0o600":
            res.fail(f"{f} has mode {m}, not 0600")
    loop_only = bool(listening) and all(
        ipaddress.ip_address(a.rsplit(":", 1)[0].strip("[]").split("%")[0]).is_loopback
        for a in listening
    )
    if not loop_only:
        res.fail(f"localoci listens on {listening}")
    res.figures["listening"] = listening
    res.figures["server_logs"] = {
        "files_scanned": len(files),
        "bytes_scanned": sum(f.stat().st_size for f in files),
        "auth_failures_sent": failures,
        "invokes": invokes + 2,
        "gateway_call": gateway_ok,
        "secrets_looked_for": len(secrets) + 3,
        "leaks": leaks,
    }
    res.figures["file_modes"] = {k: v for k, v in modes.items()}


def labhelpers_output(res: Result, wd: Path) -> None:
    data = wd / "lh"
    s = common.process.start(data)
    env_keys = ("LOCALOCI_URL", "LAB_TARGET", "LOCALOCI_HOME")
    saved = {k: os.environ.get(k) for k in env_keys}
    out = io.StringIO()
    calls = 0
    try:
        os.environ.update(
            {"LOCALOCI_URL": s.url, "LAB_TARGET": "local", "LOCALOCI_HOME": str(data)}
        )
        import importlib

        lhconnect = importlib.import_module("labhelpers.connect")
        lhdoctor = importlib.import_module("labhelpers.doctor")

        # An impostor config: the same user/tenancy/fingerprint with another key (a "wrong key").
        from cryptography.hazmat.primitives import serialization

        from . import auth as authcheck

        other = data / "other.pem"
        other.write_bytes(
            authcheck._other_key().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        good_cfg = (data / "config").read_text()
        bad_cfg = data / "config.wrong"
        bad_cfg.write_text(re.sub(r"key_file=.*", f"key_file={other}", good_cfg))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            lab = lhconnect.connect("local")
            print(lab.describe())
            print(repr(lab))
            print(lab._repr_html_())  # noqa: E702
            calls += 4
            for f in lhdoctor.doctor("local", show=True):
                print(f)
            lhdoctor.doctor("local", show=True, config_file=str(bad_cfg), profile="LOCAL")
            lhdoctor.doctor("local", show=True, config_file=str(data / "missing"), profile="LOCAL")
            calls += 3
            for bad in (
                dict(config_file=str(data / "missing")),
                dict(config_file=str(bad_cfg), profile="NOPE"),
            ):
                try:
                    lhconnect.connect("local", **bad)
                except Exception as exc:  # noqa: BLE001 - the message is what we scan
                    print(f"{type(exc).__name__}: {exc}")
                calls += 1
            wrong = lhconnect.connect("local", config_file=str(bad_cfg), profile="LOCAL")
            try:
                wrong.admin.list_streams(
                    compartment_id=wrong.compartment_id,
                    retry_strategy=oci.retry.NoneRetryStrategy(),
                )
            except Exception as exc:  # noqa: BLE001
                print(f"{type(exc).__name__}: {exc}")
            calls += 1
            print(wrong.describe())
        secrets = secrets_of(data)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        s.stop()
    text = out.getvalue()
    leaks = _scan(text, secrets, "labhelpers output", res)
    res.figures["labhelpers_output"] = {
        "calls": calls,
        "chars_printed": len(text),
        "secrets_looked_for": len(secrets) + 3,
        "leaks": leaks,
    }


def committed(res: Result, wd: Path | None = None) -> None:
    import yaml
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    files = [f.decode() for f in files if f]
    blocks = real = 0
    config_lines = []
    scanned = 0
    for name in files:
        path = ROOT / name
        try:
            content = path.read_bytes()
        except OSError:
            continue
        scanned += 1
        for m in PEM_BLOCK.finditer(content):
            blocks += 1
            pem = m.group(0).replace(b"\\n", b"\n")
            try:
                serialization.load_pem_private_key(pem, None)
            except (ValueError, TypeError):
                continue  # a placeholder, not a key
            real += 1
            res.fail(f"{name}: holds a real private key")
        if re.search(r"(config|\.ini|\.cfg|\.env)$", name):
            for line in content.decode("utf-8", "replace").splitlines():
                if re.match(r"^(user|fingerprint|key_file|pass_phrase|tenancy)\s*=\s*\S", line):
                    config_lines.append(f"{name}: {line.split('=')[0]}")
                    res.fail(f"{name}: credential line {line.split('=')[0]}=...")
    hooks = {
        h["id"]: h
        for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
        for h in repo["hooks"]
    }
    hook = hooks.get("no-private-keys")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sample = {
        fmt: key.private_bytes(
            serialization.Encoding.PEM, fmt, serialization.NoEncryption()
        ).decode()
        for fmt in (
            serialization.PrivateFormat.PKCS8,
            serialization.PrivateFormat.TraditionalOpenSSL,
        )
    }
    hook_matches = bool(hook) and all(re.search(hook["entry"], text) for text in sample.values())
    if not hook_matches:
        res.fail("the no-private-keys pre-commit hook is missing or does not match a real key")
    res.figures["committed"] = {
        "tracked_files_scanned": scanned,
        "pem_private_key_blocks": blocks,
        "loadable_private_keys": real,
        "config_credential_lines": len(config_lines),
        "pre_commit_hook_no_private_keys": "matches PKCS8 and PKCS1 keys"
        if hook_matches
        else "missing",
        "pre_commit_hook_no_oci_secrets": "present" if "no-oci-secrets" in hooks else "missing",
    }


def run(n: int = 0, seed: int = 1, workdir=None) -> Result:
    res = Result("exposure")
    t0 = time.monotonic()
    with common.workdir(workdir) as wd:
        refuse_remote(res, wd)
        server_logs(res, wd)
        labhelpers_output(res, wd)
        committed(res)
    res.seconds = time.monotonic() - t0
    return res
