"""Every notebook runs on the oci target, against localoci as a region, the way a learner in a
prepared class runs it: ``LAB_TARGET=oci``, an ordinary ``~/.oci/config`` profile in a HOME of
their own, the instructor's settings file (compartment ``lab-compartment``, not the root;
``LAB_ID``; the pre-deployed ``hello`` and the shared gateway), and only the region's three
variables (``OCI_REGION_METADATA``, ``REQUESTS_CA_BUNDLE``, ``HTTPS_PROXY``) -- nothing that
names localoci.  A cell that quietly depends on the stand-in fails here.

For each notebook: every cell runs (no error, except cells tagged ``raises-exception``), no
cell but a check reports a failure (``❌``, e.g. the doctor finding something broken), a cell
tagged ``local-only`` says by itself that it was skipped, every exercise check passes with its
solution and fails with the empty answer, and nothing the kernel did tried to reach a host
outside the region (the region's proxy refused nothing).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nbclient import NotebookClient

from tests.notebooks.conftest import (
    NOTEBOOKS,
    append_answer_probes,
    check_cells,
    check_results,
    load,
    outputs_text,
    with_solutions,
)

pytestmark = [pytest.mark.oci_target, pytest.mark.timeout(900)]

LAB = sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb"))
SKIPPED = ("skipped", "Skipped", "not on a tenancy", "local target only", "local only")
#: Cells that show a failure on purpose, on every target (cell id -> why).
ON_PURPOSE = {
    "nb00-cli-08": "a data-plane CLI command without --endpoint, to show the error (its markdown says so)",
}


def run_on_oci(nb, env: dict, timeout: int = 300):
    """Execute ``nb`` in a kernel with ``env``; errors are kept in the cells, not raised.

    ``export_report()`` finds its notebook from ``JPY_SESSION_NAME``, as in JupyterLab: a copy
    in the learner's HOME, so the report is written there, not beside the lab's notebooks."""
    import nbformat

    copy = Path(env["HOME"]) / "notebook-under-test.ipynb"
    nbformat.write(nb, copy)
    env = {**env, "JPY_SESSION_NAME": str(copy)}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute(cwd=str(NOTEBOOKS), env=env)
    return nb


def failures(nb) -> list[str]:
    """``<cell id>: <error>`` for each code cell that did not run cleanly on this target."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "empty-answer-probe" in cell.metadata.get("tags", []):
            continue
        tags = cell.metadata.get("tags", [])
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors and "raises-exception" not in tags:
            e = errors[0]
            out.append(f"{cell.get('id')}: {e['ename']}: {e['evalue'][:300]}")
        elif cell.get("execution_count") is None:
            out.append(f"{cell.get('id')}: did not run")
        elif "local-only" in tags and not any(s in outputs_text(cell) for s in SKIPPED):
            out.append(f"{cell.get('id')}: local-only, but did not say it was skipped")
        elif (
            "❌" in outputs_text(cell)
            and "= check_" not in cell.source
            and cell.get("id") not in ON_PURPOSE
        ):
            shown = [ln for ln in outputs_text(cell).splitlines() if "❌" in ln]
            out.append(f"{cell.get('id')}: reported a failure: {shown[0][:300]}")
    return out


@pytest.mark.parametrize("name", LAB)
def test_notebook_runs_on_the_oci_target(name, classroom):
    _, env = classroom.learner(1)
    refused_before = classroom.server.control.stats()["counters"].get("proxy_refused", 0)
    nb = with_solutions(load(name))
    probes = append_answer_probes(nb, wrong=False)  # wrong answers: tests/notebooks
    nb = run_on_oci(nb, env)
    broken = failures(nb)
    assert not broken, f"{name} on the oci target:\n" + "\n".join(broken)
    for cell in check_cells(nb):
        text = outputs_text(cell)
        assert "✅ All good." in text and "❌" not in text, f"{cell.get('id')}:\n{text}"
        assert all(r["passed"] for r in check_results(cell))
    for cell in probes:
        text = outputs_text(cell)
        assert "❌" in text and "All good" not in text, f"a check passed empty:\n{text}"
    refused = classroom.server.control.stats()["counters"].get("proxy_refused", 0)
    assert refused == refused_before, "a cell tried to reach a host outside the region"


def test_the_kernel_environment_names_nothing_of_localoci(classroom):
    _, env = classroom.learner(1)
    named = {k: v for k, v in env.items() if "localoci" in k.lower() or "LOCALOCI" in v}
    assert not named, named
    assert env["LAB_TARGET"] == "oci" and env["HOME"] != os.environ.get("HOME")
    config = (classroom.learner(1)[0].config_file).read_text()
    assert "[DEFAULT]" in config and "LOCAL" not in config


