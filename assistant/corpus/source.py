"""Where the build pipeline reads a corpus from, and how it knows whether the index is current.

A :class:`Source` lists the corpus's reports (``refs``, in index order), loads one
(``load``), and gives its labels, its domain dictionaries and a ``fingerprint`` that changes
whenever any of them does. :class:`FolderSource` is the corpus folders of text files (the
SQLite backend's corpus); a database backend has its own.

Freshness costs a ``stat`` per file: a file's content hash is kept (``Stamps``, beside the
index) with its size, modification time and inode, and a file is hashed again only when one
of those changed — or when it was modified so shortly before it was hashed that a later
change could keep the same time (as git treats "racily clean" files).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Callable, Iterable, Optional

from assistant.corpus import store

RACY_NS = 2_000_000_000  # a file modified this close before it was hashed is hashed again


class Stamps:
    """path → (size, mtime, inode, sha256) of the files an index was built from, in a JSON file;
    and beside it (``.quick``), per list of files, the digest of their stamps with the
    fingerprint it stood for: a list whose stamps are all unchanged needs no other look."""

    def __init__(self, path: Optional[Path]) -> None:
        self.path = path
        self._entries: Optional[dict[str, list]] = None
        self.changed = False
        self.quick: dict[str, list] = self._read(self._quick_path()) if path is not None else {}
        self.quick_changed = False
        self.hashed = 0  # files hashed by this object (for tests and benchmarks)

    def _quick_path(self) -> Optional[Path]:
        return self.path.with_name(self.path.name + ".quick") if self.path is not None else None

    @staticmethod
    def _read(path: Optional[Path]) -> dict:
        if path is None:
            return {}
        with contextlib.suppress(OSError, ValueError, TypeError):
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                return data
        return {}

    @property
    def entries(self) -> dict[str, list]:
        if self._entries is None:
            self._entries = self._read(self.path)
        return self._entries

    @entries.setter
    def entries(self, value: dict[str, list]) -> None:
        self._entries = value

    def digest(self, path: Path) -> str:
        """The sha256 of ``path``'s content, hashed only if it may have changed."""
        key = str(path)
        st = os.stat(path)
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        old = self.entries.get(key)
        if old is not None and old[:3] == stamp and len(old) == 5 and st.st_mtime_ns + RACY_NS < old[4]:
            return old[3]
        now = time.time_ns()
        sha = self._hash(path)
        self.entries[key] = stamp + [sha, now]
        self.changed = True
        return sha

    def _hash(self, path: "Path | str") -> str:
        self.hashed += 1
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    def save(self, keep: Optional[Iterable[str]] = None) -> None:
        """Write the stamps (only those of ``keep`` when given) if they changed."""
        from assistant import atomic

        if keep is not None and self._entries is not None:
            keep = set(keep)
            if set(self.entries) - keep:
                self.entries = {k: v for k, v in self.entries.items() if k in keep}
                self.changed = True
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            if self.changed:
                atomic.write_text(self.path, json.dumps(self.entries, ensure_ascii=False, separators=(",", ":")))
            if self.quick_changed:
                atomic.write_text(self._quick_path(), json.dumps(self.quick, ensure_ascii=False))
        self.changed = self.quick_changed = False


def files_digest(files: Iterable["Path | str"], stamps: Stamps, h: "hashlib._Hash") -> None:
    """Add each file's name and content hash to ``h``."""
    for p in files:
        h.update(os.path.basename(p).encode() + b"\0" + stamps.digest(p).encode() + b"\0")


