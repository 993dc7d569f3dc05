"""A private CA and server certificates in the data directory, for TLS listeners.

The Kafka listener (SASL_SSL, as OCI requires) and the HTTPS region mode
(``serve --as-region``: one certificate for every hostname of the region, two of them
wildcards) need a certificate whose names are what clients connect to.  At first start localoci creates a CA
(``tls/ca.pem``: what clients trust, e.g. librdkafka's ``ssl.ca.location``) and, per use, a
server certificate signed by it whose subjectAltName lists the given names
(``tls/<name>.pem`` + ``tls/<name>-key.pem``).  Later starts reuse them; a server
certificate is re-issued (by the same CA, so clients keep their CA file) when it lacks a
name now asked for or is within 30 days of expiry.  Private keys are written 0600 and
never leave the data directory.  EC P-256 keys: instant to make, accepted by OpenSSL
(librdkafka, Python), Node (kafkajs) and Java.

>>> import tempfile, ssl
>>> m = ensure_server_certificate(tempfile.mkdtemp(), ["localhost", "127.0.0.1"])
>>> sorted(m.sans)
['127.0.0.1', 'localhost']
>>> isinstance(server_context(m), ssl.SSLContext)
True
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS, SERVER_DAYS, RENEW_BEFORE_DAYS = 3650, 825, 30


@dataclass(frozen=True)
class TlsMaterial:
    ca_file: Path  # give this to clients
    cert_file: Path  # server certificate (then the CA), PEM
    key_file: Path  # server private key, PEM, 0600
    sans: tuple[str, ...]


def _write(path: Path, data: bytes, private: bool = False) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    tmp.replace(path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ensure_ca(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = folder / "ca.pem", folder / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        # A key of another kind than the EC one made here is replaced, like an expiring CA.
        fresh = cert.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_BEFORE_DAYS)
        if fresh and isinstance(key, ec.EllipticCurvePrivateKey):
            return cert, key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "localoci"),
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"localoci CA {os.getpid()}-{_now():%Y%m%d%H%M%S}"
            ),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - dt.timedelta(minutes=5))
        .not_valid_after(_now() + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _key_pem(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _san(names: Iterable[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for n in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            out.append(x509.DNSName(n))
    return out


def _names_of(cert: x509.Certificate) -> set[str]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set()
    return set(ext.get_values_for_type(x509.DNSName)) | {
        str(ip) for ip in ext.get_values_for_type(x509.IPAddress)
    }


def ensure_server_certificate(
    data_dir: str | os.PathLike, sans: Iterable[str], name: str = "server"
) -> TlsMaterial:
    """The CA and a server certificate ``name`` covering ``sans`` under ``data_dir/tls``."""
    wanted = tuple(dict.fromkeys(sans))
    if not wanted:
        raise ValueError("a server certificate needs at least one name (e.g. localhost)")
    folder = Path(data_dir) / "tls"
    folder.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = _ensure_ca(folder)
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}-key.pem"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        fresh = cert.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_BEFORE_DAYS)
        if fresh and cert.issuer == ca_cert.subject and set(wanted) <= _names_of(cert):
            return TlsMaterial(
                folder / "ca.pem", cert_path, key_path, tuple(sorted(_names_of(cert)))
            )
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "localoci"),
            x509.NameAttribute(NameOID.COMMON_NAME, wanted[0]),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - dt.timedelta(minutes=5))
        .not_valid_after(_now() + dt.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(_san(wanted)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write(key_path, _key_pem(key), private=True)
    _write(
        cert_path,
        cert.public_bytes(serialization.Encoding.PEM)
        + ca_cert.public_bytes(serialization.Encoding.PEM),
    )
    return TlsMaterial(folder / "ca.pem", cert_path, key_path, wanted)


def write_ca_bundle(material: TlsMaterial, extra: Iterable[str | os.PathLike]) -> Path:
    """``tls/ca-bundle.pem``: the local CA, then the certificates of each ``extra`` bundle that
    exists (certifi's roots; a ``REQUESTS_CA_BUNDLE`` the machine already sets), for clients
    whose ``REQUESTS_CA_BUNDLE`` must trust the region *and* everything they trusted before
    (the variable replaces requests' default bundle).  The bundle itself is never read back
    into itself, so a client environment that already points at it keeps it the same.

    >>> import tempfile
    >>> m = ensure_server_certificate(tempfile.mkdtemp(), ["localhost"])
    >>> again = write_ca_bundle(m, [write_ca_bundle(m, [])])
    >>> again.read_bytes() == m.ca_file.read_bytes()
    True
    """
    path = material.ca_file.with_name("ca-bundle.pem")
    parts = [material.ca_file.read_bytes().rstrip() + b"\n"]
    for item in extra:
        p = Path(item)
        try:
            if p.resolve() == path.resolve() or not p.is_file():
                continue
            parts.append(p.read_bytes().rstrip() + b"\n")
        except OSError:
            continue
    _write(path, b"".join(parts))
    return path


def server_context(material: TlsMaterial) -> ssl.SSLContext:
    """A TLS 1.2+ server context with the certificate and key of ``material``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(material.cert_file, material.key_file)
    return ctx


def client_context(material: TlsMaterial) -> ssl.SSLContext:
    """A client context that trusts only the local CA (for tests and tools)."""
    return ssl.create_default_context(cafile=str(material.ca_file))
