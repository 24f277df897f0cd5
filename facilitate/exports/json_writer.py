"""JSON: the whole export as one document, described by ``export.schema.json`` (shipped with
the package and printed in docs/export-format.md). ``version`` changes only when a field is
changed or removed; fields may be added within a version. Version 2 added what a central
server needs to import a session (``facilitate.sync``): global ids, the module versions run,
the sending server's name, and — in a transfer document only — each session's ``record``."""

import json
import socket
from importlib import resources
from typing import Any

from flask import current_app

from ..content.model import Text
from ..steps import kind_of
from .queries import Dataset, Row, SessionRecord
from .summaries import QuestionSummary, min_group_size, questions, small

FORMAT = "facilitate-export"
VERSION = 2


def schema() -> dict:
    """The JSON Schema of the export document."""
    return json.loads(resources.files(__package__).joinpath("export.schema.json").read_text())


def document(dataset: Dataset) -> dict:
    threshold = min_group_size()
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": dataset.generated_at.isoformat(),
        "source": {"instance": instance_name()},
        "filter": dataset.filter.as_dict(),
        "min_group_size": threshold,
        "sessions": [_session(s, threshold) for s in dataset.sessions],
        "circles": [
            {
                "id": c.id,
                "uid": c.uid,
                "name": c.name,
                "municipality": c.municipality,
                "municipality_name": c.municipality_name,
                "organiser": c.organiser,
                "module": c.module,
            }
            for c in dataset.circles
        ],
        "questions": [_question(q) for q in questions(dataset)],
        "responses": [_response(r) for r in dataset.rows],
        "module_versions": [
            {"sha256": sha, "module": module, "document": json.loads(text)}
            for sha, (module, text) in dataset.module_versions.items()
        ],
    }


def instance_name() -> str:
    """The name this server gives itself in exports (``INSTANCE_NAME``, else the host name):
    a central server shows it as the origin of the sessions it imported from here."""
    return current_app.config["INSTANCE_NAME"] or socket.gethostname()


def write(dataset: Dataset) -> bytes:
    """The export document, with the selection's themes and opinion groups under ``analysis``
    (not in a transfer document: a central server computes its own)."""
    from ..analysis.explain import export_section

    body = {**document(dataset), "analysis": export_section(dataset)}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def _texts(text: Text | None) -> dict[str, str] | None:
    return dict(text.values) if text is not None else None


def _session(session: SessionRecord, threshold: int) -> dict:
    participants = small(session.participants, threshold)
    return {
        "id": session.id,
        "uid": session.uid,
        "origin": session.origin,
        "module": session.module,
        "module_title": session.module_title,
        "part": session.part,
        "part_title": session.part_title,
        "status": session.status,
        "started_at": session.started_at.isoformat(),
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "module_version": session.module_version,
        "circle": session.circle.id if session.circle else None,
        "participants": participants if isinstance(participants, int) else None,
    }


def _question(question: QuestionSummary) -> dict:
    step = question.step
    body: dict[str, Any] = {
        "module": question.module,
        "part": question.part,
        "step": step.id,
        "kind": step.kind,
        "prompt": _texts(step.heading),
        "tags": list(step.tags),
        "topic": step.topic,
        "sessions": question.sessions,
        "circles": question.circles,
        "respondents": question.respondents if isinstance(question.respondents, int) else None,
        "answers": question.answers if isinstance(question.answers, int) else None,
        "results": question.results,
    }
    if step.options:
        body["options"] = [
            {
                "id": o.id,
                "text": _texts(o.text),
                **({"correct": o.correct} if kind_of(step).scored else {}),
            }
            for o in step.options
        ]
    if step.statements:
        body["statements"] = [{"id": s.id, "text": _texts(s.text)} for s in step.statements]
    return body


def _response(row: Row) -> dict:
    body = {
        "response": row.response,
        "session": row.session,
        "circle": row.circle,
        "municipality": row.municipality,
        "module": row.module,
        "part": row.part,
        "step": row.step,
        "kind": row.kind,
        "participant": row.participant,
        "value": row.value,
        "value_text": row.value_text,
        "statement": row.statement,
        "correct": row.correct,
        "votes": _none_if_small(row.votes),
        "theme": row.theme,
        "tags": list(row.tags),
        "time": row.created_at.isoformat(),
        "hidden": row.hidden,
        "awaiting_approval": row.awaiting_approval,
        "entered_by_leader": row.entered_by_leader,
        "merged_into": row.merged_into,
    }
    if row.presented is not None:
        body["presented"] = list(row.presented)
    return body


def _none_if_small(count: int | None) -> int | None:
    """A count of people (votes) as JSON: null when from fewer than the threshold."""
    if count is None:
        return None
    shown = small(count, min_group_size())
    return shown if isinstance(shown, int) else None
