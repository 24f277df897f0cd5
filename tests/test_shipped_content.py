"""The modules we ship: complete, sourced, translated, and true to the seed documents."""

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from facilitate.content import load_library, load_vocabulary, validate_paths
from facilitate.content.model import Text
from facilitate.steps import kind_of, quiz_count

ROOT = Path(__file__).resolve().parent.parent
#: The seed documents sit beside the checkout (../shared/seeds), or one level further up for a
#: git worktree under a folder of worktrees.
SEEDS = next(
    (
        p
        for p in (ROOT.parent / "shared" / "seeds", ROOT.parent.parent / "shared" / "seeds")
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "seeds",
)
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

#: The example questions of the study circle (the presentation "Region Norrbotten och civila
#: samhället", seed 004) and their parts.
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


SHIPPED = sorted(LIBRARY.modules)

#: An internal seed file name (``004_d39c837676a2746d.txt``) or a mention of "seed": people
#: read the content, and a reader cannot open our seed folder; content cites the real document.
SEED_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}\b|\.txt\b|\bseeds?\b", re.IGNORECASE)
#: All-caps words allowed in content: abbreviations, and the stressed negation of one quiz.
CAPITALS_ALLOWED = {
    "HYBRIT", "IOP", "LKAB", "MSB", "PTS", "RUS", "SCB", "SOU", "SSAB", "SÖK", "UNESCO", "USA",
    "VMA", "RISE", "UTC", "INTE", "NOT",
}  # fmt: skip


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


@pytest.mark.parametrize("module_id", SHIPPED)
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
    assert quiz_count(part) >= 5
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
    assert "Bilaga 1. Frågeenkät civilsamhälle" in seed
    # The questionnaire's question, with its emphasis capitals written the usual way.
    question = "Hur samverkar du/ni med Region Norrbotten idag?"
    assert question.upper() in seed.upper()
    civil = module.part("civilsamhalle")
    assert any(question in str(s.prompt) for s in civil.steps if s.prompt)


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
        asked = [s for p in module.parts for s in p.steps if kind_of(s).asks_opinion]
        assert len(tagged) >= len(asked) // 2, module.id


def content_strings(module):
    """Every string of a module a person can read: each language of each text, and the title
    and address of every source."""
    for where, text in all_texts(module):
        for language, value in text.values.items():
            yield f"{where}.{language}", value
    steps = [s for p in module.parts for s in p.steps]
    sources = [("sources", s) for s in module.sources]
    sources += [(f"{s.id}.source", s.source) for s in steps if s.source]
    for where, source in sources:
        yield f"{where}.title", source.title
        yield f"{where}.url", source.url or ""


@pytest.mark.parametrize("module_id", SHIPPED)
def test_no_content_names_an_internal_seed_file(module_id):
    named = [
        (where, value)
        for where, value in content_strings(LIBRARY.get(module_id))
        if SEED_NAME.search(value)
    ]
    assert named == []


@pytest.mark.parametrize("module_id", SHIPPED)
def test_every_source_is_a_publication_a_reader_can_open(module_id):
    module = LIBRARY.get(module_id)
    sources = list(module.sources) + [
        s.source for p in module.parts for s in p.steps if s.kind == "quiz"
    ]
    assert sources
    for source in sources:
        assert re.match(r"^https?://[a-z0-9.-]+\.[a-z]{2,}(/|$)", source.url or ""), source
        publisher, _, title = source.title.partition(": ")
        assert publisher and title, f"'Publisher: title' expected, got {source.title!r}"


@pytest.mark.parametrize("module_id", SHIPPED)
def test_source_quirks_are_written_the_usual_way(module_id):
    """The questionnaire's emphasis capitals (HUR, VILKA, EXEMPEL) and "e t c" are verbatim
    quirks of the source; on the screen they are written the usual way."""
    for where, value in content_strings(LIBRARY.get(module_id)):
        if where.endswith(".url"):
            continue
        assert "e t c" not in value, where
        capitals = set(re.findall(r"\b[A-ZÅÄÖ]{3,}\b", value)) - CAPITALS_ALLOWED
        assert capitals == set(), (where, capitals)


@pytest.mark.parametrize("module_id", SHIPPED)
def test_every_part_says_how_long_it_takes_and_what_to_bring(module_id):
    for part in LIBRARY.get(module_id).parts:
        assert part.duration is not None and 15 <= part.duration[0] <= part.duration[1], part.id
        assert part.materials, part.id


