"""The browser scripts' own tests under Node's built-in test runner (tests/js/*.test.mjs): the
phone's outbox and what else needs no page. ``make test`` runs them first (``make test-js``) and
says so with ``JS_TESTS_RAN=1``; a plain ``pytest`` runs them here, so they never go unrun."""

import os
import shutil
import subprocess

import pytest

from .conftest import ROOT

# Read when the module is imported, before the conftest's fixture clears the environment.
ALREADY_RAN = os.environ.get("JS_TESTS_RAN") == "1"


def test_the_browser_scripts_own_tests_pass_under_node():
    if ALREADY_RAN:
        pytest.skip("make test-js ran them already")
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed: the tests in tests/js/ cannot run")
        pytest.skip("node is not installed")
    files = sorted(str(path) for path in (ROOT / "tests" / "js").glob("*.test.mjs"))
    assert files, "no tests in tests/js/"
    run = subprocess.run(
        [node, "--test", *files], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout
