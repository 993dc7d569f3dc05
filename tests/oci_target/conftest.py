"""Fixtures for the oci target, proven against localoci as a region.

``classroom`` (one per test module): a ``python -m localoci serve --as-region lab-1`` process
in a temporary directory (its proxy and control channel with it), an instructor with an
ordinary ``~/.oci/config`` profile in a HOME of their own, and the class that instructor
prepared with the lab's own command, as in the workshop scenario:
``python -m labhelpers class prepare --learners 2 --compartment lab-compartment
--create-compartment`` (the compartment is not the tenancy's root).  ``classroom.learner(n)``
gives learner ``labN`` a HOME with their own profile and the settings file the instructor
handed out, and the environment a notebook kernel gets: ``LAB_TARGET=oci``, ``LAB_ID``, the
region's three variables, and nothing that points at localoci.  The server is stopped at the
end of the module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import oci
import pytest

import localctl
from labhelpers.functions import HELLO_DIR
from tests.conftest import start_localoci
from tests.server import ProcessServer

from .region import Profile, client_env, learner_profile

REGION = "lab-1"
COMPARTMENT = "lab-compartment"
LEARNERS = 2
TAG = "workshop"
NO_RETRY = oci.retry.NoneRetryStrategy()
HOSTS = {
    "streaming": "https://streaming.lab-1.oci.lab.invalid",
    "identity": "https://identity.lab-1.oci.lab.invalid",
    "functions": "https://functions.lab-1.oci.lab.invalid",
    "apigateway": "https://apigateway.lab-1.oci.lab.invalid",
}


def run_lab_command(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "labhelpers", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    assert proc.returncode == 0, f"labhelpers {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@dataclass
class Classroom:
    server: ProcessServer
    info: localctl.ServerInfo
    instructor: Profile
    root: Path
    prepared: str = ""  # what `class prepare` printed
    learners: dict[str, Profile] = field(default_factory=dict)

    @property
    def settings_dir(self) -> Path:
        return self.root / "class-settings"

    @property
    def compartment(self) -> str:
        import json

        return json.loads((self.settings_dir / "lab1.json").read_text())["LAB_COMPARTMENT_ID"]

    def instructor_env(self) -> dict:
        return client_env(self.info, self.instructor.home)

    def class_command(self, *args: str) -> subprocess.CompletedProcess:
        return run_lab_command(self.instructor_env(), "class", *args)

    def learner(self, n: int) -> tuple[Profile, dict]:
        """Learner ``lab<n>``: their own profile and HOME with the instructor's settings file."""
        who = f"lab{n}"
        if who not in self.learners:
            home = self.root / f"home-{who}"
            self.learners[who] = learner_profile(self.info, home, f"learner-{n}")
            shutil.copy(self.settings_dir / f"{who}.json", home / ".oci" / "lab-settings.json")
        profile = self.learners[who]
        env = client_env(
            self.info,
            profile.home,
            LAB_TARGET="oci",
            LAB_ID=who,
            MPLBACKEND="module://matplotlib_inline.backend_inline",
            OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING="True",
        )
        return profile, env

    def client(self, cls, service: str | None = None, endpoint: str | None = None):
        """An SDK client (the instructor's profile) in *this* process, for checks: given the
        region's URL explicitly, through the proxy, trusting the CA bundle (the SDK reads
        OCI_REGION_METADATA once per process, so this process does not rely on it)."""
        config = oci.config.from_file(str(self.instructor.config_file))
        client = cls(
            config, service_endpoint=endpoint or HOSTS[service or ""], retry_strategy=NO_RETRY
        )
        session = client.base_client.session
        session.trust_env = False
        session.proxies = {"https": self.info.client_env["HTTPS_PROXY"]}
        session.verify = self.info.client_env["REQUESTS_CA_BUNDLE"]
        return client


def prepare(root: Path) -> Classroom:
    server = start_localoci(
        root / "localoci", "--as-region", REGION, "--ready-delay-ms", "200", timeout=60
    )
    try:
        info = localctl.read_info(server.data_dir)
        assert info is not None and info.region == REGION
        instructor = learner_profile(info, root / "home-instructor", "instructor")
        room = Classroom(server, info, instructor, root)
        room.prepared = room.class_command(
            "prepare",
            "--learners",
            str(LEARNERS),
            "--compartment",
            COMPARTMENT,
            "--create-compartment",
            "--image",
            str(HELLO_DIR),
            "--tag",
            TAG,
            "--out",
            str(room.settings_dir),
        ).stdout
    except BaseException:
        server.stop()
        raise
    return room


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    room = prepare(tmp_path_factory.mktemp("classroom"))
    yield room
    room.server.stop()
