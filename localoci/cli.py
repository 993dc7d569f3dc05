"""``python -m localoci``: serve (in the foreground, or detached), status, stop, and print the
environment a shell needs.  Everything but serving itself goes through :mod:`localctl`."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

import localctl

from .limits import Limits
from .region import DEFAULT_DOMAIN, Realm
from .server import ServerError, serve
from .service import ServerConfig

DEFAULT_PORT = 18730
DEFAULT_KAFKA_PORT = 18792  # not OCI's 9092: a real Kafka on this machine would have it
DEFAULT_WAIT_S = 30.0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m localoci",
        description="localoci: a local OCI Streaming (plus Functions and API Gateway) that the "
        "official oci SDK and OCI CLI use unmodified. Listens on 127.0.0.1 only.",
        epilog="Example: python -m localoci serve --port 0 --data-dir /tmp/lo   "
        "then: oci --config-file /tmp/lo/config --profile LOCAL streaming admin stream list "
        "--compartment-id <tenancy OCID from the config> --endpoint <url it printed>",
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser(
        "serve",
        help="run the server (in the foreground, or --detach)",
        description="Run localoci in the foreground until Ctrl-C (or --idle-exit), "
        "or in the background with --detach.",
    )
    s.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("LOCALOCI_PORT", DEFAULT_PORT)),
        help=f"TCP port on 127.0.0.1 (default {DEFAULT_PORT} or $LOCALOCI_PORT; 0 = any free port)",
    )
    s.add_argument(
        "--host", default="127.0.0.1", help="address to bind (loopback only unless --allow-remote)"
    )
    s.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (not recommended)"
    )
    s.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the database, key and config live (default $LOCALOCI_HOME or ~/.localoci)",
    )
    s.add_argument(
        "--no-limits",
        action="store_true",
        help="turn OCI's limits off (message/request size, write and read rates, groups per stream)",
    )
    s.add_argument(
        "--no-auth",
        action="store_true",
        help="accept unsigned requests (signatures are not checked)",
    )
    s.add_argument(
        "--durability",
        choices=("full", "normal"),
        default="full",
        help="SQLite synchronous level: full (default) survives power loss, normal survives process crashes",
    )
    s.add_argument(
        "--ready-delay-ms",
        type=int,
        default=200,
        help="how long a new stream stays CREATING (default 200 ms)",
    )
    s.add_argument(
        "--idle-exit",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="stop after this many seconds without requests (default: never)",
    )
    k = s.add_argument_group(
        "Kafka",
        "A Kafka listener on 127.0.0.1 serves the same streams (topics = the streams of the "
        "pool named in the SASL username), SASL_SSL with PLAIN as on OCI; a CA and certificate "
        "are made in <data dir>/tls at first start. `python -m localoci kafka-config` prints "
        "client settings.",
    )
    k.add_argument(
        "--kafka-port",
        type=int,
        default=None,
        help=f"its TCP port (default {DEFAULT_KAFKA_PORT} or $LOCALOCI_KAFKA_PORT; 0 = any free "
        "port, the default when --port is 0)",
    )
    k.add_argument("--no-kafka", action="store_true", help="no Kafka listener")
    k.add_argument(
        "--kafka-plaintext",
        action="store_true",
        help="SASL_PLAINTEXT instead of SASL_SSL (no TLS; still loopback only)",
    )
    r = s.add_argument_group(
        "region mode",
        "Serve as a region of a custom realm, as far as a client can tell: HTTPS under the "
        "realm's hostnames (streaming.<region>.oci.<domain>, ...; a CA and certificate are made "
        "in <data dir>/tls at first start), no /_localoci endpoints on them (a loopback control "
        "port instead), the real clock, and a CONNECT proxy that takes clients there. "
        "`python -m localoci env` prints what a client needs (OCI_REGION_METADATA, "
        "REQUESTS_CA_BUNDLE, HTTPS_PROXY).",
    )
    r.add_argument(
        "--as-region",
        metavar="REGION",
        default=None,
        help="serve as this region (e.g. lab-1) instead of the local stand-in",
    )
    r.add_argument(
        "--realm-domain",
        default=DEFAULT_DOMAIN,
        metavar="DOMAIN[:PORT]",
        help=f"the realm's domain, ending in .invalid (default {DEFAULT_DOMAIN}); a port "
        "makes every URL carry it",
    )
    r.add_argument(
        "--control-port", type=int, default=0, help="the control side channel's port (0: any)"
    )
    r.add_argument("--proxy-port", type=int, default=0, help="the CONNECT proxy's port (0: any)")
    s.add_argument(
        "--compartments",
        choices=("strict", "open"),
        default=None,
        help="strict: an unknown compartment OCID is 404 NotAuthorizedOrNotFound, as on OCI; "
        "open: any OCID works (default: strict in region mode, open otherwise)",
    )
    s.add_argument("-v", "--verbose", action="store_true", help="debug logging to server.log")
    s.add_argument(
        "--detach",
        action="store_true",
        help="run the server in the background (output appended to <data dir>/localoci.out) "
        "and return; it stays in this command's process group, so stopping that group stops it",
    )
    s.add_argument(
        "--wait",
        type=float,
        nargs="?",
        const=DEFAULT_WAIT_S,
        default=None,
        metavar="SECONDS",
        help=f"with --detach: return only once it answers, at most SECONDS (default {DEFAULT_WAIT_S:g}); "
        "exit 1 if it stopped or did not answer in time",
    )
    kc = sub.add_parser(
        "kafka-config",
        help="print Kafka client settings for the local listener (creates an auth token once)",
        description="Print librdkafka-style settings (bootstrap.servers, security.protocol, "
        "sasl.mechanism, sasl.username, sasl.password, ssl.ca.location) for the running "
        "localoci's Kafka listener. The auth token is made through the Identity API and kept "
        "in <data dir>/kafka-token.json (0600) for reuse.",
    )
    kc.add_argument("--data-dir", type=Path, default=None)
    kc.add_argument("--pool", default=None, help="stream pool OCID (default: the DefaultPool)")
    kc.add_argument("--format", choices=("json", "properties", "env"), default="json")
    for name, text in (
        ("status", "is a localoci serving this data directory?"),
        ("stop", "stop the localoci serving this data directory"),
        ("env", "print shell exports for the OCI CLI (config file, profile, endpoint)"),
    ):
        c = sub.add_parser(name, help=text, description=text)
        c.add_argument("--data-dir", type=Path, default=None)
    return p


def realm_from_args(args: argparse.Namespace) -> Realm | None:
    """The realm ``--as-region`` and ``--realm-domain`` describe (ValueError names the fix)."""
    if not args.as_region:
        return None
    return Realm(args.as_region, args.realm_domain)


def kafka_port_from_args(args: argparse.Namespace) -> int | None:
    """The Kafka listener's port (None: none): ``--kafka-port``, else $LOCALOCI_KAFKA_PORT,
    else any free port when ``--port`` is 0, else :data:`DEFAULT_KAFKA_PORT`."""
    if args.no_kafka:
        return None
    if args.kafka_port is not None:
        return args.kafka_port
    if os.environ.get("LOCALOCI_KAFKA_PORT"):
        return int(os.environ["LOCALOCI_KAFKA_PORT"])
    return 0 if args.port == 0 else DEFAULT_KAFKA_PORT


def config_from_args(args: argparse.Namespace, data_dir: Path) -> ServerConfig:
    """The ServerConfig that ``serve``'s options describe (tests build in-process servers with it)."""
    return ServerConfig(
        data_dir=data_dir,
        host=args.host,
        port=args.port,
        limits=Limits(enabled=not args.no_limits),
        auth=not args.no_auth,
        durability=args.durability,
        ready_delay_ms=args.ready_delay_ms,
        allow_remote=args.allow_remote,
        idle_exit_s=args.idle_exit,
        realm=realm_from_args(args),
        control_port=args.control_port,
        proxy_port=args.proxy_port,
        compartments=args.compartments,
        kafka_port=kafka_port_from_args(args),
        kafka_plaintext=args.kafka_plaintext,
    )


