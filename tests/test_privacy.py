"""Privacy: the participant information page, deleting a session with all its data, and the
retention period that deletes participants and raw responses while keeping aggregate results."""

from datetime import timedelta

import sqlalchemy as sa

from facilitate import create_app
from facilitate.auth import User
from facilitate.auth.models import utcnow
from facilitate.auth.operations import create_token
from facilitate.dialogue.models import Proposal, Vote
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession, Participant, Response

from .conftest import answer, call, csrf_token, events

OPEN = "demografi-d-aldre"
LEADER = "leader@example.org"


def counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (LiveSession, Participant, Response, Vote, Proposal)
        }


def test_the_privacy_page_names_the_controller_and_the_retention_period(client):
    page = client.get("/integritet", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Fråga din cirkelledare" in page and "Efter 12 månader" in page
    assert "IP-adress sparas inte" in page
    configured = create_app(
        {
            "DATABASE_URL": "sqlite://",
            "SECRET_KEY": "t",
            "CONTROLLER_NAME": "Region Norrbotten",
            "CONTROLLER_CONTACT": "dataskydd@example.org",
            "RETENTION_MONTHS": 6,
        }
    ).test_client()
    page = configured.get("/integritet", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Region Norrbotten" in page and "dataskydd@example.org" in page
    assert "Efter 6 månader" in page
    # Every page links to it.
    assert 'href="/integritet"' in client.get("/j").get_data(as_text=True)


def busy_session(live):
    """Two phones, contributions, an upvote: data in every table."""
    aino, bo = live.phone(), live.phone()
    live.control("start")
    live.control("goto", OPEN)
    assert answer(aino, OPEN, "Aino", "a")["ok"]
    assert answer(bo, OPEN, "Bo", "b")["ok"]
    contribution = call(live.host, "host", {"session": live.id})["state"]["moderation"][0]["id"]
    assert call(bo, "upvote", {"step": OPEN, "contribution": contribution})["ok"]
    return aino, bo


def test_the_leader_deletes_a_session_with_all_its_data(app, client, live):
    aino, _ = busy_session(live)
    assert counts(app)["Vote"] == 1
    token = csrf_token(client, "/modules")
    unconfirmed = client.post(f"/sessions/{live.id}/delete", data={"csrf_token": token})
    assert unconfirmed.status_code == 302 and counts(app)["Response"] == 2  # nothing deleted
    response = client.post(
        f"/sessions/{live.id}/delete", data={"csrf_token": token, "confirm": "yes"}
    )
    assert response.status_code == 302
    assert counts(app) == {
        "LiveSession": 0,
        "Participant": 0,
        "Response": 0,
        "Vote": 0,
        "Proposal": 0,
    }
    assert events(aino, "state")[-1]["session"]["status"] == "ended"
    assert client.get(f"/sessions/{live.id}").status_code == 404


def test_deleting_through_the_api_is_for_the_sessions_leader_or_an_admin(
    app, client, live, make_user
):
    busy_session(live)
    other = make_user(email="other@example.org")
    with app.app_context():
        intruder = create_token(db.session.get(User, other.id))
        owner = create_token(
            db.session.scalar(sa.select(User).filter_by(email="leader@example.org"))
        )
        db.session.commit()
    url = f"/api/v1/sessions/{live.id}"
    denied = client.delete(url, headers={"Authorization": f"Bearer {intruder}"})
    assert denied.status_code == 403 and counts(app)["Response"] == 2
    assert client.delete(url, headers={"Authorization": f"Bearer {owner}"}).status_code == 204
    assert counts(app)["LiveSession"] == 0
    gone = client.delete(url, headers={"Authorization": f"Bearer {owner}"})
    assert gone.status_code == 404 and gone.get_json()["error"] == "not_found"


def test_retention_keeps_aggregate_results_and_deletes_the_rest(app, client, live, runner):
    busy_session(live)
    with app.app_context():
        owner = create_token(
            db.session.scalar(sa.select(User).filter_by(email="leader@example.org"))
        )
        db.session.commit()
    headers = {"Authorization": f"Bearer {owner}"}
    before = client.get(f"/api/v1/sessions/{live.id}/results", headers=headers).get_json()

    # Nothing is due yet.
    assert "pruned 0 session(s)" in runner.invoke(["retention", "apply"]).output
    # Thirteen months later (the session is dated back instead).
    with app.app_context():
        session = db.session.get(LiveSession, live.id)
        session.created_at = utcnow() - timedelta(days=30 * 13)
        db.session.commit()
    dry = runner.invoke(["retention", "apply", "--dry-run"])
    assert "would prune 1 session(s)" in dry.output and str(live.id) in dry.output
    assert counts(app)["Participant"] == 2
    done = runner.invoke(["retention", "apply"])
    assert done.exit_code == 0 and "pruned 1 session(s)" in done.output
    assert counts(app) == {
        "LiveSession": 1,
        "Participant": 0,
        "Response": 0,
        "Vote": 0,
        "Proposal": 0,
    }
    after = client.get(f"/api/v1/sessions/{live.id}/results", headers=headers).get_json()
    assert after == before  # the aggregate results are kept
    with app.app_context():
        session = db.session.get(LiveSession, live.id)
        assert session.status.value == "ended" and session.pruned_at is not None
    assert "pruned 0 session(s)" in runner.invoke(["retention", "apply"]).output
