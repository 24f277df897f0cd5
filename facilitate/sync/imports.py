"""Importing transfer documents on the central server (``POST /api/v1/imports`` and the import
page). One document is one transaction: every session in it is stored, or — on any error —
none (the caller commits or rolls back).

A session is known by its ``uid``. The same snapshot again changes nothing (``unchanged``); a
newer snapshot (``generated_at``) replaces the stored one whole (``updated``); an older one
never does (``unchanged``). A leader imports into their own account and cannot replace a
session or circle of another account; admins and analysts may import any."""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jsonschema
import sqlalchemy as sa
from flask import current_app

from ..auth.models import Role, User
from ..authoring.models import ModuleVersion
from ..circles.models import Circle, CircleMember
from ..circles.municipalities import municipality
from ..content import ContentError, build_document, check_document, content_hash, to_document
from ..content.document import canonical_json
from ..core.errors import DomainError
from ..core.time import utcnow
from ..dialogue.models import Proposal, ProposalStatus, Vote
from ..exports.json_writer import FORMAT, VERSION, schema
from ..extensions import db
from ..sessions.models import LiveSession, Participant, Response, SessionStatus
from ..sessions.retention import delete_raw
from .transfer import snapshot_hash

log = logging.getLogger(__name__)

#: What ``POST /api/v1/imports`` answers per session.
IMPORTED, UPDATED, UNCHANGED = "imported", "updated", "unchanged"


#: The HTTP status of each refusal; the others are bad input (400).
STATUS = {"too_large": 413, "forbidden": 403, "local_session": 409}


def refusal_status(code: str) -> int:
    return STATUS.get(code, 400)


class ImportRefused(DomainError):
    """A document that cannot be imported: ``code`` is the public error code, ``detail`` says
    where in the document (a JSON path) and what is wrong, in English."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, f"{code}: {detail}")
        self.detail = detail


@dataclass(frozen=True)
class Outcome:
    uid: str
    status: str
    session_id: int

    def as_dict(self) -> dict:
        return {"uid": self.uid, "status": self.status}


def parse(body: bytes) -> dict[str, Any]:
    """The document in a request body or uploaded file, checked against the export schema and
    for being a transfer document; :class:`ImportRefused` otherwise."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    if len(body) > limit:
        raise ImportRefused("too_large", f"the document is larger than {limit} bytes")
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ImportRefused("not_json", f"not UTF-8 at byte {error.start}") from None
    except ValueError as error:
        raise ImportRefused("not_json", str(error)) from None
    if not isinstance(document, dict):
        raise ImportRefused("not_json", "the document is not a JSON object")
    if document.get("format") != FORMAT:
        raise ImportRefused("wrong_format", f"format must be {FORMAT!r}")
    if document.get("version") != VERSION:
        raise ImportRefused(
            "unsupported_version", f"version must be {VERSION}, not {document.get('version')!r}"
        )
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema()).iter_errors(document)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        raise ImportRefused("schema_violation", f"{where}: {error.message[:300]}")
    if document.get("transfer") is not True or any("record" not in s for s in document["sessions"]):
        raise ImportRefused("not_transfer", "sessions need their record (a transfer document)")
    if not document["sessions"]:
        raise ImportRefused("no_sessions", "the document holds no session")
    return document