@pytest.mark.parametrize("module_id", SHIPPED)
def test_every_step_has_a_topic_and_principles_tag_only_the_agreement(module_id):
    """A principle describes how the parties collaborate, not a subject: a step tagged with one
    is about the agreement, its principles or the collaboration (its topic), never about industry,
    gender equality or the like, which are topics."""
    vocabulary = load_vocabulary()
    for part in LIBRARY.get(module_id).parts:
        for step in part.steps:
            assert step.topic in vocabulary.topics, step.id
            principles = [t for t in step.tags if vocabulary.tags[t].group == "principle"]
            assert not principles or step.topic == "regional-agreement", step.id


def test_the_study_circle_tags_what_the_issue_found_mis_tagged():
    """The re-tagging of issue #22: no focus or principle tag bent into a topic keyword."""
    module = LIBRARY.get("norrbotten-for-alla")
    vocabulary = load_vocabulary()
    assert "focus.civil-preparedness" not in module.step("klimat-q-vattenkraft").tags
    for step_id in ("globalisering-q-barents", "avslut-q-parterna", "digitalisering-d-utanfor"):
        assert "focus.funding-partnership" not in module.step(step_id).tags, step_id
    assert "focus.public-health" not in module.step("jamstalldhet-q-mal").tags
    principled = [
        s.id
        for p in module.parts
        for s in p.steps
        if any(vocabulary.tags[t].group == "principle" for t in s.tags)
    ]
    assert principled == []
    equality = module.part("jamstalldhet").steps
    assert {s.topic for s in equality} == {"gender-equality"}


def test_the_quiz_facts_the_issue_questioned_agree_with_their_explanations():
    module = LIBRARY.get("norrbotten-for-alla")
    density = module.step("demografi-q-tathet")
    [right] = [o for o in density.options if o.correct]
    assert "2,6" in str(right.text) and "2,6" in str(density.explanation)
    reindeer = module.step("klimat-q-renskotsel")
    [right] = [o for o in reindeer.options if o.correct]
    assert "tredjedel" in str(right.text) and "hälften" in str(right.text)
    assert "Sametinget" in str(reindeer.explanation) or "sametinget" in reindeer.source.url
    # Time-bound wording: no "in twenty years", no goal still to be met in a year gone by.
    assert "om drygt tjugo år" not in str(module.step("klimat-q-klimatmal").explanation)
    assert "skulle" in str(module.step("digitalisering-q-bredbandsmal").prompt)
    assert "bygger ett stålverk" not in str(module.step("klimat-q-stegra").prompt)
    assert "2023" in str(module.step("globalisering-q-barents").explanation)


def test_the_closing_steps_name_a_real_contact_route():
    for module_id, step_id in [
        ("norrbotten-for-alla", "avslut-tack"),
        ("samverkansdialog", "civilsamhalle-tack"),
        ("samverkansdialog", "offentlig-sektor-tack"),
        ("strategiskt-forum", "utvecklingsomraden-tack"),
    ]:
        body = LIBRARY.get(module_id).step(step_id).body
        assert all("www.samforma.se" in body.get(lang) for lang in ("sv", "en", "fi")), step_id


def test_what_the_seeds_offer_is_in_the_content():
    dialogue = LIBRARY.get("samverkansdialog")
    forum = LIBRARY.get("strategiskt-forum")
    circle = LIBRARY.get("norrbotten-for-alla")
    seed_004 = (SEEDS / "004_d39c837676a2746d.txt").read_text(encoding="utf-8")
    definition = "En arena skild från staten, marknaden och det enskilda hushållet"
    assert definition in seed_004
    for part in dialogue.parts:
        texts = " ".join(str(s.body) for s in part.steps if s.kind == "info")
        assert definition in texts and "Det rum där enskilda medborgare" in texts
        assert "röstbärare, demokratiskola, gemenskapsbyggare, serviceproducent" in texts
        assert all(
            level in texts for level in ("Information:", "Samråd:", "Dialog:", "Partnerskap:")
        )
    assert "17.17" in str(forum.step("principer-overenskommelsen").body)
    assert "folkhälsostrategi" in str(forum.step("fokusomraden-folkhalsa").leader_notes)
    assert "IOP" in str(forum.step("fokusomraden-finansiering").leader_notes)
    assert "kvalitet" in {s.id for s in forum.step("principer-pastaenden").statements}
    intro = str(circle.step("introduktion-intro").body)
    assert "främja demokratin" in intro and "delaktigheten" in intro
    assert "folkhögskola" in intro and "gymnasiet" in intro
    assert "Länsstyrelsen" in str(dialogue.step("offentlig-sektor-hur").leader_notes)
    assert "får" in str(dialogue.step("civilsamhalle-hur-region").leader_notes)
