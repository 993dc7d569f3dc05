"""The app factory: a Service plus the route tables, as one ASGI application."""

from __future__ import annotations

from .routes import ROUTES
from .service import ServerConfig, Service
from .wire import Dispatcher


def create_app(config: ServerConfig | None = None, svc: Service | None = None) -> Dispatcher:
    if svc is None:
        if config is None:
            raise ValueError("give a ServerConfig or a Service")
        svc = Service(config)
    app = Dispatcher(svc, ROUTES)
    svc.extensions["app"] = app
    # Functions and API Gateway stand-ins register themselves here when present.
    try:
        from . import faas
    except ImportError:  # pragma: no cover - faas is part of the package
        faas = None
    if faas is not None and hasattr(faas, "install"):
        faas.install(app, svc)
    return app
