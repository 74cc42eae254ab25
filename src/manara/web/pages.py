"""HTML pages rendered with Jinja2."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from manara import __version__

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache
def environment() -> Environment:
    """Return the Jinja2 environment (autoescaping on)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), auto_reload=False)


def landing_page() -> str:
    """Render the landing page: what Manara is and how to start."""
    return environment().get_template("landing.html").render(version=__version__)
