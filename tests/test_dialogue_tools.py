"""The facilitator's dialogue tools through the real /live protocol: open contributions that
their authors edit and withdraw, upvotes, moderation and pre-moderation, statements with
proposals and divisiveness, table groups, and answers entered on someone's behalf."""

import pytest
import sqlalchemy as sa

from facilitate.auth.operations import create_token
from facilitate.dialogue.models import Proposal, Vote
from facilitate.extensions import db
from facilitate.sessions.models import Participant, Response

from .conftest import answer, call, events, texts
from .test_dialogue_live import first_step

FORUM = ("strategiskt-forum", "principer")
OPEN = "principer-i-praktiken"
STATEMENTS = "principer-pastaenden"


@pytest.fixture
def forum(live_session):
    """strategiskt-forum/principer at its first open prompt, three phones and the big screen."""
    live = live_session(*FORUM)
    phones = [live.phone() for _ in range(3)]
    screen = live.screen_client = live.screen()
    live.control("start")
    live.control("goto", OPEN)
    return live, phones, screen


def shown(phone):
    """The contribution texts a phone shows now (a fresh snapshot, as after a reconnect)."""
    results = call(phone, "sync")["state"]["results"]
    return [c["text"] for c in results["results"]["contributions"]] if results else []


def room(live):
    """The open step's results as the big screen shows them now."""
    return call(live.screen_client, "screen", {"session": live.id})["state"]["results"]["results"]


def screen_texts(live):
    return [c["text"] for c in room(live)["contributions"]]


def moderation(live):
    return call(live.host, "host", {"session": live.id})["state"]["moderation"]


def contribution_id(live, text):
    return next(c["id"] for c in moderation(live) if c["text"] == text)


# --- open input: several contributions, edited and withdrawn by their authors ------------------


def test_contributions_appear_live_and_authors_edit_and_withdraw_them(forum):
    live, (aino, bo, _), screen = forum
    assert answer(aino, OPEN, "Fler mötesplatser", "a1")["ok"]
    assert answer(aino, OPEN, "Tydligare kontaktvägar", "a2")["ok"]
    assert answer(bo, OPEN, "Mer dialog", "b1")["ok"]
    # Live on the big screen and on the phones, before any reveal.
    everything = ["Fler mötesplatser", "Tydligare kontaktvägar", "Mer dialog"]
    pushed = events(screen, "tally")[-1]["results"]["results"]["contributions"]
    assert [c["text"] for c in pushed] == everything
    pushed = events(bo, "tally")[-1]["results"]["results"]["contributions"]
    assert [c["text"] for c in pushed] == everything
    assert screen_texts(live) == everything
    assert shown(bo) == everything

    edit = {"step": OPEN, "submission_id": "a1", "value": "Fler mötesplatser i byarna"}
    assert call(aino, "edit", edit) == {"ok": True}
    assert call(aino, "edit", edit) == {"ok": True}  # a resend changes nothing
    assert call(aino, "withdraw", {"step": OPEN, "submission_id": "a2"}) == {"ok": True}
    assert call(aino, "withdraw", {"step": OPEN, "submission_id": "a2"}) == {"ok": True}
    assert screen_texts(live) == ["Fler mötesplatser i byarna", "Mer dialog"]
    assert texts(call(aino, "sync")["state"]["answer"]) == ["Fler mötesplatser i byarna"]

    # Nobody edits or withdraws someone else's contribution, nor a withdrawn one.
    other = {"step": OPEN, "submission_id": "a1", "value": "kapat"}
    assert call(bo, "edit", other)["error"] == "unknown_contribution"
    assert call(bo, "withdraw", {"step": OPEN, "submission_id": "a1"})["error"] == (
        "unknown_contribution"
    )
    gone = {"step": OPEN, "submission_id": "a2", "value": "tillbaka"}
    assert call(aino, "edit", gone)["error"] == "unknown_contribution"
    # A withdrawn contribution keeps no text; the edited one is stored as edited.
    with live_app_context(live) as stored:
        assert stored["a2"].withdrawn and stored["a2"].value is None
        assert stored["a1"].value == "Fler mötesplatser i byarna" and stored["a1"].edited_at

    # Once the step closes, contributions are final.
    live.control("close")
    late = {"step": OPEN, "submission_id": "a1", "value": "för sent"}
    assert call(aino, "edit", late)["error"] == "step_closed"
    assert call(aino, "withdraw", {"step": OPEN, "submission_id": "a1"})["error"] == "step_closed"


