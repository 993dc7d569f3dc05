"""The conformance tests use the contract tests' fixtures (``client``, ``raw``) and, like them,
an in-process localoci per module (the OCI CLI they run is a process of its own all the same)."""

from tests.localoci.conftest import client, localoci, localoci_factory, raw  # noqa: F401 - fixtures
