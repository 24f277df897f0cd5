"""The transfer document: the JSON export of sessions (version 2) with each session's
``record`` — participants by pseudonymous key, every response with its moderation state, votes,
proposed statements — so that a central server can import it (docs/export-format.md).

Keys are keyed hashes under this server's secret key: stable for one session (the same in every
transfer of it, so sending it again changes nothing), unrelated between sessions, and never a
name, token or address. Someone recognised across a circle's meetings has a ``member`` key
stable within that circle."""

import hashlib
import hmac
import json
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..authoring.queries import session_module
from ..content import content_hash, to_document
from ..content.model import SOURCE_LANGUAGE
from ..core.i18n import in_language
from ..dialogue.models import Proposal, Vote
from ..exports import json_writer
from ..exports.queries import load
from ..exports.schemas import ExportFilter
from ..extensions import db
from ..sessions.models import LiveSession, Participant, Response

#: The fields of a session entry that make up its snapshot, besides its ``record``.
SNAPSHOT_FIELDS = ("uid", "module", "part", "status", "started_at", "ended_at", "module_version")
#: The fields of a circle that travel with a session.
CIRCLE_FIELDS = ("uid", "name", "municipality", "organiser", "module")


def _key(purpose: str, scope: str, item: str, prefix: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    scoped = hmac.new(secret, f"{purpose}:{scope}".encode(), hashlib.sha256).digest()
    return prefix + hmac.new(scoped, item.encode(), hashlib.sha256).hexdigest()[:16]


def participant_key(session: LiveSession, participant_id: int) -> str:
    return _key("facilitate-participant", session.uid, str(participant_id), "k-")


def member_key(session: LiveSession, member_id: int | None) -> str | None:
    if member_id is None or session.circle is None:
        return None
    return _key("facilitate-member", session.circle.uid, str(member_id), "m-")


def _time(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def session_record(session: LiveSession) -> dict[str, Any]:
    """The session as stored, for an import elsewhere."""
    participants = list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.session_id == session.id)
            .order_by(Participant.id)
        )
    )
    keys = {p.id: participant_key(session, p.id) for p in participants}
    votes: dict[int, list[str]] = {}
    for response_id, participant_id in db.session.execute(
        sa.select(Vote.response_id, Vote.participant_id)
        .join(Response, Response.id == Vote.response_id)
        .where(Response.session_id == session.id)
        .order_by(Vote.id)
    ):
        votes.setdefault(response_id, []).append(keys[participant_id])
    responses = db.session.scalars(
        sa.select(Response).where(Response.session_id == session.id).order_by(Response.id)
    )
    proposals = db.session.scalars(
        sa.select(Proposal).where(Proposal.session_id == session.id).order_by(Proposal.id)
    )
    return {
        "created_at": _time(session.created_at),
        "pruned_at": _time(session.pruned_at),
        "summary": session.summary,
        "settings": {
            "locale": session.locale,
            "second_locale": session.second_locale,
            "competitive": session.competitive,
            "speed_bonus": session.speed_bonus,
            "team_mode": session.team_mode,
            "timer_seconds": session.timer_seconds,
            "extra_time": session.extra_time,
            "premoderation": session.premoderation,
        },
        "participants": [
            {
                "key": keys[p.id],
                "member": member_key(session, p.circle_member_id),
                "locale": p.locale,
                "proxy": p.proxy,
                "joined_at": _time(p.joined_at),
            }
            for p in participants
        ],
        "responses": [
            {
                "ref": r.id,
                "participant": keys[r.participant_id],
                "step": r.step_id,
                "value": None if r.withdrawn else r.value,
                "statement": r.statement,
                "elapsed_ms": r.elapsed_ms,
                "time_limit": r.time_limit,
                "created_at": _time(r.created_at),
                "edited_at": _time(r.edited_at),
                "withdrawn": r.withdrawn,
                "hidden": r.hidden,
                "approved": r.approved,
                "highlighted": r.highlighted,
                "merged_into": r.merged_into_id,
                "presented": r.presented,
                "theme": r.theme,
                "tags": list(r.tags or ()),
                "votes": votes.get(r.id, []),
            }
            for r in responses
        ],
        "proposals": [
            {
                "ref": p.id,
                "participant": keys[p.participant_id],
                "step": p.step_id,
                "text": p.text,
                "locale": p.locale,
                "status": p.status.value,
                "created_at": _time(p.created_at),
            }
            for p in proposals
        ],
    }


def snapshot_hash(entry: dict[str, Any], circle: dict[str, Any] | None) -> str:
    """SHA-256 of what a session's transfer holds: its identity, circle and record, not the
    moment the document was made (the same snapshot made twice hashes the same)."""
    snapshot = {
        "session": {name: entry.get(name) for name in SNAPSHOT_FIELDS},
        "circle": {name: circle.get(name) for name in CIRCLE_FIELDS} if circle else None,
        "record": entry["record"],
    }
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def transfer_document(session: LiveSession) -> dict[str, Any]:
    """One session's transfer document: its JSON export (in Swedish) with its ``record``. A
    session from before module versions were kept travels with its module as it is now."""
    with in_language(SOURCE_LANGUAGE):
        document = json_writer.document(load(ExportFilter(session=session.id)))
    document["transfer"] = True
    entry = document["sessions"][0]
    if entry["module_version"] is None:
        module = session_module(session)
        if module is not None:
            content = to_document(module)
            entry["module_version"] = content_hash(content)
            document["module_versions"] = [
                {"sha256": entry["module_version"], "module": module.id, "document": content}
            ]
    entry["record"] = session_record(session)
    return document


def encoded(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def session_snapshot(document: dict[str, Any]) -> str:
    """The snapshot hash of a one-session transfer document."""
    entry = document["sessions"][0]
    circles = {c["id"]: c for c in document["circles"]}
    return snapshot_hash(entry, circles.get(entry["circle"]))