def test_bad_contributions_are_refused_and_change_nothing(forum):
    live, (aino, *_), _screen = forum
    assert answer(aino, OPEN, "Första", "a1")["ok"]
    for value, code in [("   ", "empty_text"), ("x" * 501, "text_too_long"), (7, "invalid_value")]:
        assert answer(aino, OPEN, value, "bad")["error"] == code
        edit = {"step": OPEN, "submission_id": "a1", "value": value}
        assert call(aino, "edit", edit)["error"] == code
    assert call(aino, "edit", {"step": OPEN, "submission_id": "a1"})["error"] == "invalid_payload"
    assert screen_texts(live) == ["Första"]
    assert [v for _, _, v in live.stored()] == ["Första"]


def test_a_script_contribution_is_stored_as_typed(forum):
    live, (aino, _bo, _), _screen = forum
    attack = '<script>alert("x")</script> & <b>fet</b>'
    assert answer(aino, OPEN, attack, "a1")["ok"]
    assert [v for _, _, v in live.stored()] == [attack]
    assert screen_texts(live) == [attack]  # the pages insert it as text, never as markup


# --- upvotes -----------------------------------------------------------------------------------


def test_one_upvote_per_participant_and_the_screen_sorts_by_votes(forum):
    live, (aino, bo, cai), screen = forum
    assert answer(aino, OPEN, "Aino tycker", "a1")["ok"]
    assert answer(bo, OPEN, "Bo tycker", "b1")["ok"]
    bos = contribution_id(live, "Bo tycker")
    ainos = contribution_id(live, "Aino tycker")
    assert call(aino, "upvote", {"step": OPEN, "contribution": bos}) == {"ok": True}
    assert call(cai, "upvote", {"step": OPEN, "contribution": bos}) == {"ok": True}
    assert call(cai, "upvote", {"step": OPEN, "contribution": bos})["error"] == "already_voted"
    assert call(bo, "upvote", {"step": OPEN, "contribution": bos})["error"] == "own_contribution"
    assert call(bo, "upvote", {"step": OPEN, "contribution": 99999})["error"] == (
        "unknown_contribution"
    )
    assert call(bo, "upvote", {"step": OPEN, "contribution": "x"})["error"] == "invalid_payload"
    contributions = room(live)["contributions"]
    assert [(c["text"], c["votes"]) for c in contributions] == [
        ("Bo tycker", 2),
        ("Aino tycker", 0),
    ]
    pushed = events(screen, "tally")[-1]["results"]["results"]["contributions"]
    assert pushed == contributions
    assert call(cai, "sync")["state"]["voted"] == [bos]
    with live.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 2
    # A hidden contribution takes no votes.
    assert live.leader_call("moderate", contribution=ainos, action="hide")["ok"]
    assert call(bo, "upvote", {"step": OPEN, "contribution": ainos})["error"] == (
        "contribution_hidden"
    )


# --- moderation --------------------------------------------------------------------------------


def test_hidden_contributions_never_reach_the_room_but_stay_in_the_data(forum):
    live, (aino, bo, cai), screen = forum
    assert answer(aino, OPEN, "Bra förslag", "a1")["ok"]
    assert answer(bo, OPEN, "Olämpligt", "b1")["ok"]
    bad = contribution_id(live, "Olämpligt")
    ack = live.leader_call("moderate", contribution=bad, action="hide")
    assert ack["ok"]
    assert [c["hidden"] for c in ack["state"]["moderation"]] == [False, True]
    assert screen_texts(live) == ["Bra förslag"]
    assert shown(cai) == ["Bra förslag"]
    assert events(screen, "screen_state")[-1]["results"]["results"]["respondents"] == 1
    assert events(cai, "state")[-1]["results"]["results"]["respondents"] == 1
    # The author still sees their own, marked hidden; the data keeps it, marked.
    own = call(bo, "sync")["state"]["answer"]
    assert [(c["text"], c["hidden"]) for c in own] == [("Olämpligt", True)]
    assert [v for _, _, v in live.stored()] == ["Bra förslag", "Olämpligt"]
    # Revealing shows the room the same: nothing hidden.
    revealed = live.control("reveal")
    assert [c["text"] for c in revealed["state"]["results"]["results"]["contributions"]] == [
        "Bra förslag"
    ]
    assert [c["text"] for c in events(cai, "state")[-1]["results"]["results"]["contributions"]] == [
        "Bra förslag"
    ]
    assert live.leader_call("moderate", contribution=bad, action="unhide")["ok"]
    assert screen_texts(live) == ["Bra förslag", "Olämpligt"]


