"""The CLI cells of notebooks 00-02 against localoci: they run, and they show what the text
around them says (kebab-case keys, the missing --endpoint error, base64 values, an empty batch
that prints only the next cursor, following opc-next-cursor).  Without the CLI, every CLI cell
prints the install note instead of failing: tests/notebooks runs them that way.

The notebooks run in order on one localoci, as a learner runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

from labhelpers import cli
from tests.notebooks.conftest import NOTEBOOKS, load, outputs_text

# One worker runs this module (-n 2 --dist loadgroup): notebooks 00 to 02 are executed once.
pytestmark = [
    pytest.mark.xdist_group("cli-cells"),
    # the first test's setup runs three notebooks and ~40 CLI calls (about 1 s each, more on a
    # loaded machine): beyond the default 300 s once under load
    pytest.mark.timeout(600),
    pytest.mark.cli,
    pytest.mark.skipif(
        cli.find_cli() is None, reason="the OCI CLI is not installed (pip install oci-cli)"
    ),
]

PATH = ["00-setup.ipynb", "01-publish.ipynb", "02-cursor-types.ipynb"]


def execute(nb: nbformat.NotebookNode, server, monkeypatch, **env: str) -> nbformat.NotebookNode:
    monkeypatch.setenv("LOCALOCI_URL", server.url)
    monkeypatch.setenv("LOCALOCI_HOME", str(server.data_dir))
    monkeypatch.setenv("LAB_TARGET", "local")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.delenv("LAB_STREAM", raising=False)
    monkeypatch.delenv("OCI_CLI_ENDPOINT", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute(cwd=str(NOTEBOOKS), env=dict(os.environ))
    return nb


def cli_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {
        c.id: c for c in nb.cells if c.cell_type == "code" and "cli" in c.metadata.get("tags", [])
    }


def printed_json(text: str):
    """The JSON a run_cli cell printed under its ``$ oci ...`` line."""
    assert text.startswith("$ oci "), text[:200]
    return json.loads(text.split("\n", 1)[1])


def no_stderr(cell) -> None:
    errs = [
        o.get("text", "")
        for o in cell.outputs
        if o.get("name") == "stderr" or o.output_type == "error"
    ]
    assert not errs, f"{cell.id} wrote to stderr or failed: {errs}"


@pytest.fixture(scope="module")
def learner_path(tmp_path_factory):
    """00, 01 and 02 executed in order on one fresh localoci, with the CLI."""
    from tests.conftest import start_localoci

    server = start_localoci(tmp_path_factory.mktemp("cli-cells"))
    mp = pytest.MonkeyPatch()
    try:
        yield server, {name: execute(load(name), server, mp) for name in PATH}
    finally:
        mp.undo()
        server.stop()


def test_every_notebook_has_cli_cells_with_unique_ids():
    for name in PATH:
        nb = load(name)
        cells = cli_cells(nb)
        assert cells, name
        assert len({c.id for c in nb.cells}) == len(nb.cells)
        for cell in cells.values():
            assert cell.id.startswith(f"nb{name[:2]}-cli-")
            # A learner without the CLI sees a note: each cell that runs the CLI checks first.
            if "run_cli(" in cell.source and "def " not in cell.source:
                assert "cli_available()" in cell.source, cell.id


def test_00_lists_and_gets_the_stream_in_kebab_case(learner_path):
    server, nbs = learner_path
    cells = cli_cells(nbs["00-setup.ipynb"])
    for cell in cells.values():
        if cell.id != "nb00-cli-08":
            no_stderr(cell)
    exported = outputs_text(cells["nb00-cli-02"])
    assert "OCI_CLI_PROFILE" in exported and f"= {server.url}" in exported
    assert "oci: " in exported and "pip install" not in exported
    listed = outputs_text(cells["nb00-cli-04"])
    assert '$ oci streaming admin stream list --compartment-id "$COMPARTMENT_ID"' in listed
    body = printed_json(listed)
    [stream] = body["data"]
    assert stream["lifecycle-state"] == "ACTIVE" and stream["messages-endpoint"] == server.url
    assert stream["name"] == "lab-stream" and stream["partitions"] == 3
    tenancy = server.config["tenancy"]
    assert tenancy not in listed and stream["compartment-id"].startswith(
        "ocid1.tenancy.oc1..[REDACTED]"
    )
    got = outputs_text(cells["nb00-cli-06"])
    assert printed_json(got) == {
        "messages-endpoint": server.url,
        "name": "lab-stream",
        "partitions": 3,
        "state": "ACTIVE",
    }
    assert "Missing option --endpoint" in outputs_text(cells["nb00-cli-08"])
    line = outputs_text(cells["nb00-cli-10"]).strip()
    assert line.startswith(
        f"oci --config-file {server.config_file} --profile LOCAL streaming admin stream get"
    )
    assert line.endswith(f"--endpoint {server.url}")


def test_01_message_put_with_base64_lands_and_the_sdk_reads_it(learner_path):
    _, nbs = learner_path
    cells = cli_cells(nbs["01-publish.ipynb"])
    for cell in cells.values():
        no_stderr(cell)
    put = outputs_text(cells["nb01-cli-03"])
    body = printed_json(put)
    assert body["data"]["failures"] == 0 and len(body["data"]["entries"]) == 2
    assert {"error-message", "partition", "offset", "timestamp"} <= set(body["data"]["entries"][0])
    assert "key='cli' value='hello from the OCI CLI'" in outputs_text(cells["nb01-cli-05"])
    raw = outputs_text(cells["nb01-cli-07"])
    assert "$ oci raw-request --http-method POST" in raw and '"status": "200 OK"' in raw
    assert "sent with oci raw-request" not in raw and '"opc-next-cursor": "' in raw


def test_02_five_cursor_types_decode_and_follow_the_next_cursor(learner_path):
    _, nbs = learner_path
    nb = nbs["02-cursor-types.ipynb"]
    cells = cli_cells(nb)
    for cell in cells.values():
        no_stderr(cell)
    setup = outputs_text(cells["nb02-cli-02"])
    offset = int(re.search(r"OFFSET=(\d+)", setup).group(1))
    made = outputs_text(cells["nb02-cli-03"])
    assert made.count("data.value = ") == 5 and made.count("--type ") == 6  # one command line
    assert all(len(v) < 40 for v in re.findall(r"data\.value = (\S+)", made)), "cursors cut short"
    decoded = outputs_text(cells["nb02-cli-05"])
    assert '"opc-next-cursor": "' in decoded and '"value": "d2F2ZS' in decoded  # base64 of "wave"
    assert (
        f"decoded: [({offset}, 'wave 0 · message 3'), ({offset + 1}, 'wave 1 · message 0')]"
        in decoded
    )
    table = dict(
        re.findall(r"^(\w+)\s+offsets (\[.*\])$", outputs_text(cells["nb02-cli-07"]), re.M)
    )
    starts = {t: (json.loads(v) or [None])[0] for t, v in table.items()}
    assert starts["AT_OFFSET"] == offset and starts["AFTER_OFFSET"] == offset + 1
    assert starts["AT_TIME"] == offset + 1, "the second wave starts right after offset first + 3"
    assert starts["LATEST"] is None and starts["TRIM_HORIZON"] == 0
    latest = outputs_text(cells["nb02-cli-09"])
    first_batch = latest[latest.index("{") : latest.index("}") + 1]
    assert json.loads(first_batch).keys() == {"opc-next-cursor"}, (
        "an empty batch prints only the next cursor"
    )
    assert "before publishing: []" in latest
    assert re.search(
        r"after publishing:\s+\[\(\d+, \"published after the CLI's LATEST cursor\"\)\]", latest
    )


def test_the_cli_prints_no_warning_for_the_local_profile(localoci_factory, tmp_path):
    """Region us-ashburn-1, profile LOCAL, localoci's key (with its OCI_API_KEY label): stderr
    stays empty.  A config others can read warns unless the variable the lab sets is there.
    (A server of its own: other tests' streams would make the CLI warn about paging.)"""
    localoci = localoci_factory()
    config = tmp_path / "config"
    shutil.copy(localoci.config_file, config)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_CLI", "SUPPRESS_"))}
    cmd = [
        cli.find_cli(),
        "--config-file",
        str(config),
        "--profile",
        localoci.profile,
        "streaming",
        "admin",
        "stream",
        "list",
        "-c",
        localoci.compartment,
        "--endpoint",
        localoci.url,
        "--no-retry",
    ]

    def run(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, capture_output=True, text=True, env={**base, **env}, timeout=90)

    config.chmod(0o600)
    clean = run()
    assert clean.returncode == 0 and clean.stderr == ""
    config.chmod(config.stat().st_mode | stat.S_IRGRP | stat.S_IROTH)
    assert "Permissions on" in run().stderr
    quiet = run(OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING="True", SUPPRESS_LABEL_WARNING="True")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_admin_commands_on_oci_use_the_region_endpoint(localoci, tmp_path):
    """``--endpoint ""`` (ADMIN_ENDPOINT on the oci target) leaves the CLI to derive the
    regional endpoint; --debug shows where it would go, without reaching it."""
    cmd = [
        cli.find_cli(),
        "--config-file",
        localoci.config_file,
        "--profile",
        localoci.profile,
        "--debug",
        "streaming",
        "admin",
        "stream",
        "get",
        "--stream-id",
        "ocid1.stream.oc1..x",
        "--endpoint",
        "",
        "--no-retry",
        "--connection-timeout",
        "1",
        "--read-timeout",
        "1",
    ]
    env = {
        **os.environ,
        "OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING": "True",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    env.pop("OCI_CLI_ENDPOINT", None)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=90)
    assert "https://streaming.us-ashburn-1.oci.oraclecloud.com" in proc.stderr + proc.stdout
    assert proc.returncode != 0
