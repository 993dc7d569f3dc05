"""localoci: a local stand-in for OCI Streaming (and, for the lab, Functions and API Gateway).

The official ``oci`` SDK and the OCI CLI talk to it unmodified, given only its endpoint.
It is a separate process (``python -m localoci serve``) that listens on 127.0.0.1, keeps its
data in SQLite (WAL) in one data directory, verifies request signatures, and enforces OCI's
limits unless told not to.  ``COVERAGE.md`` lists every emulated operation and every
deliberate difference from OCI.

Layers, kept apart:

* ``wire``    -- HTTP: routes, JSON, headers, signature check, error rendering;
* ``ops``     -- one module per API action, with its validation rules beside it;
* ``store``   -- a small store over SQLite (``schema.sql``).
"""

__version__ = "0.1.0"
