"""The one clock every time-dependent rule reads.

Real time plus an offset that only moves forward.  ``POST /_localoci/clock`` advances it,
so a lesson can show cursor expiry, retention or group timeouts without waiting.  Signature
dates are checked against real time, not this clock (the SDK signs with the real time).
"""

from __future__ import annotations

import threading
import time


class Clock:
    def __init__(self, offset_ms: int = 0) -> None:
        self._offset_ms = offset_ms
        self._last = 0
        self._lock = threading.Lock()

    @property
    def offset_ms(self) -> int:
        return self._offset_ms

    def now_ms(self) -> int:
        """Milliseconds since the epoch, never going backwards."""
        with self._lock:
            now = int(time.time() * 1000) + self._offset_ms
            if now < self._last:
                now = self._last
            self._last = now
            return now

    def advance(self, seconds: float) -> int:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset_ms += int(seconds * 1000)
        return self.now_ms()
