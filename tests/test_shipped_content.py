"""The modules we ship: complete, sourced, translated, and true to the seed documents."""

import dataclasses
from pathlib import Path

import pytest
import yaml

from facilitate.content import load_library, load_vocabulary, validate_paths
from facilitate.content.model import PROMPT_KINDS, Text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
LIBRARY = load_library(ROOT / "modules")

NORRBOTTEN_PARTS = [
    "Introduktion",
    "Demografi och urbanisering",
    "Globalisering",
    "Jämställdhet",
    "Klimat och miljö",
    "Digitalisering",
    "Avslut",
]

DEMOGRAFI = "Demografi och urbanisering"

#: The example questions of the study circle (seed 004_d39c837676a2746d.txt) and their parts.
SEED_QUESTIONS = {
    "Vilka konsekvenser tror du det får att vi blir allt fler äldre?": DEMOGRAFI,
    "Vad kan ohälsan i Norrbotten bero på?": DEMOGRAFI,
    "Vad orsakar urbaniseringen och vad tror du den får för konsekvenser?": DEMOGRAFI,
    "Vad tror du behövs för att Norrbotten ska öka sin befolkning?": DEMOGRAFI,
    "Vad innebär de långa avstånden för världen?": "Globalisering",
    "Hur kan Norrbotten bli mer attraktivt för unga kvinnor?": "Jämställdhet",
}

FOCUS_AREAS = [
    "Framtagande av Regional utvecklingsstrategi",
    "Hälsofrämjande insatser för en bättre och jämlik folkhälsa",
    "Civil beredskap",
    "Finansiering och samverkan/partnerskap",
]
DEVELOPMENT_AREAS = [
    "Överenskommelseprocessen",
    "Skapa, stärka dialog och mötesplatser",
    "Öka kunskap",
    "Information och kommunikation",
    "Intern förankring",
    "Samverkansstruktur och arbetssätt",
    "Främja utveckling",
]
PRINCIPLES = [
    "Självständighet och oberoende",
    "Kvalitet",
    "Långsiktighet",
    "Dialog",
    "Öppenhet",
    "Mångfald",
    "Innovation",
]


#: Modules whose every text is translated to Finnish (issue #7, "Languages").
FINNISH_MODULES = ["norrbotten-for-alla"]


def all_texts(node, where=""):
    """Every text inside a content object, with where it is (``parts[demografi].title``).

    Walks the dataclass fields generically, so a text field added to the model is checked
    without changing this test."""
    if isinstance(node, Text):
        yield where, node
    elif dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            yield from all_texts(getattr(node, field.name), f"{where}.{field.name}".lstrip("."))
    elif isinstance(node, tuple):
        for index, item in enumerate(node):
            yield from all_texts(item, f"{where}[{getattr(item, 'id', index)}]")


def language_maps(data):
    """Every ``{sv: ..., en: ...}`` map in parsed YAML: the texts as the files spell them."""
    if isinstance(data, dict):
        if "sv" in data and all(isinstance(v, str) for v in data.values()):
            yield data
        else:
            for value in data.values():
                yield from language_maps(value)
    elif isinstance(data, list):
        for item in data:
            yield from language_maps(item)


def test_shipped_modules_validate():
    assert validate_paths([ROOT / "modules"]) == []
    assert set(LIBRARY.modules) == {"norrbotten-for-alla", "samverkansdialog", "strategiskt-forum"}


@pytest.mark.parametrize(
    "module_id", ["norrbotten-for-alla", "samverkansdialog", "strategiskt-forum"]
)
def test_every_text_has_swedish_and_english(module_id):
    missing = [
        f"{where}: {language}"
        for where, text in all_texts(LIBRARY.get(module_id))
        for language in ("sv", "en")
        if language not in text.values
    ]
    assert missing == []


@pytest.mark.parametrize("module_id", FINNISH_MODULES)
def test_every_text_has_finnish(module_id):
    texts = all_texts(LIBRARY.get(module_id))
    missing = [where for where, text in texts if "fi" not in text.values]
    assert missing == []


