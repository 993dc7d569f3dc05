"""The private CA and server certificates under the data directory."""

from __future__ import annotations

import socket
import ssl
import stat
import threading

from localoci.certs import client_context, ensure_server_certificate, server_context


def handshake(material, name: str) -> str:
    """TLS-connect to a throwaway server with ``material``, verifying ``name``."""
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]

    def serve():
        conn, _ = srv.accept()
        try:
            with server_context(material).wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except (ssl.SSLError, OSError):
            conn.close()  # the client refused the certificate

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        client_context(material).wrap_socket(raw, server_hostname=name) as tls,
    ):
        version = tls.version()
        tls.send(b"x")
    t.join(5)
    srv.close()
    return version


def test_the_certificate_verifies_for_localhost_and_127_0_0_1(tmp_path):
    m = ensure_server_certificate(tmp_path, ["localhost", "127.0.0.1"])
    assert handshake(m, "localhost").startswith("TLSv1.")
    assert handshake(m, "127.0.0.1").startswith("TLSv1.")


def test_a_name_outside_the_certificate_is_refused(tmp_path):
    m = ensure_server_certificate(tmp_path, ["localhost"])
    try:
        handshake(m, "cell-1.streaming.example.com")
    except ssl.SSLCertVerificationError as exc:
        assert "mismatch" in str(exc) or "match" in str(exc)
    else:
        raise AssertionError("a foreign host name was accepted")


def test_later_starts_reuse_the_files_and_a_new_name_keeps_the_ca(tmp_path):
    first = ensure_server_certificate(tmp_path, ["localhost", "127.0.0.1"])
    ca, cert = first.ca_file.read_bytes(), first.cert_file.read_bytes()
    again = ensure_server_certificate(tmp_path, ["127.0.0.1"])
    assert again.cert_file.read_bytes() == cert and again.ca_file.read_bytes() == ca
    wider = ensure_server_certificate(tmp_path, ["localhost", "127.0.0.1", "lab.local"])
    assert wider.cert_file.read_bytes() != cert and wider.ca_file.read_bytes() == ca
    assert handshake(wider, "lab.local")


def test_private_keys_are_readable_by_the_owner_only(tmp_path):
    m = ensure_server_certificate(tmp_path, ["localhost"])
    for key in (m.key_file, m.ca_file.with_name("ca-key.pem")):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" not in m.ca_file.read_bytes() + m.cert_file.read_bytes()
