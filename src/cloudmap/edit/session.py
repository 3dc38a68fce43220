"""An edit session: take the project's edit lock, read the files under it, let a command change
them, validate the whole project with the changes in a private copy, then write every changed
file all or nothing. On any problem nothing is written."""

from __future__ import annotations

__all__ = ["Session", "YamlFile", "edit_session"]

import contextlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError as RuamelYAMLError

from cloudmap.catalog import misnamed, project_files
from cloudmap.edit.yamlfiles import dump, make_yaml, merge, plain_load
from cloudmap.errors import CloudmapError, Problem, ValidationError
from cloudmap.fsutil import os_error
from cloudmap.gridread import grid_files
from cloudmap.journal import Transaction, edit_lock
from cloudmap.yamlio import load_yaml, read_regular


@dataclass
class YamlFile:
    rel: str  # path relative to the project folder, as problems name it
    path: Path  # where it is written: the real file (a link's target)
    original: bytes | None  # None: a new file
    doc: Any
    noop: str = ""  # what a plain round trip writes
    newline: str = "\n"  # the file's line ending (CRLF files stay CRLF)

    @property
    def text(self) -> str:
        if self.original is None:
            return ""
        return self.original.decode("utf-8").replace("\r\n", "\n")


class Session:
    """The files one command reads and changes; ``commit`` validates and writes them."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.yaml = make_yaml()
        self.files: dict[str, YamlFile] = {}

    # ------------------------------------------------------------------ reading

    def _target(self, rel: str) -> Path:
        """The file a relative path names, links resolved deliberately: an edit rewrites the
        link's target (the link stays) when it lies inside the project, and refuses a link that
        loops, leads nowhere or leads out of the project (a cloned repository must not make an
        edit write elsewhere)."""
        path = self.root / rel
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                raise CloudmapError(
                    f"{rel}: a symbolic link that loops or leads nowhere; fix or remove it"
                ) from None
        else:
            target = path.resolve()  # a linked data/ or seeds/ folder leads out just the same
        if not target.is_relative_to(self.root.resolve()):
            raise CloudmapError(
                f"{rel}: a symbolic link to {target}, outside the project; edits write only "
                "inside it (put the file itself in place of the link); nothing was written"
            )
        return target if path.is_symlink() else path

    def open(self, rel: str) -> YamlFile:
        if rel in self.files:
            return self.files[rel]
        path = self._target(rel)
        _, problems = load_yaml(path, rel)  # the messages `cloudmap validate` gives
        if problems:
            raise ValidationError(problems)
        try:
            raw = read_regular(path)
        except OSError as exc:
            raise os_error(exc, f"{rel}: cannot be read") from None
        text = raw.decode("utf-8")
        try:
            doc = self.yaml.load(text.replace("\r\n", "\n"))
        except RuamelYAMLError as exc:
            raise CloudmapError(
                f"{rel}: cannot be edited safely ({exc}); nothing was written"
            ) from None
        f = YamlFile(rel, path, raw, doc, newline="\r\n" if "\r\n" in text else "\n")
        f.noop = dump(self.yaml, doc)
        self.files[rel] = f
        return f

    def create(self, rel: str, doc: Any) -> YamlFile:
        path = self.root / rel
        if path.exists() or path.is_symlink():
            raise CloudmapError(f"{rel} already exists; give another id (or edit that file)")
        f = YamlFile(rel, path, None, doc)
        self.files[rel] = f
        return f

    def providers(self) -> list[YamlFile]:
        """Every provider file in data/, opened."""
        data_files, _ = project_files(self.root)
        files = [self.open(f"data/{p.name}") for p in data_files]
        for f in files:
            if not isinstance(f.doc, CommentedMap):
                raise CloudmapError(f"{f.rel}: expected a mapping (provider:, regions:, sites:)")
        return files

    def provider(self, provider: str | None) -> YamlFile:
        files = self.providers()
        ids = {provider_id(f): f for f in files}
        if provider is not None:
            if provider in ids:
                return ids[provider]
            known = ", ".join(sorted(ids)) or "none"
            raise CloudmapError(
                f"provider {provider!r}: no such provider in data/ (known: {known})"
            )
        if len(files) == 1:
            return files[0]
        if not files:
            raise CloudmapError("no provider file in data/ (create data/<provider>.yaml first)")
        raise CloudmapError(
            f"data/ has several providers ({', '.join(sorted(ids))}); say which (--provider)"
        )

    # ------------------------------------------------------------------ writing

    def render(self, f: YamlFile) -> str:
        edited = dump(self.yaml, f.doc)
        if f.original is None:
            return edited
        merged = merge(f.text, f.noop, edited)
        if merged is None or (merged != edited and plain_load(merged) != plain_load(edited)):
            raise CloudmapError(
                f"{f.rel}: the change touches lines that ruamel.yaml would reformat; nothing was "
                "written (make this change by hand)"
            )
        return merged

    def changes(self) -> dict[str, bytes]:
        """Every changed or new file's new bytes, in its own line endings."""
        out = {}
        for rel, f in self.files.items():
            data = self.render(f).replace("\n", f.newline).encode("utf-8")
            if f.original is None or data != f.original:
                out[rel] = data
        return out

    def commit(self) -> None:
        """Validate the whole project with the changes, then write them all or nothing."""
        changes = self.changes()
        if not changes:
            return
        validate_with(self.root, changes)
        txn = Transaction(self.root)
        for rel, data in changes.items():
            f = self.files[rel]
            txn.add(_rel_of(self.root, f.path), data, f.original)
        try:
            txn.commit()
        except OSError as exc:  # every file was put back
            raise os_error(exc, "the edit could not be written; nothing was changed") from None


