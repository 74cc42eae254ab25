"""Tests of manara.api."""
