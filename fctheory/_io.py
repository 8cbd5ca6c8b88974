"""Every file fctheory reads or writes goes through here: JSON, atomic writes, locks, NumPy files, figures.

One policy per kind of file (docs/json.md, docs/limits.md, docs/security.md):

JSON
    :func:`dumps_json` writes standard JSON only: a NaN or an infinite float is
    written ``null`` (or, with ``non_finite="error"``, refused naming its key
    path: the command line's rule), never ``NaN``/``Infinity``.  Floats are
    written in Python's shortest round-trip form, the one number format of
    JSON numbers; high-precision values are decimal strings made by
    :func:`fctheory._precision.decimal_string` before they get here.
    :func:`canonical_json` is the text that is *hashed* (sorted keys), never a
    file.
Atomic writes
    A file is written to ``.tmp-<pid>-*`` in its own folder (created with
    ``O_EXCL``: never through an existing file or symlink), fsynced and renamed
    over its final name (a rename replaces a symlink, it never writes through
    one); the folder is fsynced.  A crash leaves the old file or the new one,
    and at worst a temporary file that :func:`remove_stale_temporaries` removes
    when the next run starts.  Modes honour the umask.
Locks
    :func:`directory_lock` holds ``<dir>/.fctheory-lock`` (``fcntl.flock``),
    opened with ``O_NOFOLLOW``: a symlinked lock file is refused, never
    truncated through.
Reading
    Only regular files are opened (FIFOs, devices and folders are refused
    before any ``open``, and again on the open descriptor), and only below a
    size limit.  ``.npy``/``.npz`` files are parsed header first: the dtype
    must be numeric (pickled objects are never loaded) and the declared shape
    must fit :data:`MAX_ARRAY_BYTES` and the bytes the file (or the zip member)
    really holds, all before one array byte is allocated.  Every failure is an
    :class:`~fctheory.errors.InvalidInput` saying what is wrong with the file,
    never what it contains.
Figures
    :func:`new_figure` and :func:`save_figure`: matplotlib's object API (no
    pyplot state), one style, PNG at :data:`FIGURE_DPI`, written atomically.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import math
import os
import re
import stat
import struct
import tempfile
import time
import zipfile
from contextlib import contextmanager

import numpy as np

from ._validate import require_regular_file
from .errors import FctheoryError, InvalidInput, VerificationError

__all__ = [
    # JSON
    "dumps_json", "write_json", "read_json", "canonical_json", "json_plain", "finite_or_null", "non_finite_path",
    # atomic writes
    "atomic_path", "atomic_write_bytes", "atomic_write_text", "atomic_write_npz", "remove_stale_temporaries",
    "TEMP_PREFIX",
    # output folders and locks
    "prepare_dir", "directory_lock", "DirectoryInUse", "LOCK_NAME",
    # reading
    "open_regular_file", "read_text", "load_npy", "load_npz", "load_numpy", "read_toml", "MAX_TOML_BYTES", "numpy_file_problem", "array_digest",
    "MAX_ARRAY_BYTES", "MAX_TEXT_BYTES", "MAX_JSON_BYTES", "MAX_NPZ_MEMBERS", "size_text",
    # figures
    "new_figure", "save_figure", "colormap", "FIGURE_DPI",
    # notes
    "note",
]

#: Largest total of array bytes one ``.npy``/``.npz`` read may allocate (1 GiB); checked on the
#: headers before anything is allocated.
MAX_ARRAY_BYTES = 2**30
#: Largest text file read (a latent set as text, 64 MiB: 2**17 rows of 64 entries take under 33 MiB).
MAX_TEXT_BYTES = 2**26
#: Largest JSON document read back (a cache entry, a summary.json; 64 MiB).
MAX_JSON_BYTES = 2**26
#: Most members an ``.npz`` archive may list (fctheory's own archives hold at most a dozen).
MAX_NPZ_MEMBERS = 256
#: Largest zip central directory read (1 MiB; a few arrays need a few hundred bytes).
_MAX_ZIP_DIRECTORY = 2**20

TEMP_PREFIX = ".tmp-"
LOCK_NAME = ".fctheory-lock"
FIGURE_DPI = 110

_LOG = logging.getLogger("fctheory")


def note(message: str) -> None:
    """Tell the user something the run decided on its own (a discarded cache entry, an ignored
    checkpoint): a ``note: ...`` line on stderr through :mod:`logging` (logger ``fctheory``, level
    WARNING; without a logging configuration Python prints the bare message)."""
    _LOG.warning("note: %s", message)


def size_text(n: int) -> str:
    """``1073741824`` -> ``'1 GiB'``, ``3000`` -> ``'3000 bytes'`` (exact binary units only)."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


