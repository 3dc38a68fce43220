"""Registry packages read as files, never imported: an installed distribution, or a wheel (one
downloaded with ``pip download --no-deps`` into a temporary folder, or a saved one), with its
version and the date it was released or built, and where that date comes from."""

from __future__ import annotations

__all__ = [
    "Package",
    "download_latest",
    "installed",
    "pypi_release_date",
    "wheels_in",
]

import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from cloudmap.errors import CloudmapError

MAX_MEMBER_BYTES = 64 * 2**20  # a region table is a few MB at most; a bigger member is refused
DOWNLOAD_TIMEOUT_S = 600.0
PYPI_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Package:
    """One version of a distribution whose files hold a region table.

    ``released``: the day the version was published (PyPI upload time) or, failing that, built
    (the newest time stamp of the wheel's ``.dist-info`` files), None when neither is known;
    ``released_from`` says which, in words."""

    dist: str
    version: str
    released: dt.date | None
    released_from: str
    origin: str  # "installed" or the wheel's path
    _wheel: Path | None = field(default=None, repr=False, compare=False)

    def read_text(self, rel: str) -> str:
        """The text of the file at ``rel`` inside the package (UTF-8)."""
        if self._wheel is not None:
            try:
                with zipfile.ZipFile(self._wheel) as z:
                    info = z.getinfo(rel)
                    if info.file_size > MAX_MEMBER_BYTES:
                        raise CloudmapError(
                            f"{self._wheel}: {rel} is larger than {MAX_MEMBER_BYTES // 2**20} MiB"
                        )
                    data = z.read(info)
            except KeyError:
                raise CloudmapError(
                    f"{self._wheel.name}: has no {rel} (the package changed "
                    "shape: update cloudmap.registry)"
                ) from None
            except (OSError, zipfile.BadZipFile) as exc:
                raise CloudmapError(f"{self._wheel}: not a readable wheel ({exc})") from None
        else:
            path = Path(str(metadata.distribution(self.dist).locate_file(rel)))
            try:
                data = path.read_bytes()
            except OSError:
                raise CloudmapError(
                    f"{self.dist} {self.version}: has no {rel} (the package "
                    "changed shape: update cloudmap.registry)"
                ) from None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise CloudmapError(f"{self.dist} {self.version}: {rel} is not UTF-8") from None

    def with_release(self, released: dt.date | None, released_from: str) -> Package:
        return Package(self.dist, self.version, released, released_from, self.origin, self._wheel)

    @property
    def url(self) -> str:
        """The version's page on PyPI (the source a change cites)."""
        return f"https://pypi.org/project/{self.dist}/{self.version}/"


def installed(dist: str) -> Package:
    """The installed distribution (its release date is not in its files: unknown here)."""
    try:
        version = metadata.version(dist)
    except metadata.PackageNotFoundError:
        raise CloudmapError(
            f"{dist} is not installed; install the pinned registry packages (bash .ci/run does) "
            "or read the newest releases instead"
        ) from None
    return Package(dist, version, None, "not in the installed files", "installed")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _wheel(path: Path) -> Package:
    parts = path.name[: -len(".whl")].split("-")
    if len(parts) < 5:
        raise CloudmapError(f"{path}: not a wheel file name (name-version-python-abi-platform)")
    try:
        with zipfile.ZipFile(path) as z:
            stamps = [
                dt.datetime(*i.date_time[:6]).date()
                for i in z.infolist()
                if ".dist-info/" in i.filename and i.date_time[0] >= 1980
            ]
            meta = next((i for i in z.namelist() if i.endswith(".dist-info/METADATA")), None)
            name = parts[0]
            if meta is not None:
                found = re.search(r"^Name:\s*(\S+)", z.read(meta).decode("utf-8", "replace"), re.M)
                name = found.group(1) if found else name
    except (OSError, zipfile.BadZipFile) as exc:
        raise CloudmapError(f"{path}: not a readable wheel ({exc})") from None
    built = max(stamps) if stamps else None
    why = "built (the wheel's .dist-info time stamps)" if built else "unknown (no time stamps)"
    return Package(name, parts[1], built, why, str(path), path)


def wheels_in(folder: Path) -> dict[str, Package]:
    """The wheels in ``folder`` by normalised distribution name (the newest version wins)."""
    if not folder.is_dir():
        raise CloudmapError(f"{folder}: not a folder of wheels")
    out: dict[str, Package] = {}
    for path in sorted(folder.glob("*.whl")):
        pkg = _wheel(path)
        key = _normal(pkg.dist)
        if key not in out or _version_key(pkg.version) > _version_key(out[key].version):
            out[key] = pkg
    return out


_FILE = re.compile(r"^(?P<name>.+?)-(?P<version>\d[^-]*?)(?:-.*\.whl|\.tar\.gz|\.zip)$")


def _file_version(filename: str, dist: str) -> str | None:
    """The version of a distribution file of ``dist`` (wheel or sdist), None for another's."""
    m = _FILE.match(filename)
    if m is None or _normal(m.group("name")) != _normal(dist):
        return None
    return m.group("version")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def download_latest(dists: list[str], folder: Path) -> dict[str, Package]:
    """``pip download --no-deps`` the newest release of each distribution into ``folder`` (never
    installing them), and read them. Raises CloudmapError in one line when PyPI cannot be
    reached."""
    from cloudmap.outside import OFFLINE_ENV, offline

    if offline():
        raise CloudmapError(
            f"no network ({OFFLINE_ENV} is set): cannot download the newest "
            "releases; read the pinned (installed) versions instead"
        )
    for dist in dists:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            "-d",
            str(folder),
            dist,
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise CloudmapError(
                f"no network: pip download {dist} did not finish in {DOWNLOAD_TIMEOUT_S:g} s; "
                "read the pinned (installed) versions instead"
            ) from None
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["pip failed"])[-1][:200]
            raise CloudmapError(
                f"no network: cannot download {dist} from PyPI ({last}); read the pinned "
                "(installed) versions instead"
            )
    found = wheels_in(folder)
    return {
        k: v.with_release(*pypi_release_date(v.dist, v.version, fallback=v))
        for k, v in found.items()
    }


def pypi_release_date(
    dist: str, version: str, *, fallback: Package | None = None
) -> tuple[dt.date | None, str]:
    """(the day ``dist==version`` was uploaded to PyPI, "uploaded to PyPI") from the index's JSON
    (PEP 691 with PEP 700's upload-time) when PyPI answers within PYPI_TIMEOUT_S; else the
    fallback package's own date and its reason, or (None, why)."""
    from cloudmap.outside import Limits, read_input

    url = f"https://pypi.org/simple/{_normal(dist).replace('_', '-')}/"
    try:
        raw = read_input(
            url,
            what="PyPI index page",
            limits=Limits(32 * 2**20, PYPI_TIMEOUT_S),
            accept="application/vnd.pypi.simple.v1+json",
        )
        files = json.loads(raw).get("files") or []
        times = sorted(
            str(f["upload-time"])
            for f in files
            if isinstance(f, dict)
            and f.get("upload-time")
            and _file_version(str(f.get("filename", "")), dist) == version
        )
        if times:
            return dt.date.fromisoformat(
                times[0][:10]
            ), "uploaded to PyPI (its index's upload time)"
    except (CloudmapError, ValueError, AttributeError):
        pass
    if fallback is not None:
        return fallback.released, fallback.released_from
    return None, "unknown (PyPI not reachable; the installed files carry no date)"
