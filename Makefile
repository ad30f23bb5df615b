# The two set-up commands of the README. Both work on a fresh machine with the Rust
# toolchain; `make test` also needs poppler-utils (pdftotext), which .ci/run installs.
CARGO ?= cargo

.PHONY: briefs test validate clean bench interop

# Build every example in briefs/ into out/ (PDF, DOCX and the generated Typst source).
briefs:
	$(CARGO) run --quiet -- build --out out --emit-source

test:
	$(CARGO) test

validate:
	$(CARGO) run --quiet -- validate

clean:
	rm -rf out
	$(CARGO) clean

# Benchmark: briefgen against the Typst CLI and pandoc (installs the Typst CLI into
# .bench-tools/ on first run). Prints a table; see README, Performance.
bench:
	python3 .ci/bench.py

# Checks every example with real clients (qpdf, poppler, LibreOffice, pandoc, python-docx,
# the Open XML SDK validator, page-validation, pikepdf); installs them on first run.
interop:
	python3 .ci/interop.py