# -- clean-up: a learner's clean-up cells take only what that learner made ------------------------

#: The cells that make learner A's resources, notebook by notebook (with each parameters cell);
#: then every clean-up cell (``CLEAN_UP = False`` in the notebook) runs with ``CLEAN_UP = True``.
MAKERS = {
    "04-gateway-invocation.ipynb": ["nb04-03", "nb04-06", "nb04-12", "nb04-28"],
    "05-consumer-groups.ipynb": ["nb05-03", "nb05-06"],
    "06-limits-and-throttling.ipynb": ["nb06-03"],
    "07-kafka-compatibility.ipynb": ["nb07-03", "nb07-08"],  # its stream, its auth token
    "00-setup.ipynb": ["nb00-04", "nb00-12"],
}

LEARNER_B = """
import oci
from labhelpers import connect, create_group_cursor, get_or_create_stream, publish
from labhelpers.gateway import deploy_hello
lab = connect()
stream = get_or_create_stream(lab)
groups = get_or_create_stream(lab, name=lab.stream_name + "-groups", partitions=3)
client = lab.stream_client(groups.messages_endpoint)
publish(client, groups.id, [("b", "learner b")])
cursor = create_group_cursor(client, groups.id, "b-group", "b-1")
client.get_messages(groups.id, cursor)
print(deploy_hello(lab, stream).deployment.id, groups.id)
"""


def clean_up_notebook():
    import nbformat

    cells = []
    for name, ids in MAKERS.items():
        nb = load(name)
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags or cell.get("id") in ids:
                cells.append(cell)
        for cell in nb.cells:
            if cell.cell_type == "code" and "CLEAN_UP = False" in cell.source:
                cell.source = cell.source.replace("CLEAN_UP = False", "CLEAN_UP = True")
                cells.append(cell)
    found = {c.get("id") for c in cells}
    missing = [i for ids in MAKERS.values() for i in ids if i not in found]
    assert not missing, f"cells this test runs are gone from the notebooks: {missing}"
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata = load("00-setup.ipynb").metadata
    return nb


def test_a_learners_clean_up_leaves_another_learners_resources(classroom):
    import subprocess
    import sys

    import oci

    _, env_b = classroom.learner(2)
    proc = subprocess.run(
        [sys.executable, "-c", LEARNER_B], capture_output=True, text=True, env=env_b, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    b_deployment, b_groups = proc.stdout.split()

    _, env_a = classroom.learner(1)
    nb = run_on_oci(clean_up_notebook(), env_a)
    broken = failures(nb)
    assert not broken, "\n".join(broken)
    cleaned = [outputs_text(c) for c in nb.cells if "CLEAN_UP = True" in c.source]
    assert len(cleaned) == 5 and all("deleted:" in t for t in cleaned), cleaned
    assert any("auth token deleted: ocid1.credential." in t for t in cleaned), "A's token is gone"

    comp = classroom.compartment
    admin = classroom.client(oci.streaming.StreamAdminClient, "streaming")
    live = {
        s.name
        for s in admin.list_streams(compartment_id=comp, lifecycle_state="ACTIVE", limit=50).data
    }
    assert {"lab-stream-lab2", "lab-stream-lab2-groups"} <= live, "B's streams stay"
    assert (
        not {"lab-stream-lab1-groups", "lab-stream-lab1-limits", "lab-stream-lab1-kafka"} & live
    ), "A's own are gone"
    assert "lab-stream-lab1" in live, "the stream the instructor gave A stays too"
    messages = classroom.client(
        oci.streaming.StreamClient, endpoint=admin.get_stream(b_groups).data.messages_endpoint
    )
    assert messages.get_group(b_groups, "b-group").data.group_name == "b-group", "B's group stays"
    dc = classroom.client(oci.apigateway.DeploymentClient, "apigateway")
    deployments = {
        (d.display_name, d.path_prefix): d.id
        for d in dc.list_deployments(comp).data.items
        if d.lifecycle_state == "ACTIVE"
    }
    assert deployments.get(("lab-hello-api", "/lab2/v1")) == b_deployment, "B's deployment stays"
    assert ("lab-hello-api", "/lab1/v1") not in deployments, "A's deployment is gone"
    assert ("MY_API_DEPL1", "/class/lab1") in deployments, "the instructor's deployment stays"
    fm = classroom.client(oci.functions.FunctionsManagementClient, "functions")
    [app] = fm.list_applications(comp, display_name="lab1").data
    functions = {
        f.display_name for f in fm.list_functions(app.id).data if f.lifecycle_state == "ACTIVE"
    }
    assert functions == {"hello"}, "A's hello-broken is gone, the instructor's hello stays"
