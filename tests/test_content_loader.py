"""The content loader: every broken case is reported as ``file: location: message``, and the
app refuses to start instead of running with half its content."""

import dataclasses
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from facilitate import create_app
from facilitate.cli import cli
from facilitate.content import ContentError, load_library, validate_paths
from facilitate.steps import prompt_count, quiz_count

MODULE = {
    "id": "demo",
    "kind": "study-circle",
    "title": {"sv": "Demo", "en": "Demo"},
    "description": {"sv": "En demo.", "en": "A demo."},
    "parts": ["01-del.yaml"],
}


def quiz(step_id="q1", correct=("b",), multiple=False, **extra):
    return {
        "id": step_id,
        "kind": "quiz",
        "prompt": {"sv": "Hur många kommuner finns i Norrbotten?", "en": "How many?"},
        "multiple": multiple,
        "options": [
            {"id": o, "text": {"sv": t}, **({"correct": True} if o in correct else {})}
            for o, t in (("a", "7"), ("b", "14"), ("c", "21"))
        ],
        "explanation": {"sv": "Det finns 14 kommuner."},
        "source": {"title": "SCB", "year": 2024},
        **extra,
    }


def part(*steps):
    return {
        "id": "del",
        "title": {"sv": "Del"},
        "description": {"sv": "En del."},
        "steps": list(steps)
        or [{"id": "intro", "kind": "info", "title": {"sv": "Hej"}, "body": {"sv": "Text"}}],
    }


def write_module(root: Path, module=None, part_data=None, part_text=None) -> Path:
    folder = root / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.yaml").write_text(yaml.safe_dump(module or MODULE, allow_unicode=True))
    (folder / "01-del.yaml").write_text(
        part_text
        if part_text is not None
        else yaml.safe_dump(part_data or part(quiz()), allow_unicode=True)
    )
    return folder


def problems_of(tmp_path, **kwargs) -> list[str]:
    write_module(tmp_path / "modules", **kwargs)
    return [str(p) for p in validate_paths([tmp_path / "modules"])]


