"""Tamper-evident audit log: every write and every read or search of personal data."""
