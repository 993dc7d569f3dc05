"""``connect()``: resolve the target and auth, say where each setting came from, return clients.

Resolution order for every setting: the argument, then the environment, then (on the oci
target) the learner's settings file from an instructor (:mod:`labhelpers.settings`:
``$LAB_SETTINGS`` or ``~/.oci/lab-settings.json``), then the OCI config file, then the
default (the ``PUBSUB_EMULATOR_HOST`` idiom):

=================  =====================  ==============================================
setting            environment            default
=================  =====================  ==============================================
target             ``LAB_TARGET``         ``local``
config file        ``OCI_CONFIG_FILE``    ``~/.oci/config`` (oci) / localoci's (local)
profile            ``OCI_CLI_PROFILE``    ``DEFAULT`` (oci) / ``LOCAL`` (local)
auth               ``LAB_AUTH``           ``api_key`` (or ``security_token`` when the
                                          profile has a ``security_token_file``)
learner id         ``LAB_ID``             your login name (tags, the stream's name)
compartment        ``LAB_COMPARTMENT_ID`` the tenancy (root compartment)
stream name        ``LAB_STREAM``         ``lab-stream`` (local); ``lab-stream-<id>`` (oci)
=================  =====================  ==============================================

The settings file also carries what ``labhelpers.gateway`` looks for on a tenancy
(``LAB_FN_APP``, ``HELLO_FUNCTION_OCID``, ``LAB_GATEWAY_OCID``, ``LAB_PATH_PREFIX``):
:meth:`Lab.setting` reads them in the same order (environment, then file).

Secrets are never shown: user and tenancy OCIDs, fingerprints and key paths are redacted.

Why one long module (about 420 lines): every setting is resolved here in one order, for two
targets and four kinds of auth, and the table above, the two ``_connect_*`` functions and the
:class:`Lab` they return are read together; split, the order would be in several places.
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import oci

from . import localctl
from .binder import guard_oci_target
from .errors import LabConfigError
from .redact import redact
from .settings import Settings
from .settings import load as load_settings

TARGETS = ("local", "oci")
AUTHS = ("api_key", "security_token", "instance_principal", "resource_principal")
SECRET_SETTINGS = {"user", "tenancy", "fingerprint", "key_file", "compartment"}


@dataclass(frozen=True)
class Setting:
    name: str
    value: str
    source: str


def mask(name: str, value: str | None) -> str:
    """How a setting is shown: secrets go through :func:`labhelpers.redact.redact`, the one
    function that decides what a secret is; a secret it does not recognise keeps only a tail.

    >>> mask("user", "ocid1.user.oc1..aaaaaaaabcdefgh1234")
    'ocid1.user.oc1..[REDACTED]1234'
    >>> mask("fingerprint", "12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0")
    '[REDACTED:fingerprint]'
    >>> mask("region", "us-ashburn-1")
    'us-ashburn-1'
    """
    if value is None:
        return "(not set)"
    if name not in SECRET_SETTINGS:
        return value
    shown = redact(value)
    if shown != value or name == "compartment":
        return shown
    return "[REDACTED]" + value[-4:]


def default_stream_name(target: str, lab_id: str | None = None) -> str:
    """``lab-stream`` locally; on a shared tenancy each learner gets ``lab-stream-<id>``
    (``lab_id``, default ``$LAB_ID``, else the login name)."""
    lab_id = lab_id or os.environ.get("LAB_ID")
    if target == "local":
        return f"lab-stream-{lab_id}" if lab_id else "lab-stream"
    who = lab_id or re.sub(r"[^A-Za-z0-9-]", "-", getpass.getuser())[:24]
    return f"lab-stream-{who}"


@dataclass
class Lab:
    """Where the lab runs and the clients to use there.  Build it with :func:`connect`."""

    target: str
    config: dict
    signer: Any | None
    admin_endpoint: str | None
    compartment_id: str
    stream_name: str
    settings: list[Setting] = field(default_factory=list)
    local: localctl.LocalServer | None = None
    owner: str = ""
    class_settings: Settings = field(default_factory=Settings)

    def setting(self, key: str) -> str | None:
        """A class setting (``LAB_FN_APP``, ``LAB_GATEWAY_OCID`` ...): the environment's
        value, else the learner's settings file's (oci target), else None."""
        return self.class_settings.get(key)

    # -- clients ---------------------------------------------------------------------------

    def _kwargs(self, **kw: Any) -> dict:
        if self.signer is not None:
            kw["signer"] = self.signer
        return kw

    @property
    def admin(self) -> oci.streaming.StreamAdminClient:
        """The control-plane client (streams, stream pools, work requests)."""
        if not hasattr(self, "_admin"):
            kw = self._kwargs()
            if self.admin_endpoint:
                kw["service_endpoint"] = self.admin_endpoint
            self._admin = oci.streaming.StreamAdminClient(self.config, **kw)
        return self._admin

    @property
    def admin_ops(self) -> oci.streaming.StreamAdminClientCompositeOperations:
        """The admin client's ``*_and_wait_for_state`` helpers."""
        return oci.streaming.StreamAdminClientCompositeOperations(self.admin)

    def stream_client(
        self, messages_endpoint: str, retry: bool = False
    ) -> oci.streaming.StreamClient:
        """A data-plane client for a stream's ``messages_endpoint`` (the SDK never derives it).

        ``retry=False`` (the lab's default) passes ``NoneRetryStrategy`` so an error shows at
        once instead of after ~95 s of silent retries; labhelpers paces and retries itself.
        """
        kw = self._kwargs(service_endpoint=messages_endpoint)
        if not retry:
            kw["retry_strategy"] = oci.retry.NoneRetryStrategy()
        return oci.streaming.StreamClient(self.config, **kw)

    # -- local-only conveniences -----------------------------------------------------------

    @property
    def is_local(self) -> bool:
        return self.target == "local"

    def _need_local(self, what: str) -> localctl.LocalServer:
        if self.local is None:
            raise LabConfigError(f"{what} exists only with the local stand-in (target 'local').")
        return self.local

    def advance_clock(self, seconds: float) -> str:
        """Move localoci's clock forward (cursor expiry, retention, group timeouts); local only."""
        server = self._need_local("The controllable clock")
        return server.control.advance(seconds)["now"]

    def pause(self, seconds: float) -> None:
        """Let ``seconds`` pass: locally by advancing localoci's clock (instant), on OCI by sleeping."""
        if self.local is not None:
            self.advance_clock(seconds)
        else:
            import time

            time.sleep(seconds)

    def server_stats(self) -> dict:
        return self._need_local("Server statistics").control.stats()

    # -- display ---------------------------------------------------------------------------

    def describe(self) -> str:
        width = max(len(s.name) for s in self.settings) if self.settings else 10
        lines = [f"Lab target: {self.target}"]
        lines += [f"  {s.name:<{width}}  {s.value}   ({s.source})" for s in self.settings]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Lab target={self.target!r} stream={self.stream_name!r}>"

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{html.escape(s.name)}</td><td><code>{html.escape(s.value)}</code></td>"
            f"<td>{html.escape(s.source)}</td></tr>"
            for s in self.settings
        )
        return (
            f"<b>Lab target: {html.escape(self.target)}</b><table><tr><th>setting</th><th>value</th>"
            f"<th>from</th></tr>{rows}</table>"
        )


