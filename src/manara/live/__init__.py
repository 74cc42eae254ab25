"""The live console: a feed of outbox events by Server-Sent Events, queues with deadlines, escalation."""
