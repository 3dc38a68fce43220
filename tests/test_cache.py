"""The content-keyed disk cache: data only (it can never run code), a hit gives what the
computation gives, and anything odd (a planted pickle, a wrong shape, someone else's folder) is a
miss."""

from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

from cloudmap import cache
from conftest import tree_digest


def entry(value: int) -> cache.Entry:
    return cache.Entry({"value": value}, {"xs": np.arange(value, dtype=np.int64)})


def test_cached_computes_once_per_key_and_recomputes_otherwise(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    calls = []

    def make(value):
        def run():
            calls.append(value)
            return entry(value)

        return run

    assert cache.cached("kind", "k1", make(1)).meta == {"value": 1}
    hit = cache.cached("kind", "k1", make(2))  # a hit: not recomputed
    assert hit.meta == {"value": 1} and hit.arrays["xs"].tolist() == [0]
    assert cache.cached("kind", "k2", make(3)).meta == {"value": 3}  # another key
    assert calls == [1, 3]
    for path in (tmp_path / "c").glob("kind-*.npz"):
        path.write_bytes(b"not an npz")
    assert cache.cached("kind", "k1", make(4)).meta == {"value": 4}  # unreadable: made again
    assert calls == [1, 3, 4]


def test_the_folder_is_private(tmp_path, monkeypatch):
    folder = tmp_path / "c"
    monkeypatch.setenv(cache.ENV, str(folder))
    cache.cached("kind", "k", lambda: entry(1))
    assert (folder.stat().st_mode & 0o777) == 0o700


class Boom:
    def __reduce__(self):  # unpickling this would create a file: it must never happen
        return (os.system, ("touch pwned",))


def test_a_planted_pickle_never_runs(tmp_path, monkeypatch):
    folder = tmp_path / "c"
    monkeypatch.setenv(cache.ENV, str(folder))
    monkeypatch.chdir(tmp_path)
    cache.cached("kind", "k", lambda: entry(1))
    [path] = folder.glob("kind-*.npz")
    # A pickle under the entry's name, and an .npz whose array is an object (pickled) array
    path.write_bytes(pickle.dumps(Boom()))
    assert cache.cached("kind", "k", lambda: entry(2)).meta == {"value": 2}
    buf = io.BytesIO()
    bad = np.empty(1, dtype=object)
    bad[0] = Boom()
    meta = json.dumps({"format": 2, "meta": {"value": 9}}).encode()
    np.savez(buf, __meta__=np.frombuffer(meta, dtype=np.uint8), xs=bad)
    path.write_bytes(buf.getvalue())
    assert cache.cached("kind", "k", lambda: entry(3)).meta == {"value": 3}
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("meta", [None, {}, [], "x", {"format": 2}, {"format": 1, "meta": 1}])
def test_wrong_shape_entries_are_misses(tmp_path, monkeypatch, meta):
    folder = tmp_path / "c"
    monkeypatch.setenv(cache.ENV, str(folder))
    cache.cached("kind", "k", lambda: entry(1))
    [path] = folder.glob("kind-*.npz")
    buf = io.BytesIO()
    np.savez(buf, __meta__=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    path.write_bytes(buf.getvalue())
    assert cache.cached("kind", "k", lambda: entry(5)).meta == {"value": 5}


def test_a_valid_entry_of_the_wrong_shape_for_its_reader_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    cache.cached("kind", "k", lambda: cache.Entry({"rows": 3}, {}))
    got = cache.cached("kind", "k", lambda: entry(7), valid=lambda e: e.arrays["xs"].size > 0)
    assert got.meta == {"value": 7}


def test_a_folder_writable_by_others_is_not_used(tmp_path, monkeypatch):
    folder = tmp_path / "c"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv(cache.ENV, str(folder))
    calls = []
    for _ in range(2):
        cache.cached("kind", "k", lambda: calls.append(1) or entry(1))
    assert calls == [1, 1] and not list(folder.iterdir())


def test_a_symlinked_folder_is_not_used(tmp_path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    monkeypatch.setenv(cache.ENV, str(tmp_path / "link"))
    calls = []
    for _ in range(2):
        cache.cached("kind", "k", lambda: calls.append(1) or entry(1))
    assert calls == [1, 1] and not list(real.iterdir())


@pytest.mark.parametrize("off", ["off", "", "0"])
def test_cache_off_always_computes(monkeypatch, off):
    monkeypatch.setenv(cache.ENV, off)
    assert cache.cache_dir() is None
    calls = []
    for _ in range(2):
        cache.cached("kind", "k", lambda: calls.append(1) or entry(len(calls)))
    assert calls == [1, 1]


def test_entries_per_kind_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    tmp_path.chmod(0o700)
    for i in range(cache._KEEP + 5):
        cache.cached("kind", f"k{i}", lambda i=i: entry(i))
    assert len(list(tmp_path.glob("kind-*.npz"))) == cache._KEEP
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left


def test_object_arrays_are_refused_on_write(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    obj = np.empty(1, dtype=object)
    obj[0] = "x"
    got = cache.cached("kind", "k", lambda: cache.Entry({}, {"o": obj}))
    assert got.arrays["o"][0] == "x"  # computed, but not stored
    assert not list((tmp_path / "c").glob("kind-*.npz"))


def test_keys_follow_content_and_code(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("same")
    b.write_text("same")
    assert cache.file_key(a) == cache.file_key(b)
    b.write_text("other")
    assert cache.file_key(a) != cache.file_key(b)
    assert cache.code_key("cloudmap.geo") != cache.code_key("cloudmap.mapdata")


def test_builds_are_byte_identical_with_the_cache_off_missing_and_hit(tmp_path, mini):
    digests = []
    for run, where in (("off", "off"), ("miss", str(tmp_path / "c")), ("hit", str(tmp_path / "c"))):
        out = tmp_path / f"site-{run}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cloudmap",
                "build",
                "--root",
                str(mini),
                "--out",
                str(out),
                "--as-of",
                "2025-11-26",
            ],
            check=True,
            capture_output=True,
            env={**os.environ, cache.ENV: where},
        )
        digests.append(tree_digest(out))
    assert digests[0] == digests[1] == digests[2]
    kinds = {p.name.split("-")[0] for p in (tmp_path / "c").glob("*.npz")}
    assert {"gazetteer", "countries", "map"} <= kinds


def test_a_tampered_yaml_entry_is_a_miss_and_is_repaired(tmp_path, monkeypatch):
    """A stored parse tree of the wrong shape is re-parsed from the file (and rewritten), never
    a crash or a wrong tree."""
    from cloudmap.yamlio import CACHE_MIN_BYTES, load_yaml

    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    f = tmp_path / "big.yaml"
    f.write_text("items:\n" + "".join(f"- {{id: r{i}, n: {i}}}\n" for i in range(4000)))
    assert f.stat().st_size >= CACHE_MIN_BYTES
    doc, problems = load_yaml(f, "big.yaml")
    assert not problems and doc["items"][3999]["n"] == 3999
    (stored,) = (tmp_path / "c").glob("yaml-*.npz")
    buf = io.BytesIO()
    np.savez(
        buf,
        __meta__=np.frombuffer(
            json.dumps({"format": cache._FORMAT, "meta": {"doc": {"x": 1}}}).encode(),
            dtype=np.uint8,
        ),
    )
    stored.write_bytes(buf.getvalue())
    assert cache._read(stored) is not None  # well-formed as an entry; wrong as a parse tree
    again, problems = load_yaml(f, "big.yaml")
    assert not problems and again == doc and again.key_lines == doc.key_lines
    assert _load_meta(stored)["doc"] != {"x": 1}  # rewritten with the real tree


def _load_meta(path):
    with np.load(path, allow_pickle=False) as npz:
        return json.loads(bytes(npz["__meta__"]))["meta"]


def test_provider_files_rebuilt_from_the_cache_are_the_records_read_afresh(tmp_path, monkeypatch):
    """Large provider files come back from the records cache equal to a fresh read, line
    numbers included (so validation messages do not change), and a tampered entry is a miss."""
    from cloudmap.catalog import read_catalog
    from conftest import REPO

    monkeypatch.setenv(cache.ENV, "off")
    fresh, problems = read_catalog(REPO)
    assert not problems
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    miss, _ = read_catalog(REPO)
    hit, _ = read_catalog(REPO)
    stored = sorted((tmp_path / "c").glob("records-*.npz"))
    assert len(stored) == 6  # every provider file is over the size threshold
    for got in (miss, hit):
        assert got.regions == fresh.regions and got.sites == fresh.sites
        assert got.providers == fresh.providers
        assert [r.key_lines for r in got.regions] == [r.key_lines for r in fresh.regions]
        assert [s.key_lines for s in got.sites] == [s.key_lines for s in fresh.sites]
        assert [p.key_lines for p in got.providers.values()] == [
            p.key_lines for p in fresh.providers.values()
        ]
    import re

    # a coordinate of the wrong type; a provider id that is a number
    for pattern, repl in ((rb"-?\d+\.\d+", b'"x"'), (rb'"[a-z]+(?:-cloud)?"', b"12345")):
        entry = cache._read(stored[0])
        data = entry.arrays["json"].tobytes()
        bad = re.sub(pattern, repl, data, count=1)
        assert bad != data
        buf = io.BytesIO()
        meta = json.dumps({"format": cache._FORMAT, "meta": entry.meta}).encode()
        np.savez(
            buf,
            __meta__=np.frombuffer(meta, dtype=np.uint8),
            json=np.frombuffer(bad, dtype=np.uint8),
        )
        stored[0].write_bytes(buf.getvalue())
        again, problems = read_catalog(REPO)
        assert not problems and again.regions == fresh.regions
        assert cache._read(stored[0]).arrays["json"].tobytes() == data  # rewritten


def test_cached_value_keeps_only_what_store_accepts_and_load_can_rebuild(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    calls: list[str] = []

    def compute(value: str):
        def run() -> str:
            calls.append(value)
            return value

        return run

    def store(value: str) -> cache.Entry | None:
        return None if value.startswith("bad") else cache.Entry({"v": value})

    def load(e: cache.Entry) -> str | None:
        return e.meta["v"] if e.meta["v"] != "stale" else None

    kw = {"store": store, "load": load}
    assert cache.cached_value("v", "a", compute("good"), **kw) == "good"
    assert cache.cached_value("v", "a", compute("other"), **kw) == "good"  # rebuilt by load
    assert cache.cached_value("v", "b", compute("bad 1"), **kw) == "bad 1"  # not stored
    assert cache.cached_value("v", "b", compute("bad 2"), **kw) == "bad 2"  # so computed again
    assert cache.cached_value("v", "c", compute("stale"), **kw) == "stale"
    assert cache.cached_value("v", "c", compute("fresh"), **kw) == "fresh"  # load refused it
    assert cache.cached_value("v", "c", compute("never"), **kw) == "fresh"  # and rewrote it
    assert calls == ["good", "bad 1", "bad 2", "stale", "fresh"]


def _npy(shape_text: str, payload: bytes, descr: str = "<f8") -> bytes:
    """An .npy member whose header claims ``shape_text`` whatever ``payload`` holds."""
    head = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}"
    head += " " * (63 - (10 + len(head)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(head).to_bytes(2, "little") + head.encode() + payload


def test_a_planted_huge_array_header_is_a_miss_not_an_allocation(tmp_path, monkeypatch):
    """An entry whose array header claims a terabyte (8 bytes stored) is a miss: the header is
    checked against the stored size before anything is allocated (it used to make every command
    fail with "out of memory")."""
    import zipfile

    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    cache.cached("kind", "k", lambda: entry(1))
    [path] = (tmp_path / "c").glob("kind-*.npz")
    meta = json.dumps({"format": cache._FORMAT, "meta": {"value": 9}}).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("__meta__.npy", _npy(f"({len(meta)},)", meta, "|u1"))
        zf.writestr("xs.npy", _npy("(137438953472,)", b"\0" * 8))
    path.write_bytes(buf.getvalue())
    assert cache.cached("kind", "k", lambda: entry(2)).meta == {"value": 2}
    path.write_bytes(b"\0" * 10)
    with path.open("r+b") as fh:  # a sparse file far larger than any entry: not even read
        fh.truncate(cache.MAX_ENTRY_BYTES + 1)
    assert cache.cached("kind", "k", lambda: entry(3)).meta == {"value": 3}
    assert path.stat().st_size < 1000  # rewritten


def _tamper_every_entry(folder, how):
    for path in folder.glob("*.npz"):
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        meta = arrays.pop("__meta__")
        buf = io.BytesIO()
        np.savez(buf, __meta__=meta, **{name: how(name, a) for name, a in arrays.items()})
        path.write_bytes(buf.getvalue())


@pytest.mark.parametrize(
    "how",
    [
        lambda _name, a: (
            a.astype(np.float64) if a.dtype.kind in "iub" else np.zeros(3)
        ),  # wrong types
        lambda _name, a: a[: len(a) // 2],  # cut short
        lambda _name, a: a[::-1].copy(),  # right type and size, wrong content
    ],
)
def test_every_wrong_shaped_entry_is_a_miss_in_a_real_build(tmp_path, mini, how):
    """After a build, every stored array (countries, markets, gazetteer, the nearest-region
    table, ...) is replaced by one of the wrong type, size or content: the next build reads
    none of them, rebuilds them, and writes the same bytes (the countries and market entries
    used to crash it)."""
    env = {**os.environ, cache.ENV: str(tmp_path / "c")}

    def build(name):
        out = tmp_path / name
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "cloudmap",
                "build",
                "--root",
                str(mini),
                "--out",
                str(out),
                "--as-of",
                "2025-11-26",
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        return tree_digest(out)

    first = build("a")
    kinds = {p.name.rsplit("-", 1)[0] for p in (tmp_path / "c").glob("*.npz")}
    assert {"countries", "market", "gazetteer", "nearest", "on-grid"} <= kinds, kinds
    _tamper_every_entry(tmp_path / "c", how)
    assert build("b") == first