def _pick(
    name: str,
    arg: Any,
    env: str | None,
    default: Any,
    default_source: str,
    settings: Settings | None = None,
) -> tuple[Any, str]:
    """The value and its source: argument, environment, settings file, default."""
    if arg is not None:
        return arg, "argument"
    if env and os.environ.get(env):
        return os.environ[env], f"${env}"
    if env and settings is not None and settings.values.get(env):
        return settings.values[env], "settings file"
    return default, default_source


def connect(
    target: str | None = None,
    *,
    config_file: str | None = None,
    profile: str | None = None,
    auth: str | None = None,
    compartment_id: str | None = None,
    stream_name: str | None = None,
    region: str | None = None,
    insist: bool = False,
) -> Lab:
    """Resolve the lab's target and credentials and return a :class:`Lab` with ready clients.

    Parameters
    ----------
    target : {"local", "oci"}, optional
        ``local`` (default) uses localoci, started on demand; ``oci`` uses a real tenancy.
        Also from ``$LAB_TARGET``.
    config_file, profile : str, optional
        The OCI config file and profile (oci target); defaults ``~/.oci/config``, ``DEFAULT``.
    auth : {"api_key", "security_token", "instance_principal", "resource_principal"}, optional
        How to sign requests on the oci target (also ``$LAB_AUTH``).
    compartment_id : str, optional
        Where the lab's stream lives (``$LAB_COMPARTMENT_ID``; default: the tenancy).
    stream_name : str, optional
        The lab stream's name (``$LAB_STREAM``; default ``lab-stream`` locally).
    insist : bool
        On a public Binder the oci target is refused (your keys would sit on a shared
        machine) unless you insist (or set ``LAB_INSIST_OCI=1``).

    Returns
    -------
    Lab
        ``lab.admin`` (StreamAdminClient), ``lab.stream_client(endpoint)``, ``lab.settings``.

    Examples
    --------
    >>> lab = connect("local")            # doctest: +SKIP
    >>> print(lab.describe())             # doctest: +SKIP
    Lab target: local
      ...
    """
    target, target_src = _pick("target", target, "LAB_TARGET", "local", "default")
    target = str(target).strip().lower()
    if target not in TARGETS:
        raise LabConfigError(
            f"target must be 'local' or 'oci', not {target!r}. Set LAB_TARGET=local or LAB_TARGET=oci."
        )
    if target == "oci":
        # Real keys do not belong on a public Binder: refuse unless the learner insists.
        guard_oci_target(target, insist=insist)
    settings = [Setting("target", target, target_src)]
    if target == "local":
        return _connect_local(settings, config_file, profile, stream_name)
    return _connect_oci(settings, config_file, profile, auth, compartment_id, stream_name, region)


