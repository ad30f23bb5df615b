#!/usr/bin/env python3
"""`make bench`: briefgen against the Typst CLI (and pandoc, if installed), side by side.

Measures, on the example specs and on a matrix of 21 generated specs (7 countries x 3
audiences, all themes):
  1. briefgen building every spec (PDF + DOCX) in a cold process, --jobs 1 and 2, and two
     --jobs 1 builds at once (the machine's ceiling for two jobs, which -j2 is read against);
  2. the Typst CLI compiling briefgen's generated Typst, one process per brief, 1 and 2
     at a time (what a shell script around `typst compile` would do);
  3. pandoc making DOCX from equivalent Markdown (optional);
  4. briefgen no-op rebuild (all cached) and rebuild after one spec changed;
  5. peak memory (/usr/bin/time -v) of a cold matrix build.
Then the page-budget fitting (issue 14), each row beside its target:
  6. each all-countries, all-themes brief at --jobs 1 against the Typst CLI compiling its
     final source once;
  7. layouts per brief and pages laid out per brief (briefgen --json), matrix + all/all,
     built into a new folder (the search starts from an estimate) and built again (it
     starts where the last build's ended, kept in the manifest);
  8. the all/all briefs on a dataset twenty times the real one (examples/scale_data.rs:
     each chapter's lists repeated, the copies' texts shuffled), as whole processes and as
     the brief's own build time from --json (without loading the dataset);
  6 and 8 time briefgen both as a build after the last (the checked dataset kept from it,
     src/produce/cache.rs, and the search started where the last one ended) and as the
     first build after the data changed (parsed again; the search still starts from the
     last); 6 also as the first build in a new folder (nothing kept);
  9. byte-identical outputs from two builds.
Each timing is the median of several runs; what a row compares is timed in turn, one run of
each a round (`medians_in_turn`), so that a drift in the machine's speed falls on both. This is a benchmark, not a test: it prints
numbers and the targets next to them; it fails only if something cannot run.
"""

