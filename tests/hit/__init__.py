"""Tests of manara.hit."""