def _connect_local(settings: list[Setting], config_file, profile, stream_name) -> Lab:
    try:
        server = localctl.ensure_running()
    except localctl.LocalOCIError as exc:
        raise LabConfigError(str(exc)) from None
    cfg_file = config_file or server.config_file
    prof = profile or server.profile
    try:
        config = oci.config.from_file(cfg_file, prof)
    except oci.exceptions.ConfigFileNotFound:
        raise LabConfigError(
            f"localoci's config file {cfg_file} is missing; restart localoci to recreate it."
        ) from None
    name, name_src = _pick(
        "stream", stream_name, "LAB_STREAM", default_stream_name("local"), "default"
    )
    settings += [
        Setting(
            "endpoint",
            server.url,
            "localoci (started now)" if server.started_here else "localoci (running)",
        ),
        Setting("config file", cfg_file, "localoci"),
        Setting("profile", prof, "localoci"),
        Setting("user", mask("user", config["user"]), "config file"),
        Setting("tenancy", mask("tenancy", config["tenancy"]), "config file"),
        Setting("fingerprint", mask("fingerprint", config["fingerprint"]), "config file"),
        Setting("region", config["region"], "config file"),
        Setting("stream", name, name_src),
    ]
    return Lab(
        "local",
        config,
        None,
        server.url,
        config["tenancy"],
        name,
        settings,
        server,
        owner=os.environ.get("LAB_ID") or getpass.getuser(),
    )