def _serve_args(args: argparse.Namespace) -> list[str]:
    """``serve``'s options again, for the detached server (everything but --detach/--wait)."""
    out = [
        "--port",
        str(args.port),
        "--host",
        args.host,
        "--durability",
        args.durability,
        "--ready-delay-ms",
        str(args.ready_delay_ms),
        "--idle-exit",
        str(args.idle_exit),
    ]
    if args.as_region:
        out += ["--as-region", args.as_region, "--realm-domain", args.realm_domain]
        out += ["--control-port", str(args.control_port), "--proxy-port", str(args.proxy_port)]
    if args.compartments:
        out += ["--compartments", args.compartments]
    kafka_port = kafka_port_from_args(args)
    if kafka_port is None:
        out.append("--no-kafka")
    else:
        out += ["--kafka-port", str(kafka_port)]
    for flag, on in (
        ("--allow-remote", args.allow_remote),
        ("--no-limits", args.no_limits),
        ("--no-auth", args.no_auth),
        ("--verbose", args.verbose),
        ("--kafka-plaintext", args.kafka_plaintext),
    ):
        if on:
            out.append(flag)
    return out


def _detach(args: argparse.Namespace, data_dir: Path) -> int:
    try:
        if args.wait is None:
            proc = localctl.spawn(data_dir, *_serve_args(args))
            print(
                f"localoci starting in the background (pid {proc.pid}; log {data_dir / 'localoci.out'})"
            )
            return 0
        started = localctl.start(data_dir, *_serve_args(args), timeout=args.wait)
    except localctl.ControlError as exc:
        print(f"localoci: {exc}", file=sys.stderr)
        return 1
    print(
        f"localoci {started.url} (pid {started.proc.pid}; data: {data_dir}; "
        f"config: {started.config_file} [{started.profile}])",
        flush=True,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir = (args.data_dir or localctl.default_data_dir()).expanduser().resolve()
    if args.command == "serve":
        if args.wait is not None and not args.detach:
            parser.error("--wait goes with --detach (a foreground server serves until stopped)")
        try:
            realm_from_args(args)
        except ValueError as exc:
            parser.error(str(exc))
        if args.detach:
            return _detach(args, data_dir)
        try:
            serve(config_from_args(args, data_dir), verbose=args.verbose)
        except ServerError as exc:
            print(f"localoci: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.command == "kafka-config":
        from .kafka_config import ConfigError, render, settings

        try:
            print(render(settings(data_dir, args.pool), args.format))
        except ConfigError as exc:
            print(f"localoci: {exc}", file=sys.stderr)
            return 1
        return 0
    info = localctl.read_info(data_dir)
    alive = localctl.Control(info.control_url).health() if info else None
    if args.command == "status":
        if alive:
            print(json.dumps(alive, indent=2))
            return 0
        print(
            f"localoci is not running for {data_dir}. Start it: python -m localoci serve",
            file=sys.stderr,
        )
        return 1
    if args.command == "stop":
        if not info:
            print(f"localoci is not running for {data_dir}.")
            return 0
        try:
            localctl.stop(data_dir)
        except localctl.ControlError as exc:
            print(f"localoci at {info.url} (pid {info.pid}) still answers: {exc}", file=sys.stderr)
            return 1
        print(f"stopped localoci at {info.url}")
        return 0
    if args.command == "env":
        if not info:
            print(f"# localoci is not running for {data_dir}; start it first", file=sys.stderr)
            return 1
        if info.region:
            print(f"# localoci serves region {info.region}: a client needs only these three")
            for key, value in info.client_env.items():
                print(f"export {key}={shlex.quote(value)}")
            print(f"export LOCALOCI_CONTROL_URL={info.control_url}")
            print(
                f"# and a profile with region={info.region} (its LOCAL profile: {info.config_file})"
            )
            return 0
        print(f"export OCI_CLI_CONFIG_FILE={info.config_file}")
        print(f"export OCI_CLI_PROFILE={info.profile}")
        print("export OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING=True")
        print(f"export LOCALOCI_URL={info.url}")
        print(f"# data-plane and admin commands: add --endpoint {info.url}")
        return 0
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
