"""Tests of manara.member."""
