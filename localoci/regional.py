"""What a server adds in region mode (``serve --as-region``): TLS, the control side channel,
the CONNECT proxy, and the environment a client needs.

Three loopback ports then serve one :class:`~localoci.service.Service`:

* the region itself, over HTTPS with a certificate for every hostname of the realm
  (:meth:`localoci.region.Realm.names`), made at first start by :mod:`localoci.certs` in
  ``<data dir>/tls`` beside the CA clients trust; requests are routed by their ``Host``;
* the control side channel (plain HTTP, ``/_localoci/...``: health, stats, reset, shutdown,
  users; the clock cannot be advanced), ``control_url`` in ``server.json``;
* the CONNECT proxy (:mod:`localoci.proxy`) that takes a client's ``HTTPS_PROXY`` traffic for
  the region's hostnames to the HTTPS port, and refuses every other host.

``server.json``'s ``client_env`` (and ``svc.client_env``, which the function processes get)
says what a client needs: ``OCI_REGION_METADATA`` (the custom realm), ``REQUESTS_CA_BUNDLE``
(``tls/ca-bundle.pem``: the local CA joined with certifi's roots and any bundle
``REQUESTS_CA_BUNDLE`` named when the server started: the variable replaces requests' default
bundle, so the roots must stay) and ``HTTPS_PROXY``.
"""

from __future__ import annotations

import json
import os
import socket

import uvicorn

import localctl

from . import certs
from .proxy import ConnectProxy
from .service import Service
from .wire import Dispatcher


def _certifi_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # pragma: no cover - requests brings it
        return None
    return certifi.where()


class RegionSide:
    """The region-mode parts of one server, over sockets it was given (already bound)."""

    def __init__(
        self,
        svc: Service,
        control_app: Dispatcher,
        control_sock: socket.socket,
        proxy_sock: socket.socket,
    ) -> None:
        realm, config = svc.realm, svc.config
        assert realm is not None
        self.control_sock, self.proxy_sock = control_sock, proxy_sock
        try:
            self.tls = certs.ensure_server_certificate(config.data_dir, realm.names(), "region")
            extra = [_certifi_bundle(), os.environ.get("REQUESTS_CA_BUNDLE")]
            self.ca_bundle = certs.write_ca_bundle(self.tls, [e for e in extra if e])
        except BaseException:
            self.close()
            raise
        host = config.host
        config.control_port = control_sock.getsockname()[1]
        config.proxy_port = proxy_sock.getsockname()[1]
        self.control_url = f"http://{host}:{config.control_port}{localctl.CONTROL_PATH}"
        svc.client_env.update(
            {
                "OCI_REGION_METADATA": json.dumps(realm.region_metadata()),
                "REQUESTS_CA_BUNDLE": str(self.ca_bundle),
                "HTTPS_PROXY": f"http://{host}:{config.proxy_port}",
            }
        )
        self.control = uvicorn.Server(
            uvicorn.Config(
                control_app,
                log_level="warning",
                access_log=False,
                http="httptools",
                lifespan="off",
                timeout_graceful_shutdown=5,
            )
        )
        self.proxy = ConnectProxy(realm, (host, config.port), svc.count)
        self._started = False

    @property
    def tls_options(self) -> dict[str, str]:
        """What the service's uvicorn needs to speak HTTPS."""
        return {"ssl_certfile": str(self.tls.cert_file), "ssl_keyfile": str(self.tls.key_file)}

    async def start(self) -> None:
        """Serve the side channel and the proxy (on the server's event loop)."""
        config = self.control.config
        config.load()
        self.control.lifespan = config.lifespan_class(config)
        await self.control.startup(sockets=[self.control_sock])
        await self.proxy.start(self.proxy_sock)
        self._started = True

    async def stop(self) -> None:
        await self.proxy.stop()
        if self._started:
            await self.control.shutdown(sockets=[self.control_sock])

    def close(self) -> None:
        for sock in (self.control_sock, self.proxy_sock):
            sock.close()
