"""Cross-border cases: members, threaded messages with attachments, tasks, timeline and shift handover."""
