"""Sessions travel from a laptop to the central server as transfer documents: two apps, each
on its own database and secret key, the laptop's document posted to the central server's
``POST /api/v1/imports``. (The same over a real network, with ``facilitate sync push``, is in
test_sync_server.py.)"""

import copy
import io
import json

import pytest
import sqlalchemy as sa

from facilitate.auth import Role
from facilitate.auth.operations import create_token, create_user
from facilitate.authoring.models import ModuleVersion
from facilitate.circles.models import Circle, CircleMember
from facilitate.dialogue import moderation
from facilitate.dialogue.models import Proposal, Vote
from facilitate.exports.operations import export
from facilitate.exports.schemas import ExportFilter
from facilitate.extensions import db
from facilitate.sessions import operations
from facilitate.sessions.models import LiveSession, Participant, Response
from facilitate.sessions.queries import session_step
from facilitate.sync.transfer import encoded, transfer_document

from .conftest import new_app
from .exportdata import populate
from .syncfiles import VIEWS

IMPORTS = "/api/v1/imports"
TABLES = (LiveSession, Participant, Response, Vote, Proposal, Circle, CircleMember, ModuleVersion)


@pytest.fixture
def laptop():
    app = new_app(SECRET_KEY="laptop secret", INSTANCE_NAME="laptop-overtornea")
    yield app
    with app.app_context():
        db.drop_all()


@pytest.fixture
def central():
    app = new_app(SECRET_KEY="central secret", INSTANCE_NAME="region")
    yield app
    with app.app_context():
        db.drop_all()


def _forum_session(app) -> int:
    """A dialogue meeting with proposed statements (one approved, one rejected) and upvotes."""
    with app.app_context():
        leader = db.session.scalar(sa.select(LiveSession.leader_id).limit(1))
        from facilitate.auth.models import User

        leader = db.session.get(User, leader)
        session = operations.create_session(leader, "strategiskt-forum", "principer", "sv")
        people = [operations.join(session.code, None, f"F{n}", "sv")[0] for n in range(4)]
        operations.control(session, "start")
        operations.control(session, "goto", "principer-i-praktiken")
        for n, person in enumerate(people):
            operations.answer(person, "principer-i-praktiken", f"Idé nummer {n}", f"o{n}")
        first = db.session.scalar(
            sa.select(Response.id).where(Response.participant_id == people[0].id)
        )
        for person in people[1:]:
            moderation.upvote(person, "principer-i-praktiken", first)
        operations.control(session, "goto", "principer-pastaenden")
        moderation.propose(people[0], "principer-pastaenden", "Byarna ska höras först", "x1")
        moderation.propose(people[1], "principer-pastaenden", "Ett förslag som avslås", "x2")
        approved, rejected = db.session.scalars(
            sa.select(Proposal).where(Proposal.session_id == session.id).order_by(Proposal.id)
        ).all()
        moderation.review(session, approved.id, "approve")
        moderation.review(session, rejected.id, "reject")
        for person, reaction in zip(people, ("agree", "agree", "disagree", "pass"), strict=True):
            operations.answer(
                person, "principer-pastaenden", reaction, f"r{person.id}", approved.statement_id
            )
        operations.control(session, "end")
        db.session.commit()
        return session.id


@pytest.fixture
def sessions(laptop):
    made = populate(laptop, circles=1, parts=2, people=4)
    return [*made.sessions, _forum_session(laptop)]


def document_of(app, session_id: int) -> dict:
    with app.app_context():
        return transfer_document(db.session.get(LiveSession, session_id))


@pytest.fixture
def tokens(central):
    with central.app_context():
        made = {}
        for email, role in (
            ("analys@example.org", Role.analyst),
            ("a@example.org", Role.leader),
            ("b@example.org", Role.leader),
        ):
            made[email] = create_token(create_user(email, role, None, min_length=1))
        db.session.commit()
        return made


def post(app, token: str | None, body: bytes | dict, **headers):
    if isinstance(body, dict):
        body = encoded(body)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return app.test_client().post(
        IMPORTS, data=body, headers=headers, content_type="application/json"
    )


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            t.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in TABLES
        }


def exported(app, session_id: int, format: str) -> bytes:
    with app.app_context():
        made = export(ExportFilter(session=session_id), format, user=None, actor="t", channel="cli")
        db.session.commit()
        return made.content


