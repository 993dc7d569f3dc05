"""resources: a full disk, a read-only data directory, a burst of connections, memory.

* **Full disk**: the data directory is a 3 MB tmpfs (``mount -t tmpfs``; needs root, else
  skipped) holding a ballast file.  Producers publish until writes fail: each failure must be
  503 ``ServiceUnavailable`` whose message names the fix, never a 500 or a crash; reads still
  work; every acknowledged message is intact; after the ballast is deleted writes succeed
  again; after a restart everything acknowledged is there and ``PRAGMA integrity_check`` is ok.
* **Read-only data directory**: the tmpfs is remounted read-only: localoci refuses to start
  with a message naming the directory and the fix, and the data is intact once writable.
* **Connection burst**: ``n`` sockets (default 1 500) open at once, each sending a request;
  then again with the server's open-file limit lowered to 256 (``prlimit``), so most cannot
  even be accepted.  Each connection is answered, refused or queued; the server must survive
  (same pid, healthy, data readable).
* **Memory**: 200 MB published (1 MiB messages) into one stream and read back; the server's
  RSS is sampled throughout (``/proc/<pid>/status``) and must stay below a bound that does
  not grow with the data held.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import common
from .common import Models, Result, b64

MIB = 1024 * 1024


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> object:
    """Mount a tmpfs at ``path``; yield True, or False when mounting is not permitted."""
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _publish(client, stream_id: str, value: bytes) -> tuple[int, object]:
    import oci

    try:
        res = client.put_messages(
            stream_id,
            Models.PutMessagesDetails(messages=[Models.PutMessagesDetailsEntry(value=b64(value))]),
        ).data
        e = res.entries[0]
        return 200, (int(e.partition), e.offset) if e.error is None else e.error
    except oci.exceptions.ServiceError as exc:
        return exc.status, (exc.code, exc.message)


def full_disk(res: Result, wd: Path) -> None:
    mnt = wd / "full"
    with tmpfs(mnt, "3m") as ok:
        if not ok:
            res.figures["full_disk"] = "skipped: cannot mount a tmpfs here (not root?)"
            return
        data = mnt / "data"
        s = common.process.start(data, "--no-limits")
        try:
            stream = common.create_stream(s, "full", 1)
            (mnt / "ballast").write_bytes(b"\0" * 1024 * 300)
            client = common.stream_client(s)
            acked: dict[tuple[int, int], bytes] = {}
            refused, other, i = [], [], 0
            while len(refused) < 5 and i < 2000:
                value = f"full-{i}-".encode() + os.urandom(8 * 1024)
                status, info = _publish(client, stream.id, value)
                if status == 200 and isinstance(info, tuple):
                    acked[info] = value
                elif status == 503:
                    refused.append(info)
                else:
                    other.append((status, info))
                i += 1
            for st, info in other:
                res.fail(f"full disk: answered {st} {info}")
            for code, message in refused:
                if code != "ServiceUnavailable" or "Free disk space" not in message:
                    res.fail(f"full disk: unclear error {code}: {message}")
            if not refused:
                res.fail("full disk: the disk never filled up")
            # Reads still work and nothing acknowledged is damaged.
            stored = {(0, o): v for o, _, v in common.read_partition(client, stream.id, 0)}
            damaged = sum(stored.get(k) != v for k, v in acked.items())
            alive = s.proc.poll() is None
            (mnt / "ballast").unlink()
            after_free = _publish(client, stream.id, b"after-free")[0]
        finally:
            s.stop()
        # Restart on the (now roomier) disk: everything acknowledged is there, the DB is sound.
        s = common.process.start(data, "--no-limits")
        try:
            stored = {
                (0, o): v
                for o, _, v in common.read_partition(common.stream_client(s), stream.id, 0)
            }
            lost_after_restart = sum(stored.get(k) != v for k, v in acked.items())
        finally:
            s.stop()
        integrity = (
            sqlite3.connect(f"file:{data / 'localoci.db'}?mode=ro", uri=True)
            .execute("PRAGMA integrity_check")
            .fetchone()[0]
        )
        # Restart with the disk full again: it must start (or refuse clearly), never crash or corrupt.
        (mnt / "ballast2").write_bytes(b"\0" * 0)
        with contextlib.suppress(OSError), open(mnt / "ballast2", "wb") as f:
            while True:
                f.write(b"\0" * 65536)
        start_full = "started"
        try:
            s = common.process.start(data, "--no-limits")
            try:
                st = _publish(common.stream_client(s), stream.id, b"x" * 200_000)[0]
                start_full = f"started; a publish answered {st}"
                if st >= 500 and st != 503:
                    res.fail(f"full disk after restart: publish answered {st}")
            finally:
                s.stop()
        except RuntimeError as exc:
            start_full = "refused: " + str(exc)[-300:].strip().replace("\n", " | ")
            if "Traceback" in str(exc) or "Free disk space" not in str(exc):
                res.fail(f"full disk: restart refused without a clear message: {str(exc)[-600:]}")
        (mnt / "ballast2").unlink()
        integrity2 = (
            sqlite3.connect(f"file:{data / 'localoci.db'}?mode=ro", uri=True)
            .execute("PRAGMA integrity_check")
            .fetchone()[0]
        )
        res.figures["full_disk"] = {
            "publishes": i,
            "acknowledged": len(acked),
            "refused_503": len(refused),
            "other_errors": len(other),
            "example_message": refused[0][1] if refused else None,
            "server_alive": alive,
            "damaged_acknowledged": damaged,
            "publish_after_freeing_space": after_free,
            "lost_after_restart": lost_after_restart,
            "integrity_check": integrity,
            "restart_on_full_disk": start_full,
            "integrity_check_after": integrity2,
        }
        if not alive:
            res.fail("full disk: the server died")
        if damaged or lost_after_restart:
            res.fail(f"full disk: {damaged} damaged, {lost_after_restart} lost after restart")
        if after_free != 200:
            res.fail(f"full disk: publishing after freeing space answered {after_free}")
        if integrity != "ok" or integrity2 != "ok":
            res.fail(f"full disk: integrity_check {integrity} / {integrity2}")


def read_only(res: Result, wd: Path) -> None:
    mnt = wd / "ro"
    with tmpfs(mnt, "8m") as ok:
        if not ok:
            res.figures["read_only"] = "skipped: cannot mount a tmpfs here (not root?)"
            return
        data = mnt / "data"
        s = common.process.start(data)
        try:
            stream = common.create_stream(s, "ro", 1)
            client = common.stream_client(s)
            values = [f"ro-{i}".encode() for i in range(20)]
            for v in values:
                _publish(client, stream.id, v)
        finally:
            s.stop()
        r = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True, text=True)
        if r.returncode != 0:
            res.figures["read_only"] = f"skipped: cannot remount read-only ({r.stderr.strip()})"
            return
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "localoci", "serve", "--port", "0", "--data-dir", str(data)],
                capture_output=True,
                text=True,
                timeout=60,
            )
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(mnt)], capture_output=True)
        message = (proc.stderr + proc.stdout).strip()
        clear = (
            proc.returncode == 2
            and "not writable" in message
            and "--data-dir" in message
            and "Traceback" not in message
        )
        s = common.process.start(data)
        try:
            got = [v for _, _, v in common.read_partition(common.stream_client(s), stream.id, 0)]
        finally:
            s.stop()
        res.figures["read_only"] = {
            "exit_code": proc.returncode,
            "message": message[-400:],
            "data_intact_after": got == values,
        }
        if not clear:
            res.fail(
                f"read-only data dir: no clear refusal (exit {proc.returncode}): {message[-600:]}"
            )
        if got != values:
            res.fail("read-only data dir: data changed")


def _burst(url: str, n: int, timeout: float = 60.0) -> dict:
    host, port = url.split("//")[1].split(":")
    request = (
        f"GET /_localoci/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    )
    sel = selectors.DefaultSelector()
    socks, outcome = (
        [],
        {
            "connect_failed": 0,
            "answered_200": 0,
            "answered_other": 0,
            "reset_or_closed": 0,
            "timed_out": 0,
        },
    )
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect_ex((host, int(port)))
        except OSError:
            outcome["connect_failed"] += 1
            s.close()
            continue
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, {"buf": b"", "sent": False})
    deadline = time.monotonic() + timeout
    pending = len(socks)
    statuses: dict[str, int] = {}
    while pending and time.monotonic() < deadline:
        for key, _ev in sel.select(timeout=1):
            s, st = key.fileobj, key.data
            try:
                if not st["sent"]:
                    s.send(request)
                    st["sent"] = True
                    sel.modify(s, selectors.EVENT_READ, st)
                    continue
                chunk = s.recv(65536)
            except OSError:
                chunk = None
            if chunk:
                st["buf"] += chunk
                continue
            sel.unregister(s)
            s.close()
            pending -= 1
            if st["buf"].startswith(b"HTTP/1.1 200"):
                outcome["answered_200"] += 1
            elif st["buf"].startswith(b"HTTP/"):
                outcome["answered_other"] += 1
                code = st["buf"][9:12].decode()
                statuses[code] = statuses.get(code, 0) + 1
            else:
                outcome["reset_or_closed"] += 1
    for key in list(sel.get_map().values()):
        key.fileobj.close()
        outcome["timed_out"] += 1
    outcome["other_statuses"] = statuses
    return outcome


def burst(res: Result, wd: Path, n: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n * 2 + 200)), hard))
    out = {}
    with common.server(wd / "burst") as s:
        stream = common.create_stream(s, "burst", 1)
        _publish(common.stream_client(s), stream.id, b"before the burst")
        pid = s.proc.pid
        out["default_limits"] = _burst(s.url, n)
        r = subprocess.run(
            ["prlimit", f"--pid={pid}", "--nofile=256:256"], capture_output=True, text=True
        )
        if r.returncode == 0:
            out["server_nofile_256"] = _burst(s.url, n)
        else:
            out["server_nofile_256"] = f"skipped: prlimit failed ({r.stderr.strip()})"
        time.sleep(1.5)  # asyncio pauses accepting for 1 s after EMFILE
        health = common.unsigned(s, "GET", "/_localoci/health")
        got = [v for _, _, v in common.read_partition(common.stream_client(s), stream.id, 0)]
        out["server_alive_after"] = s.proc.poll() is None and health["pid"] == pid
        out["data_readable_after"] = got == [b"before the burst"]
        log = (s.data_dir / "server.log").read_text(errors="replace") + (
            s.data_dir / "stdout.log"
        ).read_text(errors="replace")
        out["server_log_tracebacks"] = log.count("Traceback")
        out["out_of_fd_warnings"] = log.count("out of file descriptors")
        out["log_bytes"] = len(log)
    res.figures["burst"] = {"connections": n, **out}
    if not (out["server_alive_after"] and out["data_readable_after"]):
        res.fail(
            f"connection burst: server alive {out['server_alive_after']}, data {out['data_readable_after']}"
        )
    if out["log_bytes"] > 1_000_000:
        res.fail(f"connection burst: the server wrote {out['log_bytes']} bytes of logs")
    for phase in ("default_limits", "server_nofile_256"):
        o = out[phase]
        if isinstance(o, dict) and any(
            code.startswith("5") and code != "503" for code in o["other_statuses"]
        ):
            res.fail(f"connection burst ({phase}): 5xx answers {o['other_statuses']}")


def memory(res: Result, wd: Path, mb: int) -> None:
    with common.server(wd / "mem", "--no-limits") as s:
        stream = common.create_stream(s, "mem", 4)
        client = common.stream_client(s, timeout=(5, 120))
        pid = s.proc.pid
        samples = []
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                with contextlib.suppress(OSError):
                    samples.append(common.rss_kb(pid))
                time.sleep(0.05)

        t = threading.Thread(target=sample, daemon=True)
        baseline = common.rss_kb(pid)
        t.start()
        value = os.urandom(MIB)
        for i in range(mb // 2):
            r = client.put_messages(
                stream.id,
                Models.PutMessagesDetails(
                    messages=[
                        Models.PutMessagesDetailsEntry(key=b64(f"k{i}-{j}"), value=b64(value))
                        for j in range(2)
                    ]
                ),
            ).data
            if r.failures:
                res.fail(f"memory: publish {i} had failures")
        publish_peak = max(samples)
        after_publish = common.rss_kb(pid)
        read_bytes = 0
        for p in range(4):
            c = client.create_cursor(
                stream.id, Models.CreateCursorDetails(partition=str(p), type="TRIM_HORIZON")
            ).data.value
            while True:
                resp = client.get_messages(stream.id, c, limit=10000)
                if not resp.data:
                    break
                read_bytes += sum(len(m.value) * 3 // 4 for m in resp.data)
                c = resp.headers["opc-next-cursor"]
        read_peak = max(samples)
        common.advance(s, 25 * 3600)  # past the 24 h retention: the data is trimmed
        time.sleep(0.5)
        after_trim = common.rss_kb(pid)
        stop.set()
        t.join(5)
    db_mb = None
    with contextlib.suppress(OSError):
        db_mb = round(sum(f.stat().st_size for f in (wd / "mem").glob("localoci.db*")) / MIB, 1)
    fig = {
        "published_mb": mb,
        "read_back_mb": round(read_bytes / MIB, 1),
        "baseline_rss_mb": round(baseline / 1024, 1),
        "publish_peak_rss_mb": round(publish_peak / 1024, 1),
        "after_publish_rss_mb": round(after_publish / 1024, 1),
        "read_peak_rss_mb": round(read_peak / 1024, 1),
        "after_retention_rss_mb": round(after_trim / 1024, 1),
        "db_files_mb": db_mb,
        "samples": len(samples),
    }
    res.figures["memory"] = fig
    bound = baseline + 160 * 1024
    if max(publish_peak, read_peak) > bound:
        res.fail(
            f"memory: RSS peaked at {max(publish_peak, read_peak) // 1024} MB "
            f"(baseline {baseline // 1024} MB, bound +160 MB) while holding {mb} MB"
        )


def run(n: int = 1500, seed: int = 1, workdir=None, mb: int = 200) -> Result:
    """``n``: sockets in the burst; ``mb``: megabytes published for the memory check."""
    res = Result("resources")
    t0 = time.monotonic()
    with common.workdir(workdir) as wd:
        full_disk(res, wd)
        read_only(res, wd)
        burst(res, wd, n)
        memory(res, wd, mb)
    res.seconds = time.monotonic() - t0
    return res
