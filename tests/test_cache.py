"""The content-keyed disk cache: a hit gives what the computation gives, anything else recomputes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from browser_support import hostile_root
from cloudmap import cache
from conftest import tree_digest


def test_cached_computes_once_per_key_and_recomputes_otherwise(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    calls = []

    def make(value):
        def run():
            calls.append(value)
            return {"value": value}

        return run

    assert cache.cached("kind", "k1", make(1)) == {"value": 1}
    assert cache.cached("kind", "k1", make(2)) == {"value": 1}  # a hit: not recomputed
    assert cache.cached("kind", "k2", make(3)) == {"value": 3}  # another key
    assert calls == [1, 3]
    for entry in (tmp_path / "c").glob("kind-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert cache.cached("kind", "k1", make(4)) == {"value": 4}  # unreadable: made again
    assert calls == [1, 3, 4]


@pytest.mark.parametrize("off", ["off", "", "0"])
def test_cache_off_always_computes(tmp_path, monkeypatch, off):
    monkeypatch.setenv(cache.ENV, off)
    assert cache.cache_dir() is None
    calls = []
    for _ in range(2):
        cache.cached("kind", "k", lambda: calls.append(1) or len(calls))
    assert calls == [1, 1]


def test_entries_per_kind_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    for i in range(cache._KEEP + 5):
        cache.cached("kind", f"k{i}", lambda i=i: i)
    assert len(list(tmp_path.glob("kind-*.pickle"))) == cache._KEEP
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left


def test_keys_follow_content_and_code(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("same")
    b.write_text("same")
    assert cache.file_key(a) == cache.file_key(b)
    b.write_text("other")
    assert cache.file_key(a) != cache.file_key(b)
    assert cache.code_key("cloudmap.world") != cache.code_key("cloudmap.render")


def test_builds_are_byte_identical_with_the_cache_off_missing_and_hit(tmp_path):
    root = hostile_root(tmp_path / "evil")
    digests = []
    for run, where in (("off", "off"), ("miss", str(tmp_path / "c")), ("hit", str(tmp_path / "c"))):
        out = tmp_path / f"site-{run}"
        subprocess.run(
            [sys.executable, "-m", "cloudmap", "build", "--root", str(root), "--out", str(out),
             "--as-of", "2025-11-26"],
            check=True,
            capture_output=True,
            env={**os.environ, cache.ENV: where},
        )  # fmt: skip
        digests.append(tree_digest(out))
    assert digests[0] == digests[1] == digests[2]
    kinds = {p.name.split("-")[0] for p in (tmp_path / "c").glob("*.pickle")}
    assert {"gazetteer", "countries", "map", "markets", "on", "coverage"} <= kinds