def central_id(app, uid: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(LiveSession.id).where(LiveSession.uid == uid))


# --- import ---------------------------------------------------------------------------------


def test_import_stores_each_session_once_with_the_same_exports(laptop, central, sessions, tokens):
    analyst = tokens["analys@example.org"]
    for session_id in sessions:
        document = document_of(laptop, session_id)
        uid = document["sessions"][0]["uid"]
        answer = post(central, analyst, document)
        assert answer.status_code == 200, answer.json
        assert answer.json == {"sessions": [{"uid": uid, "status": "imported"}]}
        stored = counts(central)
        again = post(central, analyst, document_of(laptop, session_id))  # a fresh export
        assert again.json == {"sessions": [{"uid": uid, "status": "unchanged"}]}
        assert counts(central) == stored
        imported = central_id(central, uid)
        for format, view in VIEWS.items():
            here, there = exported(laptop, session_id, format), exported(central, imported, format)
            assert view(there) == view(here) or _same(view(here), view(there)), format
    with central.app_context():
        for session in db.session.scalars(sa.select(LiveSession)):
            assert session.origin == "laptop-overtornea" and session.imported_at is not None
        # the recognised people of the circle are one member each across its two meetings
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CircleMember)) == 2


def _same(here, there) -> bool:
    """Views with an ``origins`` entry differ there only: empty here, the laptop's name there."""
    if isinstance(here, dict) and "origins" in here:
        assert here["origins"] == [""] or here["origins"] == [None]
        assert there["origins"] == ["laptop-overtornea"]
        return {**here, "origins": None} == {**there, "origins": None}
    if isinstance(here, dict):
        return here.keys() == there.keys() and all(_same(here[k], there[k]) for k in here)
    return here == there


def test_exports_of_imported_sessions_name_their_origin(laptop, central, sessions, tokens):
    post(central, tokens["analys@example.org"], document_of(laptop, sessions[0]))
    uid = document_of(laptop, sessions[0])["sessions"][0]["uid"]
    content = json.loads(exported(central, central_id(central, uid), "json"))
    assert content["sessions"][0]["origin"] == "laptop-overtornea"
    assert content["sessions"][0]["uid"] == uid
    csv_text = exported(central, central_id(central, uid), "csv").decode("utf-8-sig")
    assert csv_text.splitlines()[0].endswith(";origin")
    assert csv_text.splitlines()[1].endswith(";laptop-overtornea")


def test_a_newer_snapshot_replaces_the_older_and_an_older_never_does(
    laptop, central, sessions, tokens
):
    analyst = tokens["analys@example.org"]
    older = document_of(laptop, sessions[0])
    assert post(central, analyst, older).json["sessions"][0]["status"] == "imported"
    imported = central_id(central, older["sessions"][0]["uid"])

    def rows(app, session_id) -> int:
        return len(exported(app, session_id, "csv").decode("utf-8-sig").splitlines()) - 1

    before = rows(central, imported)
    with laptop.app_context():  # after the evening, the leader hides one more contribution
        shown = db.session.scalar(
            sa.select(Response)
            .where(Response.session_id == sessions[0], Response.hidden.is_(False))
            .where(Response.step_id == "introduktion-d-framtid", Response.withdrawn.is_(False))
            .order_by(Response.id.desc())
            .limit(1)
        )
        shown.hidden = True
        db.session.commit()
    newer = document_of(laptop, sessions[0])
    assert post(central, analyst, newer).json["sessions"][0]["status"] == "updated"
    assert central_id(central, newer["sessions"][0]["uid"]) == imported  # the same session
    assert rows(central, imported) == rows(laptop, sessions[0]) == before - 1
    stored = counts(central)
    assert post(central, analyst, older).json["sessions"][0]["status"] == "unchanged"
    assert counts(central) == stored
    assert rows(central, imported) == before - 1


# --- bad documents --------------------------------------------------------------------------


