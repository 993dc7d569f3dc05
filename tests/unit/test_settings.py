"""A learner's settings file and connect(): argument, then environment, then the file, then
the config file, then the default -- each value saying where it came from."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from labhelpers import connect
from labhelpers.errors import LabConfigError
from labhelpers.settings import KEYS, write

TENANCY = "ocid1.tenancy.oc1..aaaaaaaatenancyxyz"
FILE_COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaafromthefile"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A HOME with an ordinary ~/.oci/config (nothing is called: connect() only reads it)."""
    oci_dir = tmp_path / ".oci"
    oci_dir.mkdir()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (oci_dir / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (oci_dir / "config").write_text(
        "[DEFAULT]\nuser=ocid1.user.oc1..aaaaaaaauserxyz\n"
        "fingerprint=12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0\n"
        f"key_file={oci_dir / 'key.pem'}\ntenancy={TENANCY}\nregion=us-ashburn-1\n"
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in (*KEYS, "LAB_SETTINGS", "OCI_CONFIG_FILE", "OCI_CLI_PROFILE", "LAB_AUTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LAB_TARGET", "oci")
    return tmp_path


def _source(lab, name: str) -> str:
    return next(s.source for s in lab.settings if s.name == name)


def test_without_a_settings_file_the_defaults_hold(home):
    lab = connect()
    assert lab.compartment_id == TENANCY and _source(lab, "compartment").startswith("tenancy")
    assert lab.setting("LAB_FN_APP") is None


def test_the_settings_file_beats_the_config_file_and_the_default(home):
    write(
        home / ".oci" / "lab-settings.json",
        {"LAB_ID": "lab3", "LAB_COMPARTMENT_ID": FILE_COMPARTMENT, "LAB_FN_APP": "lab3"},
    )
    lab = connect()
    assert (lab.owner, lab.compartment_id, lab.stream_name) == (
        "lab3",
        FILE_COMPARTMENT,
        "lab-stream-lab3",
    )
    assert _source(lab, "compartment") == "settings file"
    assert _source(lab, "learner id") == "settings file"
    assert lab.setting("LAB_FN_APP") == "lab3"


def test_the_environment_beats_the_file_and_the_argument_beats_both(home, monkeypatch):
    write(home / ".oci" / "lab-settings.json", {"LAB_COMPARTMENT_ID": FILE_COMPARTMENT})
    monkeypatch.setenv("LAB_COMPARTMENT_ID", "ocid1.compartment.oc1..aaaaaaaafromenv")
    assert connect().compartment_id.endswith("fromenv")
    assert connect(compartment_id="ocid1.compartment.oc1..arg").compartment_id.endswith("arg")


def test_lab_settings_names_another_file(home, monkeypatch, tmp_path):
    other = write(tmp_path / "given" / "mine.json", {"LAB_ID": "lab9"})
    monkeypatch.setenv("LAB_SETTINGS", str(other))
    assert connect().owner == "lab9"


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        (json.dumps({"LAB_COMPARTMENT": "x"}), "does not know"),
        (json.dumps({"LAB_ID": 3}), "must be strings"),
    ],
)
def test_a_bad_settings_file_is_an_error_that_names_the_fix(home, text, fix):
    (home / ".oci" / "lab-settings.json").write_text(text)
    with pytest.raises(LabConfigError, match=fix):
        connect()