import hashlib
import json
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
# BRIEFGEN_BIN measures another build (an older commit's, for a before/after).
BIN = Path(os.environ.get("BRIEFGEN_BIN", ROOT / "target" / "release" / "briefgen"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
COUNTRIES = ["canada", "denmark", "england", "new-zealand", "ireland", "victoria", "wales"]
AUDIENCES = ["minister", "funder", "community"]
TYPST_VERSION = "0.15.1"  # the Typst the library build uses (Cargo.lock), for a fair race


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


def medians_in_turn(fns, runs=RUNS):
    """Times each of `fns` (name -> function) once a round, in turn, for `runs` rounds, and
    returns each one's median: on a machine whose speed drifts, a ratio of two medians taken
    one after the other (five of one, then five of the other) carries the drift, and runs
    taken in turn share it."""
    times = {k: [] for k in fns}
    for _ in range(runs):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append((time.perf_counter() - t) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


def setup():
    if "BRIEFGEN_BIN" not in os.environ:
        print("== building briefgen (release)", flush=True)
        sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    typst = TOOLS / "bin" / "typst"
    have = subprocess.run([str(typst), "--version"], capture_output=True, text=True).stdout if typst.exists() else ""
    if TYPST_VERSION not in have:
        print(f"== installing the Typst CLI {TYPST_VERSION} into .bench-tools (once; takes minutes)", flush=True)
        sh(["cargo", "install", "typst-cli", "--version", TYPST_VERSION, "--locked", "--root", str(TOOLS), "--quiet"])
    print("== building the dataset scaler (examples/scale_data.rs)", flush=True)
    sh(["cargo", "build", "--quiet", "--example", "scale_data"], cwd=ROOT)
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


def two_at_once(specs, out):
    """Two -j1 builds of the same specs at once, into folders of their own: what two jobs
    that share nothing but the machine take, for its ceiling (the -j2 row's yardstick)."""
    procs = [subprocess.Popen([str(BIN), "build", "--out", str(out.parent / f"two-{k}"), "--jobs", "1", "--force"] + [str(s) for s in specs],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for k in (0, 1)]
    for p in procs:
        if p.wait() != 0:
            raise SystemExit(f"briefgen failed: {p.args}")


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
    root, files = typst_workdir(specs, work)
    row.update(medians_in_turn({
        "briefgen_j1": lambda: briefgen(specs, out, 1),
        "briefgen_j2": lambda: briefgen(specs, out, 2),
        "briefgen_two": lambda: two_at_once(specs, out),
        "typst_p1": lambda: typst_cli(typst, root, files, 1),
        "typst_p2": lambda: typst_cli(typst, root, files, 2),
    }))
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


def all_specs(dir: Path):
    specs = []
    for a in AUDIENCES:
        p = dir / f"all-{a}.yaml"
        p.write_text(f"date: 2026-11-22\naudience: {a}\ncountries: all\nthemes: all\n")
        specs.append(p)
    return specs


def budgets():
    out = subprocess.run([str(BIN), "list", "audiences"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    pages = {}
    for line in out.splitlines():
        if "(" in line:
            pages[line.split()[0]] = int(line.rsplit("(", 1)[1].split()[0])
    # A briefgen from before audiences were data (BRIEFGEN_BIN at an older commit) does not
    # print its budgets; these were its fixed ones.
    return pages or {"minister": 2, "funder": 4, "community": 4}


def records(specs, out, data=None):
    cmd = [str(BIN), "build", "--force", "--json", "--jobs", "2", "--out", str(out)] + [str(s) for s in specs]
    if data:
        cmd += ["--data", str(data)]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(r.stdout)


def digests(dir: Path):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(dir.iterdir()) if p.suffix in (".pdf", ".docx")}


def fitting(typst, tmp: Path):
    print("== page-budget fitting", flush=True)
    work = tmp / "fitting"
    work.mkdir()
    matrix = matrix_specs(work)
    alls = all_specs(work)
    budget = budgets()
    rows = []
    # 6. Each all/all brief alone, against the Typst CLI compiling its final source once;
    # briefgen as a build after the last (the dataset kept from it, produce::cache) and as
    # the first build after the data changed (the YAML parsed again).
    root, files = typst_workdir(alls, work)
    edited = work / "data-edited"
    shutil.copytree(ROOT / "data", edited)
    def after_an_edit(spec, data, out):
        with open(data / "report.yaml", "a") as f:
            f.write(f"# bench edit {time.perf_counter_ns()}\n")
        quiet([str(BIN), "build", "--force", "--jobs", "1", "--out", str(out), "--data", str(data), str(spec)], cwd=ROOT)
    for spec, typ in zip(alls, files):
        one = lambda: briefgen([spec], work / "one", 1)
        cold = lambda: after_an_edit(spec, edited, work / "one-edited")
        def fresh():
            shutil.rmtree(work / "one-fresh", ignore_errors=True)
            briefgen([spec], work / "one-fresh", 1)
        cli = lambda: quiet([str(typst), "compile", "--root", str(root), "--font-path", str(root / "fonts"), "--ignore-system-fonts", str(typ), str(typ.with_suffix(".pdf"))])
        m = medians_in_turn({"briefgen": one, "edited": cold, "fresh": fresh, "cli": cli})
        b, e, f, t = m["briefgen"], m["edited"], m["fresh"], m["cli"]
        rows.append((f"{spec.stem} at -j1: briefgen / Typst CLI once", f"{b:.0f} / {t:.0f} ms = {b / t:.2f}", "at most 1.5"))
        rows.append((f"the same, the data just edited", f"{e:.0f} / {t:.0f} ms = {e / t:.2f}", "(at most 1.5)"))
        rows.append((f"the same, in a new output folder", f"{f:.0f} / {t:.0f} ms = {f / t:.2f}", "(at most 1.5)"))
    # 7. Layouts and pages laid per brief.
    recs = records(matrix + alls, work / "json")
    layouts = sum(r["layouts"] for r in recs) / len(recs)
    def aud(r):
        stem = Path(r["spec"]).stem
        return stem.split("-")[1] if stem.startswith("all-") else stem.split("-")[0]
    over = [r for r in recs if r["pages_laid"] > 2 * budget[aud(r)] + 1]
    worst = max(r["pages_laid"] / (2 * budget[aud(r)] + 1) for r in recs)
    rows.append(("layouts per brief (matrix + all/all, mean)", f"{layouts:.2f}", "at most 1.5"))
    rows.append(("briefs laying out more than 2 x budget + 1 pages", f"{len(over)} of {len(recs)} (worst {worst:.2f} x the limit)", "none"))
    # The same briefs built again into the same folder: each search starts where the last
    # build's ended (the manifest keeps it), as a CI build after a data edit does.
    again = records(matrix + alls, work / "json")
    started = sum(1 for r in again if r.get("started_from_last_build"))
    rows.append(("the same, rebuilt: layouts per brief", f"{sum(r['layouts'] for r in again) / len(again):.2f} ({started} of {len(again)} started from the last build)", "(at most 1.5)"))
    over = [r for r in again if r["pages_laid"] > 2 * budget[aud(r)] + 1]
    rows.append(("the same, rebuilt: briefs laying out more than 2 x budget + 1 pages", f"{len(over)} of {len(again)}", "(none)"))
    rows.append(("the same, rebuilt: outputs byte-identical to the first build", "yes" if [r["outputs"] for r in again] == [r["outputs"] for r in recs] else "NO", "yes"))
    # 8. A dataset twenty times the real one: the all/all briefs, -j1 each.
    big = work / "data-x20"
    sh([str(ROOT / "target" / "debug" / "examples" / "scale_data"), str(ROOT / "data"), str(big), "20"])
    def brief_ms(spec, data=None):
        # The brief's own build time as --json reports it: without starting the process and
        # loading the dataset, which grow with the dataset whatever the fitting does.
        # Each dataset into its own folder, which keeps that dataset and its last search.
        cmd = [str(BIN), "build", "--force", "--json", "--jobs", "1", "--out", str(work / ("one-json-x20" if data else "one-json")), str(spec)]
        if data:
            cmd += ["--data", str(data)]
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
        return json.loads(r.stdout)[0]["milliseconds"]
    big_edited = work / "data-x20-edited"
    shutil.copytree(big, big_edited)
    # As settled as the real dataset's files: a data file written in the last two seconds
    # is hashed for the kept dataset's key, not vouched for by its stamp (produce::cache).
    time.sleep(2.1)
    for spec in alls:
        def scaled():
            quiet([str(BIN), "build", "--force", "--jobs", "1", "--out", str(work / "x20"), "--data", str(big), str(spec)], cwd=ROOT)
        m = medians_in_turn({
            "real": lambda: briefgen([spec], work / "real", 1),
            "x20": scaled,
            "real_edited": lambda: after_an_edit(spec, edited, work / "real-edited"),
            "x20_edited": lambda: after_an_edit(spec, big_edited, work / "x20-edited"),
        })
        real, x20 = m["real"], m["x20"]
        rows.append((f"{spec.stem}, 20 x dataset / real, whole process", f"{x20:.0f} / {real:.0f} ms = {x20 / real:.2f}", "at most 1.3"))
        real, x20 = m["real_edited"], m["x20_edited"]
        rows.append((f"the same, the data just edited", f"{x20:.0f} / {real:.0f} ms = {x20 / real:.2f}", "(at most 1.3)"))
        pairs = [(brief_ms(spec, big), brief_ms(spec)) for _ in range(RUNS)]
        b20, b1 = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        rows.append((f"{spec.stem}, 20 x dataset / real, the brief alone (--json)", f"{b20:.0f} / {b1:.0f} ms = {b20 / b1:.2f}", "(at most 1.3)"))
    # 9. Byte-identical outputs.
    briefgen(matrix + alls, work / "det-a", 2)
    briefgen(matrix + alls, work / "det-b", 1)
    same = digests(work / "det-a") == digests(work / "det-b")
    rows.append(("outputs of a -j2 and a -j1 build byte-identical", "yes" if same else "NO", "yes"))
    return rows


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
        fit_rows = fitting(typst, tmp)
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
    for r in rows:
        ceiling = 2 * r["briefgen_j1"] / r["briefgen_two"]
        print(f"\n{r['set']}: two -j1 builds at once took {r['briefgen_two']:.0f} ms against {r['briefgen_j1']:.0f} for one alone, so on this "
              f"machine two jobs do at most {ceiling:.2f}x the work of one; -j2 vs -j1 ({r['briefgen_j1'] / r['briefgen_j2']:.2f}x) is "
              f"{r['briefgen_j1'] / r['briefgen_j2'] / ceiling:.0%} of that.")
    print("\nTargets: on the matrix, briefgen -j2 (PDF + DOCX, page budgets fitted) at least as fast as the Typst CLI x2 "
          "compiling the final sources, PDF only (speed-up at 2 at least 1.00x); no-op under 30 ms; peak RSS under 150 MB; "
          "-j2 at least 1.6x faster than -j1 on the matrix.")
    print("\n| page-budget fitting | measured | target |")
    print("|---|---|---|")
    for name, value, target in fit_rows:
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    sys.exit(main())
