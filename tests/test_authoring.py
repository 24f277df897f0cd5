"""Authoring over HTTP and /live: a leader builds a five-step dialogue through the editor's
save endpoint, runs it with phones and exports the answers; a session keeps the version it ran
with when the module changes; who may see, run, change and copy what; uploads that are not a
module change nothing; download → edit → upload round-trips byte for byte."""

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from facilitate.auth import Role, User
from facilitate.auth.operations import create_token
from facilitate.authoring.models import AuthoredModule, ModuleVersion
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession

from .conftest import call, csrf_token, log_in

FIVE_STEPS = [
    {
        "id": "info-1",
        "kind": "info",
        "title": {"sv": "Välkomna"},
        "body": {"sv": "Ikväll: beredskap."},
    },
    {
        "id": "poll-1",
        "kind": "poll",
        "prompt": {"sv": "Har du ett krislåda hemma?", "en": "Do you have an emergency kit?"},
        "options": [{"id": "a", "text": {"sv": "Ja"}}, {"id": "b", "text": {"sv": "Nej"}}],
        "tags": ["focus.civil-preparedness"],
    },
    {
        "id": "scale-1",
        "kind": "scale",
        "prompt": {"sv": "Hur väl förberedd är byn?"},
        "min": 1,
        "max": 5,
        "min_label": {"sv": "Inte alls"},
        "max_label": {"sv": "Mycket väl"},
    },
    {"id": "open-1", "kind": "open", "prompt": {"sv": "Vad behöver byn mest?"}},
    {
        "id": "statements-1",
        "kind": "statements",
        "prompt": {"sv": "Håller du med?"},
        "statements": [{"id": "a", "text": {"sv": "Kommunen ska ha reservkraft i varje by."}}],
        "leader_notes": {"sv": "Låt alla svara först."},
    },
]


def document(module_id="byakvall", steps=None, title="Byakväll om beredskap"):
    return {
        "id": module_id,
        "kind": "dialogue",
        "title": {"sv": title},
        "description": {"sv": "En kväll om civil beredskap."},
        "parts": [
            {
                "id": "del-1",
                "title": {"sv": "Kvällen"},
                "description": {"sv": "Hela kvällen."},
                "steps": steps if steps is not None else FIVE_STEPS,
            }
        ],
    }


def new(client, title="Byakväll") -> str:
    """A new module through the list page; returns its id."""
    response = client.post(
        "/authoring/new", data={"title": title, "csrf_token": csrf_token(client, "/authoring")}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return re.search(r"/authoring/([a-z0-9-]+)/edit", response.headers["Location"]).group(1)


def save(client, module_id, doc):
    token = csrf_token(client, "/authoring")
    return client.post(
        f"/authoring/{module_id}/save",
        json={"module": doc},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )


def start(client, module_id, part="del-1") -> int:
    response = client.post(
        "/sessions",
        data={"module": module_id, "part": part, "csrf_token": csrf_token(client, "/modules")},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(AuthoredModule)),
            db.session.scalar(sa.select(sa.func.count()).select_from(ModuleVersion)),
        )


@pytest.fixture
def analyst(app, make_user):
    make_user(email="analys@example.org", role=Role.analyst)
    browser = app.test_client()
    assert log_in(browser, email="analys@example.org").status_code == 302
    return browser


@pytest.fixture
def built(app, logged_in):
    """The five-step dialogue ``byakvall``, saved by leader@example.org."""
    module_id = new(logged_in, "Byakväll")
    assert module_id == "byakvall"
    response = save(logged_in, module_id, document())
    assert response.status_code == 200 and response.json == {
        "ok": True,
        "changed": True,
        "message": "Sparat.",
    }
    return module_id


