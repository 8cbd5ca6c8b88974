"""The CLI's one JSON printer (the convention is docs/json.md).

Every ``--json`` output goes through :func:`print_json`: standard JSON only,
written by :func:`fctheory._io.dumps_json`.  On the command line a NaN or an
infinity is an error that names its key path, so a broken number never reaches
a reader as a valid document.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from .._io import dumps_json, non_finite_path

__all__ = ["print_json", "non_finite_path", "estimated_progress", "EXIT_FAILED", "EXIT_INTERRUPTED"]

#: Exit statuses: some job, check or comparison failed; interrupted (Ctrl-C).  A bad input is 2.
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def print_json(payload, *, indent: int | None = None, stream=None) -> None:
    """Write ``payload`` as one standard JSON document and a newline (stdout by default).

    Raises
    ------
    VerificationError
        When a float of the payload is NaN or infinite (naming its key path).
    """
    text = dumps_json(payload, indent=indent, non_finite="error")
    out = sys.stdout if stream is None else stream
    out.write(text + "\n")


@contextmanager
def estimated_progress(seconds: float, desc: str, *, threshold: float = 5.0):
    """A bar on stderr for work estimated at ``seconds`` (shown only above ``threshold``): elapsed
    seconds against the estimate, ticking twice a second until the block ends.

    The work itself (an mpmath solve, say) reports nothing, so the bar says what is known: the
    estimate (``estimated N s``) and the time spent; it never claims a fraction of the work done.
    """
    if seconds < threshold:
        yield
        return
    import threading
    import time

    from tqdm import tqdm

    print(f"note: {desc}: estimated {seconds:.0f} s on a 2-core machine, idle", file=sys.stderr)
    bar = tqdm(total=seconds, desc=desc, unit="s", file=sys.stderr, dynamic_ncols=True,
               bar_format="{desc}: {n:.0f} s so far, ~{total:.0f} s estimated (2-core machine, idle)")
    done = threading.Event()
    start = time.perf_counter()

    def tick():
        while not done.wait(0.5):
            bar.n = time.perf_counter() - start
            bar.refresh()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        bar.close()
