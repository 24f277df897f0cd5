"""Exports across sessions: the four formats read back as a spreadsheet, Excel and Word would,
the filters, the privacy rules, bad input and who may export, over the web, the API and the
command line. The data is made through the same operations as live sessions
(tests/exportdata.py): three circles in three municipalities, two meetings each, four phones
(two of them recognised across meetings by their circle token) and one person answering
through the leader; in every open question one contribution hidden, one withdrawn, one merged."""

import csv
import io
import json

import jsonschema
import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook
from openpyxl.chart import BarChart
from openpyxl.utils import get_column_letter

from facilitate.auth import Role, User
from facilitate.auth.operations import create_token
from facilitate.content import library
from facilitate.core.i18n import localized
from facilitate.exports.models import ExportLog
from facilitate.exports.tabular import COLUMNS
from facilitate.extensions import db
from facilitate.sessions.models import Participant

from .conftest import log_in
from .exportdata import ORGANISERS, populate

API = "/api/v1/export"


@pytest.fixture
def made(app):
    return populate(app, circles=3, parts=2, people=4)


@pytest.fixture
def analyst(make_user):
    return make_user(email="analys@example.org", role=Role.analyst)


@pytest.fixture
def token(app, analyst):
    with app.app_context():
        token = create_token(db.session.get(User, analyst.id))
        db.session.commit()
    return token


@pytest.fixture
def api_get(client, token):
    """GET the export API as the analyst; returns the response."""

    def fetch(**params):
        return client.get(API, query_string=params, headers={"Authorization": f"Bearer {token}"})

    return fetch


@pytest.fixture
def get(api_get, made):
    """``api_get`` over the generated data."""
    return api_get


@pytest.fixture
def tiny(app):
    """Less data, for tests of what is refused: one meeting of one person in each circle."""
    return populate(app, circles=3, parts=1, people=1, moderate=False)


def exported_json(get, **params):
    response = get(format="json", **params)
    assert response.status_code == 200, response.get_json()
    return json.loads(response.data)


def csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_parses_as_a_spreadsheet_would_with_stable_columns(get, made):
    response = get(format="csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0].split(";") == list(COLUMNS)
    assert "\r\n" in text
    rows = csv_rows(response.data)
    assert len(rows) == len(exported_json(get)["responses"])
    assert {r["municipality"] for r in rows} == {"Arvidsjaur", "Arjeplog", "Jokkmokk"}
    assert {r["kind"] for r in rows} >= {"quiz", "poll", "open", "scale"}
    quiz = next(r for r in rows if r["kind"] == "quiz")
    assert quiz["correct"] in ("true", "false") and quiz["prompt"]
    assert quiz["time"][:4] == "2026" and len(quiz["time"]) == 19
    assert {r["session"] for r in rows} == {str(s) for s in made.sessions}


def test_csv_neutralises_formulas(get):
    rows = csv_rows(get(format="csv").data)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    values = {r["value"] for r in rows if r["kind"] == "open"}
    assert '\'=HYPERLINK("http://example.org","klicka")' in values
    assert "'-fler jobb på orten" in values
    assert "'@alla: tänk långsiktigt" in values


def test_withdrawn_hidden_merged_and_proxy_answers(get, made):
    rows = csv_rows(get(format="csv").data)
    by_response = {int(r["response"]): r for r in rows}
    for _session, response, _text in made.withdrawn:
        assert response not in by_response
    for _session, response, _text in made.hidden:
        assert response not in by_response
    for _session, response, into in made.merged:
        assert by_response[response]["merged_into"] == str(into)
    assert any(r["entered_by_leader"] == "true" for r in rows)
    assert all(r["hidden"] == "false" for r in rows)

    with_hidden = csv_rows(get(format="csv", include_hidden="1").data)
    hidden = {int(r["response"]): r for r in with_hidden if r["hidden"] == "true"}
    assert set(hidden) == {response for _s, response, _t in made.hidden}
    assert not {response for _s, response, _t in made.withdrawn} & {
        int(r["response"]) for r in with_hidden
    }


def test_runtime_tags_and_the_steps_tags_both_count(get, app):
    rows = csv_rows(get(format="csv").data)
    with app.app_context():
        step_tags = {s.id: set(s.tags) for m in library() for p in m.parts for s in p.steps}
    tagged = [r for r in rows if "focus.civil-preparedness" in r["tags"].split("; ")]
    assert tagged
    for row in rows:
        assert step_tags[row["step"]] <= set(row["tags"].split("; ")) - {""}
    only = exported_json(get, tag="focus.civil-preparedness")["responses"]
    assert {r["response"] for r in only} == {int(r["response"]) for r in tagged}
    themed = [r for r in tagged if r["theme"] == "Beredskap"]
    assert themed and all(r["kind"] == "open" for r in themed)


# --- privacy ------------------------------------------------------------------------------------


def test_no_names_tokens_or_addresses_in_any_format(get, made, app):
    with app.app_context():
        hashes = set(db.session.scalars(sa.select(Participant.token_hash)))
    assert made.names
    for format in ("csv", "xlsx", "json", "docx"):
        content = get(format=format).data
        text = _readable(format, content)
        for name in [*made.names, "Utan telefon"]:
            assert name not in text, (format, name)
        for secret in hashes:
            assert secret not in text
        assert "127.0.0.1" not in text


def _readable(format: str, content: bytes) -> str:
    if format == "xlsx":
        workbook = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(v) for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if v
        )
    if format == "docx":
        doc = Document(io.BytesIO(content))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    return content.decode("utf-8-sig")


