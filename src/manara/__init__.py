"""Manara: open platform for international police cooperation."""

__version__ = "0.2.0"
