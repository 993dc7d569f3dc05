"""The OCI CLI beside the SDK: the same stream, the same API, from the command line.

The notebooks run ``oci ...`` command lines exactly as a learner types them in a terminal,
with the lab's settings in environment variables:

==========================================  ================================================
variable                                    value
==========================================  ================================================
``OCI_CLI_CONFIG_FILE``, ``OCI_CLI_PROFILE`` the config file and profile ``connect()`` used
``OCI_CLI_REGION``                          the region ``connect()`` used
``OCI_CLI_AUTH``                            only for session-token / principal auth
``OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING`` ``True`` (the doctor checks key permissions)
``SUPPRESS_LABEL_WARNING``                  ``True`` (key files without ``OCI_API_KEY``)
``COMPARTMENT_ID``, ``STREAM_NAME``         where the lab stream lives, its name
``STREAM_ID``, ``MESSAGES_ENDPOINT``        the stream's OCID and its data-plane endpoint
``ADMIN_ENDPOINT``                          localoci's URL (local); empty on OCI, so
                                            ``--endpoint ""`` lets the CLI use the region's
==========================================  ================================================

``$LAB_OCI_CLI`` names another ``oci`` executable (a path, or a name on ``PATH``).

``OCI_CLI_ENDPOINT`` is removed: it would send admin commands to a messages endpoint.

>>> argv = split_command('oci streaming stream message get --cursor "$C" --limit 2',
...                      {"C": "abc="})
>>> argv
['oci', 'streaming', 'stream', 'message', 'get', '--cursor', 'abc=', '--limit', '2']
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .connect import Lab, mask
from .redact import redact

__all__ = [
    "INSTALL_NOTE",
    "cli_available",
    "cli_command",
    "cli_env",
    "export_cli_env",
    "find_cli",
    "run_cli",
    "split_command",
]

INSTALL_NOTE = (
    "ℹ️ The OCI CLI is not installed in this environment, so the CLI cells are skipped "
    "(the Python cells do the same work). To add it: `pip install oci-cli` in the lab's "
    "environment (`make lab` installs it into .venv), then restart the kernel."
)

_SHOWN_PLAIN = (
    "OCI_CLI_CONFIG_FILE",
    "OCI_CLI_PROFILE",
    "OCI_CLI_REGION",
    "OCI_CLI_AUTH",
    "OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING",
    "SUPPRESS_LABEL_WARNING",
    "STREAM_NAME",
    "STREAM_ID",
    "MESSAGES_ENDPOINT",
    "ADMIN_ENDPOINT",
)


def find_cli() -> str | None:
    """The ``oci`` executable: ``$LAB_OCI_CLI`` if set, else next to this Python (the lab's
    venv), else on ``PATH``.

    Returns
    -------
    str or None
        Its path, or None when the CLI is not installed (or ``$LAB_OCI_CLI`` names nothing).
    """
    chosen = os.environ.get("LAB_OCI_CLI")
    if chosen:
        return shutil.which(chosen)
    here = Path(sys.executable).parent
    for name in ("oci", "oci.exe"):
        candidate = here / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("oci")


def cli_available() -> bool:
    """True when the OCI CLI can be run; otherwise print :data:`INSTALL_NOTE` and return False."""
    if find_cli():
        return True
    print(INSTALL_NOTE)
    return False


def _setting(lab: Lab, name: str) -> str | None:
    return next((s.value for s in lab.settings if s.name == name), None)


def cli_env(lab: Lab, stream: Any | None = None) -> dict[str, str]:
    """The environment variables the CLI cells use, for ``lab``'s target and ``stream``.

    Parameters
    ----------
    lab : Lab
        From :func:`labhelpers.connect`.
    stream : oci.streaming.models.Stream, optional
        The lab stream; adds ``STREAM_ID`` and ``MESSAGES_ENDPOINT``.

    Returns
    -------
    dict of str to str
        Variable name to value (unmasked: use :func:`export_cli_env` to show them).
    """
    env: dict[str, str] = {}
    if lab.local is not None:
        env["OCI_CLI_CONFIG_FILE"] = lab.local.config_file
        env["OCI_CLI_PROFILE"] = lab.local.profile
    else:
        auth = _setting(lab, "auth") or "api_key"
        config_file = _setting(lab, "config file")
        if config_file:
            env["OCI_CLI_CONFIG_FILE"] = config_file
            env["OCI_CLI_PROFILE"] = _setting(lab, "profile") or "DEFAULT"
        if auth != "api_key":
            env["OCI_CLI_AUTH"] = auth
    if lab.config.get("region"):
        env["OCI_CLI_REGION"] = lab.config["region"]
    env["OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING"] = "True"
    env["SUPPRESS_LABEL_WARNING"] = "True"
    env["COMPARTMENT_ID"] = lab.compartment_id
    env["STREAM_NAME"] = getattr(stream, "name", None) or lab.stream_name
    # Local: localoci answers both planes on one URL.  OCI: empty, so `--endpoint ""` leaves
    # the CLI to derive https://streaming.<region>.oci.oraclecloud.com from the region.
    env["ADMIN_ENDPOINT"] = lab.local.url if lab.local is not None else ""
    if stream is not None:
        env["STREAM_ID"] = stream.id
        env["MESSAGES_ENDPOINT"] = stream.messages_endpoint
    return env


def export_cli_env(lab: Lab, stream: Any | None = None, *, quiet: bool = False) -> dict[str, str]:
    """Put :func:`cli_env` into ``os.environ`` (so ``!oci ...`` and :func:`run_cli` see it).

    Also removes ``OCI_CLI_ENDPOINT`` and puts the CLI's directory on ``PATH``.  Prints what
    it set, with the compartment OCID masked; user/tenancy OCIDs, fingerprints and keys are
    never among the values.

    Parameters
    ----------
    lab : Lab
        From :func:`labhelpers.connect`.
    stream : oci.streaming.models.Stream, optional
        The lab stream.
    quiet : bool, default False
        Set without printing.

    Returns
    -------
    dict of str to str
        What was set.
    """
    env = cli_env(lab, stream)
    os.environ.update(env)
    removed = os.environ.pop("OCI_CLI_ENDPOINT", None)
    exe = find_cli()
    if exe:
        folder = str(Path(exe).parent)
        if folder not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = folder + os.pathsep + os.environ.get("PATH", "")
    if not quiet:
        width = max(len(k) for k in env)
        for key, value in env.items():
            shown = value if key in _SHOWN_PLAIN else mask("compartment", value)
            print(f"{key:<{width}} = {redact(shown) if shown else '(empty)'}")
        if removed is not None:
            print("OCI_CLI_ENDPOINT removed: it would send admin commands to a messages endpoint.")
        print(f"oci: {exe}" if exe else INSTALL_NOTE)
    return env


_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def split_command(command: str, env: Mapping[str, str] | None = None) -> list[str]:
    """Split a shell-style command line into argv, expanding ``$VAR`` / ``${VAR}`` like a shell.

    Quotes behave as in sh: nothing expands inside single quotes; double quotes group a
    word and still expand.  Unknown variables expand to the empty string.  (No globbing, no
    word splitting of values, no command substitution.)

    Parameters
    ----------
    command : str
        E.g. ``'oci streaming admin stream get --stream-id "$STREAM_ID"'``.
    env : mapping, optional
        Variables to expand (default ``os.environ``).
    """
    env = os.environ if env is None else env
    command = command.replace("\\\n", " ")  # a shell line continuation
    # shlex drops the quotes, so expand first, walking the raw text once: each value is
    # re-quoted for where it lands, and nothing inside single quotes is touched.
    out: list[str] = []
    i, quote = 0, None
    while i < len(command):
        ch = command[i]
        if quote is None and ch in "'\"":
            quote = ch
        elif ch == quote:
            quote = None
        if ch == "$" and quote != "'":
            m = _VAR.match(command, i)
            if m:
                value = env.get(m.group(1) or m.group(2), "")
                if quote == '"':
                    out.append(value.replace("\\", "\\\\").replace('"', '\\"'))
                else:
                    out.append(shlex.quote(value))
                i = m.end()
                continue
        out.append(ch)
        i += 1
    return shlex.split("".join(out))


def cli_command(command: str, lab: Lab | None = None, stream: Any | None = None) -> str:
    """The exact command line to paste into a terminal, variables filled in.

    Adds ``--config-file`` and ``--profile`` so the line needs no exports.  It holds your
    compartment OCID when the command uses ``$COMPARTMENT_ID``: don't paste it in a chat.

    Parameters
    ----------
    command : str
        A CLI command line as written in the notebook, with ``$VARS``.
    lab, stream : optional
        Take the variables from :func:`cli_env` instead of ``os.environ``.
    """
    env = {**os.environ, **(cli_env(lab, stream) if lab is not None else {})}
    argv = split_command(command, env)
    extra = []
    for option, var in (
        ("--config-file", "OCI_CLI_CONFIG_FILE"),
        ("--profile", "OCI_CLI_PROFILE"),
        ("--auth", "OCI_CLI_AUTH"),
    ):
        if env.get(var) and option not in argv:
            extra += [option, env[var]]
    return shlex.join(argv[:1] + extra + argv[1:])


def _service_error(stderr: str) -> str | None:
    start = stderr.find("{")
    if "ServiceError" not in stderr or start < 0:
        return None
    try:
        err = json.loads(stderr[start:])
    except ValueError:
        return None
    return f"HTTP {err.get('status')} {err.get('code')}: {err.get('message')}"


def run_cli(
    command: str | Sequence[str],
    *,
    retry: bool = False,
    echo: bool = True,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> Any:
    """Run an ``oci ...`` command line, print what it printed (redacted), return its JSON.

    Never raises for CLI trouble: a missing CLI prints :data:`INSTALL_NOTE`, a failed
    command prints ``HTTP <status> <code>: <message>`` (or the CLI's own error text).

    Parameters
    ----------
    command : str or sequence of str
        ``'oci streaming ... --stream-id "$STREAM_ID"'`` (variables expand from ``env``, as
        in a shell), or an argv list starting with ``"oci"``.
    retry : bool, default False
        False appends ``--no-retry``: the CLI otherwise retries failures for up to ~95 s
        before showing them.  ``oci raw-request`` also gets ``--proxy`` when ``HTTPS_PROXY``
        is set, since that command alone does not read it.
    echo : bool, default True
        Print ``$ <command>`` and the CLI's output.
    env : mapping, optional
        The variables (default ``os.environ``, as set by :func:`export_cli_env`).
    timeout : float, default 120
        Seconds before the command is abandoned.

    Returns
    -------
    Any
        The parsed JSON output; the text when it is not JSON (``--raw-output``); None when
        the command failed, printed nothing (e.g. an empty list) or the CLI is missing.
    """
    env = {**os.environ, **(env or {})}
    argv = split_command(command, env) if isinstance(command, str) else list(command)
    shown = command if isinstance(command, str) else shlex.join(argv)
    if not argv or argv[0] != "oci":
        raise ValueError(f"run_cli runs OCI CLI commands, which start with 'oci': {shown!r}")
    if not retry and "--no-retry" not in argv:
        argv.append("--no-retry")
        shown += " --no-retry"
    proxy = env.get("HTTPS_PROXY") or env.get("https_proxy")
    if argv[1:2] == ["raw-request"] and proxy and "--proxy" not in argv:
        # raw-request, unlike the other commands, ignores HTTPS_PROXY (its session does not
        # read the environment): behind a proxy it needs --proxy.
        argv += ["--proxy", proxy]
        shown += f' --proxy "{proxy}"'
    exe = find_cli()
    if echo:
        print("$ " + redact(re.sub(r"\s{2,}", " ", shown.strip())))
    if exe is None:
        print(INSTALL_NOTE)
        return None
    env.pop("OCI_CLI_ENDPOINT", None)
    try:
        proc = subprocess.run(
            [exe, *argv[1:]],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        print(f"❌ The CLI did not finish within {timeout:.0f} s.")
        return None
    except OSError as exc:
        print(f"❌ Could not run {exe}: {exc}. {INSTALL_NOTE}")
        return None
    stdout, stderr = proc.stdout.strip(), proc.stderr.strip()
    if proc.returncode != 0:
        print(
            "❌ "
            + (
                _service_error(stderr)
                or redact(stderr or stdout or f"exit status {proc.returncode}")
            )
        )
        return None
    if echo:
        if stdout:
            print(redact(stdout))
        if stderr:
            print(redact(stderr), file=sys.stderr)
    if not stdout:
        return None
    try:
        return json.loads(stdout)
    except ValueError:
        return stdout
