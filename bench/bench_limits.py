"""Benchmark of the limits that keep bad input from using the machine up (issue 18).

Run: python bench/bench_limits.py [--bomb-mb 1700] [--skip-kill]

Prints, each measured on this machine in fresh processes:

  zip bomb     `assist check bomb.docx` on a ~2 MB .docx whose document.xml unpacks to
               --bomb-mb MB: wall time and peak memory (max RSS) until it is refused,
               against the floor, `assist check` of an ordinary one-page .docx. (The same
               bomb took 30-40 s and 4.2 GB before the limits; it is not run the old way.)
  template     `assist draft --templates T` with two nested range(100000) loops: the wall
               time until the time limit stops it, with the default limit and with
               ASSIST_TEMPLATE_TIMEOUT=1; the floor is the same draft with a plain template.
  build kill   kill -9 of `assist corpus build -j 2` on a corpus of twice the size that
               starts worker processes: how long its workers outlive it, and what is left in
               the cache folder before and after the next build (of another corpus).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from test_index import _alive, _children  # noqa: E402 - the kill test's view of /proc, one copy


def run(cmd: list[str], env: dict, cwd: Path) -> tuple[float, float, int, str]:
    """(wall seconds, max RSS in MB, exit code, last stderr line) of one run of ``cmd``."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().strip().splitlines() if proc.stderr else []
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), (err[-1] if err else "")


