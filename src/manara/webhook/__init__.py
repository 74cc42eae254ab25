"""Webhooks: members subscribe endpoints to event types; signed deliveries from the outbox, retried, dead-lettered."""
