"""Round-trip YAML editing (ruamel.yaml): keep comments, key order and style, and change only
the lines an edit touches."""

from __future__ import annotations

__all__ = [
    "Plain",
    "append",
    "dump",
    "make_yaml",
    "merge",
    "plain_load",
    "put",
    "quote_style",
    "styled",
]

import datetime as dt
import difflib
import io
from collections.abc import Sequence
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

# --------------------------------------------------------------------------- YAML round trip


class Plain(str):
    """Text that is written unquoted whatever the file's quoting style (dates)."""


class _Representer(RoundTripRepresenter):
    """Writes ``null`` (not an empty value) for None, as the catalog does, and never an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return isinstance(data, dt.date) or bool(super().ignore_aliases(data))


_Representer.add_representer(
    type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
)
_Representer.add_representer(
    Plain, lambda rep, data: rep.represent_scalar("tag:yaml.org,2002:str", str(data))
)


def make_yaml() -> YAML:
    y = YAML(typ="rt")
    y.Representer = _Representer
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=2, offset=0)  # the catalog's "- id:" style
    y.width = 100_000  # never re-wrap long lines
    return y


def plain_load(text: str) -> Any:
    return pyyaml.load(text, Loader=getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader))


def dump(y: YAML, doc: Any) -> str:
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def merge(original: str, noop: str, edited: str) -> str | None:
    """Apply the changes from ``noop`` (a plain round trip) to ``edited`` onto ``original``.

    Lines the YAML library would reformat stay as they are unless the edit touches them, so
    the written diff is the edit alone. None if the pieces do not line up.
    """
    o, n, e = (t.splitlines(keepends=True) for t in (original, noop, edited))
    if o == n:
        return edited
    gap: dict[int, int] = {}  # position between lines of noop -> the same position in original
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, n, o, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1 + 1):
                gap.setdefault(i1 + k, j1 + k)
        else:
            gap.setdefault(i1, j1)
            gap.setdefault(i2, j2)
    hunks: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, n, e, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        while i1 not in gap:  # widen over lines that are reformatted anyway
            i1, j1 = i1 - 1, j1 - 1
        while i2 not in gap:
            i2, j2 = i2 + 1, j2 + 1
        if hunks and i1 <= hunks[-1][1]:
            hunks[-1] = (hunks[-1][0], i2, hunks[-1][2], j2)
        else:
            hunks.append((i1, i2, j1, j2))
    out: list[str] = []
    pos = 0
    for i1, i2, j1, j2 in hunks:
        if gap[i1] < pos:
            return None
        out += o[pos : gap[i1]] + e[j1:j2]
        pos = gap[i2]
    return "".join(out + o[pos:])


def _tail_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where the comment after the last scalar of a block node lives: (holder, key, index)."""
    if isinstance(node, CommentedMap) and node:
        key = list(node)[-1]
        child = node[key]
        if isinstance(child, CommentedMap | CommentedSeq) and child and not child.fa.flow_style():
            return _tail_slot(child)
        return node, key, 2
    if isinstance(node, CommentedSeq) and node:
        idx = len(node) - 1
        child = node[idx]
        if isinstance(child, CommentedMap | CommentedSeq) and child and not child.fa.flow_style():
            return _tail_slot(child)
        return node, idx, 0
    return None


def _detach_tail(node: Any) -> str | None:
    """Remove and return the blank lines and comments that follow a node's last line."""
    slot = _tail_slot(node)
    if slot is None:
        return None
    holder, key, i = slot
    entry = holder.ca.items.get(key)
    if not entry or entry[i] is None:
        return None
    token = entry[i]
    first = token.value.find("\n")
    if first < 0 or first == len(token.value) - 1:
        return None
    tail: str = token.value[first + 1 :]
    if token.value[:first].strip():
        token.value = token.value[: first + 1]  # keep an end-of-line comment in place
    else:
        entry[i] = None
    return tail


def _attach_tail(node: Any, tail: str | None) -> None:
    if not tail:
        return
    slot = _tail_slot(node)
    if slot is None:
        return
    holder, key, i = slot
    size = 4 if isinstance(holder, CommentedMap) else 2
    entry = holder.ca.items.setdefault(key, [None] * size)
    entry[i] = CommentToken("\n" + tail, CommentMark(0))


def append(seq: CommentedSeq, node: Any) -> None:
    """Append to a block sequence; comments that followed its last item follow the new one."""
    tail = _detach_tail(seq)
    seq.append(node)
    _attach_tail(seq, tail)


def put(m: CommentedMap, key: str, value: Any, order: Sequence[str]) -> None:
    """Set ``m[key]``; a new key goes where ``order`` puts it, after the keys that precede it."""
    if key in m:
        m[key] = value
        return
    keys = list(m)
    rank = order.index(key) if key in order else len(order)
    pos = 0
    for i, k in enumerate(keys):
        if (order.index(k) if k in order else len(order)) <= rank:
            pos = i + 1
    if pos == len(keys):
        tail = _detach_tail(m)
        m[key] = value
        _attach_tail(m, tail)
    else:
        m.insert(pos, key, value)


def _is_informative(node: Any) -> bool:
    return node is not None and not (isinstance(node, CommentedMap | CommentedSeq) and not node)


def styled(value: Any, like: Sequence[Any], quote: type | None) -> Any:
    """A ruamel node for ``value`` written in the style of the first node in ``like`` that shows
    one (flow or block collections, quoted or plain strings); ``quote`` when none does."""
    like = [t for t in like if _is_informative(t)]
    if isinstance(value, dict):
        maps = [t for t in like if isinstance(t, CommentedMap)]
        out = CommentedMap()
        if maps and maps[0].fa.flow_style():
            out.fa.set_flow_style()
        for k, v in value.items():
            out[k] = styled(v, [t.get(k) for t in maps], quote)
        return out
    if isinstance(value, list):
        seqs = [t for t in like if isinstance(t, CommentedSeq)]
        seq = CommentedSeq()
        if seqs and seqs[0].fa.flow_style():
            seq.fa.set_flow_style()
        items = [x for s in seqs for x in s]
        for v in value:
            seq.append(styled(v, items, quote))
        return seq
    if isinstance(value, Plain) or not isinstance(value, str):
        return value
    for t in like:
        if isinstance(t, str) and not isinstance(t, Plain):
            for kind in (
                DoubleQuotedScalarString,
                SingleQuotedScalarString,
                FoldedScalarString,
                LiteralScalarString,
            ):
                if isinstance(t, kind):
                    return kind(value)
            return value
    return quote(value) if quote is not None else value


def quote_style(*nodes: Any) -> type | None:
    """The quoting of the first id found (``"na-south-1"`` or ``na-south-1``)."""
    for node in nodes:
        if isinstance(node, str):
            return type(node) if type(node) is not str else None
    return None