def test_pre_moderation_holds_contributions_until_approved(forum):
    live, (aino, *_), _screen = forum
    assert live.leader_call("settings", premoderation=True)["state"]["session"]["premoderation"]
    assert answer(aino, OPEN, "Väntar", "a1")["ok"]
    assert screen_texts(live) == []
    pending = moderation(live)[0]
    assert pending["pending"] is True
    assert call(aino, "sync")["state"]["answer"][0]["pending"] is True
    assert live.leader_call("moderate", contribution=pending["id"], action="approve")["ok"]
    assert screen_texts(live) == ["Väntar"]
    # An edit waits for approval again.
    edit = {"step": OPEN, "submission_id": "a1", "value": "Ändrad"}
    assert call(aino, "edit", edit) == {"ok": True}
    assert screen_texts(live) == []


def test_highlight_theme_tags_and_merging_near_duplicates(forum):
    live, (aino, bo, cai), _screen = forum
    assert answer(aino, OPEN, "Mer kollektivtrafik", "a1")["ok"]
    assert answer(bo, OPEN, "mer kollektivtrafik!", "b1")["ok"]
    assert answer(cai, OPEN, "Bredband överallt", "c1")["ok"]
    first, second, third = (c["id"] for c in moderation(live))
    assert moderation(live)[1]["similar_to"] == first  # suggested as a near-duplicate
    assert moderation(live)[2]["similar_to"] is None
    assert call(cai, "upvote", {"step": OPEN, "contribution": second})["ok"]

    assert live.leader_call("moderate", contribution=second, action="merge", into=first)["ok"]
    merged = room(live)
    assert [(c["text"], c["votes"], c["merged"]) for c in merged["contributions"]] == [
        ("Mer kollektivtrafik", 1, 1),
        ("Bredband överallt", 0, 0),
    ]
    bad_merge = live.leader_call("moderate", contribution=first, action="merge", into=second)
    assert bad_merge["error"] == "merge_into_itself"  # second is part of first now

    assert live.leader_call("moderate", contribution=third, action="highlight")["ok"]
    assert live.leader_call("moderate", contribution=first, action="theme", theme=" Resor ")["ok"]
    tags = ["focus.civil-preparedness", "area.dialogue-meeting-places"]
    assert live.leader_call("moderate", contribution=first, action="tag", tags=tags)["ok"]
    unknown = live.leader_call("moderate", contribution=first, action="tag", tags=["påhittad"])
    assert unknown["error"] == "unknown_tag"
    themed = room(live)
    first_view = themed["contributions"][0]
    assert first_view["theme"] == "Resor" and themed["themes"] == ["Resor"]
    assert first_view["tags"] == ["focus.civil-preparedness", "area.dialogue-meeting-places"]
    assert themed["contributions"][1]["highlighted"] is True

    assert live.leader_call("moderate", contribution=second, action="unmerge")["ok"]
    assert len(screen_texts(live)) == 3


def test_only_the_sessions_leader_moderates(forum, app, make_user, socket_client):
    live, (aino, bo, _), _screen = forum
    assert answer(aino, OPEN, "Mitt", "a1")["ok"]
    target = contribution_id(live, "Mitt")
    payload = {"session": live.id, "contribution": target, "action": "hide"}
    assert call(bo, "moderate", payload)["error"] == "not_authenticated"
    other = make_user(email="other@example.org")
    with app.app_context():
        token = create_token(db.session.get(type(other), other.id))
        db.session.commit()
    intruder = socket_client(auth={"token": token})
    assert call(intruder, "moderate", payload)["error"] == "forbidden"
    assert call(intruder, "behalf", {"session": live.id})["error"] == "forbidden"
    assert (
        call(bo, "proposal", {"session": live.id, "proposal": 1, "decision": "approve"})["error"]
        == "not_authenticated"
    )
    assert call(bo, "behalf", {"session": live.id})["error"] == "not_authenticated"
    for bad, code in [
        ({"action": "explode"}, "unknown_action"),
        ({"action": "merge"}, "invalid_payload"),
        ({"action": "tag"}, "invalid_payload"),
        ({"action": "theme", "theme": "x" * 61}, "text_too_long"),
        ({"contribution": 123456}, "unknown_contribution"),
    ]:
        assert (
            live.leader_call("moderate", **{**payload, **bad, "session": live.id})["error"] == code
        ), bad
    assert screen_texts(live) == ["Mitt"]


# --- statements --------------------------------------------------------------------------------


@pytest.fixture
def statements(live_session):
    live = live_session(*FORUM)
    phones = [live.phone() for _ in range(4)]
    live.control("start")
    live.control("goto", STATEMENTS)
    return live, phones