def run(client, socket_client, session_id, phones=3):
    """Answer every step of the five-step dialogue from ``phones`` phones."""
    host = socket_client(client)
    assert call(host, "host", {"session": session_id})["ok"]
    with client.application.app_context():
        code = db.session.get(LiveSession, session_id).code
    sios = []
    for _ in range(phones):
        sio = socket_client()
        assert call(sio, "join", {"code": code})["ok"]
        sios.append(sio)

    def control(action):
        ack = call(host, "control", {"session": session_id, "action": action})
        assert ack["ok"], ack

    def answer(sio, step, value, sub, **extra):
        ack = call(sio, "answer", {"step": step, "value": value, "submission_id": sub, **extra})
        assert ack["ok"], ack

    control("start")
    control("next")
    for n, sio in enumerate(sios):
        answer(sio, "poll-1", "a" if n else "b", f"p{n}")
    control("next")
    for n, sio in enumerate(sios):
        answer(sio, "scale-1", 4, f"s{n}")
    control("next")
    for n, sio in enumerate(sios):
        answer(sio, "open-1", f"Reservkraft {n}", f"o{n}")
    control("next")
    for n, sio in enumerate(sios):
        answer(sio, "statements-1", "agree", f"st{n}", statement="a")
    control("end")
    return host


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_a_five_step_dialogue_built_in_the_browser_runs_live_and_exports(
    app, logged_in, built, socket_client, analyst
):
    assert built in logged_in.get("/modules").get_data(as_text=True)
    session_id = start(logged_in, built)
    run(logged_in, socket_client, session_id)

    rows = csv_rows(analyst.get(f"/analysis/export?format=csv&session={session_id}").data)
    by_step = {}
    for row in rows:
        by_step.setdefault(row["step"], []).append(row["value"])
    assert sorted(by_step["open-1"]) == ["Reservkraft 0", "Reservkraft 1", "Reservkraft 2"]
    assert by_step["scale-1"] == ["4", "4", "4"]
    assert {r["prompt"] for r in rows if r["step"] == "poll-1"} == {"Har du ett krislåda hemma?"}

    workbook = load_workbook(
        io.BytesIO(analyst.get(f"/analysis/export?format=xlsx&session={session_id}").data)
    )
    answers = [[c.value for c in row] for row in workbook["Svar"].iter_rows()]
    assert any("Reservkraft 1" in row for row in answers)


def test_a_session_keeps_the_content_it_ran_with(app, logged_in, built, socket_client, analyst):
    session_id = start(logged_in, built)
    run(logged_in, socket_client, session_id)
    with app.app_context():
        token = create_token(db.session.scalar(sa.select(User).where(User.role == Role.leader)))
        db.session.commit()
    api = {"Authorization": f"Bearer {token}"}
    before = logged_in.get(f"/api/v1/sessions/{session_id}/results", headers=api).json

    changed = json.loads(json.dumps(FIVE_STEPS))
    changed[1]["prompt"]["sv"] = "Har du vatten för en vecka?"
    del changed[3]  # the open question is gone
    changed.append({"id": "wordcloud-1", "kind": "wordcloud", "prompt": {"sv": "Ett ord?"}})
    assert save(logged_in, built, document(steps=changed)).json["changed"] is True

    steps = logged_in.get(f"/api/v1/sessions/{session_id}", headers=api).json["steps"]
    assert [s["id"] for s in steps] == [s["id"] for s in FIVE_STEPS]
    assert logged_in.get(f"/api/v1/sessions/{session_id}/results", headers=api).json == before
    host = socket_client(logged_in)
    state = call(host, "host", {"session": session_id})["state"]
    assert "open-1" in json.dumps(state) and "wordcloud-1" not in json.dumps(state)
    rows = csv_rows(analyst.get(f"/analysis/export?format=csv&session={session_id}").data)
    assert {r["prompt"] for r in rows if r["step"] == "poll-1"} == {"Har du ett krislåda hemma?"}
    assert {r["step"] for r in rows} >= {"open-1"}

    later = start(logged_in, built)
    steps = logged_in.get(f"/api/v1/sessions/{later}", headers=api).json["steps"]
    assert [s["id"] for s in steps][-1] == "wordcloud-1" and "open-1" not in str(steps)
    with app.app_context():
        first, second = (db.session.get(LiveSession, i) for i in (session_id, later))
        assert first.module_version_id != second.module_version_id


def test_shipped_modules_are_pinned_too(app, make_session):
    session_id = make_session()
    with app.app_context():
        session = db.session.get(LiveSession, session_id)
        version = db.session.get(ModuleVersion, session.module_version_id)
        assert version.module_id == "norrbotten-for-alla" and version.created_by_id is None
    assert make_session() != session_id
    assert counts(app)[1] == 1  # the same content is stored once


def test_saving_invalid_content_says_what_to_fix_and_changes_nothing(app, logged_in, built):
    before = counts(app)
    broken = json.loads(json.dumps(FIVE_STEPS))
    broken[1]["prompt"] = {}  # Swedish text emptied
    response = save(logged_in, built, document(steps=broken))
    assert response.status_code == 422
    problems = response.json["problems"]
    assert response.json["error"] == "invalid_content"
    assert [(tuple(p["path"]), p["code"]) for p in problems] == [
        (("parts", 0, "steps", 1, "prompt"), "missing_swedish")
    ]
    # The checks beyond the schema come once the schema is met, as for files.
    broken = json.loads(json.dumps(FIVE_STEPS))
    broken[2]["tags"] = ["focus.nonsense"]
    broken[4]["statements"].append({"id": "a", "text": {"sv": "Igen"}})
    again = save(logged_in, built, document(steps=broken)).json["problems"]
    assert {(tuple(p["path"]), p["code"]) for p in again} == {
        (("parts", 0, "steps", 2, "tags", 0), "unknown_tag"),
        (("parts", 0, "steps", 4, "statements", 1, "id"), "duplicate_id"),
    }
    assert any(p["message"] == "Svensk text saknas. Svenska måste alltid finnas." for p in problems)
    assert counts(app) == before

    english = logged_in.post(
        f"/authoring/{built}/save",
        json={"module": document(steps=[{**FIVE_STEPS[0], "title": {"en": "Welcome"}}])},
        headers={"X-CSRFToken": csrf_token(logged_in, "/authoring"), "Accept-Language": "en"},
    ).json
    assert "Swedish text is missing" in english["problems"][0]["message"]


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"module": 3}', b'{"module": {"id": "x\\u0000"}}']
)
def test_save_refuses_bad_payloads_without_a_500(logged_in, built, body):
    response = logged_in.post(
        f"/authoring/{built}/save",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(logged_in, "/authoring")},
    )
    assert response.status_code in (400, 422) and response.json["ok"] is False


