"""The analysis pages, API and report over a planted forum session (tests/analysisdata.py):
themes of its open question, opinion groups of its statements, participation in pictures;
hidden and withdrawn contributions never quoted; only analysts and admins; bad input refused
with a message."""

import io
import json
import re

import jsonschema
import pytest
import sqlalchemy as sa
from docx import Document

from facilitate.auth import Role, User
from facilitate.auth.operations import create_token
from facilitate.dialogue import moderation
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession, Response

from .analysisdata import (
    CARE,
    FOREST,
    HIDDEN_TEXT,
    OPEN_STEP,
    STATEMENTS_STEP,
    TRANSPORT,
    WITHDRAWN_TEXT,
    plant,
)
from .conftest import log_in


@pytest.fixture
def planted(app):
    return plant(app, people=12)


@pytest.fixture
def analyst(make_user):
    return make_user(email="analys@example.org", role=Role.analyst)


@pytest.fixture
def page(client, planted, analyst):
    assert log_in(client, email="analys@example.org").status_code == 302

    def get(path, **params):
        return client.get(path, query_string=params)

    return get


@pytest.fixture
def token(app, analyst):
    with app.app_context():
        token = create_token(db.session.get(User, analyst.id))
        db.session.commit()
    return token


@pytest.fixture
def api(client, planted, token):
    def get(path, **params):
        return client.get(
            "/api/v1/analysis" + path,
            query_string=params,
            headers={"Authorization": f"Bearer {token}"},
        )

    return get


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- themes -------------------------------------------------------------------------------------


def test_themes_page_shows_each_topic_as_a_theme_with_quotes(page):
    response = page("/analysis/themes")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = _text(html)
    assert "Teman i öppna bidrag" in text
    themes = re.findall(r'<section class="theme card".*?</section>', html, re.S)
    found = [t for t in themes if "Tema som hittats i bidragen" in t]
    assert len(found) == 3
    for topic in (TRANSPORT, CARE, FOREST):
        holding = [t for t in found if any(quote in t for quote in topic)]
        assert len(holding) == 1, "each topic is one theme, and no theme mixes two"
        assert 2 <= len(re.findall("<blockquote>", holding[0])) <= 3
    assert "hälsocentralen" in text and "metsät" in text
    assert HIDDEN_TEXT not in html and WITHDRAWN_TEXT not in html


def test_hidden_contributions_stay_out_even_when_the_filter_asks_for_them(page, api):
    html = page("/analysis/themes", include_hidden="1").get_data(as_text=True)
    assert HIDDEN_TEXT not in html and WITHDRAWN_TEXT not in html
    body = api("/themes", include_hidden="1").get_json()
    quotes = [q for t in body["themes"] for q in t["quotes"]]
    assert quotes and HIDDEN_TEXT not in quotes and WITHDRAWN_TEXT not in quotes


