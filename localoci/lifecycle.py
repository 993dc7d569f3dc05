"""What runs when one localoci starts, stops or is reset: typed hook lists a reader can follow.

Who registers what (``svc.lifecycle``):

* :func:`localoci.server.Server` -- ``on_startup``: the background task (retention sweep, idle
  exit); ``on_shutdown``: cancelling it; ``stop``: how ``POST /_localoci/shutdown`` stops the
  process (None when the service is not served by a server, e.g. in a pure operation test);
* :func:`localoci.faas.install` -- ``on_shutdown`` and ``on_reset``: stopping the function
  processes (and, on reset, forgetting the Functions and API Gateway resources).

The wire layer's ASGI lifespan runs ``startup``/``shutdown``; ``Service.reset`` runs ``reset``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

AsyncHook = Callable[[], Awaitable[None]]


@dataclass
class Lifecycle:
    on_startup: list[AsyncHook] = field(default_factory=list)
    on_shutdown: list[AsyncHook] = field(default_factory=list)
    on_reset: list[Callable[[], None]] = field(default_factory=list)
    stop: Callable[[], None] | None = None

    async def startup(self) -> None:
        for hook in self.on_startup:
            await hook()

    async def shutdown(self) -> None:
        for hook in self.on_shutdown:
            await hook()

    def reset(self) -> None:
        for hook in self.on_reset:
            hook()
