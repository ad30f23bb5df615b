#!/usr/bin/env python3
"""`make bench`: briefgen against the Typst CLI (and pandoc, if installed), side by side.

Measures, on the example specs and on a matrix of 21 generated specs (7 countries x 3
audiences, all themes):
  1. briefgen building every spec (PDF + DOCX) in a cold process, --jobs 1 and 2;
  2. the Typst CLI compiling briefgen's generated Typst, one process per brief, 1 and 2
     at a time (what a shell script around `typst compile` would do);
  3. pandoc making DOCX from equivalent Markdown (optional);
  4. briefgen no-op rebuild (all cached) and rebuild after one spec changed;
  5. peak memory (/usr/bin/time -v) of a cold matrix build.
Each timing is the median of several runs. This is a benchmark, not a test: it prints
numbers and the targets next to them; it fails only if something cannot run.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".bench-tools"
BIN = ROOT / "target" / "release" / "briefgen"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
COUNTRIES = ["canada", "denmark", "england", "new-zealand", "ireland", "victoria", "wales"]
AUDIENCES = ["minister", "funder", "community"]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def quiet(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def median_ms(fn, runs=RUNS):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def setup():
    print("== building briefgen (release)", flush=True)
    sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    typst = TOOLS / "bin" / "typst"
    if not typst.exists():
        print("== installing the Typst CLI into .bench-tools (once; takes minutes)", flush=True)
        sh(["cargo", "install", "typst-cli", "--locked", "--root", str(TOOLS), "--quiet"])
    if not Path("/usr/bin/time").exists():
        print("== installing GNU time for peak memory", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        quiet(sudo + ["apt-get", "install", "-y", "-qq", "time"])
    version = subprocess.run([str(typst), "--version"], capture_output=True, text=True).stdout.strip()
    return typst, version


def matrix_specs(dir: Path):
    specs = []
    for c in COUNTRIES:
        for a in AUDIENCES:
            p = dir / f"{a}-{c}.yaml"
            p.write_text(f"date: 2026-11-22\naudience: {a}\ncountries: [{c}]\nthemes: all\n")
            specs.append(p)
    return specs


def example_specs(dir: Path):
    # Copies, so that the one-spec-change step does not touch the real examples.
    specs = []
    for p in sorted((ROOT / "briefs").glob("*.yaml")):
        to = dir / p.name
        to.write_text(p.read_text().replace("logo: assets/", f"logo: {ROOT}/briefs/assets/"))
        specs.append(to)
    return specs


def briefgen(specs, out, jobs, force=True, emit=False):
    cmd = [str(BIN), "build", "--out", str(out), "--jobs", str(jobs)] + [str(s) for s in specs]
    if force:
        cmd.append("--force")
    if emit:
        cmd.append("--emit-source")
    quiet(cmd, cwd=ROOT)


def typst_workdir(specs, work: Path):
    """briefgen's generated Typst for each spec, placed in a copy of templates/ (the root)."""
    src = work / "emit"
    briefgen(specs, src, 2, emit=True)
    root = work / "typst-root"
    shutil.copytree(ROOT / "templates", root)
    shutil.copy(ROOT / "briefs" / "assets" / "example-logo.png", root / "brand-logo.png")
    files = []
    for typ in sorted(src.glob("*.typ")):
        shutil.copy(typ, root / typ.name)
        files.append(root / typ.name)
    return root, files


def typst_cli(typst, root, files, parallel):
    def one(f):
        quiet([str(typst), "compile", "--root", str(root), "--font-path", str(root / "fonts"),
               "--ignore-system-fonts", str(f), str(f.with_suffix(".pdf"))])
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(one, files))


def pandoc_inputs(specs, work: Path):
    if not shutil.which("pandoc"):
        return None
    out = work / "docx"
    briefgen(specs, out, 2)
    mds = []
    for d in sorted(out.glob("*.docx")):
        md = work / (d.stem + ".md")
        quiet(["pandoc", str(d), "-t", "markdown", "-o", str(md)])
        mds.append(md)
    return mds


def pandoc(mds, parallel):
    def one(md):
        quiet(["pandoc", str(md), "-o", str(md.with_suffix(".docx"))])
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(one, mds))


def peak_rss_mb(specs, out):
    r = subprocess.run(["/usr/bin/time", "-v", str(BIN), "build", "--force", "--jobs", "2", "--out", str(out)] + [str(s) for s in specs],
                       cwd=ROOT, capture_output=True, text=True, check=True)
    for line in r.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1]) / 1024
    return float("nan")


def bench(name, specs, typst, work: Path):
    n = len(specs)
    out = work / "out"
    row = {"set": name, "briefs": n}
    row["briefgen_j1"] = median_ms(lambda: briefgen(specs, out, 1))
    row["briefgen_j2"] = median_ms(lambda: briefgen(specs, out, 2))
    root, files = typst_workdir(specs, work)
    row["typst_p1"] = median_ms(lambda: typst_cli(typst, root, files, 1))
    row["typst_p2"] = median_ms(lambda: typst_cli(typst, root, files, 2))
    mds = pandoc_inputs(specs, work)
    row["pandoc_p2"] = median_ms(lambda: pandoc(mds, 2)) if mds else None
    briefgen(specs, out, 2)  # warm the manifest
    row["noop"] = median_ms(lambda: briefgen(specs, out, 2, force=False))
    def one_change():
        with open(specs[0], "a") as f:
            f.write(f"# bench edit {time.perf_counter_ns()}\n")
        briefgen(specs, out, 2, force=False)
    row["one_change"] = median_ms(one_change)
    row["rss_mb"] = peak_rss_mb(specs, work / "rss")
    return row


def main():
    typst, version = setup()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, make in [("examples", example_specs), ("matrix", matrix_specs)]:
            work = tmp / name
            work.mkdir()
            specs = make(work)
            print(f"== {name}: {len(specs)} specs, {RUNS} runs each", flush=True)
            rows.append(bench(name, specs, typst, work))
    cores = os.cpu_count()
    print(f"\nbriefgen {subprocess.run([str(BIN), '--version'], capture_output=True, text=True).stdout.strip()}, {version}, "
          f"pandoc {'yes' if shutil.which('pandoc') else 'not installed'}, {cores} cores; medians of {RUNS} runs, ms\n")
    print("| set | briefs | briefgen -j1 | briefgen -j2 | typst CLI x1 | typst CLI x2 | speed-up at 2 | pandoc x2 | no-op | one spec changed | j2 vs j1 | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        pandoc_ms = f"{r['pandoc_p2']:.0f}" if r["pandoc_p2"] is not None else "-"
        print(f"| {r['set']} | {r['briefs']} | {r['briefgen_j1']:.0f} | {r['briefgen_j2']:.0f} | {r['typst_p1']:.0f} | {r['typst_p2']:.0f} | "
              f"{r['typst_p2'] / r['briefgen_j2']:.2f}x | {pandoc_ms} | {r['noop']:.1f} | {r['one_change']:.0f} | "
              f"{r['briefgen_j1'] / r['briefgen_j2']:.2f}x | {r['rss_mb']:.0f} |")
    print("\nTargets: briefgen -j2 at least 3x faster than the Typst CLI x2 on the matrix (briefgen also writes the DOCX "
          "and fits page budgets); no-op under 30 ms; peak RSS under 150 MB; -j2 at least 1.6x faster than -j1 on the matrix.")


if __name__ == "__main__":
    sys.exit(main())