def test_participants_are_per_export_pseudonyms_recognised_within_a_circle(get, made):
    first, second = exported_json(get), exported_json(get)
    pseudonyms = {r["participant"] for r in first["responses"]}
    assert all(p.startswith("d-") and len(p) == 12 for p in pseudonyms)
    assert not pseudonyms & {r["participant"] for r in second["responses"]}
    # In a circle's two meetings, the two people who opted in keep their pseudonym.
    circle = made.circles[0]
    meetings = sorted({r["session"] for r in first["responses"] if r["circle"] == circle})
    people = [{r["participant"] for r in first["responses"] if r["session"] == s} for s in meetings]
    assert len(people[0]) == 5 and len(people[1]) == 5
    assert len(people[0] & people[1]) == 2
    # Across circles nobody is the same person.
    other = {r["participant"] for r in first["responses"] if r["circle"] == made.circles[1]}
    assert not other & (people[0] | people[1])


def test_small_groups_are_fewer_than_three_in_summaries(get, app, made):
    # One meeting of five people: most options are chosen by one or two of them.
    document = exported_json(get, session=made.sessions[0])
    poll = next(q for q in document["questions"] if q["kind"] == "poll")
    counts = poll["results"]["counts"]
    raw = [r["value"] for r in document["responses"] if r["step"] == poll["step"]]
    for option, count in counts.items():
        exact = sum(1 for v in raw if v == option or (isinstance(v, list) and option in v))
        assert count == (None if 0 < exact < 3 else exact)
    assert document["min_group_size"] == 3
    assert document["sessions"][0]["participants"] == 5
    quiz = next(q for q in document["questions"] if q["kind"] == "quiz")
    assert quiz["results"]["correct_share"] is not None  # five answered: enough for a share

    app.config["EXPORT_MIN_GROUP_SIZE"] = 6
    strict = exported_json(get, session=made.sessions[0])
    assert strict["sessions"][0]["participants"] is None
    assert (
        next(q for q in strict["questions"] if q["kind"] == "quiz")["results"]["correct_share"]
        is None
    )

    app.config["EXPORT_MIN_GROUP_SIZE"] = 1
    exact = exported_json(get, session=made.sessions[0])
    assert (
        None
        not in next(q for q in exact["questions"] if q["kind"] == "poll")["results"][
            "counts"
        ].values()
    )


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_has_a_summary_a_chart_per_question_and_every_response(get):
    response = get(format="xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    names = workbook.sheetnames
    assert names[0] == "Sammanfattning" and names[-2:] == ["Svar", "Kolumner"]
    summary = workbook["Sammanfattning"]
    assert summary["A1"].value == "Underlag till beredningsgruppen"
    questions = exported_json(get)["questions"]
    assert len(names) == len(questions) + 3
    charted = 0
    for number, (question, name) in enumerate(zip(questions, names[1:-2], strict=True), 1):
        sheet = workbook[name]
        # Named by the question, not by an id: "03 Hur många invånare …", at most 31 characters.
        assert len(name) <= 31 and name.startswith(f"{number:02d} ")
        assert question["step"] not in name
        assert question["prompt"]["sv"].split()[0].strip("[]:*?/\\") in name
        assert [c.value for c in sheet[3]][:2] == ["Steg", question["step"]]
        if question["kind"] in ("quiz", "poll", "scale", "rank", "statements", "wordcloud"):
            assert len(sheet._charts) == 1, name
            chart = sheet._charts[0]
            assert isinstance(chart, BarChart)
            series = chart.series[0]
            assert series.val.numRef.f.startswith(f"'{name}'!$")
            assert series.cat is not None
            charted += 1
    assert charted >= 10
    raw = workbook["Svar"]
    header = [c.value for c in raw[1]]
    assert header[:3] == ["Session", "Cirkelns nummer", "Cirkel"] and "Svar i ord" in header
    assert raw.column_dimensions["J"].width == 50  # the question column is wide enough to read
    key = [[c.value for c in row] for row in workbook["Kolumner"].iter_rows(min_row=2)]
    assert [row[2] for row in key] == list(COLUMNS)  # the stable ids scripts read
    assert [row[1] for row in key] == header
    assert raw.max_row - 1 == len(exported_json(get)["responses"])
    for row in raw.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@"))


def test_xlsx_names_tags_and_says_each_result_in_words(get, api_get, app):
    populate(app, circles=1, parts=9, people=4, module="strategiskt-forum", seed=2)
    populate(app, circles=1, parts=9, people=4, module="samverkansdialog", seed=3)
    workbook = load_workbook(io.BytesIO(api_get(format="xlsx").data))
    summary = list(workbook["Sammanfattning"].iter_rows(values_only=True))
    heading = summary.index(
        ("Nr", "Blad", "Modul", "Del", "Fråga", "Typ", "Sessioner", "Svarande", "Svar", "Resultat")
    )
    results = {}
    for row in summary[heading + 1 :]:
        if row[0] is None:
            break
        results.setdefault(row[5], []).append(row[9])
    assert all(r.startswith("Flest val: ") for r in results["Omröstning"] if r != "–")
    assert any(r.startswith("Flest val: ") for r in results["Omröstning"])
    assert any(r.startswith("Först: ") for r in results["Rangordning"])
    assert any(r.startswith("Mest medhåll: ") for r in results["Påståenden"])
    assert all(r for kind in results.values() for r in kind)  # no empty "Resultat" cell
    with app.test_request_context():
        vocabulary = library().vocabulary.tags
        names = {localized(tag.label) for tag in vocabulary.values()}
    raw = workbook["Svar"]
    tags = {c.value for c in raw[get_column_letter(list(COLUMNS).index("tags") + 1)][1:]}
    tags.discard(None)
    assert tags and all(set(t.split("; ")) <= names for t in tags)
    assert not any(t in vocabulary for t in tags)


def test_xlsx_summaries_say_fewer_than_three(get, made):
    workbook = load_workbook(io.BytesIO(get(format="xlsx", session=made.sessions[0]).data))
    texts = [
        v for ws in workbook.worksheets[1:-2] for row in ws.iter_rows(values_only=True) for v in row
    ]
    assert "färre än 3" in texts


# --- JSON ---------------------------------------------------------------------------------------


def test_json_follows_its_documented_schema(get, app, made):
    document = exported_json(get)
    from facilitate.exports.json_writer import schema

    jsonschema.Draft202012Validator(schema()).validate(document)
    assert document["format"] == "facilitate-export" and document["version"] == 2
    # Version 2: global ids, and the module content each session ran, hash checked.
    from facilitate.content import content_hash

    versions = {v["sha256"]: v for v in document["module_versions"]}
    for session in document["sessions"]:
        assert len(session["uid"]) == 36 and session["origin"] is None
        version = versions[session["module_version"]]
        assert content_hash(version["document"]) == session["module_version"]
    assert len({s["uid"] for s in document["sessions"]}) == len(document["sessions"])
    assert "transfer" not in document and all("record" not in s for s in document["sessions"])
    assert sorted(s["id"] for s in document["sessions"]) == sorted(made.sessions)
    days = [s["started_at"] for s in document["sessions"]]
    assert days == sorted(days)  # oldest first
    assert {c["organiser"] for c in document["circles"]} == set(ORGANISERS[:3])
    rank_or_open = {q["kind"] for q in document["questions"]}
    assert {"quiz", "open"} <= rank_or_open
    with app.app_context():
        modules = library()
        topics = {
            q["step"]: modules.get(q["module"]).step(q["step"]).topic for q in document["questions"]
        }
    assert [q["topic"] for q in document["questions"]] == [
        topics[q["step"]] for q in document["questions"]
    ]
    assert all(topics.values())  # every shipped step has a topic, and the export carries it


def test_json_schema_in_the_docs_is_the_shipped_one():
    from pathlib import Path

    from facilitate.exports.json_writer import schema

    docs = (Path(__file__).parent.parent / "docs" / "export-format.md").read_text("utf-8")
    block = docs.split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == schema()


# --- DOCX ---------------------------------------------------------------------------------------


def test_docx_report_is_made_from_the_session_data(get, app, made):
    response = get(format="docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    assert doc.core_properties.title == "Underlag till beredningsgruppen"
    assert doc.core_properties.language == "sv-SE"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    with app.app_context():
        vocabulary = library().vocabulary
        for tag in (*vocabulary.in_group("focus"), *vocabulary.in_group("area")):
            assert str(tag.label) in headings
    for heading in ("Vad som genomfördes, var och när", "Kunskap per del", "Om underlaget"):
        assert heading in headings
    text = _readable("docx", response.data)
    assert "6 sessioner i 3 cirklar och grupper i 3 kommuner" in text
    for place in ("Arvidsjaur", "Arjeplog", "Jokkmokk"):
        assert place in text
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert any("Cirkel 1, Arvidsjaur" in q for q in quotes)
    assert "Genomsnittlig andel rätt" in text
    # Charts: images with their numbers in words as alternative text, and a table beside.
    assert len(doc.inline_shapes) >= 4
    for shape in doc.inline_shapes:
        alt = shape._inline.docPr.get("descr")
        assert alt.startswith("Stapeldiagram, ") and ":" in alt
    assert len(doc.tables) > len(doc.inline_shapes)
    header = doc.tables[0].rows[0]._tr
    assert header.trPr is not None and "tblHeader" in header.trPr.xml


def test_docx_shows_a_question_once_with_its_areas_and_quizzes_apart(api_get, app):
    """A question several areas apply to is printed once, its areas named, and pointed to
    from the other areas; quiz results stand in their own section, apart from policy input;
    quotes in another language say which; plurals follow the count."""
    made = populate(app, circles=1, parts=2, people=5, module="strategiskt-forum", seed=4)
    populate(app, circles=1, parts=2, people=3, seed=5)
    with app.app_context():
        db.session.execute(
            sa.update(Participant)
            .where(Participant.session_id == made.sessions[1], Participant.name == "Namn0x1x4")
            .values(locale="fi")
        )
        db.session.commit()
        steps = library().get("strategiskt-forum").part("fokusomraden").steps
        ranking = next(s for s in steps if s.kind == "rank")
        quiz = [
            str(s.heading)
            for p in library().get("norrbotten-for-alla").parts[:2]
            for s in p.steps
            if s.kind == "quiz"
        ]
    doc = Document(io.BytesIO(api_get(format="docx").data))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    assert headings.count(str(ranking.heading)) == 1
    shown = headings.index(str(ranking.heading))
    after = paragraphs[paragraphs.index(("Heading 3", headings[shown])) :]
    facts = next(text for style, text in after if style == "Normal")
    assert "i 1 session." in facts or "i 1 session ·" in facts  # not "1 sessioner"
    assert "områden: " in facts
    pointer = f"”{ranking.heading}” – se under"
    pointers = [text for _style, text in paragraphs if text.startswith(pointer)]
    assert len(pointers) == len(ranking.tags) - 1
    assert "Kunskap per del" in headings
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    for prompt in quiz:  # in the knowledge section's tables, not among the areas' questions
        assert prompt not in headings and prompt in cells
    quotes = [text for style, text in paragraphs if style == "Quote"]
    assert any("(Suomi)" in q for q in quotes)
    assert sum("(Suomi)" in q for q in quotes) < len(quotes)


def test_docx_says_fewer_than_three_for_one_small_meeting(get, made):
    text = _readable("docx", get(format="docx", session=made.sessions[0]).data)
    assert "färre än 3" in text
    assert "Antal från färre än 3 personer visas som ”färre än 3”" in text


# --- filters ------------------------------------------------------------------------------------


def _sessions(get, **params):
    return sorted(s["id"] for s in exported_json(get, **params)["sessions"])


def test_filters_select_sessions(get, made, app):
    all_sessions = sorted(made.sessions)
    assert _sessions(get) == all_sessions
    assert _sessions(get, session=made.sessions[2]) == [made.sessions[2]]
    assert _sessions(get, circle=made.circles[1]) == made.sessions[2:4]
    assert _sessions(get, municipality="Arjeplog") == made.sessions[2:4]
    assert _sessions(get, municipality="2510") == made.sessions[4:6]
    assert _sessions(get, organiser="bilda") == made.sessions[4:6]
    assert _sessions(get, module="norrbotten-for-alla", part="introduktion") == [
        made.sessions[0],
        made.sessions[2],
        made.sessions[4],
    ]
    # Meetings of part 1 were on 1–3 September, of part 2 on 8–10 September.
    assert _sessions(get, since="2026-09-08") == [
        made.sessions[1],
        made.sessions[3],
        made.sessions[5],
    ]
    assert _sessions(get, until="2026-09-02") == [made.sessions[0], made.sessions[2]]
    assert _sessions(get, since="2026-09-02", until="2026-09-02") == [made.sessions[2]]
    # In the API an empty value is a mistake, never "everything" (issue 16); see BAD_FILTERS.
    refused = get(format="json", session="", module="", since="", until="")
    assert refused.status_code == 400 and refused.get_json()["error"] == "empty_filter"


BAD_FILTERS = [
    ({"format": "pdf"}, 400, "unknown_format"),
    ({}, 400, "unknown_format"),
    ({"format": "csv", "module": "no-such-module"}, 400, "unknown_module"),
    ({"format": "csv", "module": "norrbotten-for-alla", "part": "x"}, 400, "unknown_part"),
    ({"format": "csv", "part": "fokusomraden-x"}, 400, "unknown_part"),
    ({"format": "csv", "municipality": "Oslo"}, 400, "unknown_municipality"),
    ({"format": "csv", "organiser": "Nobody"}, 400, "unknown_organiser"),
    ({"format": "csv", "organiser": "ABF"}, 400, "unknown_organiser"),
    ({"format": "csv", "circle": "999"}, 400, "unknown_circle"),
    ({"format": "csv", "circle": "x"}, 400, "unknown_circle"),
    ({"format": "csv", "session": "999"}, 404, "unknown_session"),
    ({"format": "csv", "session": "-1"}, 404, "unknown_session"),
    ({"format": "csv", "session": "99999999999999999999"}, 404, "unknown_session"),
    # An empty value is a mistake in the API, not "every session" (the pages ignore it).
    ({"format": "csv", "circle": ""}, 400, "empty_filter"),
    ({"format": "csv", "session": " "}, 400, "empty_filter"),
    ({"format": "csv", "module": "norrbotten-for-alla", "tag": ""}, 400, "empty_filter"),
    ({"format": "csv", "language": ""}, 400, "unknown_language"),
    ({"format": "csv", "tag": "focus.nothing"}, 400, "unknown_tag"),
    ({"format": "csv", "since": "2026-13-01"}, 400, "invalid_date"),
    ({"format": "csv", "since": "1 sept"}, 400, "invalid_date"),
    ({"format": "csv", "until": "2026-9-1"}, 400, "invalid_date"),
    ({"format": "csv", "since": "2026-10-01", "until": "2026-09-01"}, 400, "inverted_dates"),
    ({"format": "csv", "include_hidden": "maybe"}, 400, "invalid_flag"),
    ({"format": "csv", "modul": "norrbotten-for-alla"}, 400, "unknown_filter"),
    ({"format": "csv", "module": "samverkansdialog"}, 404, "no_matching_sessions"),
    ({"format": "docx", "since": "2030-01-01"}, 404, "no_matching_sessions"),
]


@pytest.mark.parametrize(("params", "status", "code"), BAD_FILTERS)
def test_bad_filters_get_a_clear_error_and_no_file(api_get, tiny, app, params, status, code):
    response = api_get(**params)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] == code and body["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportLog)) == 0


# --- who may export, and the log ----------------------------------------------------------------


def test_only_analysts_and_admins_may_export(client, app, made, make_user, get):
    leader = make_user(email="ledare@example.org")
    admin = make_user(email="admin@example.org", role=Role.admin)
    with app.app_context():
        tokens = {u.email: create_token(db.session.get(User, u.id)) for u in (leader, admin)}
        db.session.commit()

    def as_user(email):
        headers = {"Authorization": f"Bearer {tokens[email]}"}
        return client.get(API, query_string={"format": "csv"}, headers=headers)

    assert as_user("ledare@example.org").status_code == 403
    assert as_user("ledare@example.org").get_json()["error"] == "forbidden"
    assert as_user("admin@example.org").status_code == 200
    anonymous = client.get(API, query_string={"format": "csv"})
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "not_authenticated"
    assert get(format="csv").status_code == 200


def test_every_export_is_logged(get, app, analyst, runner, tmp_path):
    assert get(format="json", municipality="Arjeplog", include_hidden="1").status_code == 200
    result = runner.invoke(["export", "--format", "csv", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        entries = db.session.scalars(sa.select(ExportLog).order_by(ExportLog.id)).all()
        assert [(e.channel, e.format) for e in entries] == [("api", "json"), ("cli", "csv")]
        assert entries[0].user_id == analyst.id and entries[0].actor == "analys@example.org"
        assert entries[0].filters == {"municipality": "arjeplog", "include_hidden": True}
        assert entries[0].rows > 0 and entries[0].created_at is not None
        assert entries[1].user_id is None and entries[1].actor.startswith("cli:")


# --- the command line ---------------------------------------------------------------------------


def test_cli_export_writes_each_format(runner, made, tmp_path):
    for format in ("csv", "xlsx", "json", "docx"):
        path = tmp_path / f"out.{format}"
        result = runner.invoke(
            [
                "export",
                "--format",
                format,
                "--module",
                "norrbotten-for-alla",
                "--since",
                "2026-09-01",
                "--until",
                "2026-09-30",
                "-o",
                str(path),
            ]
        )
        assert result.exit_code == 0, result.output
        assert path.stat().st_size > 1000
    rows = csv_rows((tmp_path / "out.csv").read_bytes())
    assert len({r["session"] for r in rows}) == 6
    one = tmp_path / "one.json"
    result = runner.invoke(
        ["export", "--format", "json", "--session", str(made.sessions[0]), "-o", str(one)]
    )
    assert result.exit_code == 0
    assert [s["id"] for s in json.loads(one.read_text())["sessions"]] == [made.sessions[0]]


def test_cli_export_refuses_bad_input_and_writes_nothing(runner, made, tmp_path):
    path = tmp_path / "out.csv"
    for args, code in (
        (["--since", "2026-10-01", "--until", "2026-09-01"], "inverted_dates"),
        (["--module", "nope"], "unknown_module"),
        (["--municipality", "Stockholm"], "unknown_municipality"),
        (["--module", "samverkansdialog"], "no_matching_sessions"),
    ):
        result = runner.invoke(["export", "--format", "csv", *args, "-o", str(path)])
        assert result.exit_code == 1, result.output
        assert code in result.output
        assert not path.exists()
    wrong = runner.invoke(["export", "--format", "pdf", "-o", str(path)])
    assert wrong.exit_code == 2 and not path.exists()


# --- the analyst pages --------------------------------------------------------------------------


def test_an_analyst_lands_on_the_analyst_pages_which_name_what_was_run(
    app, client, made, analyst, make_user
):
    landing = client.get(log_in(client, email="analys@example.org").headers["Location"])
    assert landing.status_code == 302 and landing.headers["Location"] == "/analysis/"
    html = client.get("/analysis/").get_data(as_text=True)
    assert "Norrbotten för alla – Introduktion" in html
    assert "norrbotten-for-alla / introduktion" not in html
    assert "<td>Norrbotten för alla</td>" in html  # the circles' module, by its title
    make_user(email="ledare@example.org", role=Role.leader)
    leader = app.test_client()
    landing = leader.get(log_in(leader, email="ledare@example.org").headers["Location"])
    assert landing.headers["Location"] == "/modules"  # leaders land in the module library


def test_analyst_pages_filter_and_export(client, made, analyst):
    assert log_in(client, email="analys@example.org").status_code == 302
    page = client.get("/analysis/", query_string={"municipality": "jokkmokk"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<td>Cirkel 3</td>" in html and "<td>Cirkel 1</td>" not in html
    # The form keeps the choice, and lists the parts under their module.
    assert '<option value="jokkmokk" selected>Jokkmokk</option>' in html
    assert '<optgroup label="Norrbotten för alla">' in html
    assert "<caption>" in html and 'scope="col"' in html
    results = client.get("/analysis/results").get_data(as_text=True)
    assert "färre än 3" not in results or "Antal från färre än 3" in results
    assert "Öppna bidrag per tagg i handlingsplanen" in results
    assert "Civil beredskap" in results
    small = client.get("/analysis/results", query_string={"session": made.sessions[0]})
    assert "färre än 3" in small.get_data(as_text=True)
    download = client.get(
        "/analysis/export", query_string={"format": "xlsx", "circle": made.circles[0]}
    )
    assert download.status_code == 200
    assert download.mimetype.endswith("spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(download.data)).sheetnames[-2:] == ["Svar", "Kolumner"]


def test_analyst_pages_refuse_bad_filters_with_a_message(client, made, analyst):
    log_in(client, email="analys@example.org")
    page = client.get("/analysis/", query_string={"since": "2026-10-01", "until": "2026-09-01"})
    assert page.status_code == 400
    assert "Från-datumet ligger efter till-datumet." in page.get_data(as_text=True)
    results = client.get("/analysis/results", query_string={"tag": "nope"})
    assert results.status_code == 400 and 'role="alert"' in results.get_data(as_text=True)
    bad = client.get("/analysis/export", query_string={"format": "pdf"})
    assert bad.status_code == 400
    assert "Okänt format" in bad.get_data(as_text=True)
    empty = client.get("/analysis/export", query_string={"format": "csv", "since": "2030-01-01"})
    assert empty.status_code == 404 and empty.mimetype == "text/html"


def test_analyst_pages_are_closed_to_leaders_and_anonymous_users(client, made, make_user):
    for path in ("/analysis/", "/analysis/results", "/analysis/export?format=csv"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "/login" in response.get_data(as_text=True)
    make_user()
    log_in(client)
    for path in ("/analysis/", "/analysis/results", "/analysis/export?format=csv"):
        assert client.get(path).status_code == 403, path


def test_analyst_pages_in_english(client, made, analyst):
    log_in(client, email="analys@example.org")
    html = client.get(
        "/analysis/results",
        query_string={"session": made.sessions[0]},
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "Results per question" in html and "fewer than 3" in html


# --- the file's language ------------------------------------------------------------------------

SWEDISH_WORDS = ("Sammanfattning", "Underlag till beredningsgruppen", "Andel rätt", "Svarande")


def test_files_are_swedish_unless_another_language_is_asked_for(get, app):
    """The words of the XLSX and the DOCX, and the content texts in every format, follow
    ``language``; Swedish, the action-plan process's language, by default."""
    with app.app_context():
        quiz = next(
            s
            for p in library().get("norrbotten-for-alla").parts
            for s in p.steps
            if s.kind == "quiz"
        )
    swedish = Document(io.BytesIO(get(format="docx").data))
    assert swedish.core_properties.language == "sv-SE"
    finnish = get(format="docx", language="fi")
    assert finnish.status_code == 200
    doc = Document(io.BytesIO(finnish.data))
    assert doc.core_properties.title == "Aineisto valmisteluryhmälle"
    assert doc.core_properties.language == "fi-FI"
    text = _readable("docx", finnish.data)
    assert "Osaaminen osien mukaan" in text and "Tietoa aineistosta" in text
    assert quiz.prompt.get("fi") in text and quiz.prompt.get("sv") not in text
    for shape in doc.inline_shapes:
        assert shape._inline.docPr.get("descr").startswith("Pylväskaavio, ")
    workbook = load_workbook(io.BytesIO(get(format="xlsx", language="en").data))
    assert workbook.sheetnames[0] == "Summary" and workbook.sheetnames[-2] == "Answers"
    english = _readable("xlsx", get(format="xlsx", language="en").data)
    assert "Briefing for the preparation group" in english
    for word in SWEDISH_WORDS:
        assert word not in english and word not in text
    rows = csv_rows(get(format="csv", language="fi").data)
    assert {r["prompt"] for r in rows if r["step"] == quiz.id} == {quiz.prompt.get("fi")}
    assert list(rows[0]) == list(COLUMNS)  # column names are ids, the same in every language


def test_the_analysts_download_is_in_the_pages_language_unless_chosen(client, made, analyst):
    log_in(client, email="analys@example.org")
    client.get("/language/en")
    page = client.get("/analysis/").get_data(as_text=True)
    assert '<option value="en" lang="en" selected>English</option>' in page
    english = client.get("/analysis/export", query_string={"format": "xlsx"})
    assert load_workbook(io.BytesIO(english.data)).sheetnames[0] == "Summary"
    chosen = client.get("/analysis/export", query_string={"format": "xlsx", "language": "sv"})
    assert load_workbook(io.BytesIO(chosen.data)).sheetnames[0] == "Sammanfattning"


def test_an_unknown_language_gets_a_clear_error_and_no_file(api_get, tiny, app, runner, tmp_path):
    response = api_get(format="docx", language="de")
    assert response.status_code == 400
    assert response.get_json()["error"] == "unknown_language"
    output = tmp_path / "out.docx"
    result = runner.invoke(["export", "--format", "docx", "--language", "de", "-o", str(output)])
    assert result.exit_code != 0 and "unknown_language" in result.output
    assert not output.exists()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportLog)) == 0


# --- the export log page ------------------------------------------------------------------------


def test_analysts_read_the_export_log_newest_first_a_page_at_a_time(client, app, tiny, analyst):
    from facilitate.exports.queries import LOG_PAGE_SIZE

    with app.app_context():
        for n in range(LOG_PAGE_SIZE + 1):
            db.session.add(
                ExportLog(
                    actor=f"analys{n}@example.org",
                    channel="api",
                    format="xlsx",
                    filters={"municipality": "jokkmokk"} if n == 0 else {},
                    rows=1234,
                )
            )
        db.session.commit()
    log_in(client, email="analys@example.org")
    first = client.get("/analysis/exports").get_data(as_text=True)
    assert f"analys{LOG_PAGE_SIZE}@example.org" in first and "analys0@example.org" not in first
    assert 'rel="next"' in first and "1\xa0234" in first and "XLSX" in first
    last = client.get("/analysis/exports?page=2").get_data(as_text=True)
    assert "analys0@example.org" in last and "Kommun: jokkmokk" in last and 'rel="prev"' in last
    # A page that is not a number is the first; one past the end is the last.
    table = first[first.index("<tbody>") : first.index("</tbody>")]
    assert table in client.get("/analysis/exports?page=x").get_data(as_text=True)
    assert "analys0@example.org" in client.get("/analysis/exports?page=99").get_data(as_text=True)
