"""Keep a process's screening index warm: build it at start, then pull the outbox periodically."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from manara import metrics
from manara.screening.batch import SessionFactory
from manara.screening.index import ScreeningIndex, settle

log = logging.getLogger("manara.screening")


class IndexRefresher:
    """A daemon thread calling ``index.ensure`` every ``interval`` seconds."""

    def __init__(
        self, factory: SessionFactory, index: ScreeningIndex, interval: float, snapshot: Path | None = None
    ) -> None:
        self.factory, self.index, self.interval, self.snapshot = factory, index, interval, snapshot
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="manara-index", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self.thread.start()

    def _loop(self) -> None:
        if not self.index.built:  # a forked server worker has its parent's loaded index
            try:
                warm(self.index, self.factory, self.snapshot)
            except Exception:  # noqa: BLE001 - ensure() below retries the build
                log.exception("screening index warm-up failed")
            settle()
        while not self.stop.is_set():
            try:
                with self.factory() as session:
                    self.index.ensure(session)
                metrics.note_index_refresh("screening", len(self.index))
            except Exception:  # noqa: BLE001 - a failed pull is retried at the next tick
                log.exception("screening index refresh failed")
            self.stop.wait(self.interval)


def warm(index: ScreeningIndex, factory: SessionFactory, snapshot: Path | None) -> None:
    """Load the snapshot when there is a usable one; otherwise build from the database and save one."""
    if snapshot is not None and (snapshot / "targets.json").exists():
        try:
            index.load(snapshot)
            log.info("screening index loaded from %s (%d notices)", snapshot, len(index))
            return
        except (OSError, ValueError, KeyError, TypeError):
            log.exception("unusable screening snapshot %s; rebuilding", snapshot)
    with factory() as session:
        index.build(session)
    if snapshot is not None:
        index.save(snapshot)
