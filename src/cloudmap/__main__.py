"""Run the command line: ``python -m cloudmap``."""

from cloudmap.cli import main

raise SystemExit(main())
