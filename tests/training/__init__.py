"""Tests of the training domain."""
