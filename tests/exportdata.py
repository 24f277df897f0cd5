"""Generated circles, meetings and answers for export tests and measurements, made through the
same operations as live sessions (so every value is one the app accepts).

``populate(app, circles=3, parts=2, people=5)`` inside no app context; returns what it made.
Run ``python -m tests.exportdata N`` to measure exports of N circles (see the export report)."""

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from facilitate.auth import Role, User
from facilitate.auth.operations import create_user
from facilitate.circles.municipalities import MUNICIPALITIES
from facilitate.circles.operations import create_circle, recognise
from facilitate.content import library
from facilitate.dialogue import moderation
from facilitate.extensions import db
from facilitate.sessions import operations
from facilitate.sessions import people as session_people
from facilitate.sessions.models import LiveSession
from facilitate.steps import kind_of

ORGANISERS = ("ABF Norrbotten", "Studieförbundet Vuxenskolan", "Bilda", "Studiefrämjandet")
TEXTS = (
    "Bättre kollektivtrafik mellan byarna",
    "Fler mötesplatser för unga och äldre",
    "Vården måste finnas nära",
    "Bredband i hela länet",
    '=HYPERLINK("http://example.org","klicka")',
    "+46 70 123 45 67 ring mig",
    "-fler jobb på orten",
    "@alla: tänk långsiktigt",
    "Föreningslivet håller ihop bygden",
    "Samverkan mellan kommun och civilsamhälle",
)
WORDS = ("framtid", "hopp", "gemenskap", "natur", "arbete", "trygghet", "vinter", "bredband")
FIRST_DAY = datetime(2026, 9, 1, 17, 0, tzinfo=UTC)


@dataclass
class Made:
    circles: list[int] = field(default_factory=list)
    sessions: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    #: (session id, response id, text) of contributions hidden, withdrawn, merged.
    hidden: list[tuple[int, int, str]] = field(default_factory=list)
    withdrawn: list[tuple[int, int, str]] = field(default_factory=list)
    merged: list[tuple[int, int, int]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def _value(step, rng: random.Random):
    ids = [o.id for o in step.options]
    if step.kind in ("quiz", "poll"):
        return (
            sorted(rng.sample(ids, rng.randint(1, len(ids)))) if step.multiple else rng.choice(ids)
        )
    if step.kind == "scale":
        return rng.randint(step.scale_min, step.scale_max)
    if step.kind == "rank":
        return rng.sample(ids, len(ids))
    if step.kind == "wordcloud":
        return rng.choice(WORDS)
    if not kind_of(step).many:  # any other kind (points): its own sample answer
        return kind_of(step).sample_answer(step, rng)
    return rng.choice(TEXTS)


def populate(
    app,
    circles: int = 3,
    parts: int = 2,
    people: int = 5,
    module: str = "norrbotten-for-alla",
    seed: int = 1,
    moderate: bool = True,
) -> Made:
    """``circles`` circles in different municipalities, each meeting for the first ``parts``
    parts of ``module`` with ``people`` phones (half of them recognised across meetings) and
    one person answering through the leader; every answerable step answered by everyone."""
    rng = random.Random(seed)
    made = Made()
    with app.app_context():
        for c in range(circles):
            leader = create_user(f"ledare{c}-{seed}@example.org", Role.leader, None, min_length=1)
            db.session.flush()
            made.leaders.append(leader.id)
            circle = create_circle(
                leader,
                f"Cirkel {c + 1}",
                MUNICIPALITIES[c % len(MUNICIPALITIES)].id,
                ORGANISERS[c % len(ORGANISERS)],
                module,
            )
            made.circles.append(circle.id)
            tokens: dict[int, str] = {}
            for p, part in enumerate(library().get(module).parts[:parts]):
                session = operations.create_session(leader, module, part.id, "sv", circle)
                made.sessions.append(session.id)
                phones = []
                for n in range(people):
                    name = f"Namn{c}x{p}x{n}"
                    made.names.append(name)
                    participant, _token = operations.join(session.code, None, name, "sv")
                    if n % 2 == 0:
                        tokens[n] = recognise(participant, tokens.get(n))
                    phones.append(participant)
                phones.append(session_people.new_proxy(session, f"Utan telefon {c}", "sv"))
                operations.control(session, "start")
                for step in part.steps:
                    if not kind_of(step).answerable:
                        continue
                    if session.current_step != step.id:
                        operations.control(session, "goto", step.id)
                    _answer_all(session, step, phones, rng, made, moderate)
                operations.control(session, "end")
                day = FIRST_DAY + timedelta(days=7 * p + c)
                session.started_at = day
                session.ended_at = day + timedelta(hours=2)
        db.session.commit()
    return made


def _answer_all(session, step, phones, rng, made: Made, moderate: bool) -> None:
    for n, participant in enumerate(phones):
        if step.kind == "statements":
            for statement in step.statements:
                reaction = rng.choice(("agree", "disagree", "pass"))
                operations.answer(participant, step.id, reaction, f"s{statement.id}", statement.id)
            continue
        operations.answer(participant, step.id, _value(step, rng), f"a{n}")
        if step.kind == "poll" and n == 0:  # changes their mind: only the latest counts
            operations.answer(participant, step.id, _value(step, rng), "a-again")
    if step.kind != "open" or not moderate:
        return
    from facilitate.sessions.models import Response

    responses = list(
        db.session.scalars(
            db.select(Response)
            .where(Response.session_id == session.id, Response.step_id == step.id)
            .order_by(Response.id)
        )
    )
    if len(responses) < 4:
        return
    hidden, withdrawn, merged, tagged = responses[0], responses[1], responses[2], responses[3]
    moderation.moderate(session, hidden.id, "hide")
    made.hidden.append((session.id, hidden.id, hidden.value))
    made.withdrawn.append((session.id, withdrawn.id, withdrawn.value))
    moderation.withdraw(withdrawn.participant, step.id, withdrawn.submission_id)
    moderation.moderate(session, merged.id, "merge", into=tagged.id)
    made.merged.append((session.id, merged.id, tagged.id))
    moderation.moderate(session, tagged.id, "tag", tags=["focus.civil-preparedness"])
    moderation.moderate(session, tagged.id, "theme", theme="Beredskap")


def _measure(circles: int) -> None:
    """Print export sizes and times for ``circles`` circles of seven meetings of 12 people."""
    import tempfile

    from facilitate import create_app
    from facilitate.exports.operations import export
    from facilitate.exports.schemas import ExportFilter

    path = tempfile.mktemp(suffix=".sqlite3")
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "x"})
    with app.app_context():
        db.create_all()
    started = time.perf_counter()
    populate(app, circles=circles, parts=7, people=12, moderate=True)
    print(f"generated {circles} circles in {time.perf_counter() - started:.1f} s")
    with app.app_context():
        print("sessions:", db.session.query(LiveSession).count())
        user = db.session.get(User, 1)
        for format in ("csv", "xlsx", "json", "docx"):
            started, cpu = time.perf_counter(), time.process_time()
            made = export(ExportFilter(), format, user=user, actor="bench", channel="cli")
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"{format}: {len(made.content) / 1024:.0f} KiB, {made.rows} rows, "
                f"{took:.2f} s ({cpu:.2f} s CPU)"
            )


if __name__ == "__main__":
    _measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
