"""localoci: a local stand-in for OCI Streaming (and, for the lab, Functions and API Gateway).

The official ``oci`` SDK and the OCI CLI talk to it unmodified, given only its endpoint.
It is a separate process (``python -m localoci serve``) that listens on 127.0.0.1, keeps its
data in SQLite (WAL) in one data directory, verifies request signatures, and enforces OCI's
limits unless told not to.  ``COVERAGE.md`` lists every emulated operation and every
deliberate difference from OCI.

The layers, top to bottom (an arrow: "may import"); ``faas/`` and ``identity/`` have the
same layers for Functions and API Gateway and for Identity, and the streaming modules never
import ``faas`` (only ``app`` wires it in; Identity's store is part of every service, since
streams honour compartments)::

    process   app, server, regional, kafka_side, kafka_config,       -> everything, localctl, uvicorn
              cli, process, __main__, faas/__init__, identity/__init__
      |
    wire      wire, routes, control_routes, faas/routes, faas/gateway, -> ops, domain, base; starlette,
              identity/routes, proxy (the region's CONNECT proxy),        kafka-python
              kafka/* (the Kafka listener, a second wire;
              kafka/store_backend: its seam over the service)
      |
    ops       ops/*, faas/ops/*, identity/ops/*  (one module per API action)  -> domain, store, base
      |
    domain    service, groups, bootstrap, faas/state, faas/runtime,    -> store, base
              faas/fncall, faas/models, identity/models
      |
    store     store/*, faas/store, identity/store  (the only SQL)      -> base; sqlite3
      |
    base      errors, timefmt, ids, clock, limits, cursors, auth,      -> base only
              lifecycle, certs, region, and this package's __version__

* **process** assembles and runs a server: the app factory, the uvicorn server and
  ``server.json``, the command line.  Only here: ``uvicorn``, ``localctl`` (the control
  client, which itself imports nothing of localoci).
* **wire** knows HTTP: routes take requests apart, call one operation with plain values, and
  map its result to a status and headers (``opc-*``, ``etag``); errors render once, in
  ``wire``.  Only here: ``starlette``.  ``kafka/`` is the second wire: Kafka's binary protocol
  (kafka-python's codec, only here), reaching the service through the seam in
  ``kafka/backend.py``.
* **ops** are the API actions with their rules in their docstrings; plain values in and out
  (``ops/results.py``); no HTTP names, no SQL.
* **domain** holds the state one server serves (:class:`~localoci.service.Service`: store,
  clocks, limits, :class:`~localoci.lifecycle.Lifecycle`) and the rules several actions share
  (consumer groups, the local identity, function processes).
* **store** is every SQL statement, over ``schema.sql`` (and ``faas/schema.sql``); rows come
  back as plain dataclasses.  Only here (and in ``server`` for its error type): ``sqlite3``.
* **base** is vocabulary every layer uses: errors, time formats, ids, cursors, signatures.

``faas/fnhost.py`` runs in a function's own process and imports nothing of localoci.
``tests/localoci/test_layers.py`` parses every module's imports and fails when a line breaks
these rules (and when a module passes 400 lines without saying why at its top).
"""

__version__ = "0.1.0"
