"""Tests of manara.outbox."""
