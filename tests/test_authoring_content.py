"""Content checked in memory, as the editor and uploads use it: the same schema and checks as
the files in modules/, each problem with where it is; and the round trip module → document →
module (and → YAML → module) for every shipped module."""

import copy

import pytest
import yaml

from facilitate.content import (
    check_document,
    dump_yaml,
    load_library,
    parse_module,
    to_document,
    validate_paths,
)

from .conftest import ROOT

LIBRARY = load_library(ROOT / "modules")


def dialogue() -> dict:
    """A small valid module with its part inline."""
    return {
        "id": "byakvall",
        "kind": "dialogue",
        "title": {"sv": "Byakväll om beredskap"},
        "description": {"sv": "En kväll om civil beredskap i byn."},
        "parts": [
            {
                "id": "kvall",
                "title": {"sv": "Kvällen"},
                "description": {"sv": "Hela kvällen."},
                "steps": [
                    {
                        "id": "intro",
                        "kind": "info",
                        "title": {"sv": "Välkomna"},
                        "body": {"sv": "Hej"},
                    },
                    {
                        "id": "fraga",
                        "kind": "quiz",
                        "prompt": {"sv": "Hur många dagar ska hushållet klara sig?"},
                        "options": [
                            {"id": "a", "text": {"sv": "Tre"}},
                            {"id": "b", "text": {"sv": "Sju"}, "correct": True},
                        ],
                        "explanation": {"sv": "MSB rekommenderar en vecka."},
                        "source": {"title": "MSB, Om krisen eller kriget kommer", "year": 2018},
                        "tags": ["focus.civil-preparedness"],
                    },
                ],
            }
        ],
    }


def problems_of(document):
    module, problems = check_document(document)
    assert module is None
    return [(p.code, p.path, p.location) for p in problems]


def test_a_valid_document_builds_a_module():
    module, problems = check_document(dialogue())
    assert problems == []
    assert module.id == "byakvall" and [s.id for s in module.part("kvall").steps] == [
        "intro",
        "fraga",
    ]
    assert module.step("fraga").option("b").correct


def test_missing_swedish_text_is_reported_at_the_text():
    document = dialogue()
    document["parts"][0]["steps"][1]["prompt"] = {"en": "How many days?"}
    assert problems_of(document) == [
        (
            "missing_swedish",
            ("parts", 0, "steps", 1, "prompt"),
            "parts[0] (kvall).steps[1] (fraga).prompt",
        )
    ]


def test_a_quiz_without_a_correct_option_cannot_be_saved():
    document = dialogue()
    del document["parts"][0]["steps"][1]["options"][1]["correct"]
    assert problems_of(document) == [
        (
            "quiz_single_correct",
            ("parts", 0, "steps", 1, "options"),
            "parts[0] (kvall).steps[1] (fraga).options",
        )
    ]


def test_duplicate_step_and_option_ids_are_reported():
    document = dialogue()
    steps = document["parts"][0]["steps"]
    steps[1]["options"][1]["id"] = "a"
    steps.append({**copy.deepcopy(steps[0])})
    found = problems_of(document)
    assert ("duplicate_id", ("parts", 0, "steps", 1, "options", 1, "id")) in [f[:2] for f in found]
    assert (
        "duplicate_step",
        ("parts", 0, "steps", 2, "id"),
        "parts[0] (kvall).steps[2] (intro).id",
    ) in found


def test_over_long_texts_and_lists_are_refused():
    document = dialogue()
    document["title"]["sv"] = "x" * 201
    document["parts"][0]["steps"][1]["options"] = [
        {"id": f"o{i}", "text": {"sv": "x"}, "correct": i == 0} for i in range(9)
    ]
    found = problems_of(document)
    assert ("too_long", ("title", "sv"), "title.sv") in found
    assert ("too_many", ("parts", 0, "steps", 1, "options")) in [f[:2] for f in found]


def test_unknown_tags_are_reported():
    document = dialogue()
    document["parts"][0]["steps"][1]["tags"] = ["focus.civil-preparedness", "focus.nonsense"]
    assert problems_of(document) == [
        (
            "unknown_tag",
            ("parts", 0, "steps", 1, "tags", 1),
            "parts[0] (kvall).steps[1] (fraga).tags[1]",
        )
    ]


def test_problems_keep_their_english_message_for_the_command_line():
    document = dialogue()
    document["parts"][0]["steps"][0]["title"] = {}
    _, problems = check_document(document, "byakvall.yaml")
    assert str(problems[0]) == (
        "byakvall.yaml: parts[0] (kvall).steps[0] (intro).title: "
        "missing the Swedish text ('sv'), the source language"
    )


def test_part_files_are_refused_in_a_document_without_a_folder():
    document = dialogue()
    document["parts"] = ["01-kvall.yaml"]
    assert problems_of(document) == [("part_file_not_allowed", ("parts", 0), "parts[0]")]


@pytest.mark.parametrize(
    "content, code",
    [
        (b"id: [unclosed", "not_yaml"),
        (b"\xff\xfe", "not_utf8"),
        (b"- just\n- a list\n", "not_mapping"),
        (b"name: not a module\n", "missing_key"),
        (b"x" * (1024 * 1024 + 1), "too_large"),
    ],
)
def test_files_that_are_no_module_say_why(content, code):
    module, problems = parse_module(content, "upload.yaml")
    assert module is None and problems[0].code == code


def test_yaml_errors_say_line_and_column():
    _, problems = parse_module(b"id: x\ntitle: {sv: [\n", "upload.yaml")
    assert problems[0].code == "not_yaml" and problems[0].location.startswith("line ")
    assert problems[0].params["line"] >= 2


@pytest.mark.parametrize("module", list(LIBRARY), ids=lambda m: m.id)
def test_every_shipped_module_round_trips(module):
    document = to_document(module)
    rebuilt, problems = check_document(document)
    assert problems == [] and rebuilt == module
    text = dump_yaml(document)
    again, problems = parse_module(text.encode("utf-8"))
    assert problems == [] and again == module
    assert dump_yaml(to_document(again)) == text


def test_a_module_folder_with_inline_parts_loads(tmp_path):
    folder = tmp_path / "byakvall"
    folder.mkdir()
    (folder / "module.yaml").write_text(yaml.safe_dump(dialogue(), allow_unicode=True), "utf-8")
    library = load_library(tmp_path)
    assert library.get("byakvall").part("kvall").steps[1].id == "fraga"
    assert validate_paths([folder]) == []


def test_inline_and_file_parts_mix_in_one_module(tmp_path):
    folder = tmp_path / "byakvall"
    folder.mkdir()
    document = dialogue()
    second = copy.deepcopy(document["parts"][0])
    second["id"] = "andra"
    for step in second["steps"]:
        step["id"] += "-2"
    (folder / "02-andra.yaml").write_text(yaml.safe_dump(second, allow_unicode=True), "utf-8")
    document["parts"].append("02-andra.yaml")
    (folder / "module.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    module = load_library(tmp_path).get("byakvall")
    assert [p.id for p in module.parts] == ["kvall", "andra"]


def test_shipped_texts_fit_the_length_limits():
    """The limits leave room: the longest shipped texts are below them."""
    for module in LIBRARY:
        assert check_document(to_document(module))[1] == []
