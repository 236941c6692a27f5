"""The local web app and HTTP API: ``create_app(db)`` and ``serve(db)`` (docs/web.md)."""

from __future__ import annotations

from ._app import create_app, serve

__all__ = ["create_app", "serve"]
