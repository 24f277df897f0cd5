"""Sending ended sessions to the central server: ``facilitate sync push`` and the console's
"Skicka till regionen". One request per session, each imported there in one transaction; a
session is marked as accepted (:class:`SyncReceipt`) only after the central server said so, so
an interrupted push is simply sent again next time."""

import http.client
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from ..core.time import utcnow
from ..extensions import db
from ..sessions.models import LiveSession, SessionStatus
from .models import SyncReceipt
from .transfer import encoded, session_snapshot, transfer_document

log = logging.getLogger(__name__)

IMPORTS_PATH = "/api/v1/imports"


class Unreachable(Exception):
    """The central server could not be reached, or the connection broke before it answered."""


class Refused(Exception):
    """The central server answered with an error: ``code``, its ``message`` and ``detail``."""

    def __init__(self, status: int, code: str, message: str, detail: str = ""):
        self.status, self.code, self.message, self.detail = status, code, message, detail
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True)
class Prepared:
    """A session's transfer document, ready to send."""

    session: LiveSession
    body: bytes
    sha256: str


def normalised(target: str) -> str:
    return target.strip().rstrip("/")


def prepare(session: LiveSession) -> Prepared:
    document = transfer_document(session)
    return Prepared(session, encoded(document), session_snapshot(document))


def pending(target: str) -> list[Prepared]:
    """Ended sessions ``target`` has not accepted, or accepted before they changed (a
    contribution hidden after the end, say); a session pruned by retention after it was
    accepted is not sent again."""
    target = normalised(target)
    receipts = {
        r.session_id: r
        for r in db.session.scalars(sa.select(SyncReceipt).where(SyncReceipt.target == target))
    }
    found = []
    for session in db.session.scalars(
        sa.select(LiveSession)
        .where(LiveSession.status == SessionStatus.ended)
        .order_by(LiveSession.id)
    ):
        receipt = receipts.get(session.id)
        if receipt is not None and session.pruned_at is not None:
            continue
        prepared = prepare(session)
        if receipt is None or receipt.sha256 != prepared.sha256:
            found.append(prepared)
    return found


def send(prepared: Prepared, target: str, token: str) -> str:
    """POST one session's document; the central server's status for it (``imported``,
    ``updated``, ``unchanged``), recorded as accepted (flushed; the caller commits)."""
    target = normalised(target)
    request = urllib.request.Request(
        target + IMPORTS_PATH,
        data=prepared.body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    timeout = current_app.config["SYNC_TIMEOUT"]
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = json.loads(answer.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise _refused(error) from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise Unreachable(str(reason) or type(error).__name__) from None
    statuses = {s.get("uid"): s.get("status") for s in body.get("sessions", [])}
    status = statuses.get(prepared.session.uid)
    if status not in ("imported", "updated", "unchanged"):
        raise Unreachable("the server's answer does not name the session")
    receipt = db.session.scalar(
        sa.select(SyncReceipt).where(
            SyncReceipt.session_id == prepared.session.id, SyncReceipt.target == target
        )
    )
    if receipt is None:
        receipt = SyncReceipt(session_id=prepared.session.id, target=target)
        db.session.add(receipt)
    receipt.sha256, receipt.status, receipt.accepted_at = prepared.sha256, status, utcnow()
    db.session.flush()
    log.info("session %d accepted by %s: %s", prepared.session.id, target, status)
    return status


def _refused(error: urllib.error.HTTPError) -> Refused:
    try:
        body = json.loads(error.read().decode("utf-8"))
    except (OSError, ValueError, http.client.HTTPException):
        body = {}
    if not isinstance(body, dict):
        body = {}
    return Refused(
        error.code,
        str(body.get("error") or f"http_{error.code}"),
        str(body.get("message") or error.reason),
        str(body.get("detail") or ""),
    )
