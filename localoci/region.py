"""localoci as a region: the hostnames a client derives for a custom realm, and which service
answers at each.

The official SDK and the OCI CLI build every regional endpoint from a template,
``https://<service>.{region}.oci.{secondLevelDomain}``; given a custom realm through
``OCI_REGION_METADATA`` (:meth:`Realm.region_metadata`), ``{secondLevelDomain}`` is the
realm's domain.  localoci in region mode (``python -m localoci serve --as-region lab-1``)
answers, over HTTPS, for these names (region ``lab-1``, domain ``lab.invalid``):

==============================================  ==========================================
``streaming.lab-1.oci.lab.invalid``             Streaming admin (streams, pools, work requests)
``cell-1.streaming.lab-1.oci.lab.invalid``      the messages endpoint streams hand out
``identity.lab-1.oci.lab.invalid``              Identity (tenancy, users, compartments, tokens)
``functions.lab-1.oci.lab.invalid``             Functions management
``<app key>.lab-1.functions.oci.lab.invalid``   a function's ``invokeEndpoint``
``apigateway.lab-1.oci.lab.invalid``            API Gateway management
``<gateway key>.apigateway.lab-1.oci.lab.invalid``  a gateway's ``hostname``: its deployments
==============================================  ==========================================

Each name serves only its own service's routes (a data-plane call sent to the admin host is
404, as it would be on OCI).  The domain must end in ``.invalid`` (RFC 2606: it never
resolves), so a client that is not pointed at localoci fails instead of reaching anything
real.  It may carry a port (``lab.invalid:8443``): the SDK then puts it in every URL.

>>> realm = Realm("lab-1", "lab.invalid")
>>> realm.url(realm.host("streaming"))
'https://streaming.lab-1.oci.lab.invalid'
>>> realm.plane_of("cell-1.streaming.lab-1.oci.lab.invalid:443")
('messages', None)
>>> realm.plane_of("k3y.apigateway.lab-1.oci.lab.invalid")
('gateway', 'k3y')
>>> realm.plane_of("streaming.us-ashburn-1.oci.oraclecloud.com") is None
True
>>> Realm("lab-1", "example.invalid:8443").url("identity.lab-1.oci.example.invalid")
'https://identity.lab-1.oci.example.invalid:8443'
>>> Realm("lab-1", "example.com")
Traceback (most recent call last):
    ...
ValueError: the realm domain must end in .invalid (it never resolves, so a client not pointed at localoci fails instead of reaching a real host); got 'example.com'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_REGION = "lab-1"
DEFAULT_DOMAIN = "lab.invalid"
REALM_KEY = "oclab"
REGION_KEY = "LAB"
#: Planes with one fixed hostname: plane -> the hostname's first labels before the region.
FIXED = {
    "streaming": "streaming",
    "messages": "cell-1.streaming",
    "identity": "identity",
    "functions": "functions",
    "apigateway": "apigateway",
}
_REGION = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class Realm:
    """A custom realm with one region, as the SDK learns it from ``OCI_REGION_METADATA``."""

    region: str = DEFAULT_REGION
    domain: str = DEFAULT_DOMAIN  # realmDomainComponent, optionally with ":port"
    realm_key: str = REALM_KEY
    region_key: str = REGION_KEY

    def __post_init__(self) -> None:
        if not _REGION.match(self.region):
            raise ValueError(
                f"a region identifier looks like lab-1 or us-ashburn-1 (lower case, dashes); "
                f"got {self.region!r}"
            )
        host, _, port = self.domain.lower().partition(":")
        if not host.endswith(".invalid") or not all(_LABEL.match(p) for p in host.split(".")):
            raise ValueError(
                "the realm domain must end in .invalid (it never resolves, so a client not "
                f"pointed at localoci fails instead of reaching a real host); got {self.domain!r}"
            )
        if port and (not port.isdigit() or not 0 < int(port) < 65536):
            raise ValueError(f"the realm domain's port must be 1..65535; got {port!r}")

    # -- names ---------------------------------------------------------------------------

    @property
    def host_domain(self) -> str:
        """The domain without its port."""
        return self.domain.lower().partition(":")[0]

    @property
    def port(self) -> int | None:
        """The port every URL carries, or None (HTTPS's 443)."""
        port = self.domain.partition(":")[2]
        return int(port) if port else None

    @property
    def suffix(self) -> str:
        """What every regional hostname ends with: ``<region>.oci.<domain>``."""
        return f"{self.region}.oci.{self.host_domain}"

    def host(self, plane: str) -> str:
        """The hostname of a plane with a fixed name (``streaming``, ``messages`` ...)."""
        return f"{FIXED[plane]}.{self.suffix}"

    def invoke_host(self, key: str) -> str:
        """A function's invoke hostname (OCI: ``<id>.<region>.functions.oci.<domain>``)."""
        return f"{key}.{self.region}.functions.oci.{self.host_domain}"

    def gateway_host(self, key: str) -> str:
        """A gateway's hostname (OCI: ``<id>.apigateway.<region>.oci.<domain>``)."""
        return f"{key}.apigateway.{self.suffix}"

    def url(self, host: str) -> str:
        return f"https://{host}" + (f":{self.port}" if self.port else "")

    def names(self) -> list[str]:
        """Every name the server certificate must cover (two of them wildcards)."""
        return [
            *(self.host(p) for p in FIXED),
            f"*.{self.region}.functions.oci.{self.host_domain}",
            f"*.apigateway.{self.suffix}",
        ]

    def plane_of(self, host: str) -> tuple[str, str | None] | None:
        """Which plane answers at ``host`` (a Host header: port allowed), and the gateway or
        function key its first label carries; None for a name outside this region."""
        name = host.lower().rstrip(".")
        if name.count(":") == 1:
            name = name.rpartition(":")[0]
        for plane in FIXED:
            if name == self.host(plane):
                return plane, None
        head, dot, rest = name.partition(".")
        if dot and _LABEL.match(head):
            if rest == f"apigateway.{self.suffix}":
                return "gateway", head
            if rest == f"{self.region}.functions.oci.{self.host_domain}":
                return "functions-invoke", head
        return None

    def allows(self, host: str, port: int) -> bool:
        """May a client's CONNECT to ``host:port`` go to localoci?  (The proxy's rule.)"""
        return self.plane_of(host) is not None and port == (self.port or 443)

    # -- what a client needs -------------------------------------------------------------

    def region_metadata(self) -> dict[str, str]:
        """The ``OCI_REGION_METADATA`` document that makes the SDK and CLI know this region."""
        return {
            "realmKey": self.realm_key,
            "realmDomainComponent": self.domain,
            "regionKey": self.region_key,
            "regionIdentifier": self.region,
        }
