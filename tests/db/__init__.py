"""Tests of manara.db."""