def test_valid_module_loads_into_immutable_objects(tmp_path):
    write_module(
        tmp_path / "modules",
        part_data={
            **part(
                quiz(topic="county"),
                {
                    "id": "d1",
                    "kind": "open",
                    "prompt": {"sv": "Vad tycker du?"},
                    "tags": ["focus.civil-preparedness"],
                },
            ),
            "duration": {"min": 30, "max": 45},
            "materials": [{"sv": "Blädderblock", "en": "Flip chart"}],
        },
    )
    library = load_library(tmp_path / "modules")
    module = library.get("demo")
    step = module.step("q1")
    assert [o.id for o in step.options if o.correct] == ["b"]
    assert step.source.year == 2024
    assert quiz_count(module.parts[0]) == 1 and prompt_count(module.parts[0]) == 1
    assert module.step("d1").tags == ("focus.civil-preparedness",)
    assert step.topic == "county" and module.step("d1").topic is None
    assert (
        library.vocabulary.topics["county"].label.get("en") == "The county and its municipalities"
    )
    assert module.parts[0].duration == (30, 45)
    assert [m.get("en") for m in module.parts[0].materials] == ["Flip chart"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.id = "changed"
    with pytest.raises(TypeError):
        step.prompt.values["sv"] = "changed"
    assert step.prompt.get("fi") == "Hur många kommuner finns i Norrbotten?"  # falls back to sv
    assert step.prompt.language_for("fi") == "sv"
    assert step.prompt.get("en") == "How many?"


BROKEN_CASES = {
    "bad-yaml": (
        {"part_text": "id: del\nsteps: [\n  - unclosed"},
        "01-del.yaml: line 3, column",
        "not valid YAML",
    ),
    "not-a-mapping": ({"part_text": "- just\n- a list\n"}, "01-del.yaml: -:", "expected a mapping"),
    "unknown-kind": (
        {"part_data": part({"id": "x", "kind": "lottery", "prompt": {"sv": "?"}})},
        "01-del.yaml: steps[0] (x).kind:",
        "'lottery' is not allowed here",
    ),
    "missing-sv": (
        {"part_data": part({"id": "x", "kind": "open", "prompt": {"en": "What?"}})},
        "01-del.yaml: steps[0] (x).prompt:",
        "missing the Swedish text ('sv')",
    ),
    "duplicate-step-id": (
        {"part_data": part(quiz("same"), quiz("same"))},
        "01-del.yaml: steps[1] (same).id:",
        "step id 'same' is already used",
    ),
    "quiz-without-correct-option": (
        {"part_data": part(quiz(correct=()))},
        "01-del.yaml: steps[0] (q1).options:",
        "exactly one correct option, found 0",
    ),
    "single-choice-quiz-with-two-correct": (
        {"part_data": part(quiz(correct=("a", "b")))},
        "01-del.yaml: steps[0] (q1).options:",
        "exactly one correct option, found 2",
    ),
    "multiple-choice-quiz-all-correct": (
        {"part_data": part(quiz(correct=("a", "b", "c"), multiple=True))},
        "01-del.yaml: steps[0] (q1).options:",
        "at least one correct and one incorrect option",
    ),
    "unknown-tag": (
        {"part_data": part(quiz(tags=["focus.public-health", "focus.moon-landing"]))},
        "01-del.yaml: steps[0] (q1).tags[1]:",
        "unknown tag 'focus.moon-landing'",
    ),
    "unknown-topic": (
        {"part_data": part(quiz(topic="moon-landing"))},
        "01-del.yaml: steps[0] (q1).topic:",
        "unknown topic 'moon-landing'",
    ),
    "duration-max-below-min": (
        {"part_data": {**part(quiz()), "duration": {"min": 60, "max": 30}}},
        "01-del.yaml: duration:",
        "max (30) is less than min (60)",
    ),
    "empty-materials-item": (
        {"part_data": {**part(quiz()), "materials": [{"sv": ""}]}},
        "01-del.yaml: materials[0].sv:",
        "text must not be empty",
    ),
    "quiz-without-source": (
        {"part_data": part({k: v for k, v in quiz().items() if k != "source"})},
        "01-del.yaml: steps[0] (q1):",
        "missing required key 'source'",
    ),
    "key-of-another-kind": (
        {"part_data": part({"id": "x", "kind": "open", "prompt": {"sv": "?"}, "options": []})},
        "01-del.yaml: steps[0] (x):",
        "unknown key(s) for this kind of step: 'options'",
    ),
    "unquoted-comma-in-text": (
        {
            "part_text": "id: del\ntitle: {sv: Del}\ndescription: {sv: D}\nsteps:\n"
            "  - {id: x, kind: open, prompt: {sv: Ungefär 1,2 barn}}\n"
        },
        "01-del.yaml: steps[0] (x).prompt:",
        "is not a language code",
    ),
    "module-id-not-folder": (
        {"module": {**MODULE, "id": "other"}},
        "module.yaml: id:",
        "must equal the folder name 'demo'",
    ),
    "missing-part-file": (
        {"module": {**MODULE, "parts": ["01-del.yaml", "02-gone.yaml"]}},
        "module.yaml: parts[1]:",
        "part file '02-gone.yaml' does not exist",
    ),
}


@pytest.mark.parametrize(
    ("kwargs", "where", "what"), BROKEN_CASES.values(), ids=BROKEN_CASES.keys()
)
def test_each_broken_case_is_reported_precisely(tmp_path, kwargs, where, what):
    problems = problems_of(tmp_path, **kwargs)
    assert any(where in p and what in p for p in problems), problems


@pytest.mark.parametrize(
    ("kwargs", "where", "what"), BROKEN_CASES.values(), ids=BROKEN_CASES.keys()
)
def test_validate_command_exits_1_with_the_message(tmp_path, kwargs, where, what):
    folder = write_module(tmp_path / "modules", **kwargs)

    result = CliRunner().invoke(cli, ["modules", "validate", str(folder)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if where in line]
    assert lines and what in lines[0]
    assert lines[0].startswith(str(folder))


@pytest.mark.parametrize(
    ("kwargs", "where", "what"), BROKEN_CASES.values(), ids=BROKEN_CASES.keys()
)
def test_app_refuses_to_start_with_the_same_message(tmp_path, kwargs, where, what):
    write_module(tmp_path / "modules", **kwargs)
    with pytest.raises(ContentError) as raised:
        create_app({"MODULES_PATH": str(tmp_path / "modules"), "DATABASE_URL": "sqlite://"})
    assert any(where in str(p) and what in str(p) for p in raised.value.problems)


def test_cli_commands_that_need_the_app_fail_cleanly_on_broken_content(tmp_path, monkeypatch):

    write_module(tmp_path / "modules", part_data=part(quiz(correct=())))
    monkeypatch.setenv("FACILITATE_MODULES_PATH", str(tmp_path / "modules"))
    result = CliRunner().invoke(cli, ["modules", "list"])
    assert result.exit_code == 1
    assert "exactly one correct option, found 0" in result.output
    assert "Traceback" not in result.output


def test_validate_accepts_a_single_part_file_and_reports_missing_paths(tmp_path):
    folder = write_module(tmp_path / "modules")
    assert validate_paths([folder / "01-del.yaml"]) == []
    assert validate_paths([folder / "module.yaml"]) == []
    [problem] = validate_paths([tmp_path / "nowhere"])
    assert "no such file or folder" in str(problem)


def test_validate_reports_every_problem_not_just_the_first(tmp_path):
    problems = problems_of(
        tmp_path, part_data=part(quiz("a1", correct=()), quiz("a2", tags=["nope"]))
    )
    assert len(problems) == 2
