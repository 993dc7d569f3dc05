"""labhelpers.cli without a server: the CLI's environment per target, command splitting,
paste-ready lines, the note when the CLI is missing, and no secrets in what is printed.

A fake ``oci`` script (``$LAB_OCI_CLI``) stands in for the CLI where a run is needed."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from labhelpers import cli
from labhelpers.connect import Lab, Setting
from labhelpers.localctl import LocalServer

USER = "ocid1.user.oc1..aaaaaaaasecretuser1234567890abcdefghijklmnopqrstuvwxyz12"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaasecrettenancy1234567890abcdefghijklmnopqrstuvw"
FINGERPRINT = "12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"


class Stream:
    id = "ocid1.stream.oc1.iad.amaaaaaastream"
    name = "lab-stream-ada"
    messages_endpoint = "https://cell-1.streaming.us-ashburn-1.oci.oraclecloud.com"


@pytest.fixture
def config_dir(tmp_path) -> Path:
    (tmp_path / "key.pem").write_text(KEY)
    (tmp_path / "config").write_text(
        f"[LOCAL]\nuser={USER}\nfingerprint={FINGERPRINT}\nkey_file={tmp_path / 'key.pem'}\n"
        f"tenancy={TENANCY}\nregion=us-ashburn-1\n"
    )
    return tmp_path


@pytest.fixture
def local_lab(config_dir) -> Lab:
    config = {
        "user": USER,
        "tenancy": TENANCY,
        "fingerprint": FINGERPRINT,
        "key_file": str(config_dir / "key.pem"),
        "region": "us-ashburn-1",
    }
    server = LocalServer("http://127.0.0.1:8123", config_dir, str(config_dir / "config"), "LOCAL")
    return Lab("local", config, None, server.url, TENANCY, "lab-stream", [], server)


@pytest.fixture
def oci_lab(config_dir) -> Lab:
    config = {
        "user": USER,
        "tenancy": TENANCY,
        "fingerprint": FINGERPRINT,
        "key_file": str(config_dir / "key.pem"),
        "region": "eu-frankfurt-1",
    }
    settings = [
        Setting("config file", str(config_dir / "config"), "default"),
        Setting("profile", "ADA", "$OCI_CLI_PROFILE"),
        Setting("auth", "api_key", "default"),
    ]
    return Lab(
        "oci", config, None, None, "ocid1.compartment.oc1..aaaaaaaalab", "lab-stream-ada", settings
    )


@pytest.fixture
def clean_env(monkeypatch):
    """export_cli_env writes os.environ: let monkeypatch restore every variable it touches."""
    for key in (
        "OCI_CLI_CONFIG_FILE",
        "OCI_CLI_PROFILE",
        "OCI_CLI_REGION",
        "OCI_CLI_AUTH",
        "COMPARTMENT_ID",
        "STREAM_NAME",
        "STREAM_ID",
        "MESSAGES_ENDPOINT",
        "ADMIN_ENDPOINT",
        "OCI_CLI_ENDPOINT",
        "OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING",
        "SUPPRESS_LABEL_WARNING",
        "PATH",
        "LAB_OCI_CLI",
    ):
        monkeypatch.setenv(key, os.environ.get(key, ""))
        monkeypatch.delenv(key)
    monkeypatch.setenv("PATH", os.environ.get("PATH", "") or "/usr/bin:/bin")
    return monkeypatch


def fake_cli(tmp_path: Path, stdout: str = "", stderr: str = "", code: int = 0) -> str:
    """An executable ``oci`` that records its argv and prints what it is told to."""
    script = tmp_path / "bin" / "oci"
    script.parent.mkdir(exist_ok=True)
    script.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        f"open({str(tmp_path / 'argv.json')!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
        f"open({str(tmp_path / 'env.json')!r}, 'w').write(json.dumps(dict(os.environ)))\n"
        f"sys.stdout.write({stdout!r}); sys.stderr.write({stderr!r}); sys.exit({code})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


# -- the environment per target ----------------------------------------------------------------


def test_local_env_points_both_planes_at_localoci(local_lab):
    env = cli.cli_env(local_lab, Stream())
    assert (
        env["OCI_CLI_CONFIG_FILE"] == local_lab.local.config_file
        and env["OCI_CLI_PROFILE"] == "LOCAL"
    )
    assert env["ADMIN_ENDPOINT"] == "http://127.0.0.1:8123"
    assert env["MESSAGES_ENDPOINT"] == Stream.messages_endpoint and env["STREAM_ID"] == Stream.id
    assert env["COMPARTMENT_ID"] == TENANCY and env["STREAM_NAME"] == "lab-stream-ada"
    assert env["OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING"] == "True"
    assert "OCI_CLI_ENDPOINT" not in env and "OCI_CLI_AUTH" not in env


def test_oci_env_leaves_the_admin_endpoint_to_the_region(oci_lab):
    env = cli.cli_env(oci_lab, Stream())
    assert env["ADMIN_ENDPOINT"] == "", "on OCI the CLI derives the admin endpoint from the region"
    assert env["MESSAGES_ENDPOINT"] == Stream.messages_endpoint
    assert env["OCI_CLI_PROFILE"] == "ADA" and env["OCI_CLI_REGION"] == "eu-frankfurt-1"
    assert "OCI_CLI_AUTH" not in env


def test_oci_env_names_session_token_auth(oci_lab):
    oci_lab.settings[2] = Setting("auth", "security_token", "profile has security_token_file")
    assert cli.cli_env(oci_lab)["OCI_CLI_AUTH"] == "security_token"


def test_without_a_stream_there_is_no_stream_id(local_lab):
    env = cli.cli_env(local_lab)
    assert "STREAM_ID" not in env and env["STREAM_NAME"] == "lab-stream"


# -- export_cli_env: sets os.environ, prints no secret -----------------------------------------


@pytest.mark.parametrize("which", ["local_lab", "oci_lab"])
def test_export_prints_no_secret(which, request, clean_env, capsys, config_dir):
    lab = request.getfixturevalue(which)
    clean_env.setenv("OCI_CLI_ENDPOINT", "https://cell-1.example")
    env = cli.export_cli_env(lab, Stream())
    printed = capsys.readouterr().out
    assert all(os.environ[k] == v for k, v in env.items())
    assert "OCI_CLI_ENDPOINT" not in os.environ and "OCI_CLI_ENDPOINT removed" in printed
    for secret in (USER, TENANCY, FINGERPRINT, USER[-40:], TENANCY[-40:], "MIIEvQ", "PRIVATE KEY"):
        assert secret not in printed
    assert str(config_dir / "config") in printed and Stream.id in printed
    if which == "local_lab":
        assert "ocid1.tenancy.oc1..[REDACTED]" + TENANCY[-4:] in printed  # the compartment, masked


def test_export_puts_the_cli_on_path(local_lab, clean_env, tmp_path, capsys):
    exe = fake_cli(tmp_path)
    clean_env.setenv("LAB_OCI_CLI", exe)
    cli.export_cli_env(local_lab, Stream())
    assert os.environ["PATH"].split(os.pathsep)[0] == str(Path(exe).parent)
    assert f"oci: {exe}" in capsys.readouterr().out


# -- finding the CLI, and the note when it is missing ------------------------------------------


def test_find_cli_prefers_the_one_next_to_python(clean_env, tmp_path):
    exe = fake_cli(tmp_path)
    clean_env.setattr(sys, "executable", str(Path(exe).parent / "python"))
    clean_env.setenv("PATH", "/nonexistent")
    assert cli.find_cli() == exe


def test_missing_cli_prints_the_install_note(clean_env, tmp_path, capsys):
    clean_env.setattr(sys, "executable", str(tmp_path / "python"))
    clean_env.setenv("PATH", str(tmp_path))
    assert cli.find_cli() is None
    assert cli.cli_available() is False
    assert "pip install oci-cli" in capsys.readouterr().out
    assert cli.run_cli('oci streaming admin stream list -c "$COMPARTMENT_ID"') is None
    out = capsys.readouterr().out
    assert out.startswith("$ oci streaming admin stream list") and "pip install oci-cli" in out


def test_lab_oci_cli_naming_nothing_means_missing(clean_env, capsys):
    clean_env.setenv("LAB_OCI_CLI", "/nonexistent/oci")
    assert cli.find_cli() is None and cli.cli_available() is False


# -- run_cli -----------------------------------------------------------------------------------


def test_run_cli_expands_variables_adds_no_retry_and_parses_json(clean_env, tmp_path, capsys):
    import json

    clean_env.setenv("LAB_OCI_CLI", fake_cli(tmp_path, stdout='{"data": {"value": "c1"}}\n'))
    clean_env.setenv("STREAM_ID", "ocid1.stream.oc1..s")
    clean_env.setenv("OCI_CLI_ENDPOINT", "https://wrong.example")
    out = cli.run_cli(
        'oci streaming stream cursor create-cursor --stream-id "$STREAM_ID" --type LATEST'
    )
    assert out == {"data": {"value": "c1"}}
    argv = json.loads((tmp_path / "argv.json").read_text())
    assert argv == [
        "streaming",
        "stream",
        "cursor",
        "create-cursor",
        "--stream-id",
        "ocid1.stream.oc1..s",
        "--type",
        "LATEST",
        "--no-retry",
    ]
    assert "OCI_CLI_ENDPOINT" not in json.loads((tmp_path / "env.json").read_text())
    printed = capsys.readouterr().out
    assert (
        '$ oci streaming stream cursor create-cursor --stream-id "$STREAM_ID" --type LATEST --no-retry'
        in printed
    )
    assert '"value": "c1"' in printed


def test_run_cli_retry_true_keeps_the_clis_retries(clean_env, tmp_path):
    import json

    clean_env.setenv("LAB_OCI_CLI", fake_cli(tmp_path, stdout="[]"))
    assert cli.run_cli(["oci", "os", "ns", "get"], retry=True, echo=False) == []
    assert "--no-retry" not in json.loads((tmp_path / "argv.json").read_text())


def test_raw_request_gets_the_proxy_it_would_otherwise_ignore(clean_env, tmp_path, capsys):
    """oci raw-request does not read HTTPS_PROXY (the other commands do): run_cli passes it."""
    import json

    clean_env.setenv("LAB_OCI_CLI", fake_cli(tmp_path, stdout="{}"))
    clean_env.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    cli.run_cli("oci raw-request --http-method GET --target-uri https://x.example/")
    argv = json.loads((tmp_path / "argv.json").read_text())
    assert argv[-2:] == ["--proxy", "http://127.0.0.1:3128"]
    assert '--proxy "http://127.0.0.1:3128"' in capsys.readouterr().out
    cli.run_cli(["oci", "streaming", "admin", "stream", "list"], echo=False)
    assert "--proxy" not in json.loads((tmp_path / "argv.json").read_text())


def test_run_cli_prints_a_service_error_in_one_line_and_returns_none(clean_env, tmp_path, capsys):
    err = (
        'ServiceError:\n{\n    "code": "InvalidParameter",\n    "message": "offset 9 is outside the range.",\n'
        '    "status": 400\n}\n'
    )
    clean_env.setenv("LAB_OCI_CLI", fake_cli(tmp_path, stderr=err, code=1))
    assert cli.run_cli("oci streaming stream cursor create-cursor --offset 9", echo=False) is None
    assert (
        capsys.readouterr().out == "❌ HTTP 400 InvalidParameter: offset 9 is outside the range.\n"
    )


def test_run_cli_redacts_what_the_cli_printed(clean_env, tmp_path, capsys):
    clean_env.setenv(
        "LAB_OCI_CLI", fake_cli(tmp_path, stdout=f'{{"data": {{"compartment-id": "{TENANCY}"}}}}')
    )
    out = cli.run_cli("oci streaming admin stream list")
    assert out["data"]["compartment-id"] == TENANCY, "the returned value is usable"
    assert TENANCY not in capsys.readouterr().out


def test_run_cli_returns_text_and_none(clean_env, tmp_path):
    clean_env.setenv("LAB_OCI_CLI", fake_cli(tmp_path, stdout="abc=\n"))
    assert cli.run_cli("oci x --raw-output", echo=False) == "abc="
    clean_env.setenv("LAB_OCI_CLI", fake_cli(tmp_path, stdout=""))
    assert cli.run_cli("oci streaming admin stream list", echo=False) is None


def test_run_cli_refuses_other_programs():
    with pytest.raises(ValueError, match="start with 'oci'"):
        cli.run_cli("rm -rf /tmp/x")


# -- splitting and paste-ready lines -----------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ('oci a "$X"', ["oci", "a", "two words"]),
        ("oci a $X", ["oci", "a", "two words"]),
        ("oci a '$X'", ["oci", "a", "$X"]),
        ('oci a "${X}-y"', ["oci", "a", "two words-y"]),
        ('oci a --endpoint "$EMPTY" --b', ["oci", "a", "--endpoint", "", "--b"]),
        ('oci a "$UNSET"', ["oci", "a", ""]),
        (
            """oci m --messages '[{"key":"a2V5","value":"dg=="}]'""",
            ["oci", "m", "--messages", '[{"key":"a2V5","value":"dg=="}]'],
        ),
        ("oci a \\\n    --b 1", ["oci", "a", "--b", "1"]),
        ('oci a "$Q"', ["oci", "a", 'say "hi" \\o/']),
    ],
)
def test_split_command_expands_like_a_shell(command, argv):
    env = {"X": "two words", "EMPTY": "", "Q": 'say "hi" \\o/'}
    assert cli.split_command(command, env) == argv


def test_cli_command_is_self_contained(local_lab, clean_env):
    line = cli.cli_command(
        'oci streaming admin stream get --stream-id "$STREAM_ID" --endpoint "$ADMIN_ENDPOINT"',
        local_lab,
        Stream(),
    )
    assert line == (
        f"oci --config-file {local_lab.local.config_file} --profile LOCAL streaming admin stream get "
        f"--stream-id {Stream.id} --endpoint http://127.0.0.1:8123"
    )


def test_cli_command_on_oci_keeps_an_empty_admin_endpoint(oci_lab, clean_env):
    line = cli.cli_command(
        'oci streaming admin stream list -c "$COMPARTMENT_ID" --endpoint "$ADMIN_ENDPOINT"', oci_lab
    )
    assert (
        line.endswith("-c ocid1.compartment.oc1..aaaaaaaalab --endpoint ''")
        and "--profile ADA" in line
    )
