"""Running the lab on Binder (or another JupyterHub): where localoci is, and what is refused.

On Binder, ``binder/start`` runs localoci on ``127.0.0.1:18730`` inside the container.  The
kernel reaches it there, but the learner's own browser (or Postman, or curl on their laptop)
cannot: only the Jupyter server is public.  ``jupyter-server-proxy`` forwards
``<jupyter base>/proxy/<port>/<path>`` to ``127.0.0.1:<port>/<path>``, behind Jupyter's own
login, so a gateway deployment at ``http://127.0.0.1:18730/_gateway/<key>/v1/hello`` is, for
the browser, ``<jupyter base>/proxy/18730/_gateway/<key>/v1/hello``.

* :func:`on_binder` -- are we in a public Binder session (mybinder.org or a BinderHub)?
* :func:`under_jupyterhub` -- is this Jupyter server behind a hub (Binder included)?
* :func:`public_url` -- the URL of a loopback localoci address as the learner's browser sees it.
* :func:`guard_oci_target` -- refuse the ``oci`` target on a public Binder unless the learner
  insists (``insist=True`` or ``LAB_INSIST_OCI=1``): a Binder session is a shared, public
  machine, and an API key pasted there can outlive the session.

Raises :class:`labhelpers.errors.LabConfigError` (``connect`` imports this module, never the
other way round).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from .errors import LabConfigError

__all__ = [
    "on_binder",
    "under_jupyterhub",
    "public_url",
    "guard_oci_target",
    "BINDER_ENV",
    "LOOPBACK",
]

#: Set by BinderHub in every session it launches (mybinder.org and private BinderHubs).
BINDER_ENV = (
    "BINDER_LAUNCH_HOST",
    "BINDER_REPO_URL",
    "BINDER_REF_URL",
    "BINDER_REQUEST",
    "BINDER_PERSISTENT_REQUEST",
)
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() in _TRUE


def on_binder() -> bool:
    """True in a Binder session (any ``BINDER_*`` variable BinderHub sets; ``LAB_ON_BINDER=1/0`` overrides)."""
    forced = _flag("LAB_ON_BINDER")
    if forced is not None:
        return forced
    return any(os.environ.get(name) for name in BINDER_ENV)


def under_jupyterhub() -> bool:
    """True when this Jupyter server runs behind a hub (Binder is one): it then has a URL prefix."""
    return bool(os.environ.get("JUPYTERHUB_SERVICE_PREFIX"))


def _base(base: str | None) -> str | None:
    if base is not None:
        return base
    for name in ("LAB_PROXY_BASE", "JUPYTERHUB_SERVICE_PREFIX"):
        if os.environ.get(name):
            return os.environ[name]
    return None


def public_url(url: str, base: str | None = None) -> str:
    """The address of ``url`` (a loopback localoci URL) as the learner's browser can reach it.

    Behind a hub (``$JUPYTERHUB_SERVICE_PREFIX``, e.g. ``/user/ab-lab-x1y2/`` on Binder), or when
    ``base`` or ``$LAB_PROXY_BASE`` names the Jupyter server's base URL, a loopback URL becomes
    ``<base>proxy/<port><path>`` (jupyter-server-proxy).  ``base`` may be a path or an absolute
    URL; with a path, the answer is a path on the Jupyter server's origin (what a link in the
    notebook or the browser's address bar needs; for curl or Postman, prefix the origin shown
    in the address bar and add ``?token=...`` or the session's cookie).  Anywhere else the URL
    is returned unchanged: ``make lab`` runs on the learner's own machine, where 127.0.0.1 is
    reachable as it is.

    >>> public_url("http://127.0.0.1:18730/_gateway/abc/v1/hello", base="/user/x/")
    '/user/x/proxy/18730/_gateway/abc/v1/hello'
    >>> public_url("http://127.0.0.1:18730/_gateway/abc/v1/hello?n=1", base="https://hub.example.org/user/x")
    'https://hub.example.org/user/x/proxy/18730/_gateway/abc/v1/hello?n=1'
    >>> public_url("https://abc.apigateway.eu-frankfurt-1.oci.customer-oci.com/v1/hello", base="/user/x/")
    'https://abc.apigateway.eu-frankfurt-1.oci.customer-oci.com/v1/hello'
    """
    parts = urlsplit(url)
    prefix = _base(base)
    if prefix is None or parts.hostname not in LOOPBACK or parts.port is None:
        return url
    proxied = f"proxy/{parts.port}{parts.path or '/'}"
    joined = prefix.rstrip("/") + "/" + proxied
    if parts.query:
        joined += "?" + parts.query
    if "://" in prefix:
        return joined
    return urlunsplit(("", "", joined if joined.startswith("/") else "/" + joined, "", ""))


def guard_oci_target(target: str, insist: bool = False) -> None:
    """Refuse the ``oci`` target on a public Binder, unless the learner insists.

    Parameters
    ----------
    target : str
        The resolved target, ``"local"`` or ``"oci"``.
    insist : bool
        ``True`` (or ``LAB_INSIST_OCI=1`` in the environment) lets the ``oci`` target through.

    Raises
    ------
    labhelpers.errors.LabConfigError
        On Binder with ``target == "oci"`` and no insistence; the message names both ways out.

    Examples
    --------
    >>> guard_oci_target("local")              # always fine, Binder or not
    >>> guard_oci_target("oci", insist=True)   # the learner's choice
    """
    if str(target).strip().lower() != "oci" or not on_binder():
        return
    if insist or _flag("LAB_INSIST_OCI"):
        return
    raise LabConfigError(
        "This is a public Binder session: anything you put here (an API key, ~/.oci/config, a "
        "session token) runs on a shared machine you do not control, and can outlive the session. "
        "Use the local target here (LAB_TARGET=local, the default), and run `make lab` on your own "
        "machine for a real tenancy. If you accept the risk (a throwaway user with a short-lived "
        "key), set LAB_INSIST_OCI=1 or pass insist=True."
    )