def docx_bytes(unpacked_mb: int = 0) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("关于防汛工作的情况汇报")
    d.add_paragraph("今年以来，我镇共排查xx处隐患点，落实责任人xx名。")
    buf = io.BytesIO()
    d.save(buf)
    if not unpacked_mb:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, src.read(info.filename))
                continue
            with z.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                         b'wordprocessingml/2006/main"><w:body>')
                chunk = b"<w:p/>" * (2**20 // 6)
                for _ in range(unpacked_mb):
                    fh.write(chunk)
                fh.write(b"</w:body></w:document>")
    return out.getvalue()


def bench_bomb(work: Path, env: dict, assist: str, unpacked_mb: int) -> None:
    bomb, plain = work / "bomb.docx", work / "plain.docx"
    t = time.perf_counter()
    bomb.write_bytes(docx_bytes(unpacked_mb))
    made = time.perf_counter() - t
    plain.write_bytes(docx_bytes())
    size = bomb.stat().st_size / 2**20
    stated = sum(i.file_size for i in zipfile.ZipFile(bomb).infolist()) / 2**20
    print(f"\n[zip bomb] {bomb.name}: {size:.1f} MB on disk, {stated:.0f} MB unpacked (made in {made:.1f} s)")
    run([assist, "check", str(plain)], env, work)  # warm-up
    floor = [run([assist, "check", str(plain)], env, work) for _ in range(3)]
    runs = [run([assist, "check", str(bomb)], env, work) for _ in range(3)]
    fw, fm = min(r[0] for r in floor), max(r[1] for r in floor)
    bw, bm = min(r[0] for r in runs), max(r[1] for r in runs)
    print(f"  ordinary .docx (floor)   {fw:6.2f} s  {fm:6.0f} MB max RSS   exit {floor[0][2]}")
    print(f"  zip bomb .docx           {bw:6.2f} s  {bm:6.0f} MB max RSS   exit {runs[0][2]}   "
          f"({bw / fw:.2f}x the floor's time; goal: under 2 s and 200 MB)")
    print(f"  message: {runs[0][3]}")


def bench_template(work: Path, env: dict, assist: str) -> None:
    loop, plain = work / "loop", work / "plain"
    loop.mkdir()
    plain.mkdir()
    (loop / "report.txt.j2").write_text(
        "{{ title }}\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
        encoding="utf-8")
    (plain / "report.txt.j2").write_text("{{ title }}\n", encoding="utf-8")
    base = [assist, "draft", "--unit", "school", "-o", str(work / "out.txt"), "--templates"]
    run(base + [str(plain)], env, work)  # builds the index once
    print("\n[template] two nested range(100000) loops (10^10 iterations)")
    floor = min(run(base + [str(plain)], env, work)[0] for _ in range(2))
    print(f"  plain template (floor)           {floor:6.2f} s")
    for label, extra in (("default limit (5 s)", {}), ("ASSIST_TEMPLATE_TIMEOUT=1", {"ASSIST_TEMPLATE_TIMEOUT": "1"})):
        wall, rss, code, line = run(base + [str(loop)], dict(env, **extra), work)
        print(f"  {label:<32} {wall:6.2f} s  exit {code}  {rss:5.0f} MB   {line}")


def bench_kill(work: Path, env: dict, assist: str) -> None:
    sys.path.insert(0, str(REPO))
    from assistant import paths
    from assistant.corpus import index, store

    big, small = work / "big", work / "small"
    docs = list(store.iter_docs([paths.shipped("corpus")]))
    k = 0
    while not (big / "reports").is_dir() or \
            sum(p.stat().st_size for p in index.corpus_files([big])) < 2 * index.PARALLEL_MIN_BYTES:
        k += 1
        for d in docs:
            d.id = f"{d.id.split('~')[0]}~{k}"
            store.save(big, d)
    store.save(small, docs[0])
    cache = Path(env["ASSIST_CACHE"]) / "kill"
    env = dict(env, ASSIST_CACHE=str(cache))
    size = sum(p.stat().st_size for p in index.corpus_files([big])) / 1024
    print(f"\n[build kill] corpus build -j 2 of {len(index.corpus_files([big]))} reports ({size:.0f} KB)")
    proc = subprocess.Popen([assist, "corpus", "build", "--corpus", str(big), "-j", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.time() + 60
    while time.time() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.01)
    time.sleep(0.05)  # the workers at work, not yet done with their share
    workers = [w for w in workers if _alive(w)]  # a worker may finish its share before the kill
    if proc.poll() is not None or not workers:
        print("  the build or its workers ended before they could be killed (a faster machine): not measured")
        return
    rss = 0
    for w in workers:
        try:
            with open(f"/proc/{w}/statm") as fh:
                rss += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    proc.send_signal(signal.SIGKILL)
    killed = time.perf_counter()
    proc.wait()
    while any(map(_alive, workers)) and time.perf_counter() - killed < 60:
        time.sleep(0.005)
    gone = time.perf_counter() - killed
    left = sorted(p.name for p in cache.iterdir())
    print(f"  workers {workers} ({rss / 2**20:.0f} MB resident together) ended {gone * 1000:.0f} ms after "
          f"kill -9 of the build; still alive: {[w for w in workers if _alive(w)]}")
    print(f"  left in the cache folder: {left}")
    subprocess.run([assist, "corpus", "build", "--corpus", str(small)], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    building = [p.name for p in cache.iterdir() if p.name.endswith(".building")]
    print(f"  .building files after the next build (of another corpus): {building}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bomb-mb", type=int, default=1700, help="what the bomb's document.xml unpacks to, MB")
    ap.add_argument("--skip-kill", action="store_true", help="skip the build kill (Linux only anyway)")
    args = ap.parse_args()
    assist = shutil.which("assist", path=str(Path(sys.executable).parent)) or shutil.which("assist")
    if assist is None:
        sys.exit("no assist console script: pip install the project first")
    work = Path(tempfile.mkdtemp(prefix="assist-bench-limits-"))
    env = dict(os.environ, ASSIST_CACHE=str(work / "cache"), ASSIST_HOME=str(work / "home"),
               PYTHONPATH=os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH")))))
    for key in ("ASSIST_TEMPLATE_TIMEOUT", "ASSIST_TEMPLATE_MAX_OUTPUT", "ASSIST_CORPUS", "ASSIST_PLUGINS"):
        env.pop(key, None)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU, load {load:.1f}")
    bench_bomb(work, env, assist, args.bomb_mb)
    bench_template(work, env, assist)
    if not args.skip_kill and sys.platform.startswith("linux"):
        bench_kill(work, env, assist)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