def test_leader_themes_come_first_and_keep_their_contributions(app, client, analyst, token):
    plant(app, people=12, leader_theme=True)
    body = client.get(
        "/api/v1/analysis/themes", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    first = body["themes"][0]
    assert first["source"] == "leader" and first["name"] == "Vården" and first["count"] == 2
    assert set(first["quotes"]) == set(CARE[:2])
    later = [q for t in body["themes"][1:] for q in t["quotes"]]
    assert not set(CARE[:2]) & set(later)


def test_accepting_a_suggested_tag_gives_it_to_every_contribution_of_the_theme(
    app, page, planted, client
):
    with app.app_context():
        session = db.session.get(LiveSession, planted.session)
        moderation.moderate(session, planted.topics["care"][0], "tag", tags=["focus.public-health"])
        db.session.commit()
    html = page("/analysis/themes").get_data(as_text=True)
    form = re.search(
        r'<form method="post" action="/analysis/themes/accept".*?</form>', html, re.S
    ).group(0)
    assert "Hälsofrämjande insatser" in form
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    assert fields["tag"] == "focus.public-health"
    response = client.post("/analysis/themes/accept", data=fields)
    assert response.status_code == 303
    with app.app_context():
        tagged = db.session.scalars(
            sa.select(Response).where(Response.id.in_(planted.topics["care"]))
        ).all()
        assert sum("focus.public-health" in (r.tags or []) for r in tagged) >= 5
        others = db.session.scalars(
            sa.select(Response).where(Response.id.in_(planted.topics["forest"]))
        ).all()
        assert not any("focus.public-health" in (r.tags or []) for r in others)
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Taggen gäller nu alla" in after
    assert "(gäller alla bidrag i temat)" in after
    # The same form again: the theme's members now all carry the tag, so it is not suggested
    # for acceptance any more, and a stale form changes nothing.
    again = client.post("/analysis/themes/accept", data={**fields, "theme": "0" * 12})
    assert again.status_code == 409
    assert "Temat har ändrats" in again.get_data(as_text=True)


def test_accepting_refuses_a_tag_that_is_not_the_suggestion(app, page, planted, client):
    with app.app_context():
        session = db.session.get(LiveSession, planted.session)
        moderation.moderate(session, planted.topics["care"][0], "tag", tags=["focus.public-health"])
        db.session.commit()
    html = page("/analysis/themes").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/analysis/themes/accept".*?</form>', html, re.S)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    response = client.post(
        "/analysis/themes/accept", data={**fields, "tag": "focus.funding-partnership"}
    )
    assert response.status_code == 400
    assert "Den taggen är inte den som föreslås" in response.get_data(as_text=True)
    bad_filter = client.post("/analysis/themes/accept", data={**fields, "since": "igår"})
    assert bad_filter.status_code == 400
    assert "ÅÅÅÅ-MM-DD" in bad_filter.get_data(as_text=True)
    with app.app_context():
        tags = db.session.scalars(
            sa.select(Response.tags).where(Response.id.in_(planted.topics["care"]))
        ).all()
        assert sum("focus.public-health" in (t or []) for t in tags) == 1


# --- opinion groups -----------------------------------------------------------------------------


def test_opinions_page_splits_the_two_camps_and_explains_them(page):
    response = page("/analysis/opinions")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = _text(html)
    assert "Deltagarna delar sig i 2 grupper." in text
    assert "Grupp A (6 personer)" in html and "Grupp B (6 personer)" in html
    assert "Grupp A håller oftare med om" in text or "Grupp A håller oftare inte med om" in text
    assert "Alla grupper håller med om ”Vi prövar gärna nya arbetssätt tillsammans.”" in text
    # The map is an SVG with a title and description, and its data is in a table.
    assert re.search(r'<svg[^>]+role="img"[^>]+aria-labelledby="map-0-t map-0-d"', html)
    assert html.count("<circle") + html.count("<rect") >= 12
    assert "<caption>Opinionskartans grupper</caption>" in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]


def test_opinions_for_one_step_and_an_unknown_one(page):
    one = page("/analysis/opinions", step=STATEMENTS_STEP)
    assert one.status_code == 200 and "Deltagarna delar sig" in one.get_data(as_text=True)
    unknown = page("/analysis/opinions", step=OPEN_STEP)
    assert unknown.status_code == 400
    assert "inget steg med påståenden" in unknown.get_data(as_text=True)


def test_small_selections_show_no_groups(app, client, analyst):
    made = plant(app, people=2, seed=5)
    log_in(client, email="analys@example.org")
    html = client.get("/analysis/opinions", query_string={"session": made.session}).get_data(
        as_text=True
    )
    assert "För få deltagare för att visa grupper" in html
    assert "<svg" not in html.split("<main", 1)[-1]


# --- participation ------------------------------------------------------------------------------


def test_participation_page_lists_all_fourteen_municipalities(page):
    response = page("/analysis/participation")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td><td>([^<]+)</td></tr>', html)
    assert len(rows) == 14
    assert ("Luleå", "1", "12") in rows and ("Kiruna", "0", "0") in rows
    assert html.count('role="img"') == 2
    assert "Svar per dag" in html


def test_analysis_pages_refuse_bad_filters_and_strangers(client, planted, make_user, page):
    for path in ("/analysis/themes", "/analysis/opinions", "/analysis/participation"):
        bad = page(path, since="2026-13-01")
        assert bad.status_code == 400 and 'role="alert"' in bad.get_data(as_text=True)
    client.get("/logout")
    client.post("/logout")
    stranger = client.application.test_client()
    for path in ("/analysis/themes", "/analysis/opinions", "/analysis/participation"):
        assert stranger.get(path).status_code == 401
    make_user()
    log_in(stranger)
    for path in ("/analysis/themes", "/analysis/opinions", "/analysis/participation"):
        assert stranger.get(path).status_code == 403
    assert stranger.post("/analysis/themes/accept", data={}).status_code in (400, 403)


