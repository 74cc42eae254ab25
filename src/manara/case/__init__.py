"""Cross-border cases: members, threaded messages with attachments, tasks, timeline and shift handover."""

from manara.case import queue as _queue  # noqa: F401 - registers the ``case`` queue of the live console
