"""The one rule every CSV cloudmap writes follows: no cell a spreadsheet would run as a formula.

OWASP's rule against CSV ("formula") injection: a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is read as a formula by spreadsheets; it is written with a
leading apostrophe, which they show as text. Numbers are never touched (a negative longitude
stays a number). Catalog text (market names, region names, notes) is untrusted, so every
writer — the regions.csv download, ``coverage --csv``, ``coverage --compare --csv``, ``compare
--csv`` — passes its cells through here.
"""

from __future__ import annotations

__all__ = ["FORMULA_START", "safe_cell", "safe_csv", "safe_frame"]

import csv
import io
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def safe_cell(text: str) -> str:
    """A text cell a spreadsheet will not run: ``'`` + text when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) follow the rule; numbers, booleans
    and missing values are left as they are, so ``to_csv`` formats them as before."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith(("string", "str")):
            out[col] = out[col].map(lambda v: safe_cell(v) if isinstance(v, str) else v)
    out.columns = [safe_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def safe_csv(text: str) -> str:
    """CSV text (LF line ends) read back and written again under the rule: every cell that is
    not a plain decimal number is text, and gets the apostrophe if it starts like a formula."""
    rows = csv.reader(io.StringIO(text, newline=""))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for row in rows:
        w.writerow([c if _NUMBER.match(c) else safe_cell(c) for c in row])
    return buf.getvalue()
