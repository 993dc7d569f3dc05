"""``python -m labhelpers class prepare|remove`` against localoci as a region: per learner a
tagged stream, application with ``hello`` and API deployment on a shared gateway, in a
compartment that is not the root; a settings file each learner's ``connect()`` reads; a second
run that creates nothing; a removal that leaves other tags' resources alone."""

from __future__ import annotations

import json
import subprocess
import sys

import oci
import pytest

from .conftest import COMPARTMENT, LEARNERS, TAG, prepare

# One worker runs this module (-n 2 --dist loadgroup): its classroom is prepared once.
pytestmark = [
    pytest.mark.xdist_group("oci-target-class"),
    pytest.mark.oci_target,
    pytest.mark.timeout(600),
]


def lines(report: str) -> list[list[str]]:
    return [line.split(None, 3) for line in report.splitlines() if line[:1] in ("(", "l", "t")]


def test_prepare_makes_every_learners_resources_in_a_compartment_of_its_own(classroom):
    report = lines(classroom.prepared.split("\n\n")[0])
    made = {(who, what, name) for who, what, name, action in report if action == "created"}
    assert ("(class)", "gateway", "lab-class-apigw") in made
    for n in range(1, LEARNERS + 1):
        who = f"lab{n}"
        assert {
            (who, "stream", f"lab-stream-{who}"),
            (who, "application", who),
            (who, "function", "hello"),
            (who, "deployment", f"MY_API_DEPL{n}"),
        } <= made
    ident = classroom.client(oci.identity.IdentityClient, "identity")
    comp = ident.get_compartment(classroom.compartment).data
    assert comp.name == COMPARTMENT and comp.compartment_id == classroom.instructor.tenancy
    assert comp.id != classroom.instructor.tenancy, "not the tenancy's root"

    admin = classroom.client(oci.streaming.StreamAdminClient, "streaming")
    streams = {s.name: s for s in admin.list_streams(compartment_id=comp.id).data}
    tags = streams["lab-stream-lab1"].freeform_tags
    assert tags == {"lab": "oci-streaming-lab", "lab-class": TAG, "lab-learner": "lab1"}
    assert "lab-owner" not in tags, "a learner's clean-up must not take what the class gave"

    dc = classroom.client(oci.apigateway.DeploymentClient, "apigateway")
    deps = {d.display_name: d for d in dc.list_deployments(comp.id).data.items}
    assert deps["MY_API_DEPL1"].path_prefix == "/class/lab1"
    fm = classroom.client(oci.functions.FunctionsManagementClient, "functions")
    [app] = fm.list_applications(comp.id, display_name="lab1").data
    [fn] = fm.list_functions(app.id, display_name="hello").data
    fn = fm.get_function(fn.id).data
    assert fn.config["STREAM_OCID"] == streams["lab-stream-lab1"].id
    assert fn.invoke_endpoint.endswith(".lab-1.functions.oci.lab.invalid")


def test_each_learner_gets_a_settings_file_that_connect_reads(classroom):
    doc = json.loads((classroom.settings_dir / "lab2.json").read_text())
    assert doc["LAB_ID"] == "lab2" and doc["LAB_FN_APP"] == "lab2"
    assert doc["LAB_STREAM"] == "lab-stream-lab2" and doc["LAB_PATH_PREFIX"] == "/lab2/v1"
    assert doc["LAB_COMPARTMENT_ID"] == classroom.compartment
    assert doc["HELLO_FUNCTION_OCID"].startswith("ocid1.fnfunc.")
    assert doc["LAB_GATEWAY_OCID"].startswith("ocid1.apigateway.")
    _, env = classroom.learner(2)
    env.pop("LAB_ID")  # the file alone says who this learner is
    script = (
        "from labhelpers import connect\n"
        "lab = connect()\n"
        "print(lab.owner, lab.stream_name, lab.compartment_id, lab.setting('LAB_FN_APP'))\n"
        "print(lab.describe())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    first, *described = proc.stdout.splitlines()
    assert first.split() == ["lab2", "lab-stream-lab2", classroom.compartment, "lab2"]
    shown = "\n".join(described)
    assert "settings file" in shown and "learner id" in shown


def test_the_environment_wins_over_the_settings_file(classroom):
    _, env = classroom.learner(1)
    env["LAB_STREAM"] = "chosen-by-me"
    proc = subprocess.run(
        [sys.executable, "-c", "from labhelpers import connect; print(connect().stream_name)"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.stdout.strip() == "chosen-by-me", proc.stderr


def test_a_second_prepare_creates_nothing(classroom):
    again = classroom.class_command(
        "prepare",
        "--learners",
        str(LEARNERS),
        "--compartment",
        COMPARTMENT,
        "--image",
        "ignored-because-hello-exists",
        "--tag",
        TAG,
        "--out",
        str(classroom.settings_dir),
    ).stdout
    report = lines(again.split("\n\n")[0])
    assert report and all(action == "found" for *_, action in report), again
    assert f"-- {len(report)} found" in again
    assert "allow dynamic-group lab-class-functions to use stream-push" in again


@pytest.fixture(scope="module")
def two_classes(tmp_path_factory):
    """A classroom of its own (removal changes it), with a second class (tag ``other``,
    learners team1..) in the same compartment and learner lab1's own deployment on the
    shared gateway."""
    room = prepare(tmp_path_factory.mktemp("removal"))
    try:
        room.class_command(
            "prepare",
            "--learners",
            "1",
            "--compartment",
            COMPARTMENT,
            "--tag",
            "other",
            "--prefix",
            "team",
            "--out",
            str(room.root / "other-settings"),
        )
        _, env = room.learner(1)
        script = (
            "from labhelpers import connect, get_or_create_stream\n"
            "from labhelpers.gateway import deploy_hello\n"
            "lab = connect()\n"
            "print(deploy_hello(lab, get_or_create_stream(lab)).deployment.display_name)\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
        )
        assert proc.returncode == 0, proc.stderr
        yield room
    finally:
        room.server.stop()


def test_remove_deletes_its_own_tag_and_leaves_the_rest(two_classes):
    room = two_classes
    out = room.class_command("remove", "--compartment", COMPARTMENT, "--tag", TAG).stdout
    comp = room.compartment
    admin = room.client(oci.streaming.StreamAdminClient, "streaming")
    live = {
        s.name: s.freeform_tags
        for s in admin.list_streams(compartment_id=comp, lifecycle_state="ACTIVE").data
    }
    assert "lab-stream-lab1" not in live and "lab-stream-lab2" not in live
    assert live["lab-stream-team1"]["lab-class"] == "other", "another class's stream stays"
    dc = room.client(oci.apigateway.DeploymentClient, "apigateway")
    deployments = [
        (d.display_name, (d.freeform_tags or {}).get("lab-class"))
        for d in dc.list_deployments(comp).data.items
        if d.lifecycle_state not in ("DELETING", "DELETED")
    ]
    assert not [d for d in deployments if d[1] == TAG], deployments
    assert ("MY_API_DEPL1", "other") in deployments, "the other class's deployment stays"
    assert ("lab-hello-api", None) in deployments, "and the learner's own"
    assert "kept: 1 deployment(s) not of this class (lab-hello-api)" in out
    fm = room.client(oci.functions.FunctionsManagementClient, "functions")
    apps = {a.display_name for a in fm.list_applications(comp).data}
    assert "lab2" not in apps and "team1" in apps
    second = room.class_command("remove", "--compartment", COMPARTMENT, "--tag", TAG).stdout
    assert "deleted" not in second, "removing twice deletes nothing more"
