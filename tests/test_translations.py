"""The en and fi catalogs are complete: every Swedish source string translated, nothing fuzzy,
the same placeholders, and the catalogs up to date with the source."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted((ROOT / "facilitate" / "translations").glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w+\}")


def entries(path):
    with path.open("rb") as file:
        return [m for m in read_po(file) if m.id]


def as_list(value):
    return list(value) if isinstance(value, tuple) else [value]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_is_complete_and_placeholders_match(path):
    problems = []
    for message in entries(path):
        ids, strings = as_list(message.id), as_list(message.string)
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert problems == []


def test_catalogs_hold_every_source_string(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(template),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as file:
        source = {as_list(m.id)[0] for m in read_po(file) if m.id}
    for path in CATALOGS:
        translated = {as_list(m.id)[0] for m in entries(path)}
        assert source - translated == set(), f"run `make translate`: {path}"


def test_there_are_english_and_finnish_catalogs():
    assert {p.parts[-3] for p in CATALOGS} == {"en", "fi"}
