"""The Kafka listener of one server (``python -m localoci serve``): bound with the REST port,
served on the same event loop over the same :class:`~localoci.service.Service`.

* SASL_SSL with PLAIN by default, as OCI requires: at first start :mod:`localoci.certs` makes a
  server certificate ``tls/kafka.pem`` (SAN ``localhost`` and ``127.0.0.1``) signed by the data
  directory's CA, ``tls/ca.pem`` (the one region mode uses too): what clients are given as
  ``ssl.ca.location``.  ``--kafka-plaintext``: SASL_PLAINTEXT, no TLS.
* The listener advertises the bind address (``127.0.0.1:<port>``); every stream pool reports
  it as ``kafkaSettings.bootstrapServers``, and ``server.json`` and health name it with the
  security protocol and the CA file (:meth:`KafkaSide.info`).
* OCI's 1 MiB per message applies unless limits are off (``--no-limits``).
"""

from __future__ import annotations

import socket

import localctl

from . import certs
from .kafka import KafkaListener, ListenerLimits
from .kafka.store_backend import StoreBackend
from .service import Service

CERT_NAMES = ("localhost", "127.0.0.1")
NO_LIMIT = 1 << 40


class KafkaSide:
    """The Kafka part of a server, over a socket it was given (already bound)."""

    def __init__(self, svc: Service, sock: socket.socket) -> None:
        config = svc.config
        self.tls = (
            None
            if config.kafka_plaintext
            else certs.ensure_server_certificate(config.data_dir, CERT_NAMES, "kafka")
        )
        limits = (
            ListenerLimits() if svc.limits.enabled else ListenerLimits(max_record_bytes=NO_LIMIT)
        )
        self.listener = KafkaListener(
            StoreBackend(svc),
            config.host,
            sock=sock,
            ssl_context=certs.server_context(self.tls) if self.tls else None,
            limits=limits,
        )
        config.kafka_port = self.listener.port
        self.sock = sock
        svc.kafka_bootstrap = self.listener.bootstrap_servers
        k = self.info()
        svc.kafka_info = {
            "bootstrapServers": k.bootstrap_servers,
            "securityProtocol": k.security_protocol,
            "saslMechanism": k.sasl_mechanism,
            "caFile": k.ca_file,
        }
        self._started = False

    def info(self) -> localctl.KafkaInfo:
        return localctl.KafkaInfo(
            bootstrap_servers=self.listener.bootstrap_servers,
            security_protocol=self.listener.security_protocol,
            sasl_mechanism="PLAIN",
            ca_file=str(self.tls.ca_file) if self.tls else None,
        )

    async def start(self) -> None:
        await self.listener.start()
        self._started = True

    async def stop(self) -> None:
        if self._started:
            self._started = False
            await self.listener.stop()

    def close(self) -> None:
        self.sock.close()
