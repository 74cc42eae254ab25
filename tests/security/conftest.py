"""Security tests drive the console like the web tests do (the `console` fixture)."""

from web.conftest import console

__all__ = ["console"]