@pytest.mark.parametrize(
    "module_id", ["norrbotten-for-alla", "samverkansdialog", "strategiskt-forum"]
)
def test_the_text_walk_finds_every_text_in_the_files(module_id):
    """The walk over content objects misses no text: it finds as many as the YAML files hold."""
    folder = ROOT / "modules" / module_id
    in_files = sum(
        len(list(language_maps(yaml.safe_load(path.read_text(encoding="utf-8")))))
        for path in folder.glob("*.yaml")
    )
    assert len(list(all_texts(LIBRARY.get(module_id)))) == in_files


def test_norrbotten_for_alla_has_the_seven_parts_in_order():
    module = LIBRARY.get("norrbotten-for-alla")
    assert [str(p.title) for p in module.parts] == NORRBOTTEN_PARTS


@pytest.mark.parametrize("index", range(7), ids=NORRBOTTEN_PARTS)
def test_each_study_circle_part_is_complete(index):
    part = LIBRARY.get("norrbotten-for-alla").parts[index]
    assert part.steps[0].kind == "info", "a part opens with an introduction"
    assert part.leader_notes is not None
    assert part.quiz_count >= 5
    assert sum(1 for s in part.steps if s.kind == "open") >= 3
    for step in part.steps:
        if step.kind == "quiz":
            assert step.explanation is not None
            assert step.source.title and 1900 < step.source.year <= 2026, step.id


@pytest.mark.parametrize(("question", "part_title"), SEED_QUESTIONS.items())
def test_seed_questions_appear_verbatim_in_the_right_part(question, part_title):
    assert question in (SEEDS / "004_d39c837676a2746d.txt").read_text(encoding="utf-8")
    module = LIBRARY.get("norrbotten-for-alla")
    [part] = [p for p in module.parts if str(p.title) == part_title]
    assert question in [str(s.prompt) for s in part.steps if s.prompt is not None]


def test_samverkansdialog_has_a_civil_society_and_a_public_sector_variant():
    module = LIBRARY.get("samverkansdialog")
    assert [p.id for p in module.parts] == ["civilsamhalle", "offentlig-sektor"]
    for part in module.parts:
        kinds = {s.kind for s in part.steps}
        assert {"poll", "open"} <= kinds
        assert any(s.kind == "poll" and s.multiple for s in part.steps), (
            "'Välj ett eller flera svar'"
        )
    seed = (SEEDS / "001_4f6eea2051d44168.txt").read_text(encoding="utf-8")
    civil = module.part("civilsamhalle")
    assert any(
        "HUR samverkar du/ni med Region Norrbotten idag?" in str(s.prompt)
        for s in civil.steps
        if s.prompt
    )
    assert "Bilaga 1. Frågeenkät civilsamhälle" in seed


def test_strategiskt_forum_ranks_focus_and_development_areas():
    module = LIBRARY.get("strategiskt-forum")
    ranks = [s for p in module.parts for s in p.steps if s.kind == "rank"]
    option_sets = [[str(o.text) for o in s.options] for s in ranks]
    assert sorted(FOCUS_AREAS) in [sorted(o) for o in option_sets]
    assert sorted(DEVELOPMENT_AREAS) in [sorted(o) for o in option_sets]
    tagged = {t for p in module.parts for s in p.steps if s.kind == "open" for t in s.tags}
    vocabulary = load_vocabulary()
    assert {t.id for t in vocabulary.in_group("focus")} <= tagged
    assert {t.id for t in vocabulary.in_group("area")} <= tagged
    principle_scales = {
        t for p in module.parts for s in p.steps if s.kind == "scale" for t in s.tags
    }
    assert {t.id for t in vocabulary.in_group("principle")} <= principle_scales


def test_vocabulary_is_the_action_plan_vocabulary():
    vocabulary = load_vocabulary()
    assert [str(t.label) for t in vocabulary.in_group("focus")] == FOCUS_AREAS
    assert [str(t.label) for t in vocabulary.in_group("area")] == DEVELOPMENT_AREAS
    assert [str(t.label) for t in vocabulary.in_group("principle")] == PRINCIPLES
    for tag in vocabulary.tags.values():
        assert {"sv", "en", "fi"} <= set(tag.label.values)


def test_steps_carry_action_plan_tags_where_they_relate():
    for module in LIBRARY:
        tagged = [s for p in module.parts for s in p.steps if s.tags]
        asked = [s for p in module.parts for s in p.steps if s.kind in PROMPT_KINDS]
        assert len(tagged) >= len(asked) // 2, module.id