# ============================================================================ JSON ====

def finite_or_null(value):
    """``value`` with every NaN or infinite float replaced by None (JSON ``null``)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_null(v) for v in value]
    return value


def non_finite_path(value, path: str = "$") -> str | None:
    """The key path (``$.a.b[2]``) of the first NaN or infinite float in ``value``, or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict):
        for key, item in value.items():
            found = non_finite_path(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = non_finite_path(item, f"{path}[{i}]")
            if found:
                return found
    return None


def dumps_json(data, *, indent: int | None = None, non_finite: str = "null", default=None) -> str:
    """``data`` as one standard JSON document (docs/json.md).

    Parameters
    ----------
    data : JSON data (dict, list, str, int, float, bool, None)
    indent : int, optional
    non_finite : {"null", "error"}
        ``"null"``: a NaN or infinite float is written ``null`` (files: results,
        summaries, caches).  ``"error"``: it raises (the command line's rule).
    default : callable, optional
        As for :func:`json.dumps` (turns other objects into JSON data).

    Raises
    ------
    VerificationError
        ``non_finite="error"`` and a float is NaN or infinite (its key path named).
    """
    if non_finite not in ("null", "error"):
        raise InvalidInput("non_finite", "'null' or 'error'", non_finite)
    if non_finite == "error":
        where = non_finite_path(data)
        if where is not None:
            raise VerificationError(f"the result is not finite at {where}; nothing was written "
                                    "(fctheory writes standard JSON only, never NaN or Infinity)")
    else:
        data = finite_or_null(data)
    try:
        return json.dumps(data, indent=indent, allow_nan=False, default=default)
    except ValueError:  # a non-finite number made by ``default`` (numpy scalars)
        return dumps_json(json_plain(data, default=default), indent=indent, non_finite=non_finite)


def json_plain(data, *, default=None):
    """The JSON round trip of ``data``: tuples become lists, ``default`` converts other objects,
    NaN and infinities become None -- what a reader of the written document gets back."""
    text = json.dumps(data, allow_nan=True, default=default)
    return json.loads(text, parse_constant=lambda _: None)


def canonical_json(data, *, default=None) -> str:
    """The canonical text of ``data`` to *hash* (cache keys, fingerprints): sorted keys, default
    separators.  Never written to a file: a NaN or infinity stays distinct from ``null`` here."""
    return json.dumps(data, sort_keys=True, default=default, allow_nan=True)


def write_json(path, data, *, indent: int | None = 1) -> None:
    """Write ``data`` to ``path`` atomically as standard JSON (non-finite floats as ``null``) and a newline."""
    atomic_write_text(path, dumps_json(data, indent=indent) + "\n")


def read_json(path, field: str, *, max_bytes: int = MAX_JSON_BYTES, allowed: str = "a JSON file",
              error=InvalidInput):
    """The JSON document of the regular file ``path`` (at most ``max_bytes``; ``NaN``/``Infinity``
    read as None).

    Raises
    ------
    InvalidInput (or ``error``)
        Naming ``field``: not a regular file, too large, not UTF-8, not JSON.
    """
    text = read_text(path, field, max_bytes=max_bytes, allowed=allowed, error=error)
    try:
        return json.loads(text, parse_constant=lambda _: None)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise error(field, allowed, os.fspath(path), detail=f"it is not valid JSON{where}") from None
    except RecursionError:
        raise error(field, allowed, os.fspath(path), detail="it nests too deeply") from None


# =================================================================== atomic writes ====

def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory descriptors
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path, suffix: str):
    """Yield a new temporary path in the folder of ``path`` (``.tmp-<pid>-*<suffix>``, created
    exclusively); rename it to ``path`` when the block succeeds, remove it in every case otherwise."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=suffix, dir=directory)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync_directory(directory)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def atomic_write_bytes(path, data: bytes) -> None:
    with atomic_path(path, ".bin") as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def atomic_write_text(path, text: str) -> None:
    with atomic_path(path, ".txt") as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)


def atomic_write_npz(path, **arrays) -> None:
    """Write the named arrays to an ``.npz`` archive atomically (uncompressed, no pickles)."""
    arrays = {k: np.asarray(v) for k, v in arrays.items()}
    for name, arr in arrays.items():
        if arr.dtype.hasobject:
            raise InvalidInput(name, "a numeric array (fctheory never writes pickled objects)", f"dtype {arr.dtype}")
    with atomic_path(path, ".npz") as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


#: Process start, as seen by this module (imported at the start of every command).
_PROCESS_START = time.time()
#: The names :func:`atomic_path` gives (``tempfile.mkstemp``: 8 random characters; older versions
#: had no pid), and nothing else: a user's own ``.tmp-notes`` is never touched.
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(?:(\d+)-)?[a-z0-9_]{8}\.(?:txt|bin|npz|png)$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an older file with our pid is from an earlier process (callers check the age)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def remove_stale_temporaries(folder, *, depth: int = 0) -> int:
    """Remove the temporary files (``.tmp-*``) that a killed run left in ``folder`` and, ``depth``
    levels down, in its sub-folders (symlinked folders are not followed); returns how many.

    A file is stale when it is older than the current process and the process that made it
    (``.tmp-<pid>-``) is no longer alive on this machine, so a concurrent writer's files are
    kept.  Only the names :func:`atomic_path` gives are touched.
    """
    folder = os.fspath(folder)
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if depth > 0 and not entry.name.startswith("."):
                    removed += remove_stale_temporaries(entry.path, depth=depth - 1)
                continue
            match = _TEMP_NAME.match(entry.name)
            if not match:
                continue
            info = entry.stat(follow_symlinks=False)
            if info.st_mtime >= _PROCESS_START:
                continue
            if match.group(1) is not None and _alive(int(match.group(1))):
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


# =========================================================================== locks ====

class DirectoryInUse(FctheoryError):
    """Another process holds the lock of an output directory."""


_HELD: set = set()


def prepare_dir(path, field: str = "out") -> str:
    """``path`` as an output folder, created if missing: the one check of every command's ``--out``.

    Raises
    ------
    InvalidInput
        Naming ``field`` when ``path`` is not a path, is empty, is an existing file, or cannot be created.
    """
    allowed = "a directory, or a path where one can be created"
    try:
        text = os.fspath(path)
    except TypeError:
        raise InvalidInput(field, "a folder path (str or os.PathLike)", type(path).__name__) from None
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(field, allowed, text)
    if os.path.exists(text) and not os.path.isdir(text):
        raise InvalidInput(field, allowed, text, "it is an existing file")
    try:
        os.makedirs(text, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(field, allowed, text, exc.strerror or "") from None
    return text


@contextmanager
def directory_lock(out_dir, *, command: str = "fctheory", field: str = "--out"):
    """Hold an exclusive lock on ``out_dir`` (``fcntl.flock`` on ``out_dir/.fctheory-lock``, released
    when the block ends or the process exits): two runs never write one directory.  Re-entrant in
    one process.

    The lock file is opened with ``O_NOFOLLOW`` and must be a regular file with one link: a
    symlinked (or hard-linked) lock file is refused, so a lock never truncates another file.

    Raises
    ------
    DirectoryInUse
        When another process holds it ("directory in use by pid N").
    InvalidInput
        Naming ``field`` when the lock file is a symlink, not a regular file, or cannot be created.
    """
    import fcntl

    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, LOCK_NAME)
    real = os.path.realpath(out_dir)
    if real in _HELD:
        yield
        return
    allowed = f"a directory whose {LOCK_NAME} is fctheory's own lock file"
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(path):
            raise InvalidInput(field, allowed, out_dir, detail=f"{path} is a symbolic link; fctheory never writes "
                                                               "through one (remove it)") from None
        raise InvalidInput(field, "a directory fctheory can write", out_dir,
                           detail=f"{LOCK_NAME}: {exc.strerror or type(exc).__name__}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            what = "not a regular file" if not stat.S_ISREG(info.st_mode) else "a hard link to another file"
            raise InvalidInput(field, allowed, out_dir, detail=f"{path} is {what}; fctheory never writes through "
                                                               "one (remove it)")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            except OSError:  # pragma: no cover
                holder = "?"
            if not holder.isdigit():
                holder = "?"
            raise DirectoryInUse(f"{field} {out_dir!r}: directory in use by pid {holder} (another {command} "
                                 f"writes it; wait for it or choose another {field})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD.add(real)
        try:
            yield
        finally:
            _HELD.discard(real)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# ========================================================================= reading ====

class _Report:
    """How a reading function names its failures: ``error(field, allowed, got, detail=reason)``."""

    def __init__(self, field: str, allowed: str, error, got):
        self.field, self.allowed, self.error, self.got = field, allowed, error, got

    def __call__(self, reason: str):
        return self.error(self.field, self.allowed, self.got, detail=reason)


_SHOW_PATH = object()


def _shown(path, got):
    """What an error shows as the value received: the path unless the caller chose otherwise."""
    if got is not _SHOW_PATH:
        return got
    return os.fspath(path) if isinstance(path, (str, os.PathLike)) else path


@contextmanager
def open_regular_file(path, field: str, *, max_bytes: int, allowed: str = "a readable file", error=InvalidInput,
                      got=_SHOW_PATH):
    """Open ``path`` for binary reading if it is a regular file of at most ``max_bytes`` bytes.

    A FIFO, a device or a folder is refused before it is opened (reading a FIFO blocks forever)
    and once more on the descriptor (opened non-blocking, so a file swapped for a FIFO in between
    cannot block either).  Symlinks to regular files are read.

    Parameters
    ----------
    field, allowed, error
        The error raised: ``error(field, allowed, got, detail=reason)``.
    got : optional
        The value the error shows (default the path; None when ``field`` names the path already).

    Raises
    ------
    InvalidInput (or ``error``)
        Naming ``field`` and saying what is wrong (never what the file holds).
    """
    fail = _Report(field, allowed, error, _shown(path, got))
    try:
        path = require_regular_file(field, path)
    except InvalidInput as exc:
        detail = (exc.detail or ("no such file" if "existing" in exc.allowed else "it is not a path to a file"))
        raise fail(detail.replace("a folder", "a directory")) from None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise fail(_os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise fail("it is not a regular file")
        if info.st_size > max_bytes:
            raise fail(f"it is {info.st_size} bytes, above the limit of {size_text(max_bytes)} fctheory reads")
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "it cannot be read (permission denied)"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory"
    return exc.strerror or type(exc).__name__


def read_text(path, field: str, *, max_bytes: int = MAX_TEXT_BYTES, allowed: str = "a UTF-8 text file",
              error=InvalidInput, got=_SHOW_PATH) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes`` bytes (a leading BOM dropped)."""
    with open_regular_file(path, field, max_bytes=max_bytes, allowed=allowed, error=error, got=got) as fh:
        try:
            data = fh.read()
        except OSError as exc:
            raise error(field, allowed, _shown(path, got), detail=_os_reason(exc)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(field, allowed, _shown(path, got),
                    detail=f"it is not UTF-8 text (byte {exc.start} is not): a binary file?") from None


#: Largest TOML file (grids, suites) read.
MAX_TOML_BYTES = 2**24


def read_toml(path, field: str, *, allowed: str = "a TOML file") -> dict:
    """The tables of a TOML file (grids, suites): a regular UTF-8 file of at most :data:`MAX_TOML_BYTES`,
    parsed by the standard library; syntax errors and nesting too deep to parse are one-line errors."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    text = read_text(path, field, max_bytes=MAX_TOML_BYTES, allowed=allowed)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(field, allowed, os.fspath(path), detail=str(exc)) from None
    except RecursionError:
        raise InvalidInput(field, allowed, os.fspath(path), detail="its arrays or tables nest too deep to read") from None


_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def numpy_file_problem(path) -> str:
    """What is wrong with a file that should be a NumPy ``.npy``/``.npz`` file, from its first bytes
    ("" when it starts like one): not a regular file, empty, or neither magic string."""
    try:
        with open_regular_file(path, "file", max_bytes=2**62) as fh:
            head = fh.read(6)
    except InvalidInput as exc:
        return exc.detail or "it cannot be read"
    except OSError as exc:
        return _os_reason(exc)
    return _head_problem(head)


def _head_problem(head: bytes) -> str:
    if not head:
        return "it is empty"
    if head.startswith(_NPY_MAGIC) or head[:4] in _ZIP_MAGICS:
        return ""
    return "it is not a NumPy file (an .npy file starts with \\x93NUMPY, an .npz file is a zip archive)"


class _Bad(Exception):
    """Why a NumPy file cannot be read (internal; turned into the caller's error).  ``damaged``: the
    file is a NumPy file cut short or corrupted (empty, truncated, a checksum off), not a foreign one."""

    def __init__(self, reason: str, damaged: bool = False):
        super().__init__(reason)
        self.damaged = damaged


def _read_header(fh, what: str, kinds: str = "biufc"):
    """``(shape, fortran_order, dtype, header_bytes)`` of the ``.npy`` stream ``fh`` (at its start)."""
    start = fh.tell()
    try:
        version = np.lib.format.read_magic(fh)
    except (ValueError, EOFError, OSError):
        raise _Bad(f"{what} is not an .npy array (it lacks the \\x93NUMPY header)") from None
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        raise _Bad(f"{what} is an .npy file of version {version[0]}.{version[1]} (fctheory reads 1.0 and 2.0, "
                   "what numpy.save writes for numeric arrays)")
    try:
        shape, fortran, dtype = readers[version](fh)
    except Exception:  # noqa: BLE001 - any header numpy cannot parse (ValueError, SyntaxError, TokenError, ...)
        raise _Bad(f"{what} has a damaged or truncated .npy header", True) from None
    if dtype.hasobject:
        raise _Bad(f"{what} holds pickled Python objects, which fctheory never loads (a pickle can run code)")
    if dtype.kind not in kinds or dtype.fields is not None or dtype.subdtype is not None:
        raise _Bad(f"{what} holds an array of dtype {dtype.str} (fctheory reads numeric arrays here)")
    if any(n < 0 for n in shape):
        raise _Bad(f"{what} declares a negative dimension")
    return tuple(shape), fortran, dtype, fh.tell() - start


def _count(shape) -> int:
    count = 1
    for n in shape:
        count *= n  # Python integers: a lying header cannot overflow the product
    return count


def _check_declared(what: str, shape, dtype, nbytes: int, budget: int, limit: int) -> None:
    if nbytes > budget:
        shown = shape if len(str(shape)) <= 80 else f"of {len(shape)} dimensions"
        raise _Bad(f"{what} declares shape {shown} of {dtype.name} ({nbytes:.3g} bytes), above the limit of "
                   f"{size_text(limit)} fctheory reads into memory")


def _read_data(fh, shape, fortran, dtype, nbytes: int, what: str) -> np.ndarray:
    array = np.empty(_count(shape), dtype=dtype)
    view = memoryview(array.view(np.uint8).reshape(-1))
    got = 0
    while got < nbytes:
        try:
            n = fh.readinto(view[got:])
        except (OSError, EOFError, zipfile.BadZipFile, ValueError):
            raise _Bad(f"{what} is damaged or truncated", True) from None
        if not n:
            raise _Bad(f"{what} is truncated (its header declares {nbytes} bytes of data, {got} are there)", True)
        got += n
    if fortran:
        return array.reshape(shape[::-1]).transpose()
    return array.reshape(shape)


def _load_npy_stream(fh, what: str, size: int, budget: int, limit: int, kinds: str) -> np.ndarray:
    """The array of the ``.npy`` stream ``fh`` of ``size`` bytes (a file, or a zip member)."""
    shape, fortran, dtype, header = _read_header(fh, what, kinds)
    nbytes = _count(shape) * dtype.itemsize
    _check_declared(what, shape, dtype, nbytes, budget, limit)
    if header + nbytes != size:
        state = "truncated" if header + nbytes > size else "longer than its header declares"
        raise _Bad(f"{what} is {state} (its header declares {nbytes} bytes of data, it holds "
                   f"{max(size - header, 0)})", damaged=True)
    return _read_data(fh, shape, fortran, dtype, nbytes, what)


def _zip_directory_problem(fh, size: int) -> str:
    """Check the end record of a zip archive before :mod:`zipfile` reads its central directory."""
    tail = min(size, 22 + 65535)
    fh.seek(size - tail)
    data = fh.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) - at < 22:
        return "it is truncated, or not a zip archive (an .npz file is one; its end record is missing)"
    entries, cd_size, cd_offset = struct.unpack("<HII", data[at + 10: at + 20])
    if entries > MAX_NPZ_MEMBERS:
        return f"it lists {entries} arrays, more than the {MAX_NPZ_MEMBERS} fctheory reads"
    if cd_size > _MAX_ZIP_DIRECTORY or cd_offset + cd_size > size:
        return "its zip directory is damaged or truncated"
    fh.seek(0)
    return ""


def _load_archive(fh, size: int, names, limit: int, kinds: str) -> dict:
    problem = _zip_directory_problem(fh, size)
    if problem:
        raise _Bad(problem, damaged="truncated" in problem or "damaged" in problem)
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _Bad("it is damaged or truncated (not a readable zip archive; an .npz file is one)", True) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_NPZ_MEMBERS:
            raise _Bad(f"it lists more than {MAX_NPZ_MEMBERS} arrays")
        wanted = None if names is None else set(names)
        out, budget = {}, limit
        for info in infos:
            if info.is_dir() or not info.filename.endswith(".npy"):
                continue
            name = info.filename[:-4]
            if wanted is not None and name not in wanted:
                continue
            what = f"its array {name[:40]!r}"
            if info.file_size > budget + 2**16:  # the uncompressed size in the zip directory (zip bombs)
                raise _Bad(f"{what} unpacks to {info.file_size} bytes, above the limit of {size_text(limit)} "
                           "fctheory reads into memory")
            try:
                with archive.open(info) as member:
                    out[name] = _load_npy_stream(member, what, info.file_size, budget, limit, kinds)
                    if member.read(1):  # pragma: no cover - the size check above makes this unreachable
                        raise _Bad(f"{what} is longer than its header declares")
            except _Bad:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
                raise _Bad(f"{what} is damaged or truncated (a zip checksum or size does not match)", True) from None
            budget -= out[name].nbytes
        return out


def load_numpy(path, field: str, *, names=None, max_bytes: int = MAX_ARRAY_BYTES,
               allowed: str = "a NumPy .npy or .npz file", error=InvalidInput, got=_SHOW_PATH, kinds: str = "biufc"):
    """Read a ``.npy`` file (an ndarray) or a ``.npz`` archive (a dict of ndarrays), safely.

    The kind is read from the file's first bytes, not its name.  Nothing is unpickled; every
    header's dtype (numeric only) and shape (``max_bytes`` in all, and exactly the bytes the file
    or the zip member holds) is checked before the array is allocated; an archive's members are
    checked against their uncompressed sizes in the zip directory first (zip bombs), and the
    archive against :data:`MAX_NPZ_MEMBERS`.

    Parameters
    ----------
    path : path-like
    field, allowed, error, got
        The error raised: ``error(field, allowed, got, detail=reason)`` (``got`` default: the path).
    names : iterable of str, optional
        The arrays to read from an archive (default all); a missing one is simply not returned.
    max_bytes : int
        The most array bytes to allocate (default :data:`MAX_ARRAY_BYTES`).
    kinds : str
        The dtype kinds accepted (default ``"biufc"``: booleans and numbers; ``"U"`` adds text
        arrays).  Object arrays (pickles) are never accepted.

    Raises
    ------
    InvalidInput (or ``error``)
        Saying what is wrong: not a regular file, empty, not a NumPy file, truncated, damaged,
        pickled objects, another dtype, or a declared size above the limit.  Its attribute
        ``damaged`` is True when the file is a NumPy file cut short or corrupted (empty,
        truncated, a checksum off) rather than something else.
    """
    file_limit = max_bytes + 2**20 + 2**16 * MAX_NPZ_MEMBERS
    with open_regular_file(path, field, max_bytes=file_limit, allowed=allowed, error=error, got=got) as fh:
        fail = _Report(field, allowed, error, _shown(path, got))
        try:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(6)
            problem = _head_problem(head)
            if problem:
                raise _Bad(problem, damaged=not head)
            fh.seek(0)
            if head == _NPY_MAGIC:
                return _load_npy_stream(fh, "it", size, max_bytes, max_bytes, kinds)
            return _load_archive(fh, size, names, max_bytes, kinds)
        except _Bad as exc:
            error_ = fail(str(exc))
            error_.damaged = exc.damaged
            raise error_ from None
        except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
            raise fail(f"it cannot be read ({type(exc).__name__})") from None


def load_npy(path, field: str, *, max_bytes: int = MAX_ARRAY_BYTES, allowed: str = "a NumPy .npy file",
             error=InvalidInput, got=_SHOW_PATH) -> np.ndarray:
    """:func:`load_numpy` for a file that must be one ``.npy`` array."""
    data = load_numpy(path, field, max_bytes=max_bytes, allowed=allowed, error=error, got=got)
    if isinstance(data, dict):
        raise _Report(field, allowed, error, _shown(path, got))(
            "it is an .npz archive, not an .npy array")
    return data


def load_npz(path, field: str, *, names=None, max_bytes: int = MAX_ARRAY_BYTES,
             allowed: str = "a NumPy .npz archive", error=InvalidInput, got=_SHOW_PATH, kinds: str = "biufc") -> dict:
    """:func:`load_numpy` for a file that must be an ``.npz`` archive; returns ``{name: array}``."""
    data = load_numpy(path, field, names=names, max_bytes=max_bytes, allowed=allowed, error=error, got=got,
                      kinds=kinds)
    if not isinstance(data, dict):
        raise _Report(field, allowed, error, _shown(path, got))(
            f"it is an .npy file holding a single array of shape {data.shape}")
    return data


def array_digest(array) -> str:
    """SHA-256 of an array's dtype, shape and C-order bytes (the cache's integrity check)."""
    arr = np.ascontiguousarray(array)
    h = hashlib.sha256(f"{arr.dtype.str}{arr.shape}".encode())
    h.update(arr.tobytes())
    return h.hexdigest()


# ========================================================================= figures ====

#: The one figure style (rcParams while a figure is built).
FIGURE_STYLE = {"figure.dpi": FIGURE_DPI, "savefig.dpi": FIGURE_DPI, "figure.facecolor": "white",
                "savefig.facecolor": "white", "axes.facecolor": "white"}


def new_figure(*, figsize=(6.4, 4.2), nrows: int = 1, ncols: int = 1, layout: str | None = None,
               **subplot_kw):
    """A matplotlib figure in fctheory's style and its axes: ``(fig, axes)`` as
    :meth:`matplotlib.figure.Figure.subplots` returns them (no pyplot: no global figure list,
    nothing to close).  Save it with :func:`save_figure`."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(FIGURE_STYLE):
        fig = Figure(figsize=figsize, layout=layout)
        axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def colormap(name: str):
    """A registered matplotlib colormap (``"tab10"``, ``"tab20"``, ...)."""
    import matplotlib

    return matplotlib.colormaps[name]


def save_figure(fig, path) -> str:
    """Write ``fig`` to ``path`` as PNG at :data:`FIGURE_DPI` (tight bounding box), atomically; returns the path."""
    path = os.fspath(path)
    buffer = io.BytesIO()
    import matplotlib

    with matplotlib.rc_context(FIGURE_STYLE):
        fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    atomic_write_bytes(path, buffer.getvalue())
    return path
