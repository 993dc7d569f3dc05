"""localctl: the one control client for a running localoci (standard library only).

Everything that finds, starts, watches or steers a localoci goes through here: localoci's own
CLI (``python -m localoci serve --detach --wait``, ``status``, ``stop``, ``env``),
``labhelpers.localctl`` (a thin adapter with labhelpers' own exception), ``binder/start``
(through the CLI), the tests and the reliability checks.

Why a package of its own, beside ``localoci`` and not inside it: labhelpers must never import
localoci's modules (they are the server, with its dependencies and internals; labhelpers talks
to it over HTTP only), yet both need the same client.  ``localctl`` imports nothing but the
standard library and nothing of localoci, so either side can use it, in an install where
localoci's internals are not importable too.  The name says what it is: *control* of a
*local* server, as ``systemctl`` or ``kubectl`` are.

What a running localoci leaves for its clients is ``server.json`` in its data directory
(:mod:`.info`): the service URL (what the SDK and CLI use as endpoint) and, separately, the
control URL (its ``/_localoci`` endpoints: health, clock, stats, reset, shutdown), so that a
later "region mode" can move the control endpoints to a side channel without changing clients.

* :mod:`.info`   -- the data directory default, ``server.json`` (:class:`ServerInfo`);
* :mod:`.client` -- :class:`Control`: health, wait until healthy or gone, clock, stats, reset,
  shutdown;
* :mod:`.launch` -- :func:`start` a server as a child (attached, or detached with an idle
  exit), :func:`find` a running one, :func:`stop` it.
"""

from .client import Control, ControlError, ServerExited, ServerTimeout, control_url_for
from .info import (
    CONTROL_PATH,
    SERVER_JSON,
    KafkaInfo,
    ServerInfo,
    default_data_dir,
    read_info,
    remove_info,
    write_info,
)
from .launch import Started, find, serve_command, spawn, start, stop

__all__ = [
    "CONTROL_PATH",
    "SERVER_JSON",
    "Control",
    "ControlError",
    "ServerExited",
    "KafkaInfo",
    "ServerInfo",
    "ServerTimeout",
    "Started",
    "control_url_for",
    "default_data_dir",
    "find",
    "read_info",
    "remove_info",
    "serve_command",
    "spawn",
    "start",
    "stop",
    "write_info",
]
