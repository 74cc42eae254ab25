"""Tests of manara.document."""
