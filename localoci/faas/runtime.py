"""Running functions the way Fn does: one warm process per function, spoken to over the FDK's
``http-stream`` contract.

For each function localoci starts ``fnhost.py`` (which hands the function's file to the
official FDK entry point, as ``/python/bin/fdk /function/func.py handler`` does in the
container) with:

* ``FN_FORMAT=http-stream`` and ``FN_LISTENER=unix:<tmp>/lsnr.sock``: the FDK serves
  ``POST /call`` on that socket; localoci sends each invocation there;
* ``FN_APP_ID``, ``FN_APP_NAME``, ``FN_FN_ID``, ``FN_FN_NAME``, ``FN_MEMORY``, ``FN_TYPE``;
* the application's config overlaid with the function's, as environment variables (what
  ``ctx.Config()`` returns); the server's own ``OCI_*`` settings are not passed on;
* in region mode, what any client of the region needs (``OCI_REGION_METADATA``,
  ``REQUESTS_CA_BUNDLE``, ``HTTPS_PROXY``: :attr:`localoci.service.Service.client_env`);
* resource-principal credentials, as OCI Functions provides them (RP version 2.2): a fresh
  RSA key pair per process, ``OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM`` and
  ``OCI_RESOURCE_PRINCIPAL_RPST`` as paths to files (so the SDK re-reads them), and
  ``OCI_RESOURCE_PRINCIPAL_REGION``.  The RPST is a token localoci issued
  (:func:`localoci.auth.issue_token`) for the process's public key, with the claims the SDK
  reads (``res_tenant``, ``res_compartment``) and ``sub`` = the function's OCID; localoci
  rewrites it before it gets old, and verifies it on every request the function signs.

Invocations of one function are served one at a time (a function is one container here, not
a scaled-out pool).  A call that outlives ``timeoutInSeconds`` kills the process (504); a
process that crashed is restarted on the next call.  The function's stdout and stderr go to
``<data dir>/functions/<name>-<id suffix>.log``.  All processes stop with the server and on
``/_localoci/reset``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .. import auth, errors
from ..bootstrap import REGION
from ..service import Service
from .fncall import FnResult, call

log = logging.getLogger("localoci.faas")

FNHOST = Path(__file__).with_name("fnhost.py")
START_TIMEOUT_S = 30.0
TOKEN_TTL_S = 3600
TOKEN_REFRESH_S = 1200  # rewrite the RPST when it is older than this
MAX_BODY = 6 * 1024 * 1024  # OCI Functions' request limit
_KEEP_ENV = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TMPDIR",
    "TZ",
    "SYSTEMROOT",
    "VIRTUAL_ENV",
)


@dataclass
class Worker:
    fn_id: str
    name: str
    proc: subprocess.Popen | None  # None until _spawn starts it
    tmpdir: Path
    sock: Path
    fingerprint: str
    public_pem: str
    claims: dict
    log_path: Path
    token_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _write_private(path: Path, data: str) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(data)
    os.replace(tmp, path)


class Runtime:
    def __init__(self, svc: Service) -> None:
        self.svc = svc
        self.workers: dict[str, Worker] = {}
        self.background: set[asyncio.Task] = set()
        self.starting: dict[str, asyncio.Future] = {}  # fn_id -> its process being started
        self.retired: dict[int, Worker] = {}  # replaced, stopping once idle
        self.log_dir = svc.data_dir / "functions"

    # -- lifecycle ---------------------------------------------------------------------------

    def stop(self, fn_id: str) -> None:
        w = self.workers.pop(fn_id, None)
        if w is not None:
            self._kill(w)

    def _drop(self, w: Worker) -> None:
        """Stop ``w`` and forget it, if it is still the function's worker (not a newer one)."""
        if self.workers.get(w.fn_id) is w:
            del self.workers[w.fn_id]
        self._kill(w)

    def retire(self, fn_id: str) -> None:
        """The function (or its application) changed: the next call starts a fresh process,
        while calls already running finish on the old one, which stops once it is idle."""
        w = self.workers.pop(fn_id, None)
        if w is None:
            return
        self.retired[id(w)] = w

        async def stop_when_idle() -> None:
            async with w.lock:
                self._kill(w)

        try:
            self.detach(stop_when_idle())
        except RuntimeError:  # no event loop (not serving): stop it now
            self._kill(w)

    def _kill(self, w: Worker) -> None:
        self.retired.pop(id(w), None)
        proc = w.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(2)
        shutil.rmtree(w.tmpdir, ignore_errors=True)

    def stop_all(self) -> None:
        for fn_id in list(self.workers):
            self.stop(fn_id)
        for w in list(self.retired.values()):
            self._kill(w)
        for t in list(self.background):
            t.cancel()

    def log_tail(self, fn_id: str, lines: int = 15) -> str:
        w = self.workers.get(fn_id)
        path = w.log_path if w else None
        if path is None or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def log_path(self, fn) -> Path:
        return self.log_dir / f"{fn.name}-{fn.id[-8:]}.log"

    @staticmethod
    def fingerprint(fn, app) -> str:
        src = Path(fn.doc["sourceDir"]) / fn.doc["entry"]
        try:
            mtime = src.stat().st_mtime_ns
        except OSError:
            mtime = 0
        material = json.dumps(
            [
                fn.doc["sourceDir"],
                fn.doc["entry"],
                fn.doc["handler"],
                mtime,
                app.doc.get("config", {}),
                fn.doc.get("config", {}),
                fn.name,
                app.name,
            ]
        )
        return hashlib.sha256(material.encode()).hexdigest()

    def _claims(self, fn, app) -> dict:
        tenancy = self.svc.store.meta_get("tenancy_id") or fn.compartment_id
        return {
            "sub": fn.id,
            "ptype": "resource",
            "res_type": "fnfunc",
            "res_id": fn.id,
            "res_compartment": fn.compartment_id,
            "res_tenant": tenancy,
            "tenant": tenancy,
            "fn_app": app.id,
        }

    def _refresh_token(self, w: Worker, force: bool = False) -> None:
        if force or time.time() - w.token_at > TOKEN_REFRESH_S:
            token = auth.issue_token(self.svc.secret, w.public_pem, w.claims, ttl_s=TOKEN_TTL_S)
            _write_private(w.tmpdir / "rpst", token)
            w.token_at = time.time()

    async def _start(self, fn, app) -> Worker:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        tmpdir = Path(tempfile.mkdtemp(prefix="lofn-"))
        sock = tmpdir / "lsnr.sock"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        _write_private(tmpdir / "rp_private.pem", private_pem)
        region = self.svc.realm.region if self.svc.realm is not None else REGION
        env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
        # In region mode the function reaches the region as any client does (custom realm,
        # the lab CA, the proxy that resolves the region's names): what OCI's network gives it.
        env.update(self.svc.client_env)
        env.update(app.doc.get("config", {}))
        env.update(fn.doc.get("config", {}))
        env.update(
            {
                "FN_FORMAT": "http-stream",
                "FN_LISTENER": f"unix:{sock}",
                "FN_APP_ID": app.id,
                "FN_APP_NAME": app.name,
                "FN_FN_ID": fn.id,
                "FN_FN_NAME": fn.name,
                "FN_MEMORY": str(fn.doc.get("memoryInMBs", 256)),
                "FN_TYPE": "sync",
                "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
                "OCI_RESOURCE_PRINCIPAL_RPST": str(tmpdir / "rpst"),
                "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": str(tmpdir / "rp_private.pem"),
                "OCI_RESOURCE_PRINCIPAL_REGION": region,
                "PYTHONUNBUFFERED": "1",
                "PYTHONDONTWRITEBYTECODE": "1",
                "LOCALOCI_PARENT_PID": str(os.getpid()),
            }
        )
        log_path = self.log_path(fn)
        w = Worker(
            fn.id,
            fn.name,
            None,
            tmpdir,
            sock,
            self.fingerprint(fn, app),
            public_pem,
            self._claims(fn, app),
            log_path,
        )
        self._refresh_token(w, force=True)
        await (
            w.lock.acquire()
        )  # held until the FDK listens: retire() must not stop a starting process
        try:
            return await self._spawn(fn, w, env, log_path)
        finally:
            w.lock.release()

    async def _spawn(self, fn, w: Worker, env: dict, log_path: Path) -> Worker:
        sock = w.sock
        with open(log_path, "ab") as out:
            out.write(
                f"--- localoci: starting {fn.name} ({fn.id}) from {fn.doc['sourceDir']}\n".encode()
            )
            out.flush()
            proc = w.proc = subprocess.Popen(
                [
                    sys.executable,
                    str(FNHOST),
                    str(Path(fn.doc["sourceDir"]) / fn.doc["entry"]),
                    fn.doc["handler"],
                ],
                cwd=fn.doc["sourceDir"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.workers[fn.id] = w
        deadline = time.monotonic() + START_TIMEOUT_S
        while not sock.exists():
            if proc.poll() is not None:
                tail = self.log_tail(fn.id)
                self._drop(w)
                raise errors.function_start_failed(
                    fn.name,
                    f"its process exited (code {proc.returncode}). "
                    f"Last lines of {log_path}:\n{tail}",
                )
            if time.monotonic() > deadline:
                self._drop(w)
                raise errors.function_start_failed(
                    fn.name,
                    f"the FDK did not open its socket within {START_TIMEOUT_S:g} s; see {log_path}",
                )
            await asyncio.sleep(0.02)
        log.info("started function %s (%s) pid %s", fn.name, fn.id, proc.pid)
        return w

    async def _worker(self, fn, app) -> Worker:
        # Calls that arrive while the process is starting wait for that start: before, they
        # found the half-started worker, failed on its missing socket (502) and killed it,
        # failing the starting call too.
        pending = self.starting.get(fn.id)
        if pending is not None:
            return await asyncio.shield(pending)
        w = self.workers.get(fn.id)
        if w is not None and (w.proc is None or w.proc.poll() is not None):
            self._drop(w)
            w = None
        elif w is not None and w.fingerprint != self.fingerprint(fn, app):
            self.retire(fn.id)  # its source or config changed: calls in flight finish first
            w = None
        if w is None:
            task = asyncio.ensure_future(self._start(fn, app))
            self.starting[fn.id] = task
            try:
                w = await asyncio.shield(task)
            finally:
                if self.starting.get(fn.id) is task:
                    del self.starting[fn.id]
        return w

    # -- invocation --------------------------------------------------------------------------

    async def invoke(self, fn, app, body: bytes, headers: dict[str, str]) -> FnResult:
        """Run one invocation; ``headers`` are what the platform sends the FDK (lower-case)."""
        if len(body) > MAX_BODY:
            raise errors.payload_too_large(len(body), MAX_BODY)
        timeout = float(fn.doc.get("timeoutInSeconds", 30))
        w = await self._worker(fn, app)
        async with w.lock:
            if self.workers.get(fn.id) is not w:  # stopped or replaced while we waited
                w = await self._worker(fn, app)
            self._refresh_token(w)
            deadline = time.time() + timeout
            hdrs = {
                "fn-call-id": uuid.uuid4().hex.upper()[:26],
                "fn-deadline": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(deadline)),
                "content-type": "application/json",
                **headers,
            }
            try:
                return await asyncio.wait_for(call(w.sock, hdrs, body), timeout)
            except TimeoutError:
                self._drop(w)
                raise errors.function_timeout(fn.name, timeout) from None
            except (
                OSError,
                ValueError,
                IndexError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
            ) as exc:
                tail = self.log_tail(fn.id)
                self._drop(w)
                raise errors.function_failed(
                    fn.name,
                    f"its process did not answer ({exc}). Last lines of {w.log_path}:\n{tail}",
                ) from None

    def detach(self, coro) -> None:
        """Run a detached invocation in the background (``fn-invoke-type: detached``)."""
        task = asyncio.get_running_loop().create_task(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
