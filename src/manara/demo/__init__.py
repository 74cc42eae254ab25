"""Seeded demo data: realistic persons and related entities for the demo network and benchmarks."""