def _moment(value: str | None, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ImportRefused("schema_violation", f"{where}: not a date-time: {value!r}") from None
    if moment.tzinfo is None:
        raise ImportRefused("schema_violation", f"{where}: a date-time needs its time zone")
    return moment.astimezone(UTC)


def import_document(document: dict[str, Any], user: User) -> list[Outcome]:
    """Store every session of a parsed document for ``user``; flushes, the caller commits."""
    uids = [s["uid"] for s in document["sessions"]]
    if len(set(uids)) != len(uids):
        raise ImportRefused("inconsistent_document", "a session uid appears twice")
    versions = _module_versions(document)
    circles = {c["id"]: c for c in document["circles"]}
    snapshot_at = _moment(document["generated_at"], "generated_at")
    origin = document["source"]["instance"]
    outcomes = []
    for index, entry in enumerate(document["sessions"]):
        where = f"sessions/{index}"
        circle = circles.get(entry["circle"]) if entry["circle"] is not None else None
        if entry["circle"] is not None and circle is None:
            raise ImportRefused("inconsistent_document", f"{where}/circle: not in circles")
        outcomes.append(
            _import_session(
                entry, circle, versions, user, snapshot_at, entry["origin"] or origin, where
            )
        )
    return outcomes


def _module_versions(document: dict[str, Any]) -> dict[str, dict]:
    versions = {}
    for index, version in enumerate(document["module_versions"]):
        where = f"module_versions/{index}"
        if content_hash(version["document"]) != version["sha256"]:
            # A client may have reordered the keys (many JSON tools sort them): the document
            # in its canonical key order must then have the hash.
            try:
                canonical = to_document(_built(version, where))
            except ImportRefused:
                canonical = None
            if canonical is None or content_hash(canonical) != version["sha256"]:
                raise ImportRefused(
                    "module_hash_mismatch",
                    f"{where}: the document of {version['module']!r} does not have the "
                    f"SHA-256 {version['sha256']}",
                )
            version = {**version, "document": canonical}
        if version["document"].get("id") != version["module"]:
            raise ImportRefused("invalid_module", f"{where}: the document is of another module")
        versions[version["sha256"]] = version
    return versions


def _built(version: dict, where: str):
    module, problems = check_document(version["document"], version["module"])
    if module is None:
        try:  # passed the checks where it ran; today's stricter ones must not lose it
            module = build_document(version["document"], version["module"])
        except ContentError:
            first = problems[0] if problems else None
            text = f"{first.location}: {first.message}" if first else "cannot be built"
            raise ImportRefused("invalid_module", f"{where}: {text}") from None
    return module


def _stored_version(version: dict) -> ModuleVersion:
    found = db.session.scalar(
        sa.select(ModuleVersion).where(
            ModuleVersion.module_id == version["module"],
            ModuleVersion.sha256 == version["sha256"],
        )
    )
    if found is None:
        found = ModuleVersion(
            module_id=version["module"],
            document=canonical_json(version["document"]),
            sha256=version["sha256"],
        )
        db.session.add(found)
        db.session.flush()
    return found


def _import_session(entry, circle, versions, user, snapshot_at, origin, where) -> Outcome:
    version = versions.get(entry["module_version"])
    if version is None:
        raise ImportRefused(
            "unknown_module_version", f"{where}/module_version: not in module_versions"
        )
    if version["module"] != entry["module"]:
        raise ImportRefused("inconsistent_document", f"{where}/module: not the version's module")
    module = _built(version, f"module_versions/{entry['module_version'][:12]}")
    if module.part(entry["part"]) is None:
        raise ImportRefused("unknown_part", f"{where}/part: {entry['part']!r} is not in the module")
    if entry["status"] != SessionStatus.ended.value:
        raise ImportRefused("session_not_ended", f"{where}/status: only ended sessions travel")
    digest = snapshot_hash(entry, circle)
    existing = db.session.scalar(sa.select(LiveSession).where(LiveSession.uid == entry["uid"]))
    if existing is not None:
        if existing.imported_at is None:
            raise ImportRefused("local_session", f"{where}/uid: a session run on this server")
        if user.role is Role.leader and existing.leader_id != user.id:
            raise ImportRefused("forbidden", f"{where}/uid: imported by another account")
        if existing.import_sha256 == digest or (
            existing.snapshot_at is not None and snapshot_at <= existing.snapshot_at
        ):
            return Outcome(entry["uid"], UNCHANGED, existing.id)
    record = entry["record"]
    session = existing or LiveSession(leader_id=user.id, uid=entry["uid"])
    session.code = "imported"
    session.module_id = entry["module"]
    session.part_id = entry["part"]
    session.module_version_id = _stored_version(version).id
    session.circle = _circle(circle, user, entry["module"], f"{where}/circle") if circle else None
    session.status = SessionStatus.ended
    session.current_step = None
    session.step_open = session.revealed = False
    session.created_at = _moment(record["created_at"], f"{where}/record/created_at")
    session.started_at = _moment(entry["started_at"], f"{where}/started_at")
    session.ended_at = _moment(entry["ended_at"], f"{where}/ended_at")
    session.pruned_at = _moment(record["pruned_at"], f"{where}/record/pruned_at")
    session.summary = record["summary"]
    for name, value in record["settings"].items():
        setattr(session, name, value)
    session.origin = origin[:120]
    session.imported_at = utcnow()
    session.snapshot_at = snapshot_at
    session.import_sha256 = digest
    if existing is None:
        db.session.add(session)
    db.session.flush()
    if existing is not None:
        delete_raw(session.id)
        db.session.expire(session, ["participants"])
    _store_record(session, record, f"{where}/record")
    status = IMPORTED if existing is None else UPDATED
    log.info(
        "%s session %s (%s) from %s as %d", status, session.uid, user.email, origin, session.id
    )
    return Outcome(entry["uid"], status, session.id)


def _circle(entry: dict, user: User, module_id: str, where: str) -> Circle:
    if municipality(entry["municipality"]) is None:
        raise ImportRefused("unknown_municipality", f"{where}: {entry['municipality']!r}")
    if entry["module"] != module_id:
        raise ImportRefused("inconsistent_document", f"{where}: follows another module")
    circle = db.session.scalar(sa.select(Circle).where(Circle.uid == entry["uid"]))
    if circle is None:
        circle = Circle(uid=entry["uid"], leader_id=user.id, module_id=entry["module"])
        db.session.add(circle)
    elif user.role is Role.leader and circle.leader_id != user.id:
        raise ImportRefused("forbidden", f"{where}: a circle of another account")
    circle.name = entry["name"][:120]
    circle.municipality = municipality(entry["municipality"]).id
    circle.organiser = entry["organiser"][:120]
    return circle


def _hidden_hash(*parts: str) -> str:
    """A token hash nobody holds a token for: keyed with this server's secret."""
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(secret, ":".join(("import", *parts)).encode(), hashlib.sha256).hexdigest()


def _member(session: LiveSession, key: str | None) -> int | None:
    if key is None or session.circle is None:
        return None
    token_hash = _hidden_hash("member", key)
    member = db.session.scalar(sa.select(CircleMember).where(CircleMember.token_hash == token_hash))
    if member is None:
        member = CircleMember(circle_id=session.circle.id, token_hash=token_hash)
        db.session.add(member)
        db.session.flush()
    return member.id


def _store_record(session: LiveSession, record: dict, where: str) -> None:
    people: dict[str, Participant] = {}
    for index, person in enumerate(record["participants"]):
        if person["key"] in people:
            raise ImportRefused("inconsistent_document", f"{where}/participants/{index}: twice")
        people[person["key"]] = Participant(
            session_id=session.id,
            token_hash=_hidden_hash("participant", session.uid, person["key"]),
            locale=person["locale"],
            proxy=person["proxy"],
            joined_at=_moment(person["joined_at"], f"{where}/participants/{index}/joined_at"),
            circle_member_id=_member(session, person["member"]),
        )
    db.session.add_all(people.values())
    db.session.flush()

    def who(key: str, place: str) -> int:
        if key not in people:
            raise ImportRefused("inconsistent_document", f"{place}: no such participant")
        return people[key].id

    statements: dict[str, str] = {}
    for index, item in enumerate(record["proposals"]):
        place = f"{where}/proposals/{index}"
        proposal = Proposal(
            session_id=session.id,
            participant_id=who(item["participant"], place),
            step_id=item["step"],
            submission_id=f"import-{item['ref']}",
            text=item["text"],
            locale=item["locale"],
            status=ProposalStatus(item["status"]),
            created_at=_moment(item["created_at"], f"{place}/created_at"),
        )
        db.session.add(proposal)
        db.session.flush()
        statements[f"p{item['ref']}"] = proposal.statement_id
    responses: dict[int, Response] = {}
    merges: list[tuple[Response, int, str]] = []
    votes: list[tuple[Response, str, str]] = []
    for index, item in enumerate(record["responses"]):
        place = f"{where}/responses/{index}"
        if item["ref"] in responses:
            raise ImportRefused("inconsistent_document", f"{place}/ref: twice")
        response = Response(
            session_id=session.id,
            participant_id=who(item["participant"], f"{place}/participant"),
            step_id=item["step"],
            submission_id=f"import-{item['ref']}",
            value=item["value"],
            statement=statements.get(item["statement"], item["statement"]),
            elapsed_ms=item["elapsed_ms"],
            time_limit=item["time_limit"],
            created_at=_moment(item["created_at"], f"{place}/created_at"),
            edited_at=_moment(item["edited_at"], f"{place}/edited_at"),
            withdrawn=item["withdrawn"],
            hidden=item["hidden"],
            approved=item["approved"],
            highlighted=item["highlighted"],
            presented=item.get("presented"),
            theme=item["theme"],
            tags=list(item["tags"]),
        )
        responses[item["ref"]] = response
        if item["merged_into"] is not None:
            merges.append((response, item["merged_into"], place))
        votes.extend((response, voter, place) for voter in item["votes"])
    db.session.add_all(responses.values())
    db.session.flush()
    for response, target, place in merges:
        if target not in responses:
            raise ImportRefused("inconsistent_document", f"{place}/merged_into: no such ref")
        response.merged_into_id = responses[target].id
    seen = set()
    for response, voter, place in votes:
        voter_id = who(voter, f"{place}/votes")
        if (response.id, voter_id) in seen:
            raise ImportRefused("inconsistent_document", f"{place}/votes: the same vote twice")
        seen.add((response.id, voter_id))
        db.session.add(Vote(response_id=response.id, participant_id=voter_id))
    db.session.flush()
