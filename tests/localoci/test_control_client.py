"""The one control client (``localctl``) and what is built on it: ``python -m localoci serve
--detach --wait``, ``status``, ``env``, ``stop`` (real processes), and labhelpers' adapter."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import localctl
from labhelpers import localctl as lab_localctl


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "localoci", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def detached(tmp_path):
    """``serve --detach --wait`` on a fresh data directory; stopped afterwards whatever happens."""
    data = tmp_path / "lo"
    done = cli("serve", "--detach", "--wait", "30", "--port", "0", "--data-dir", str(data))
    try:
        yield data, done
    finally:
        localctl.stop(data, timeout=15)


def test_serve_detach_wait_returns_once_it_answers_and_server_json_names_both_urls(detached):
    data, done = detached
    assert done.returncode == 0, done.stderr
    info = localctl.read_info(data)
    assert info is not None and done.stdout.startswith(f"localoci {info.url} ")
    assert info.control_url == info.url + "/_localoci"
    assert localctl.Control(info.control_url).health()["dataDir"] == str(data.resolve())
    assert Path(info.config_file) == data.resolve() / "config" and info.profile == "LOCAL"


def test_status_env_and_stop_go_through_server_json(detached):
    data, _ = detached
    info = localctl.read_info(data)
    status = cli("status", "--data-dir", str(data))
    assert status.returncode == 0 and json.loads(status.stdout)["pid"] == info.pid
    env = cli("env", "--data-dir", str(data))
    assert f"export LOCALOCI_URL={info.url}" in env.stdout.splitlines()
    assert f"export OCI_CLI_CONFIG_FILE={info.config_file}" in env.stdout.splitlines()
    stop = cli("stop", "--data-dir", str(data))
    assert stop.returncode == 0 and f"stopped localoci at {info.url}" in stop.stdout
    assert localctl.Control(info.control_url).health() is None
    assert cli("status", "--data-dir", str(data)).returncode == 1


def test_serve_detach_wait_exits_1_with_the_reason_when_the_server_cannot_start(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = cli(
            "serve",
            "--detach",
            "--wait",
            "30",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path / "lo"),
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port 0" in done.stderr


def test_wait_without_detach_is_a_usage_error(tmp_path):
    done = cli("serve", "--wait", "5", "--data-dir", str(tmp_path / "lo"))
    assert done.returncode == 2 and "--wait goes with --detach" in done.stderr
    assert not (tmp_path / "lo").exists()


def test_the_control_client_finds_a_server_by_its_data_dir_and_moves_its_clock(localoci):
    info = localctl.find(localoci.data_dir)
    assert info is not None and info.url == localoci.url
    control = localctl.Control(info.control_url)
    before = control.clock()["offsetMs"]
    assert control.advance(2)["offsetMs"] == before + 2000
    assert "counters" in control.stats()


def test_shutdown_through_the_control_client_stops_the_server_it_names(localoci_factory):
    server = localoci_factory()
    assert server.control.shutdown() == {"status": "stopping"}
    assert server.control.wait_gone(timeout=15)
    server.thread.join(15)
    assert not server.running
    assert localctl.read_info(server.data_dir) is None, (
        "a server that stops cleanly removes its server.json"
    )


def test_find_ignores_a_server_json_nobody_answers_for(tmp_path):
    dead = localctl.ServerInfo(
        url="http://127.0.0.1:9",
        control_url="http://127.0.0.1:9/_localoci",
        pid=1,
        port=9,
        host="127.0.0.1",
        config_file=str(tmp_path / "config"),
        profile="LOCAL",
    )
    localctl.write_info(tmp_path, dead)
    assert localctl.read_info(tmp_path) == dead
    assert localctl.find(tmp_path) is None


def test_labhelpers_finds_the_server_of_its_data_dir_and_calls_its_control_url(
    localoci, monkeypatch
):
    monkeypatch.delenv("LOCALOCI_URL", raising=False)
    monkeypatch.setenv("LOCALOCI_HOME", str(localoci.data_dir))
    found = lab_localctl.find()
    assert (
        found is not None
        and found.url == localoci.url
        and found.control_url == localoci.url + "/_localoci"
    )
    assert lab_localctl.call(found.url, "GET", "/_localoci/clock")["now"]
    with pytest.raises(ValueError):
        lab_localctl.call(found.url, "GET", "/20180418/streams")


def test_labhelpers_says_what_to_do_when_localoci_url_answers_nothing(monkeypatch):
    monkeypatch.setenv("LOCALOCI_URL", "http://127.0.0.1:9")
    with pytest.raises(lab_localctl.LocalOCIError) as err:
        lab_localctl.find()
    assert "nothing answers there" in str(err.value) and "unset LOCALOCI_URL" in str(err.value)


def test_labhelpers_starts_a_detached_server_in_its_own_session_with_an_idle_exit(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("LOCALOCI_URL", raising=False)
    monkeypatch.setenv("LOCALOCI_HOME", str(tmp_path / "lo"))
    server = lab_localctl.ensure_running()
    try:
        info = localctl.read_info(tmp_path / "lo")
        assert server.started_here and server.url == info.url
        assert os.getsid(info.pid) == info.pid, (
            "a session of its own: a kernel's signals do not reach it"
        )
        cmdline = Path(f"/proc/{info.pid}/cmdline").read_bytes().split(b"\0")
        assert cmdline[cmdline.index(b"--idle-exit") + 1] == str(lab_localctl.IDLE_EXIT_S).encode()
        assert lab_localctl.ensure_running().started_here is False  # the second call finds it
    finally:
        localctl.stop(tmp_path / "lo", timeout=15)


def test_a_process_start_that_times_out_leaves_no_process_behind(tmp_path):
    from localoci import process

    with pytest.raises(localctl.ServerTimeout) as err:
        process.start(tmp_path / "lo", timeout=0.01)
    assert err.value.proc.poll() is not None, "whoever starts a server stops it"