def _rel_of(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` when inside it (a link's target may be elsewhere)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def provider_id(f: YamlFile) -> str:
    p = f.doc.get("provider") if isinstance(f.doc, dict) else None
    pid = p.get("id") if isinstance(p, dict) else None
    return str(pid) if pid is not None else Path(f.rel).stem


def validate_with(root: Path, changes: dict[str, bytes]) -> None:
    """Run `cloudmap validate`'s checks on a private copy of ``root``'s data/ and seeds/ (file
    contents, never links) holding the changes; the real files are never touched."""
    from cloudmap.geo import JOIN_FILE, read_countries
    from cloudmap.project import load_project

    layer = read_countries(root, JOIN_FILE)
    with tempfile.TemporaryDirectory(prefix="cloudmap-edit-") as tmp:
        t = Path(tmp)
        for part in ("data", "seeds", "geo"):
            (t / part).mkdir()
        data_files, seed_files = project_files(root)
        # reported, as validate does; the grid and jurisdiction files are checked with the edit
        extra = [root / "data" / "markets.yaml", *misnamed(root), *grid_files(root)]
        for path in [*data_files, *seed_files, *extra]:
            if not path.exists() and not path.is_symlink():
                continue
            rel = path.relative_to(root).as_posix()
            try:
                (t / rel).write_bytes(read_regular(path))  # contents: links resolved, not copied
            except OSError as exc:
                if path.is_dir() or not path.is_file():
                    continue  # reported by validation of the real tree (not a regular file)
                raise os_error(exc, f"{rel}: cannot be read") from None
        for rel, data in changes.items():
            (t / rel).write_bytes(data)
        prefixes = (f"{t.resolve()}/", f"{t}/")
        try:
            load_project(t, countries=layer)
        except ValidationError as exc:
            raise ValidationError([_relocate(p, prefixes) for p in exc.problems]) from None
        except CloudmapError as exc:  # name the real folder, not the private copy
            message = str(exc)
            for prefix in prefixes:
                message = message.replace(prefix, f"{root}/")
            raise CloudmapError(message) from None


def _relocate(p: Problem, prefixes: Iterable[str]) -> Problem:
    for prefix in prefixes:
        if p.file.startswith(prefix):
            return Problem(p.file[len(prefix) :], p.line, p.id, p.field, p.message)
    return p


@contextlib.contextmanager
def edit_session(root: Path) -> Iterator[Session]:
    """A Session under the project's edit lock (cloudmap.journal): concurrent edits run one
    after the other, each reading the files after the previous one wrote them, and an edit a
    killed process left half done is completed first."""
    root = Path(root)
    with edit_lock(root):
        yield Session(root)


def copy_tree(src: Path, dest: Path) -> None:  # pragma: no cover - kept for callers' symmetry
    shutil.copytree(src, dest)
