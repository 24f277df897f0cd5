"""Small groups in every export format (issue #23): a meeting of two people (one phone, one
person answering through the leader) must show no count derived from them as a number — not
respondents, not answers, not votes — in the summaries, XLSX, JSON, CSV and DOCX."""

import csv
import io
import json

import jsonschema
import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook

from facilitate.auth import Role, User
from facilitate.auth.operations import create_token
from facilitate.dialogue.models import Vote
from facilitate.exports.summaries import Fewer
from facilitate.extensions import db
from facilitate.sessions.models import Participant, Response

from .exportdata import populate

API = "/api/v1/export"
FEWER = "färre än 3"


@pytest.fixture
def pair(app, make_user):
    """Two people in one meeting, each open contribution upvoted once; returns a GET of the
    export API as an analyst."""
    made = populate(app, circles=1, parts=1, people=1, moderate=False)
    analyst = make_user(email="analys@example.org", role=Role.analyst)
    with app.app_context():
        token = create_token(db.session.get(User, analyst.id))
        people = db.session.scalars(
            sa.select(Participant.id).where(Participant.session_id == made.sessions[0])
        ).all()
        assert len(people) == 2
        for response in db.session.scalars(
            sa.select(Response).where(Response.session_id == made.sessions[0])
        ):
            if response.value and isinstance(response.value, str) and response.step_id:
                voter = next(p for p in people if p != response.participant_id)
                db.session.add(Vote(response_id=response.id, participant_id=voter))
        db.session.commit()
    client = app.test_client()

    def get(format: str) -> bytes:
        response = client.get(
            API, query_string={"format": format}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.data[:300]
        return response.data

    return get


def test_summaries_hold_no_count_of_two_people(app, pair):
    from facilitate.exports.queries import load
    from facilitate.exports.schemas import ExportFilter
    from facilitate.exports.summaries import questions

    with app.test_request_context():
        summaries = questions(load(ExportFilter()))
    assert summaries
    for question in summaries:
        assert question.respondents == Fewer(3)
        assert question.answers is None or question.answers == Fewer(3), question.step.id
        assert question.mean is None and question.correct_share is None


def test_json_holds_no_count_of_two_people(pair):
    from facilitate.exports.json_writer import schema

    document = json.loads(pair("json"))
    jsonschema.Draft202012Validator(schema()).validate(document)
    polls = [q for q in document["questions"] if q["kind"] == "poll"]
    assert polls  # one of the two changed their mind: three answers from two people
    for question in document["questions"]:
        assert question["respondents"] is None
        assert question["answers"] is None, question["step"]
    votes = [r["votes"] for r in document["responses"] if r["votes"] is not None]
    assert votes == [] or set(votes) == {0}  # one upvote each: a count of one person
    assert document["sessions"][0]["participants"] is None


def test_xlsx_summary_holds_no_count_of_two_people(pair):
    workbook = load_workbook(io.BytesIO(pair("xlsx")))
    summary = workbook.worksheets[0]
    rows = list(summary.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and {"Svar", "Svarande"} <= set(row))
    respondents, answers = rows[header].index("Svarande"), rows[header].index("Svar")
    questions = [row for row in rows[header + 1 :] if row and isinstance(row[0], int)]
    assert questions
    for row in questions:
        assert row[respondents] == FEWER
        assert row[answers] in (FEWER, None), row  # never the 2 (or 3) it was
    votes = []
    for sheet in workbook.worksheets[1:-2]:  # the question sheets
        below = False
        for row in sheet.iter_rows(values_only=True):
            if below and row and row[0]:
                votes.append(row[5])
            below = below or (row and row[-1] == "Röster") or (row and "Röster" in row)
    assert votes and set(votes) == {FEWER}  # each contribution upvoted by one person


def test_csv_holds_no_vote_count_of_fewer_than_three(pair):
    text = pair("csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    voted = [row["votes"] for row in rows if row["kind"] in ("open", "wordcloud")]
    assert voted and set(voted) <= {FEWER, "0", ""}
    assert FEWER in voted


def test_docx_holds_no_count_of_two_people(pair):
    document = Document(io.BytesIO(pair("docx")))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for row in t.rows for c in row.cells]
    )
    assert "svar från färre än 3 personer" in text
    assert "svar från 2 personer" not in text
    # Every table but participation per municipality, whose middle column counts sessions.
    counted = [t for t in document.tables if t.rows[0].cells[0].text != "Kommun"]
    cells = [c.text for t in counted for row in t.rows[1:] for c in row.cells[1:]]
    assert "1" not in cells and "2" not in cells  # no option chosen by one or two shows a number
