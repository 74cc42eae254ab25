"""Tests of manara.notice."""
