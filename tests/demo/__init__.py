"""Tests of manara.demo."""
