"""The conformance tests use the contract tests' fixtures (``client``, ``raw``)."""

from tests.localoci.conftest import client, raw  # noqa: F401 - fixtures
