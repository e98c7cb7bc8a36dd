"""The local web app and JSON API over an event store (``dyads serve``)."""

from .app import create_app

__all__ = ["create_app"]