def react(phone, statement, reaction, submission_id):
    payload = {
        "step": STATEMENTS,
        "statement": statement,
        "value": reaction,
        "submission_id": submission_id,
    }
    return call(phone, "answer", payload)


def test_statements_show_agreement_and_where_the_room_is_divided(statements):
    live, phones = statements
    reactions = {
        "sjalvstandighet": ["agree", "agree", "agree", "agree"],
        "jambordig-dialog": ["agree", "disagree", "agree", "disagree"],
        "oppenhet": ["agree", "disagree", "pass", "agree"],
    }
    for statement, row in reactions.items():
        for n, (phone, reaction) in enumerate(zip(phones, row, strict=True)):
            assert react(phone, statement, reaction, f"{statement}-{n}")["ok"]
    # The latest reaction per person and statement counts.
    assert react(phones[3], "sjalvstandighet", "pass", "again")["ok"]
    results = live.control("reveal")["state"]["results"]["results"]
    rows = {r["id"]: r for r in results["statements"]}
    assert results["respondents"] == 4
    assert (rows["sjalvstandighet"]["agree"], rows["sjalvstandighet"]["pass"]) == (3, 1)
    assert rows["sjalvstandighet"]["agreement"] == 1.0 and rows["sjalvstandighet"]["agreed"]
    assert rows["jambordig-dialog"]["divisiveness"] == 1.0 and rows["jambordig-dialog"]["divided"]
    assert rows["oppenhet"]["divisiveness"] == pytest.approx(4 * 2 * 1 / 9, abs=0.001)
    assert results["divided"] == ["jambordig-dialog", "oppenhet"]
    assert rows["mangfald"]["total"] == 0 and rows["mangfald"]["agreement"] is None
    assert call(phones[3], "sync")["state"]["answer"]["sjalvstandighet"] == "pass"


@pytest.mark.parametrize(
    ("statement", "value", "code"),
    [
        ("sjalvstandighet", "maybe", "invalid_reaction"),
        ("sjalvstandighet", 1, "invalid_reaction"),
        ("finns-inte", "agree", "unknown_statement"),
        (None, "agree", "unknown_statement"),
    ],
)
def test_bad_reactions_are_refused(statements, statement, value, code):
    live, phones = statements
    payload = {"step": STATEMENTS, "value": value, "submission_id": "x"}
    if statement:
        payload["statement"] = statement
    assert call(phones[0], "answer", payload)["error"] == code
    assert live.stored() == []


def test_participants_propose_statements_the_leader_approves(statements):
    live, (aino, bo, *_) = statements
    proposal = {"step": STATEMENTS, "text": "Vi  behöver mer tid.", "submission_id": "p1"}
    assert call(aino, "propose", proposal) == {"ok": True, "duplicate": False}
    assert call(aino, "propose", proposal) == {"ok": True, "duplicate": True}
    assert call(aino, "propose", {**proposal, "text": " ", "submission_id": "p2"})["error"] == (
        "empty_text"
    )
    too_long = {**proposal, "text": "x" * 201, "submission_id": "p3"}
    assert call(aino, "propose", too_long)["error"] == "text_too_long"
    pending = events(live.host, "tally")[-1]["proposals"]
    assert [p["text"] for p in pending] == ["Vi behöver mer tid."]
    # Not yet something to react to.
    assert react(bo, f"p{pending[0]['id']}", "agree", "b1")["error"] == "unknown_statement"
    assert live.leader_call("proposal", proposal=pending[0]["id"], decision="approve")["ok"]
    statements_now = events(bo, "state")[-1]["step"]["statements"]
    assert statements_now[-1] == {
        "id": f"p{pending[0]['id']}",
        "text": "Vi behöver mer tid.",
        "lang": "sv",
    }
    assert react(bo, f"p{pending[0]['id']}", "agree", "b1")["ok"]
    results = live.control("reveal")["state"]["results"]["results"]
    assert results["statements"][-1]["id"] == f"p{pending[0]['id']}"
    assert results["statements"][-1]["agree"] == 1
    # A rejected proposal never becomes a statement.
    other = {"step": STATEMENTS, "text": "Något annat", "submission_id": "p4"}
    assert call(bo, "propose", other)["ok"]
    rejected = events(live.host, "tally")[-1]["proposals"][0]["id"]
    assert live.leader_call("proposal", proposal=rejected, decision="reject")["ok"]
    assert f"p{rejected}" not in [s["id"] for s in events(bo, "state")[-1]["step"]["statements"]]
    assert live.leader_call("proposal", proposal=rejected, decision="maybe")["error"] == (
        "unknown_action"
    )
    assert live.leader_call("proposal", proposal=99999, decision="approve")["error"] == (
        "unknown_proposal"
    )
    with live.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == 2