def _break(document: dict, how: str) -> bytes | dict:
    broken = copy.deepcopy(document)
    session = broken["sessions"][0]
    record = session["record"]
    if how == "not_json":
        return b'{"format": "facilitate-export", '
    if how == "not_utf8":
        return b'{"format": "\xff"}'
    if how == "array":
        return b"[]"
    if how == "wrong_format":
        broken["format"] = "mentimeter"
    elif how == "version_1":
        broken["version"] = 1
    elif how == "missing_uid":
        del session["uid"]
    elif how == "bad_uid":
        session["uid"] = "not-a-uuid"
    elif how == "extra_response_field":
        record["responses"][0]["name"] = "Anna"
    elif how == "module_hash":
        broken["module_versions"][0]["document"]["title"]["sv"] = "Något annat"
    elif how == "not_transfer":
        del broken["transfer"]
    elif how == "no_record":
        del session["record"]
    elif how == "unknown_participant":
        record["responses"][0]["participant"] = "k-" + "0" * 16
    elif how == "unknown_merge":
        record["responses"][0]["merged_into"] = 10**9
    elif how == "running":
        session["status"] = "running"
    elif how == "unknown_part":
        session["part"] = "ingen-sadan-del"
    elif how == "municipality":
        broken["circles"][0]["municipality"] = "stockholm"
    elif how == "no_version":
        broken["module_versions"] = []
    elif how == "bad_time":
        record["responses"][0]["created_at"] = "igår"
    return broken


BROKEN = {
    "not_json": (400, "not_json"),
    "not_utf8": (400, "not_json"),
    "array": (400, "not_json"),
    "wrong_format": (400, "wrong_format"),
    "version_1": (400, "unsupported_version"),
    "missing_uid": (400, "schema_violation"),
    "bad_uid": (400, "schema_violation"),
    "extra_response_field": (400, "schema_violation"),
    "module_hash": (400, "module_hash_mismatch"),
    "not_transfer": (400, "not_transfer"),
    "no_record": (400, "not_transfer"),
    "unknown_participant": (400, "inconsistent_document"),
    "unknown_merge": (400, "inconsistent_document"),
    "running": (400, "session_not_ended"),
    "unknown_part": (400, "unknown_part"),
    "municipality": (400, "unknown_municipality"),
    "no_version": (400, "unknown_module_version"),
    "bad_time": (400, "schema_violation"),
}


@pytest.mark.parametrize("how", BROKEN)
def test_each_kind_of_bad_document_is_refused_and_nothing_is_stored(
    laptop, central, sessions, tokens, how
):
    before = counts(central)
    answer = post(
        central, tokens["analys@example.org"], _break(document_of(laptop, sessions[0]), how)
    )
    status, code = BROKEN[how]
    assert (answer.status_code, answer.json["error"]) == (status, code), answer.json
    assert answer.json["message"] and answer.json["detail"]
    assert counts(central) == before


def test_one_bad_session_in_a_document_stores_none_of_it(laptop, central, sessions, tokens):
    good = document_of(laptop, sessions[0])
    bad = document_of(laptop, sessions[1])
    bad["sessions"][0]["record"]["responses"][-1]["participant"] = "k-" + "f" * 16
    both = copy.deepcopy(good)
    both["sessions"] += bad["sessions"]
    both["responses"] += bad["responses"]
    answer = post(central, tokens["analys@example.org"], both)
    assert answer.status_code == 400 and answer.json["error"] == "inconsistent_document"
    assert "sessions/1/record/responses" in answer.json["detail"]
    assert counts(central)["live_sessions"] == 0 and counts(central)["participants"] == 0


def test_too_large_a_document_is_refused_before_it_is_read(laptop, central, sessions, tokens):
    central.config["IMPORT_MAX_BYTES"] = 1000
    answer = post(central, tokens["analys@example.org"], document_of(laptop, sessions[0]))
    assert answer.status_code == 413 and answer.json["error"] == "too_large"
    assert counts(central)["live_sessions"] == 0


def test_refusals_are_in_the_requests_language(laptop, central, sessions, tokens):
    answer = post(central, tokens["analys@example.org"], b"nej", **{"Accept-Language": "en"})
    assert answer.json["error"] == "not_json"
    assert answer.json["message"] == "The file is not a JSON document."


# --- who may import -------------------------------------------------------------------------


