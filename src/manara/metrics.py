"""Prometheus metrics of the process (request latency, screening and match counts, queues, indexes, jobs)."""