# --- table groups and answers on behalf --------------------------------------------------------


def test_the_leader_sees_answers_per_table_group(live_session, app):
    live = live_session(*FORUM)
    assert live.leader_call("settings", team_mode=True)["ok"]
    tables = [live.phone(name=f"Bord {n}") for n in (1, 2)]
    live.control("start")
    scale = first_step(app, *FORUM, "scale")
    live.control("goto", scale.id)
    assert answer(tables[0], scale.id, 4, "t1")["ok"]
    assert answer(tables[1], scale.id, 2, "t2")["ok"]
    groups = events(live.host, "tally")[-1]["groups"]
    assert [(g["name"], g["answer"]) for g in groups] == [("Bord 1", 4), ("Bord 2", 2)]
    live.control("goto", OPEN)
    assert answer(tables[1], OPEN, "Vi vill ses oftare", "t3")["ok"]
    tally = events(live.host, "tally")[-1]
    assert [(g["name"], g["answer"]) for g in tally["groups"]] == [
        ("Bord 1", None),
        ("Bord 2", ["Vi vill ses oftare"]),
    ]
    assert tally["moderation"][0]["group"] == "Bord 2"


def test_the_leader_answers_for_people_without_a_phone(forum, socket_client, client):
    live, (aino, *_), _screen = forum
    room = 3  # the three phones
    entry = socket_client(client)  # the leader's on-behalf page, logged in
    first = call(entry, "behalf", {"session": live.id, "name": "Gunnel"})
    # Choosing a new person adds nobody: the person is made with their first answer.
    assert first["ok"] and first["participant"] is None and first["people"] == []
    assert first["state"]["step"]["id"] == OPEN
    assert call(entry, "sync")["state"]["step"]["id"] == OPEN
    with live.app.app_context():
        assert not db.session.scalars(sa.select(Participant).where(Participant.proxy)).all()
    # A refused first answer leaves nobody behind either.
    assert answer(entry, OPEN, "", "empty")["ok"] is False
    with live.app.app_context():
        assert not db.session.scalars(sa.select(Participant).where(Participant.proxy)).all()
    made = answer(entry, OPEN, "Gunnels idé", "g1")
    assert made["ok"] and made["duplicate"] is False and made["participant"]["name"] == "Gunnel"
    second = call(entry, "behalf", {"session": live.id})
    assert second["participant"] is None
    assert [p["name"] for p in second["people"]] == ["Gunnel"]
    nameless = answer(entry, OPEN, "Någon annans idé", "n1")
    assert nameless["participant"]["id"] != made["participant"]["id"]
    # "Ny person" chosen again and again without answering: still only the two who answered.
    for _ in range(3):
        assert call(entry, "behalf", {"session": live.id})["ok"]
    # Back to the first person, picked by name from the list: their contributions are theirs.
    people = call(entry, "behalf", {"session": live.id})["people"]
    assert [p["name"] for p in people] == ["Gunnel", None]
    assert people[1]["number"] == room + 2  # "Deltagare 5": numbered within the session
    gunnel = next(p for p in people if p["name"] == "Gunnel")
    again = call(entry, "behalf", {"session": live.id, "person": gunnel["id"]})
    assert again["participant"]["id"] == made["participant"]["id"]
    assert texts(again["state"]["answer"]) == ["Gunnels idé"]
    assert (
        call(entry, "behalf", {"session": live.id, "person": aino.ack["participant"]["id"]})[
            "error"
        ]
        == "unknown_person"
    )
    tally = events(live.host, "tally")[-1]
    assert [c["by_leader"] for c in tally["moderation"]] == [True, True]
    proxies = [p for p in tally["participants"] if p["proxy"]]
    assert len(proxies) == 2
    assert tally["participant_count"] == room + 2
    with live.app.app_context():
        people = db.session.scalars(sa.select(Participant).where(Participant.proxy)).all()
        assert {p.name for p in people} == {"Gunnel", None}
        assert all(r.participant.proxy for r in db.session.scalars(sa.select(Response)))


class live_app_context:
    """The stored responses by submission id, inside an app context."""

    def __init__(self, live):
        self.live = live

    def __enter__(self):
        self.context = self.live.app.app_context()
        self.context.push()
        return {r.submission_id: r for r in db.session.scalars(sa.select(Response))}

    def __exit__(self, *exc):
        self.context.pop()
