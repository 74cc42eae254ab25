"""Transactional outbox: events written with the change, delivered after commit."""
