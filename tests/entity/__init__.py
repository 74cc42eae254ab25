"""Tests of manara.entity."""