def test_authorization(laptop, central, sessions, tokens):
    document = document_of(laptop, sessions[0])
    uid = document["sessions"][0]["uid"]
    assert post(central, None, document).status_code == 401
    assert post(central, "not-a-token", document).status_code == 401
    assert post(central, tokens["a@example.org"], document).json["sessions"][0]["status"] == (
        "imported"
    )
    with central.app_context():
        session = db.session.scalar(sa.select(LiveSession).where(LiveSession.uid == uid))
        owner = session.leader.email
        assert owner == "a@example.org" and session.circle.leader.email == "a@example.org"
    before = counts(central)
    # Another leader cannot import into a's account, not even a newer snapshot of it.
    refused = post(central, tokens["b@example.org"], document_of(laptop, sessions[0]))
    assert refused.status_code == 403 and refused.json["error"] == "forbidden"
    assert counts(central) == before
    # Nor a meeting of a's circle.
    other = post(central, tokens["b@example.org"], document_of(laptop, sessions[1]))
    assert other.status_code == 403 and "circle" in other.json["detail"]
    assert counts(central) == before
    # An analyst may; the session stays a's.
    assert (
        post(central, tokens["analys@example.org"], document).json["sessions"][0]["status"]
        == "unchanged"
    )
    # A leader's own sessions cannot be overwritten by an import of the same uid.
    with central.app_context():
        local = operations.create_session(
            db.session.get(type(session.leader), session.leader_id),
            "norrbotten-for-alla",
            "demografi",
        )
        local_uid = local.uid
        db.session.commit()
    faked = copy.deepcopy(document)
    faked["sessions"][0]["uid"] = local_uid
    clash = post(central, tokens["analys@example.org"], faked)
    assert clash.status_code == 409 and clash.json["error"] == "local_session"


# --- the pages ------------------------------------------------------------------------------


def _with_password(app, *emails: str) -> None:
    """The generated accounts have no password: give them the tests' one to log in with."""
    from facilitate.auth.operations import set_password
    from facilitate.auth.queries import user_by_email

    from .conftest import PASSWORD

    with app.app_context():
        for email in emails:
            set_password(user_by_email(email), PASSWORD, min_length=1)
        db.session.commit()


def test_console_offers_a_download_without_a_central_server(laptop, sessions):
    from .conftest import log_in

    _with_password(laptop, "ledare0-1@example.org")
    client = laptop.test_client()
    log_in(client, "ledare0-1@example.org")
    page = client.get(f"/sessions/{sessions[0]}").get_data(as_text=True)
    assert "Ladda ner för överföring" in page and "Skicka till regionen" not in page
    download = client.get(f"/sessions/{sessions[0]}/transfer.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    document = json.loads(download.data)
    assert document["transfer"] is True and document["sessions"][0]["record"]["participants"]
    assert "Namn0x0x0" not in download.get_data(as_text=True)  # no names travel
    laptop.config.update(CENTRAL_URL="https://region.example", CENTRAL_TOKEN="t")
    page = client.get(f"/sessions/{sessions[0]}").get_data(as_text=True)
    assert "Skicka till regionen" in page and "Ladda ner för överföring" not in page


def test_push_from_the_console_when_the_central_server_is_unreachable(laptop, sessions):
    from .conftest import log_in
    from .realserver import free_port

    laptop.config.update(CENTRAL_URL=f"http://127.0.0.1:{free_port()}", CENTRAL_TOKEN="t")
    _with_password(laptop, "ledare0-1@example.org")
    client = laptop.test_client()
    log_in(client, "ledare0-1@example.org")
    page = client.get(f"/sessions/{sessions[0]}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        f"/sessions/{sessions[0]}/push", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Regionens server gick inte att nå" in answer.get_data(as_text=True)
    with laptop.app_context():
        from facilitate.sync.models import SyncReceipt

        assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncReceipt)) == 0