# --- API and report -----------------------------------------------------------------------------


def test_api_returns_what_the_pages_show_as_documented(client, api):
    document = client.get("/api/v1/openapi.json").get_json()
    components = {"components": document["components"]}
    themes = api("/themes")
    assert themes.status_code == 200
    jsonschema.validate(themes.get_json(), {"$ref": "#/components/schemas/Themes", **components})
    assert sum(t["source"] == "found" for t in themes.get_json()["themes"]) == 3
    opinions = api("/opinions", step=STATEMENTS_STEP)
    assert opinions.status_code == 200
    body = opinions.get_json()
    jsonschema.validate(body, {"$ref": "#/components/schemas/Opinions", **components})
    (step,) = body["steps"]
    assert [g["size"] for g in step["groups"]] == [6, 6]
    assert step["consensus"][0]["statement"] == "innovation"
    assert len(step["points"]) == 12


def test_api_refuses_bad_input_and_other_roles(app, client, api, make_user):
    assert api("/themes", module="nope").get_json()["error"] == "unknown_module"
    assert api("/opinions", step="nope").status_code == 400
    assert api("/opinions", step="nope").get_json()["error"] == "unknown_statements_step"
    assert api("/themes", colour="red").get_json()["error"] == "unknown_filter"
    leader = make_user()
    with app.app_context():
        leader_token = create_token(db.session.get(User, leader.id))
        db.session.commit()
    refused = client.get(
        "/api/v1/analysis/themes", headers={"Authorization": f"Bearer {leader_token}"}
    )
    assert refused.status_code == 403
    assert client.get("/api/v1/analysis/opinions").status_code == 401


def test_docx_report_has_the_analysis_sections(client, api, token):
    response = client.get(
        "/api/v1/export",
        query_string={"format": "docx"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("Teman i öppna bidrag", "Opinionsgrupper", "Deltagande"):
        assert heading in headings
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert any(q.strip("”") in FOREST for q in quotes)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert HIDDEN_TEXT not in text and WITHDRAWN_TEXT not in text
    alts = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert any(a.startswith("Punktdiagram, opinionskarta.") and "Grupp A" in a for a in alts)
    assert any(a.startswith("Stapeldiagram, Deltagare per kommun.") for a in alts)
    tables = [t for t in doc.tables if t.rows[0].cells[0].text in ("Kommun", "Grupp", "Tema")]
    assert len(tables) == 3
    places = next(t for t in tables if t.rows[0].cells[0].text == "Kommun")
    assert len(places.rows) == 15


def _json_export(client, token, **params):
    response = client.get(
        "/api/v1/export",
        query_string={"format": "json", **params},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    return response.get_json()


def test_json_export_carries_themes_and_opinions_as_the_api(client, api, token):
    from facilitate.exports.json_writer import schema

    document = _json_export(client, token, include_hidden="1")
    jsonschema.validate(document, schema())
    analysis = document["analysis"]
    themes = api("/themes").get_json()
    del themes["filter"]
    assert analysis["themes"] == themes
    opinions = api("/opinions").get_json()
    del opinions["filter"]
    assert analysis["opinions"] == opinions
    (step,) = analysis["opinions"]["steps"]
    assert [g["size"] for g in step["groups"]] == [6, 6]
    # The responses list the hidden contribution, flagged, as the filter asked; the analysis
    # never counts or quotes it, nor the withdrawn one.
    assert any(r["hidden"] for r in document["responses"])
    quoted = json.dumps(analysis, ensure_ascii=False)
    assert HIDDEN_TEXT not in quoted and WITHDRAWN_TEXT not in quoted
    assert any(q in FOREST for t in analysis["themes"]["themes"] for q in t["quotes"])
    assert analysis["themes"]["contributions"] == len(TRANSPORT) + len(CARE) + len(FOREST)


def test_json_export_never_shows_groups_below_the_threshold(app, client, analyst, token):
    made = plant(app, people=2, seed=5)
    analysis = _json_export(client, token, session=made.session)["analysis"]
    (step,) = analysis["opinions"]["steps"]
    assert step["groups"] == [] and step["points"] == []
    assert step["participants"] is None and step["left_out"] is None
    assert all(t["people"] is None for t in analysis["themes"]["themes"])
