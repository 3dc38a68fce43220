"""The command line: parse arguments, run one command, report errors as messages and exit codes.

Exit codes: 0 done, 1 error (``Error: ...`` on stderr; nothing written), 2 usage.
"""

from __future__ import annotations

__all__ = ["main"]

import os
import sys
from collections.abc import Sequence

from cloudmap.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from cloudmap.errors import CloudmapError, ValidationError

__all__ += ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE"]


def _quiet_stdout() -> None:
    """After a broken pipe, send what Python flushes at exit to /dev/null (no second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    from cloudmap.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    err = sys.stderr
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
    except CloudmapError as exc:
        print(f"Error: {exc}", file=err)
        return EXIT_ERROR
    except BrokenPipeError:
        _quiet_stdout()
        print("Error: the output was closed before it was all written (broken pipe)", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Error: interrupted; nothing was written", file=err)
        return EXIT_ERROR
    except MemoryError:
        print("Error: out of memory; nothing was written", file=err)
        return EXIT_ERROR
    except OSError as exc:
        from cloudmap.fsutil import os_error

        print(f"Error: {os_error(exc, 'cannot complete the command; nothing was written')}",
              file=err)  # fmt: skip
        return EXIT_ERROR