def test_import_page_for_analysts(laptop, central, sessions, tokens):
    from .conftest import csrf_token, log_in

    _with_password(central, "analys@example.org", "a@example.org")
    leader = central.test_client()
    log_in(leader, "a@example.org")
    assert leader.get("/analysis/imports").status_code == 403
    client = central.test_client()
    log_in(client, "analys@example.org")
    page = client.get("/analysis/imports").get_data(as_text=True)
    assert "Inga sessioner har importerats än." in page
    body = encoded(document_of(laptop, sessions[0]))
    answer = client.post(
        "/analysis/imports",
        data={
            "csrf_token": csrf_token(client, "/analysis/imports"),
            "document": (io.BytesIO(body), "kvall.json"),
        },
        content_type="multipart/form-data",
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200, text[text.find('id="import-error"') :][:400]
    outcome = text[text.find('id="import-outcomes"') :]
    assert "<td>importerad</td>" in outcome and "<td>laptop-overtornea</td>" in outcome
    refused = client.post(
        "/analysis/imports",
        data={
            "csrf_token": csrf_token(client, "/analysis/imports"),
            "document": (io.BytesIO(b"{}"), "fel.json"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "Filen är inte en export från facilitate." in refused.get_data(as_text=True)
    assert "Ingenting importerades." in refused.get_data(as_text=True)
    listed = client.get("/analysis/").get_data(as_text=True)
    assert "(från laptop-overtornea)" in listed


def test_a_document_whose_keys_a_tool_sorted_is_still_accepted(laptop, central, sessions, tokens):
    document = document_of(laptop, sessions[0])
    body = json.dumps(document, sort_keys=True, indent=2).encode("utf-8")
    answer = post(central, tokens["analys@example.org"], body)
    assert answer.json["sessions"][0]["status"] == "imported", answer.json
    again = post(central, tokens["analys@example.org"], document)
    assert again.json["sessions"][0]["status"] == "unchanged"


def test_answers_follow_the_openapi_document(laptop, central, sessions, tokens):
    import jsonschema

    spec = central.test_client().get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]

    def conforms(name, instance):
        jsonschema.validate(instance, {**schemas[name], "components": spec["components"]})

    conforms(
        "ImportResult",
        post(central, tokens["a@example.org"], document_of(laptop, sessions[0])).json,
    )
    conforms("ImportError", post(central, tokens["a@example.org"], b"[").json)


def test_retention_prunes_imported_sessions_on_the_same_schedule(laptop, central, sessions, tokens):
    from datetime import timedelta

    from facilitate.sessions.retention import prune, retention_cutoff

    document = document_of(laptop, sessions[0])
    post(central, tokens["analys@example.org"], document)
    uid = document["sessions"][0]["uid"]
    with central.app_context():
        session = db.session.scalar(sa.select(LiveSession).where(LiveSession.uid == uid))
        created = session.created_at
        months = central.config["RETENTION_MONTHS"]
        # not yet due the day before its time, due the day after: the laptop's creation time
        assert prune(retention_cutoff(months, created + timedelta(days=30 * months - 1))) == []
        assert prune(retention_cutoff(months, created + timedelta(days=30 * months + 1))) == [
            session.id
        ]
        db.session.commit()
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Participant)
                .where(Participant.session_id == session.id)
            )
            == 0
        )
        assert session.summary  # the aggregate results stay


def test_push_needs_an_address_and_a_token(laptop):
    from facilitate.cli import cli

    runner = laptop.test_cli_runner()
    without = runner.invoke(cli, ["sync", "push"])
    assert without.exit_code == 2 and "--to" in without.output
    no_token = runner.invoke(cli, ["sync", "push", "--to", "https://region.example"])
    assert no_token.exit_code == 2 and "--token" in no_token.output


def test_a_rankings_presented_order_travels_with_it(laptop, central, sessions, tokens):
    """The order each participant was shown a ranking's options in (shuffled per participant)
    arrives on the central server with their ranking, so its exports can show it too."""
    with laptop.app_context():
        leader = db.session.get(LiveSession, sessions[0]).leader
        session = operations.create_session(leader, "strategiskt-forum", "fokusomraden", "sv")
        people = [operations.join(session.code, None, f"R{n}", "sv")[0] for n in range(3)]
        operations.control(session, "start")
        step = session_step(session, "fokusomraden-rank")
        operations.control(session, "goto", step.id)
        for n, person in enumerate(people):
            operations.answer(person, step.id, [o.id for o in step.options], f"k{n}")
        operations.control(session, "end")
        db.session.commit()
        shown = [
            r.presented
            for r in db.session.scalars(
                sa.select(Response).where(Response.step_id == step.id).order_by(Response.id)
            )
        ]
        session_id = session.id
    assert all(sorted(order) == sorted(o.id for o in step.options) for order in shown)
    document = document_of(laptop, session_id)
    assert post(central, tokens["analys@example.org"], document).status_code == 200
    with central.app_context():
        imported = central_id(central, document["sessions"][0]["uid"])
        arrived = [
            r.presented
            for r in db.session.scalars(
                sa.select(Response)
                .where(Response.session_id == imported, Response.step_id == step.id)
                .order_by(Response.id)
            )
        ]
    assert arrived == shown
