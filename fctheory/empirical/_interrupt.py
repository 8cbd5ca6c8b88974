"""Deferred Ctrl-C: a training loop finishes its current step, saves, then stops.

Inside :func:`deferred_interrupt` (main thread only) the first SIGINT only
sets ``requested``; the loop checks it between steps, writes its checkpoint
and raises :class:`KeyboardInterrupt` itself, so the weights saved are never
half-updated.  A second SIGINT raises at once (without saving) for a user who
insists.  Elsewhere (worker threads) the handler cannot be installed and
SIGINT behaves as usual.
"""

from __future__ import annotations

import contextlib
import signal
import threading

__all__ = ["deferred_interrupt"]


class _Flag:
    requested = False


@contextlib.contextmanager
def deferred_interrupt():
    flag = _Flag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):
        if flag.requested:
            raise KeyboardInterrupt
        flag.requested = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
