"""Input from outside the project (an article, a docs page, a URL, a downloaded source file): one
bounded reader with a size cap, an overall deadline and no pipes or devices, and the rule that
text from outside reaches a terminal only with its control characters escaped."""

from __future__ import annotations

__all__ = [
    "DEADLINE_S",
    "MAX_BYTES",
    "OFFLINE_ENV",
    "Limits",
    "is_url",
    "offline",
    "read_input",
    "terminal_safe",
]

import io
import os
import re
import select
import stat
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cloudmap.errors import CloudmapError

OFFLINE_ENV = "CLOUDMAP_OFFLINE"  # set (to anything but "" or 0): never touch the network
MAX_BYTES = 16 * 2**20  # an article, a docs page or a world-atlas file is far smaller
DEADLINE_S = 60.0  # for the whole read, however slowly the bytes come
DEADLINE_ENV = "CLOUDMAP_READ_DEADLINE_S"  # another deadline, in seconds (e.g. a slow link)
_CHUNK = 64 * 1024


def _default_deadline() -> float:
    raw = os.environ.get(DEADLINE_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEADLINE_S
    return value if 0 < value <= 24 * 3600 else DEADLINE_S


@dataclass(frozen=True)
class Limits:
    """How much one read may take: ``max_bytes`` in all, within ``deadline_s`` seconds (default:
    CLOUDMAP_READ_DEADLINE_S, else 60)."""

    max_bytes: int = MAX_BYTES
    deadline_s: float = field(default_factory=_default_deadline)


def offline() -> bool:
    """True when CLOUDMAP_OFFLINE asks cloudmap never to use the network."""
    return os.environ.get(OFFLINE_ENV, "") not in ("", "0")


def is_url(source: str) -> bool:
    """True for an http(s) URL (what read_input fetches instead of opening a file)."""
    return source.startswith(("http://", "https://"))


def read_input(
    source: str | Path, *, what: str, limits: Limits | None = None, accept: str | None = None
) -> bytes:
    """The bytes of a file, an http(s) URL or ``-`` (standard input), read within ``limits``.

    A folder, a named pipe, a socket or a device is refused before anything is read (a pipe
    would block forever, ``/dev/zero`` never ends); more than ``limits.max_bytes`` is refused
    without reading the rest; the whole read (connecting, headers and body included) must end
    within ``limits.deadline_s`` seconds, so a server that trickles a byte a second is given up.
    ``what`` names the input in messages ("article", "page", "world-atlas file"); ``accept``
    is the HTTP Accept header of a fetch. Raises CloudmapError.
    """
    lim = limits or Limits()
    name = str(source)
    if name == "-":
        return _read_stream(sys.stdin.buffer, "<stdin>", what, lim)
    if isinstance(source, str) and is_url(source):
        return _fetch(source, what, lim, accept)
    return _read_file(Path(source), what, lim)


def _too_big(name: str, what: str, lim: Limits) -> CloudmapError:
    return CloudmapError(
        f"{name}: larger than {_size(lim.max_bytes)}; not a plausible {what} (nothing was read "
        "past the limit)"
    )


def _too_slow(name: str, what: str, lim: Limits) -> CloudmapError:
    return CloudmapError(
        f"{name}: the {what} did not arrive within {lim.deadline_s:g} s; save it to a file and "
        "pass the file instead"
    )


def _size(n: int) -> str:
    return f"{n // 2**20} MiB" if n >= 2**20 else f"{n} bytes"


def _read_file(path: Path, what: str, lim: Limits) -> bytes:
    name = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise CloudmapError(f"{name}: no such file") from None
    except OSError as exc:
        raise CloudmapError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise CloudmapError(f"{name}: is a folder; give the saved {what} (a file)")
    if not stat.S_ISREG(st.st_mode):
        raise CloudmapError(
            f"{name}: is not a regular file (a pipe, socket or device); give the saved {what}"
        )
    if st.st_size > lim.max_bytes:
        raise _too_big(name, what, lim)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise CloudmapError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between stat and open
            raise CloudmapError(
                f"{name}: is not a regular file (a pipe, socket or device); give the saved {what}"
            )
        with os.fdopen(fd, "rb", closefd=False) as f:
            return _read_stream(f, name, what, lim)
    except OSError as exc:
        raise CloudmapError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _read_stream(stream: BinaryIO, name: str, what: str, lim: Limits) -> bytes:
    """Chunks until the end, the size cap or the deadline. A stream with a file descriptor (a
    file, standard input from a pipe or a terminal) is waited on with select(), so a writer that
    never writes cannot hold the read past the deadline."""
    end = time.monotonic() + lim.deadline_s
    try:
        fd: int | None = stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        fd = None
    parts: list[bytes] = []
    size = 0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise _too_slow(name, what, lim)
        want = min(_CHUNK, lim.max_bytes + 1 - size)
        if fd is None:
            chunk = stream.read(want)
        else:
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise _too_slow(name, what, lim)
            chunk = os.read(fd, want)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
        if size > lim.max_bytes:
            raise _too_big(name, what, lim)


def _fetch(url: str, what: str, lim: Limits, accept: str | None = None) -> bytes:
    """GET ``url`` in a worker thread that the caller stops waiting for at the deadline (a
    per-read socket timeout alone lets a trickling server run on for ever)."""
    from cloudmap.reader import check_url

    why = check_url(url)
    if why:
        raise CloudmapError(why)
    if offline():
        raise CloudmapError(
            f"{url}: no network ({OFFLINE_ENV} is set); save the {what} and pass the file instead"
        )
    result: list[bytes | BaseException] = []
    started = time.monotonic()

    def work() -> None:
        headers = {"User-Agent": "cloudmap", **({"Accept": accept} if accept else {})}
        req = urllib.request.Request(url, headers=headers)
        try:
            timeout = max(1.0, lim.deadline_s)
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                data = bytearray()
                while len(data) <= lim.max_bytes:
                    if time.monotonic() - started > lim.deadline_s:
                        raise TimeoutError
                    chunk = resp.read(min(_CHUNK, lim.max_bytes + 1 - len(data)))
                    if not chunk:
                        break
                    data += chunk
                result.append(bytes(data))
        except BaseException as exc:  # handed to the waiting thread
            result.append(exc)

    worker = threading.Thread(target=work, name="cloudmap-fetch", daemon=True)
    worker.start()
    worker.join(lim.deadline_s)
    if worker.is_alive() or not result:
        # The worker is a daemon and checks the deadline itself between reads, so it ends on its
        # own; closing its response from here would wait on the lock it holds while reading.
        raise _too_slow(url, what, lim)
    got = result[0]
    if isinstance(got, TimeoutError):
        raise _too_slow(url, what, lim)
    if isinstance(got, BaseException):
        if isinstance(got, urllib.error.URLError | OSError | ValueError):
            reason = terminal_safe(str(getattr(got, "reason", got)))
            raise CloudmapError(
                f"{url}: cannot be fetched ({reason}); save the {what} and pass the file instead"
            )
        raise got
    if len(got) > lim.max_bytes:
        raise _too_big(url, what, lim)
    return got


# Characters that make a terminal do something instead of showing something: C0 controls but
# tab and line feed, DEL, C1 controls (U+009B is a one-byte CSI), and the marks that reorder or
# hide text (bidirectional overrides and isolates, zero-width and format characters).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


def terminal_safe(text: str) -> str:
    """``text`` with every unsafe character written as a visible ``\\uXXXX`` escape (valid
    inside a JSON string too), so outside text can neither move the cursor, recolour, retitle
    or clear a terminal, nor reorder what it shows."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