def test_the_id_of_a_module_cannot_change_or_take_a_shipped_one(logged_in, built):
    response = save(logged_in, built, document(module_id="norrbotten-for-alla"))
    assert response.status_code == 400 and response.json["error"] == "id_changed"


def test_save_needs_the_csrf_token(logged_in, built):
    response = logged_in.post(f"/authoring/{built}/save", json={"module": document()})
    assert response.status_code == 400


def other_leader(app, make_user, email="annan@example.org"):
    make_user(email=email)
    browser = app.test_client()
    assert log_in(browser, email=email).status_code == 302
    return browser


def test_private_modules_are_the_owners_alone(app, make_user, built, analyst):
    other = other_leader(app, make_user)
    assert built not in other.get("/modules").get_data(as_text=True)
    assert built not in other.get("/authoring").get_data(as_text=True)
    assert other.get(f"/authoring/{built}/edit").status_code == 404
    assert other.get(f"/authoring/{built}/download").status_code == 404
    token = csrf_token(other, "/modules")
    refused = other.post("/sessions", data={"module": built, "part": "del-1", "csrf_token": token})
    assert refused.status_code == 400
    assert analyst.get("/authoring").status_code == 403


def test_shared_modules_can_be_run_and_copied_by_every_leader_but_changed_by_the_owner_only(
    app, logged_in, make_user, built
):
    token = csrf_token(logged_in, "/authoring")
    shared = logged_in.post(f"/authoring/{built}/share", data={"shared": "1", "csrf_token": token})
    assert shared.status_code == 302
    other = other_leader(app, make_user)
    assert built in other.get("/modules").get_data(as_text=True)
    with app.app_context():
        token = create_token(
            db.session.scalar(sa.select(User).where(User.email == "annan@example.org"))
        )
        db.session.commit()
    api = {"Authorization": f"Bearer {token}"}
    listed = other.get("/api/v1/modules", headers=api).json
    assert {
        "id": built,
        "kind": "dialogue",
        "title": "Byakväll om beredskap",
        "parts": [{"id": "del-1", "title": "Kvällen"}],
    } in listed
    created = other.post("/api/v1/sessions", json={"module": built, "part": "del-1"}, headers=api)
    assert created.status_code == 201
    assert other.get(f"/authoring/{built}/edit").status_code == 403
    assert save(other, built, document(title="Kapad")).status_code == 403
    token = csrf_token(other, "/authoring")
    assert other.post(f"/authoring/{built}/delete", data={"csrf_token": token}).status_code == 403
    copied = other.post(f"/authoring/{built}/copy", data={"csrf_token": token})
    assert (
        copied.status_code == 302 and "/authoring/byakvall-kopia/edit" in copied.headers["Location"]
    )
    page = other.get("/authoring/byakvall-kopia/edit").get_data(as_text=True)
    assert "Byakväll om beredskap (kopia)" in page


def test_shipped_modules_are_read_only_and_copied_to_change(logged_in):
    assert logged_in.get("/authoring/norrbotten-for-alla/edit").status_code == 404
    token = csrf_token(logged_in, "/authoring")
    copied = logged_in.post("/authoring/samverkansdialog/copy", data={"csrf_token": token})
    assert copied.headers["Location"].endswith("/authoring/samverkansdialog-kopia/edit")


def test_deleting_a_module_keeps_the_sessions_run_with_it(
    app, logged_in, built, socket_client, analyst
):
    session_id = start(logged_in, built)
    run(logged_in, socket_client, session_id)
    token = csrf_token(logged_in, "/authoring")
    assert (
        logged_in.post(f"/authoring/{built}/delete", data={"csrf_token": token}).status_code == 302
    )
    assert built not in logged_in.get("/modules").get_data(as_text=True)
    rows = csv_rows(analyst.get(f"/analysis/export?format=csv&session={session_id}").data)
    assert len([r for r in rows if r["step"] == "open-1"]) == 3
    assert logged_in.get(f"/sessions/{session_id}").status_code == 200