def _connect_oci(settings, config_file, profile, auth, compartment_id, stream_name, region) -> Lab:
    given = load_settings()
    if given.path is not None:
        settings.append(Setting("settings file", str(given.path), "$LAB_SETTINGS or default"))
    lab_id, id_src = _pick("learner id", None, "LAB_ID", getpass.getuser(), "login name", given)
    cfg_file, cfg_src = _pick("config", config_file, "OCI_CONFIG_FILE", "~/.oci/config", "default")
    prof, prof_src = _pick("profile", profile, "OCI_CLI_PROFILE", "DEFAULT", "default")
    auth_name, auth_src = _pick("auth", auth, "LAB_AUTH", None, "default")
    signer = None
    config: dict
    if auth_name in ("instance_principal", "resource_principal"):
        try:
            if auth_name == "instance_principal":
                signer = oci.auth.signers.InstancePrincipalsSecurityTokenSigner()
            else:
                signer = oci.auth.signers.get_resource_principals_signer()
        except Exception as exc:  # noqa: BLE001 - the SDK raises many kinds here
            raise LabConfigError(
                f"{auth_name} auth failed ({type(exc).__name__}). It works only on an OCI instance "
                "(instance principals) or inside OCI Functions / Data Science (resource principals); "
                "elsewhere use api_key or security_token with a config file."
            ) from None
        config = {"region": region or signer.region}
        tenancy = getattr(signer, "tenancy_id", None) or os.environ.get("LAB_TENANCY_ID", "")
        settings.append(Setting("auth", auth_name, auth_src))
    else:
        path = Path(os.path.expanduser(cfg_file))
        if not path.exists():
            raise LabConfigError(
                f"No OCI config file at {cfg_file}. Create one with `oci setup config` (API key) or "
                "`oci session authenticate` (browser login), or set OCI_CONFIG_FILE."
            )
        try:
            config = oci.config.from_file(str(path), prof)
        except oci.exceptions.ProfileNotFound:
            raise LabConfigError(
                f"Profile [{prof}] is not in {cfg_file}. Set OCI_CLI_PROFILE to one that is."
            ) from None
        if region:
            config["region"] = region
        if auth_name is None:
            auth_name, auth_src = (
                ("security_token", "profile has security_token_file")
                if config.get("security_token_file")
                else ("api_key", "default")
            )
        if auth_name not in AUTHS:
            raise LabConfigError(f"auth must be one of {', '.join(AUTHS)}, not {auth_name!r}.")
        if auth_name == "security_token":
            signer = _session_signer(config)
        tenancy = config.get("tenancy", "")
        settings += [
            Setting("config file", str(path), cfg_src),
            Setting("profile", prof, prof_src),
            Setting("auth", auth_name, auth_src),
            Setting("user", mask("user", config.get("user")), "config file"),
            Setting("tenancy", mask("tenancy", tenancy), "config file"),
            Setting("fingerprint", mask("fingerprint", config.get("fingerprint")), "config file"),
            Setting("key file", mask("key_file", config.get("key_file")), "config file"),
        ]
    if not config.get("region"):
        raise LabConfigError("No region: add region=... to the profile, or set OCI_REGION.")
    comp, comp_src = _pick(
        "compartment",
        compartment_id,
        "LAB_COMPARTMENT_ID",
        tenancy,
        "tenancy (root compartment)",
        given,
    )
    if not comp:
        raise LabConfigError(
            "No compartment: set LAB_COMPARTMENT_ID to the OCID of the lab's compartment."
        )
    name, name_src = _pick(
        "stream",
        stream_name,
        "LAB_STREAM",
        default_stream_name("oci", lab_id),
        "default (one per learner)",
        given,
    )
    settings += [
        Setting("region", config["region"], "config file" if not region else "argument"),
        Setting("learner id", lab_id, id_src),
        Setting("compartment", mask("compartment", comp), comp_src),
        Setting("stream", name, name_src),
    ]
    return Lab(
        "oci",
        config,
        signer,
        None,
        comp,
        name,
        settings,
        None,
        owner=lab_id,
        class_settings=given,
    )


def _session_signer(config: dict):
    token_file = config.get("security_token_file")
    if not token_file or not Path(os.path.expanduser(token_file)).exists():
        raise LabConfigError(
            "This profile has no usable security_token_file. Run `oci session authenticate` "
            "(or `oci session refresh` if it expired)."
        )
    token = Path(os.path.expanduser(token_file)).read_text().strip()
    key = oci.signer.load_private_key_from_file(config["key_file"], config.get("pass_phrase"))
    return oci.auth.signers.SecurityTokenSigner(token, key)
