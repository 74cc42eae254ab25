"""Tests of manara.audit."""