def files_fingerprint(name: str, files: list["Path | str"], stamps: Stamps) -> str:
    """The digest of ``files``' names and contents (``files_digest``), for the list ``name``:
    when the size, time and inode of every one of them are those it had when last computed
    (and none was modified shortly before that), the digest computed then, with no other look
    at any file."""
    parts = []
    newest = 0
    for p in files:
        st = os.stat(p)
        parts.append(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
        if st.st_mtime_ns > newest:
            newest = st.st_mtime_ns
    quick = hashlib.sha1("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    cached = stamps.quick.get(name)
    if isinstance(cached, list) and len(cached) == 3 and cached[0] == quick and newest + RACY_NS < cached[1]:
        return cached[2]
    now = time.time_ns()
    h = hashlib.sha256()
    files_digest(files, stamps, h)
    value = h.hexdigest()
    stamps.quick[name] = [quick, now, value]
    stamps.quick_changed = True
    return value


def list_files(folder: "Path | str") -> list[str]:
    """``store.files(folder)`` as path strings (no Path objects: quick for thousands of files)."""
    folder = str(folder)
    if os.path.basename(folder.rstrip(os.sep)) == store.FANWEN:
        subs = [folder]
    else:
        subs = [os.path.join(folder, store.REPORTS)]
    out: list[str] = []
    for d in subs:
        try:
            with os.scandir(d) as it:
                names = sorted(e.name for e in it if e.name.endswith(".txt"))
        except (FileNotFoundError, NotADirectoryError):
            continue
        out.extend(os.path.join(d, n) for n in names)
    return out


class Source:
    """A corpus as the build pipeline reads it."""

    def refs(self, warn: Callable[[str], None]) -> list:
        """The reports in index order (a duplicate id is named through ``warn`` and skipped)."""
        raise NotImplementedError

    def load(self, ref: object) -> store.StoredDoc:
        raise NotImplementedError

    def size(self, ref: object) -> int:
        raise NotImplementedError

    def origin(self, ref: object, doc: store.StoredDoc) -> str:
        raise NotImplementedError

    def labels(self) -> dict:
        raise NotImplementedError

    def dictionaries(self) -> list[Path]:
        raise NotImplementedError

    def fingerprint(self, stamps: Stamps) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        """What goes into meta 'dirs'."""
        raise NotImplementedError

    def path_of(self, ref: object) -> str:
        """documents.path of a report."""
        return str(ref)


def corpus_files(dirs: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        out.extend(store.files(Path(d)))
    return out


def dict_files(dirs: Iterable[Path]) -> list[Path]:
    from assistant import paths

    found = [paths.shipped("corpus") / "domain_dict.txt"]
    found += [Path(d) / "domain_dict.txt" for d in dirs]
    seen: set[Path] = set()
    out = []
    for p in found:
        rp = p.resolve()
        if p.is_file() and rp not in seen:
            seen.add(rp)
            out.append(p)
    return out


def unique_files(files: list[Path], warn: Callable[[str], None]) -> list[Path]:
    """``files`` without those whose ``id:`` an earlier file already has (a copy of a report
    made to start an edited version): each one is named, with the file kept, through
    ``warn``. The id is read as ``store.parse`` reads it."""
    seen: dict[str, Path] = {}
    out = []
    for path in files:
        doc_id = store.load(path).id
        first = seen.setdefault(doc_id, path)
        if first is path:
            out.append(path)
        else:
            warn(f"语料文件 {path} 的 id「{doc_id}」与 {first} 相同：保留 {first.name}，跳过 {path.name}"
                 "（请修改其中一个文件开头的 id:）")
    return out


def origins(dirs: list[Path]) -> dict[Path, str]:
    """Where each folder's reports come from: the shipped corpus, a plugin's 范文, the user."""
    from assistant import paths

    shipped_corpus = paths.shipped("corpus").resolve()
    out: dict[Path, str] = {}
    for d in dirs:
        d = Path(d)
        origin = "fanwen" if d.name == store.FANWEN else ("shipped" if d.resolve() == shipped_corpus else "user")
        out[d] = origin
        out[d / store.REPORTS] = origin
        out[d / store.OTHER] = origin
    return out


class FolderSource(Source):
    """Corpus folders of text files (``store``), with their labels.tsv and domain_dict.txt."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = [Path(d) for d in dirs]
        self._origins = origins(self.dirs)

    def refs(self, warn: Callable[[str], None]) -> list[Path]:
        return unique_files(corpus_files(self.dirs), warn)

    def load(self, ref: object) -> store.StoredDoc:
        return store.load(ref)  # type: ignore[arg-type]

    def size(self, ref: object) -> int:
        return Path(ref).stat().st_size  # type: ignore[arg-type]

    def origin(self, ref: object, doc: store.StoredDoc) -> str:
        return "fanwen" if doc.fanwen else self._origins.get(Path(ref).parent, "user")  # type: ignore[arg-type]

    def labels(self) -> dict:
        from assistant.classify import labels as labels_mod

        return labels_mod.read_all(self.dirs)

    def label_files(self) -> list[Path]:
        from assistant.classify.labels import FILENAME

        return [d / FILENAME for d in self.dirs if (d / FILENAME).is_file()]

    def dictionaries(self) -> list[Path]:
        return dict_files(self.dirs)

    def fingerprint(self, stamps: Stamps) -> str:
        # what the model learns (labels) and what segments (dictionaries) are part of it
        files = [p for d in self.dirs for p in list_files(d)]
        return files_fingerprint("corpus", files + [str(p) for p in dict_files(self.dirs) + self.label_files()],
                                 stamps)

    def describe(self) -> str:
        return "\n".join(str(d) for d in self.dirs)
