"""The command line: parse arguments, run one command, report errors as messages and exit codes.

Exit codes: 0 done, 1 error (``Error: ...`` on stderr; nothing written), 2 usage.
"""

from __future__ import annotations

__all__ = ["main"]

import os
import signal
import sys
from collections.abc import Sequence

from cloudmap.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from cloudmap.errors import CloudmapError, NotAProject, OutputError, ValidationError

__all__ += ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE"]


def _quiet_stdout() -> None:
    """After a broken pipe, send what Python flushes at exit to /dev/null (no second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM is an interruption like Ctrl-C: what is being written is put back (or completed,
    for an edit past its commit point) before the process ends."""
    del signum, frame
    raise KeyboardInterrupt


def _written_note() -> str:
    from cloudmap.errors import shown
    from cloudmap.fsutil import written

    done = written()
    if not done:
        return ""
    names = ", ".join(shown(p) for p in done[:6]) + (", ..." if len(done) > 6 else "")
    return f"what was written stays written ({names})"


def main(argv: Sequence[str] | None = None) -> int:
    from cloudmap.cli.parser import build_parser
    from cloudmap.fsutil import forget_written

    parser = build_parser()
    args = parser.parse_args(argv)
    err = sys.stderr
    forget_written()
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        code = int(args.func(args))
        sys.stdout.flush()
        return code
    except ValidationError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        n = len(exc.problems)
        print(f"Error: {n} problem{'s' if n != 1 else ''} found; nothing was written", file=err)
        return EXIT_ERROR
    except OutputError as exc:  # the library names the path; the option is the CLI's
        print(f"Error: --out {exc}", file=err)
        return EXIT_ERROR
    except NotAProject as exc:
        print(f"Error: --root {exc}", file=err)
        return EXIT_ERROR
    except CloudmapError as exc:
        text = str(exc)
        if text.endswith("or name one"):  # no project here: the CLI names its option
            text = text.removesuffix("name one") + "pass --root DIR"
        print(f"Error: {text}", file=err)
        return EXIT_ERROR
    except BrokenPipeError:
        _quiet_stdout()
        note = _written_note()
        if note:  # the command did its work; only its report could not be shown
            print(f"Note: the output was closed before the report was shown; {note}", file=err)
            return EXIT_OK
        print("Error: the output was closed before it was all written (broken pipe)", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        note = _written_note()
        print(f"Error: interrupted; {note or 'nothing was written'}", file=err)
        return EXIT_ERROR
    except MemoryError:
        print("Error: out of memory; nothing was written", file=err)
        return EXIT_ERROR
    except OSError as exc:
        from cloudmap.fsutil import os_error

        print(
            f"Error: {os_error(exc, 'cannot complete the command; nothing was written')}", file=err
        )
        return EXIT_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
