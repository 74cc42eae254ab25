"""Hits: a screening result on another member's record, reported to its owner with a deadline."""
