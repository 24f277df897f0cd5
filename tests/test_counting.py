"""One counting rule: for every step of every shipped module, answered by simulated phones
(people changing their minds, contributions hidden, withdrawn, merged and upvoted), the
leader's live tally and the JSON export give the same results."""

import random
from pathlib import Path

import pytest

from facilitate.auth import Role
from facilitate.auth.operations import create_user
from facilitate.content import library
from facilitate.content.loader import load_library
from facilitate.dialogue import moderation
from facilitate.exports import json_writer, queries
from facilitate.exports.schemas import ExportFilter
from facilitate.extensions import db
from facilitate.sessions import operations, snapshots
from facilitate.sessions.models import Response
from facilitate.steps import kind_of

PHONES = 4


def _parts():
    shipped = load_library(Path(__file__).resolve().parent.parent / "modules")
    return [(m.id, p.id) for m in shipped for p in m.parts]


def _answer_step(session, step, phones, rng) -> None:
    kind = kind_of(step)
    for n, phone in enumerate(phones):
        if kind.per_statement:
            for statement in step.statements:
                value = kind.sample_answer(step, rng)
                operations.answer(phone, step.id, value, f"{step.id}-{statement.id}", statement.id)
            # Changes their mind about the first statement: only the latest counts.
            again = kind.sample_answer(step, rng)
            operations.answer(phone, step.id, again, "again", step.statements[0].id)
            continue
        operations.answer(phone, step.id, kind.sample_answer(step, rng), f"{step.id}-{n}")
        if not kind.many and n < 2:  # changes their mind: only the latest counts
            operations.answer(phone, step.id, kind.sample_answer(step, rng), f"{step.id}-{n}b")
    if not kind.many:
        return
    mine = list(
        db.session.scalars(
            db.select(Response)
            .where(Response.session_id == session.id, Response.step_id == step.id)
            .order_by(Response.id)
        )
    )
    hidden, withdrawn, merged, kept = mine[0], mine[1], mine[2], mine[3]
    moderation.upvote(phones[0], step.id, kept.id)
    moderation.upvote(phones[1], step.id, merged.id)  # counts for ``kept`` once merged
    moderation.moderate(session, hidden.id, "hide")
    moderation.withdraw(withdrawn.participant, step.id, withdrawn.submission_id)
    moderation.moderate(session, merged.id, "merge", into=kept.id)
    moderation.moderate(session, kept.id, "highlight")
    moderation.moderate(session, kept.id, "tag", tags=["focus.civil-preparedness"])


@pytest.mark.parametrize("module_id,part_id", _parts())
def test_the_live_tally_and_the_json_export_agree(app, make_user, module_id, part_id):
    app.config["EXPORT_MIN_GROUP_SIZE"] = 1  # no suppression: compare every count
    rng = random.Random(f"{module_id}/{part_id}")
    live: dict[str, dict] = {}
    with app.test_request_context():
        leader = create_user("counting@example.org", Role.leader, None, min_length=1)
        db.session.flush()
        session = operations.create_session(leader, module_id, part_id, "sv")
        phones = [operations.join(session.code, None, f"P{n}", "sv")[0] for n in range(PHONES)]
        operations.control(session, "start")
        part = library().get(module_id).part(part_id)
        for step in part.steps:
            if not kind_of(step).answerable:
                continue
            if session.current_step != step.id:
                operations.control(session, "goto", step.id)
            _answer_step(session, step, phones, rng)
            db.session.commit()
            tally = snapshots.tally(session, include_results=True)
            live[step.id] = tally["results"]["results"]
        operations.control(session, "end")
        db.session.commit()
        document = json_writer.document(queries.load(ExportFilter(session=session.id)))
    exported = {q["step"]: q["results"] for q in document["questions"]}
    assert set(exported) == set(live)
    for step_id, results in live.items():
        assert exported[step_id] == results, step_id


def test_the_rule_covers_every_kind_the_content_uses(app):
    """Every answerable kind in the shipped modules gives simulated phones an answer."""
    with app.app_context():
        used = {kind_of(s) for m in library() for p in m.parts for s in p.steps}
        rng = random.Random(1)
        for kind in used:
            if kind.answerable:
                steps = [s for m in library() for p in m.parts for s in p.steps]
                step = next(s for s in steps if kind_of(s) is kind)
                kind.validate(step, kind.sample_answer(step, rng))
