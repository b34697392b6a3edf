# make demo: render the example project's documents into output/ (DOCX and PDF), approve, sign and scan one.
# make test: run the tests (slow ones left out; make test-all runs them too).  make lint: ruff and mypy.
# make bench: run the benchmarks, then a summary of every figure (median, min–max).  Each sets up .venv first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
LOUPAN := $(VENV)/bin/loupan
STAMP  := $(VENV)/.installed-0.3
PROJECT := examples/cuihu

.PHONY: demo test test-all lint bench templates clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(LOUPAN) render --project $(PROJECT) --docs procedure,handbook --out output --pdf
	rm -rf output/signing && mkdir -p output/signing/inbox output/signing/filed && cp -r $(PROJECT) output/signing/cuihu
	$(LOUPAN) db upgrade --project output/signing/cuihu  # a project with a ledger: rendering records stage 已出具
	$(LOUPAN) render --project output/signing/cuihu --all-deals --docs subscription,contract --out output --pdf
	rm -rf output/month && $(PY) -m toolkit.play_activity $(PROJECT) $(PROJECT)/activity/2026-11.yaml output/month/cuihu
	$(LOUPAN) report monthly --period 2026-11 --project output/month/cuihu --out output
	$(LOUPAN) report weekly --period 2026-W46 --project output/month/cuihu --out output
	@echo "== 签约审定: the drafts approved, CHY-2026-0001's 认购书 signed and scanned, the scans taken by the inbox =="
	$(LOUPAN) check --project output/signing/cuihu --approve --by 王敏 \
	  output/CHY-2026-0001-subscription.docx output/CHY-2026-0002-subscription.docx
	$(PY) -m toolkit.scan_demo output/signing/cuihu output/CHY-2026-0001-subscription.pdf output/signing/inbox
	LOUPAN_PRINTED=output $(LOUPAN) ingest --project output/signing/cuihu --inbox output/signing/inbox \
	  --filed output/signing/filed
	@grep -q '签约审定：签署所用的打印件与' output/signing/filed/accepted/*-signed.pdf.report.html \
	  && grep -q scan.altered output/signing/filed/rejected/*-altered.pdf.report.html \
	  || { echo "the signed scan must be accepted against its approval, the altered one rejected"; exit 1; }
	@echo "reports: output/signing/filed/accepted/*.report.html, output/signing/filed/rejected/*.report.html"
	$(LOUPAN) status --project output/signing/cuihu
	@echo "== the office's paperwork: price list from the scheme, design-change notices, the duty sheet =="
	$(LOUPAN) pricing build --project $(PROJECT) --scheme $(PROJECT)/pricing/scheme.yaml --out output/pricing
	$(LOUPAN) notice design-change --project output/month/cuihu --change $(PROJECT)/notices/design-change.yaml \
	  --date 2026-11-30 --out output/notices --pdf
	$(LOUPAN) duty sheet --project $(PROJECT) --duty $(PROJECT)/duty/2026-11-21.yaml --out output/duty
	@echo "== invalid deals (each must be refused with its rule ids) =="
	@for f in $(PROJECT)/deals-invalid/*.yaml; do \
	  [ "$$(basename $$f)" = expected.yaml ] && continue; \
	  echo "-- $$f"; \
	  $(LOUPAN) render --project $(PROJECT) --deal $$f --out output/refused; rc=$$?; \
	  [ $$rc -eq 1 ] || { echo "expected exit 1, got $$rc"; exit 1; }; \
	done

PYTEST_ARGS ?= -m "not slow"

test: $(STAMP)
	$(PY) -m pytest -q -ra $(PYTEST_ARGS)

test-all: $(STAMP)
	$(MAKE) test PYTEST_ARGS=

lint: $(STAMP)
	$(VENV)/bin/ruff check toolkit tests bench
	$(VENV)/bin/ruff format --check toolkit tests bench
	$(VENV)/bin/mypy toolkit

BENCH_SUMMARY ?= .bench-summary.jsonl
BENCH_BASE ?=

# Each benchmark appends its figures (ratios round by round) to $(BENCH_SUMMARY); the summary prints them all.
# BENCH_BASE=DIR also times an older checkout's start-up side by side (e.g. `git worktree add /tmp/base REV`).
bench: $(STAMP)
	rm -f $(BENCH_SUMMARY)
	export LOUPAN_BENCH_SUMMARY=$(abspath $(BENCH_SUMMARY)); \
	$(PY) bench/bench_render.py && \
	$(PY) bench/bench_pdf.py && \
	$(PY) bench/bench_yaml.py && \
	$(PY) bench/bench_startup.py 7 $(if $(BENCH_BASE),--base $(BENCH_BASE)) && \
	$(PY) bench/bench_check.py && \
	$(PY) bench/bench_reports.py && \
	$(PY) bench/bench_inbox.py && \
	$(PY) bench/bench_pg.py && \
	$(PY) bench/bench_pricing.py && \
	$(PY) bench/bench_scan.py
	$(PY) bench/summary.py $(BENCH_SUMMARY)

templates: $(STAMP)
	$(LOUPAN) pack build templates/prc-presale

clean:
	rm -rf output .pytest_cache