def upload(client, content: bytes, name="byakvall.yaml"):
    """Post a file as a browser does. The multipart body is built here: the test client would
    spool a large one to a temporary file that it never closes."""
    boundary = "----facilitate-test-boundary"
    token = csrf_token(client, "/authoring")
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/yaml\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        "/authoring/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_download_edit_upload_round_trips_byte_for_byte(app, logged_in, built):
    response = logged_in.get(f"/authoring/{built}/download")
    assert response.headers["Content-Disposition"] == 'attachment; filename="byakvall.yaml"'
    original = response.data.decode("utf-8")
    before = counts(app)
    assert upload(logged_in, original.encode("utf-8")).status_code == 302
    assert counts(app) == before  # unchanged content is no new version
    edited = original.replace("Vad behöver byn mest?", "Vad saknar byn mest?")
    assert edited != original
    assert upload(logged_in, edited.encode("utf-8")).status_code == 302
    assert counts(app) == (before[0], before[1] + 1)
    assert logged_in.get(f"/authoring/{built}/download").data.decode("utf-8") == edited


def test_a_shipped_module_downloads_as_one_file_that_uploads_as_a_copy(logged_in):
    text = logged_in.get("/authoring/strategiskt-forum/download").data
    refused = upload(logged_in, text)
    assert refused.status_code == 400 and "Kopiera" in refused.get_data(as_text=True)
    renamed = text.replace(b"id: strategiskt-forum\n", b"id: vart-forum\n", 1)
    assert upload(logged_in, renamed).headers["Location"].endswith("/authoring/vart-forum/edit")


@pytest.mark.parametrize(
    "content, says",
    [
        (b"id: [oj\n", "inte giltig YAML (rad 2, kolumn 1)"),
        (b"\xff\xfe\x00", "inte UTF-8"),
        (b"- en lista\n", "ingen modul"),
        (b"id: byakvall\nkind: dialogue\n", "saknas"),
        (b"#" * (1024 * 1024 + 10), "större än 1024 KiB"),
    ],
)
def test_uploads_that_are_not_a_module_say_why_and_change_nothing(
    app, logged_in, built, content, says
):
    before = counts(app)
    response = upload(logged_in, content)
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)
    assert counts(app) == before


def test_uploading_over_someone_elses_module_is_refused(app, logged_in, make_user, built):
    text = logged_in.get(f"/authoring/{built}/download").data
    other = other_leader(app, make_user)
    before = counts(app)
    response = upload(other, text.replace(b"Byakv\xc3\xa4ll om", b"Kapad"))
    assert response.status_code == 400 and "som inte är din" in response.get_data(as_text=True)
    assert counts(app) == before


def test_an_upload_without_a_file_says_so(logged_in):
    response = logged_in.post(
        "/authoring/upload", data={"csrf_token": csrf_token(logged_in, "/authoring")}
    )
    assert response.status_code == 400 and "Välj en fil" in response.get_data(as_text=True)


def test_circles_can_follow_an_authored_module(logged_in, built):
    page = logged_in.get("/circles/new").get_data(as_text=True)
    assert f'value="{built}"' in page


def test_the_command_line_lists_authored_modules_with_their_owner(logged_in, built, runner):
    result = runner.invoke(["modules", "list"])
    assert result.exit_code == 0, result.output
    assert "samverkansdialog" in result.output
    assert f"{built}  Byakväll om beredskap" in result.output
    assert "[leader@example.org, private]" in result.output


def test_what_ran_stays_readable_when_the_rules_become_stricter(app, live, caplog):
    """A stored version that no longer passes today's checks (here: a prompt over the length
    limit, as if the limit had been lowered since) still shows; the log says so."""
    from facilitate.authoring.queries import PINNED_KEY

    from .conftest import call

    long_prompt = "Varför? " * 800
    with app.app_context():
        version = db.session.get(
            ModuleVersion, db.session.get(LiveSession, live.id).module_version_id
        )
        document = json.loads(version.document)
        step = document["parts"][1]["steps"][1]
        step["prompt"]["sv"] = long_prompt
        version.document = json.dumps(document)
        version.sha256 = "0" * 64  # content of its own, not the shipped one's
        db.session.commit()
    app.extensions.pop(PINNED_KEY, None)
    phone = live.phone()
    assert live.control("start")["ok"]
    state = live.control("goto", step["id"])["state"]
    assert state["step"]["prompt"] == long_prompt
    assert call(phone, "sync")["state"]["step"]["prompt"] == long_prompt
    assert "no longer passes the checks" in caplog.text
