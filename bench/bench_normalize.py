"""Normaliser and splitter speed on the seed files (corpus/sources)."""
import glob, time, sys
sys.path.insert(0, ".")
from assistant.normalize import normalize
from assistant.corpus.importer import split_reports

files = [open(f, encoding="utf-8").read() for f in sorted(glob.glob("corpus/sources/*.txt"))]
size = sum(len(t.encode("utf-8")) for t in files)
t0 = time.perf_counter(); norms = [normalize(t) for t in files]; first = time.perf_counter() - t0

def best(fn, n=9):
    b = 1e9
    for _ in range(n):
        t = time.process_time(); fn(); b = min(b, time.process_time() - t)
    return b

tn = best(lambda: [normalize(t) for t in files])
ts = best(lambda: [split_reports(n) for n in norms])
from assistant import segment
segment.cut("预热")
texts = [n.text for n in norms]
tc = best(lambda: [segment.cut(t) for t in texts], 3)
print(f"seeds: {size/1e3:.0f} kB in {len(files)} files")
print(f"normalize (first call, loads OpenCC + yaml): {first*1000:.0f} ms")
print(f"normalize: {tn*1000:.1f} ms = {size/tn/1e6:.1f} MB/s")
print(f"split_reports: {ts*1000:.1f} ms = {size/ts/1e6:.1f} MB/s")
print(f"segment.cut ({segment.backend_name()}) on the normalised text: {tc*1000:.1f} ms = {size/tc/1e6:.1f} MB/s (for scale)")
