"""Keep a process's screening index warm: build it at start, then pull the outbox periodically."""

from __future__ import annotations

import logging
import threading

from manara.screening.batch import SessionFactory
from manara.screening.index import ScreeningIndex

log = logging.getLogger("manara.screening")


class IndexRefresher:
    """A daemon thread calling ``index.ensure`` every ``interval`` seconds."""

    def __init__(self, factory: SessionFactory, index: ScreeningIndex, interval: float) -> None:
        self.factory, self.index, self.interval = factory, index, interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="manara-index", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                with self.factory() as session:
                    self.index.ensure(session)
            except Exception:  # noqa: BLE001 - a failed pull is retried at the next tick
                log.exception("screening index refresh failed")
            self.stop.wait(self.interval)
