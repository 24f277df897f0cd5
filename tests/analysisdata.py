"""A planted selection for the analysis tests and bench: one forum session of the principles
part in a circle, whose open question got contributions on two clear Swedish topics and one
Finnish topic, and whose statements were answered by two camps that react opposite ways.

``plant(app, people=..., seed=...)`` inside no app context; returns what it made."""

import random
from dataclasses import dataclass, field

from facilitate.auth import Role
from facilitate.auth.operations import create_user
from facilitate.circles.operations import create_circle
from facilitate.dialogue import moderation
from facilitate.extensions import db
from facilitate.sessions import operations

MODULE, PART = "strategiskt-forum", "principer"
OPEN_STEP, STATEMENTS_STEP = "principer-i-praktiken", "principer-pastaenden"
#: The statements of the step: camp A agrees with the first four and disagrees with the rest;
#: camp B the other way round; everyone agrees with the last one.
SIDE_A = ("sjalvstandighet", "jambordig-dialog", "langsiktighet", "hitta-varandra")
SIDE_B = ("oppenhet", "mangfald")
SHARED = "innovation"

TRANSPORT = (
    "Bussarna till byn går för sällan, vi behöver fler bussar",
    "Kollektivtrafiken med buss och tåg måste bli bättre",
    "Fler bussar på kvällen så att unga kan ta sig hem",
    "Tåget och bussen till stan borde gå oftare",
    "Bussen är för dyr, kollektivtrafiken behöver billigare biljetter",
    "Bättre kollektivtrafik med buss mellan byarna",
)
CARE = (
    "Vi behöver fler läkare på hälsocentralen",
    "Hälsocentralen saknar läkare och sjuksköterskor",
    "Vården ska finnas nära, med läkare på hälsocentralen",
    "Läkare och sjuksköterskor måste stanna på hälsocentralen",
    "Hälsocentralen behöver fler sjuksköterskor",
    "Fler läkare till vården på hälsocentralen i byn",
)
FOREST = (
    "Metsät ja luonto pitää suojella",
    "Luonto ja metsät ovat meille tärkeitä",
    "Metsien hakkuut uhkaavat luontoa ja metsiä",
    "Suojellaan metsät ja luonto lapsille",
    "Metsät ja luonto antavat työtä ja iloa",
)
HIDDEN_TEXT = "Dolt bidrag om bussar som aldrig får citeras"
WITHDRAWN_TEXT = "Tillbakataget bidrag om läkare"


@dataclass
class Planted:
    session: int = 0
    circle: int = 0
    camp_a: list[int] = field(default_factory=list)
    camp_b: list[int] = field(default_factory=list)
    #: Response ids by topic.
    topics: dict[str, list[int]] = field(default_factory=dict)
    hidden: int = 0


def plant(app, people: int = 12, seed: int = 1, leader_theme: bool = False) -> Planted:
    """See the module docstring; ``people`` phones, half in each camp, and the corpus spread
    over them. With ``leader_theme`` the leader puts two care contributions under a theme."""
    rng = random.Random(seed)
    planted = Planted()
    with app.app_context():
        leader = create_user(f"forum-{seed}@example.org", Role.leader, None, min_length=1)
        db.session.flush()
        circle = create_circle(leader, "Forumgruppen", "lulea", "Länsstyrelsen", MODULE)
        session = operations.create_session(leader, MODULE, PART, "sv", circle)
        planted.session, planted.circle = session.id, circle.id
        phones = []
        for n in range(people):
            locale = "fi" if n % 3 == 2 else "sv"
            participant, _token = operations.join(session.code, None, f"P{n}", locale)
            phones.append(participant)
        operations.control(session, "start")
        operations.control(session, "goto", OPEN_STEP)
        texts = [("transport", t) for t in TRANSPORT] + [("care", t) for t in CARE]
        texts += [("forest", t) for t in FOREST]
        for index, (_topic, text) in enumerate(texts):
            who = phones[index % len(phones)]
            operations.answer(who, OPEN_STEP, text, f"o{index}")
        from facilitate.sessions.models import Response

        responses = list(
            db.session.scalars(
                db.select(Response)
                .where(Response.session_id == session.id, Response.step_id == OPEN_STEP)
                .order_by(Response.id)
            )
        )
        for (topic, _text), response in zip(texts, responses, strict=True):
            planted.topics.setdefault(topic, []).append(response.id)
        operations.answer(phones[0], OPEN_STEP, HIDDEN_TEXT, "hidden")
        operations.answer(phones[1], OPEN_STEP, WITHDRAWN_TEXT, "withdrawn")
        hidden, withdrawn = list(
            db.session.scalars(
                db.select(Response)
                .where(Response.session_id == session.id, Response.step_id == OPEN_STEP)
                .order_by(Response.id.desc())
                .limit(2)
            )
        )[::-1]
        moderation.moderate(session, hidden.id, "hide")
        moderation.withdraw(withdrawn.participant, OPEN_STEP, withdrawn.submission_id)
        planted.hidden = hidden.id
        if leader_theme:
            for response_id in planted.topics["care"][:2]:
                moderation.moderate(session, response_id, "theme", theme="Vården")
        operations.control(session, "goto", STATEMENTS_STEP)
        for n, participant in enumerate(phones):
            camp_a = n % 2 == 0
            (planted.camp_a if camp_a else planted.camp_b).append(participant.id)
            for statement in SIDE_A + SIDE_B + (SHARED,):
                if statement == SHARED:
                    reaction = "agree"
                else:
                    agrees = (statement in SIDE_A) == camp_a
                    reaction = "agree" if agrees else "disagree"
                    if rng.random() < 0.1:
                        reaction = "pass"
                operations.answer(
                    participant, STATEMENTS_STEP, reaction, f"s{statement}", statement
                )
        operations.control(session, "end")
        db.session.commit()
    return planted
