"""The ``/live`` Socket.IO namespace. Each handler parses its payload, calls an operation,
commits, and answers with an acknowledgement; see docs/protocol.md."""

import logging
from functools import wraps

import sqlalchemy as sa
from flask import request
from flask_login import current_user
from flask_socketio import Namespace, join_room

from ..auth.models import User
from ..auth.queries import user_by_token
from ..circles.operations import recognise
from ..core.i18n import select_locale
from ..core.text import storable
from ..core.throttle import throttle
from ..extensions import db, socketio
from . import answers, moderation, operations
from .live import NAMESPACE, broadcast, host_room, participants_room, screen_room, tallies
from .messages import error
from .models import LiveSession, Participant, SessionStatus
from .queries import session_for
from .schemas import (
    AnswerRequest,
    BehalfRequest,
    ContributionRequest,
    ControlRequest,
    JoinRequest,
    ModerateRequest,
    PayloadError,
    ProposeRequest,
    ReviewRequest,
    SessionRequest,
    SettingsRequest,
    UpvoteRequest,
)
from .snapshots import host_state, participant_state, screen_state

log = logging.getLogger(__name__)


#: Who each connection of this process is (user id, participant id, locale), by Socket.IO sid.
#: It lives exactly as long as the connection, like the connection itself; after a reconnect the
#: client identifies itself again (login cookie, API token, participant token), so nothing here
#: needs to survive a restart or be shared between processes.
_connections: dict[str, dict] = {}


def _connection() -> dict:
    return _connections.get(request.sid, {})


def _remember(**values) -> None:
    """Note who this connection is; a connection already gone is not brought back."""
    if request.sid in _connections:
        _connections[request.sid].update(values)


def _locale() -> str:
    """The recipient's language: the participant's choice once joined, else the browser's."""
    return _connection().get("locale") or select_locale()


def acknowledged(handler):
    """Turn domain and payload errors into error acks; a database failure into ``unavailable``
    (never a false success); anything else is logged and answered, never raised."""

    @wraps(handler)
    def wrapper(self, data=None):
        try:
            if not throttle().take(**{"socket-events": request.sid}):
                raise PayloadError("rate_limited")
            if not storable(data):
                raise PayloadError()
            return handler(self, data)
        except (PayloadError, operations.SessionError) as failure:
            db.session.rollback()
            return error(failure.code, _locale())
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            log.exception("database error in /live %s", handler.__name__)
            return error("unavailable", _locale())

    return wrapper


class LiveNamespace(Namespace):
    def on_connect(self, auth=None):
        """Everyone may connect; leaders are recognised by their login cookie or an API token."""
        user = None
        if isinstance(auth, dict) and isinstance(auth.get("token"), str):
            user = user_by_token(auth["token"])
        elif current_user.is_authenticated:
            user = current_user
        _connections[request.sid] = {"user_id": user.id if user else None}

    def on_disconnect(self, reason=None):
        _connections.pop(request.sid, None)

    @acknowledged
    def on_join(self, data):
        """A participant joins with a code, or resumes with the token a previous join gave."""
        join = JoinRequest.parse(data)
        address = request.remote_addr or "unknown"
        if not throttle().allowed(**{"join-address": address}):
            raise PayloadError("rate_limited")
        locale = join.locale or _locale()
        try:
            participant, new_token = operations.join(join.code, join.token, join.name, locale)
        except operations.SessionError as failure:
            if failure.code == "unknown_code":
                throttle().failed(**{"join-address": address})
            raise
        circle_token = recognise(participant, join.circle_token) if join.recognise else None
        db.session.commit()
        session = participant.session
        join_room(participants_room(session.id, locale))
        _remember(participant_id=participant.id, session_id=session.id, locale=locale)
        tallies.changed(session)
        return {
            "ok": True,
            "token": new_token or join.token,
            "participant": {"id": participant.id, "name": participant.name},
            "circle": {"id": session.circle.id, "name": session.circle.name, "token": circle_token}
            if session.circle
            else None,
            "state": participant_state(session, locale, participant),
        }

    @acknowledged
    def on_answer(self, data):
        """Store an answer (committed before the ack, together with the answers arriving at
        the same moment: see answers.py); a resend is recognised by its id."""
        participant_id = _connection().get("participant_id")
        if participant_id is None:
            return self._first_answer(AnswerRequest.parse(data))
        if not throttle().take(**{"participant-answers": str(participant_id)}):
            raise PayloadError("rate_limited")
        request_ = AnswerRequest.parse(data)
        duplicate = answers.submit(
            participant_id,
            request_.step,
            request_.value,
            request_.submission_id,
            request_.statement,
        )
        return {"ok": True, "duplicate": duplicate}

    def _first_answer(self, request_: AnswerRequest) -> dict:
        """The first answer of a new person the leader answers for (``behalf`` without a
        ``person``): the person is made together with the answer, in one commit, so a refused
        answer leaves nobody behind."""
        person = self._new_person()
        duplicate = operations.answer(
            person, request_.step, request_.value, request_.submission_id, request_.statement
        )
        db.session.commit()
        _remember(participant_id=person.id)
        tallies.changed(person.session)
        return {"ok": True, "duplicate": duplicate, **_made(person)}

    def _new_person(self) -> Participant:
        """A new person without a phone, for the leader's connection that chose "Ny person";
        any other connection without a participant is ``not_joined``."""
        pending = _connection().get("behalf")
        if pending is None:
            raise operations.SessionError("not_joined")
        session = self._led_session(pending["session"])
        return moderation.new_proxy(
            session, pending["name"], pending["locale"], pending["token_hash"]
        )

    @acknowledged
    def on_edit(self, data):
        """Change one's own open contribution while the step is open."""
        participant = self._participant(sends=True)
        request_ = ContributionRequest.parse(data, with_value=True)
        moderation.edit(participant, request_.step, request_.submission_id, request_.value)
        db.session.commit()
        tallies.changed(participant.session)
        return {"ok": True}

    @acknowledged
    def on_withdraw(self, data):
        """Take back one's own open contribution while the step is open."""
        participant = self._participant()
        request_ = ContributionRequest.parse(data)
        moderation.withdraw(participant, request_.step, request_.submission_id)
        db.session.commit()
        tallies.changed(participant.session)
        return {"ok": True}

    @acknowledged
    def on_upvote(self, data):
        """Upvote someone else's contribution, once."""
        request_ = UpvoteRequest.parse(data)
        new = _connection().get("participant_id") is None
        participant = self._participant(creates=True)
        moderation.upvote(participant, request_.step, request_.contribution)
        db.session.commit()
        _remember(participant_id=participant.id)
        tallies.changed(participant.session)
        return {"ok": True, **(_made(participant) if new else {})}

    @acknowledged
    def on_propose(self, data):
        """Propose a statement for the leader to approve; a resend is recognised by its id."""
        request_ = ProposeRequest.parse(data)
        new = _connection().get("participant_id") is None
        participant = self._participant(sends=True, creates=True)
        duplicate = moderation.propose(
            participant, request_.step, request_.text, request_.submission_id
        )
        db.session.commit()
        _remember(participant_id=participant.id)
        if not duplicate:
            tallies.changed(participant.session)
        ack = {"ok": True, "duplicate": duplicate}
        return {**ack, **_made(participant)} if new else ack

    @acknowledged
    def on_sync(self, data=None):
        """A fresh snapshot for a participant, with their own answer (for a new person the
        leader is about to answer for, who has none yet: the snapshot only)."""
        pending = _connection().get("behalf")
        if _connection().get("participant_id") is None and pending is not None:
            session = self._led_session(pending["session"])
            state = participant_state(session, _locale(), seed=pending["token_hash"])
            return {"ok": True, "state": state}
        participant = self._participant()
        return {"ok": True, "state": participant_state(participant.session, _locale(), participant)}

    @acknowledged
    def on_host(self, data):
        """The leader console follows a session: snapshot now, ``host_state``/``tally`` later."""
        session = self._led_session(SessionRequest.parse(data).session)
        locale = _locale()
        join_room(host_room(session.id, locale))
        return {"ok": True, "state": host_state(session, locale)}

    @acknowledged
    def on_screen(self, data):
        """The big screen follows a session: ``screen_state`` and ``tally`` without controls."""
        session = self._led_session(SessionRequest.parse(data).session)
        join_room(screen_room(session.id))
        return {"ok": True, "state": screen_state(session, session.locale)}

    @acknowledged
    def on_control(self, data):
        """A leader action (start, next, previous, goto, open, close, reveal, end)."""
        control = ControlRequest.parse(data)
        session = self._led_session(control.session)
        operations.control(session, control.action, control.step, control.seconds)
        db.session.commit()
        broadcast(session)
        return {"ok": True, "state": host_state(session, _locale())}

    @acknowledged
    def on_settings(self, data):
        """Change session settings (competitive mode, speed bonus, team mode, timer, extra time)."""
        request_ = SettingsRequest.parse(data)
        session = self._led_session(request_.session)
        operations.configure(session, **request_.settings)
        db.session.commit()
        broadcast(session)
        return {"ok": True, "state": host_state(session, _locale())}

    @acknowledged
    def on_moderate(self, data):
        """The leader hides, approves, highlights, merges, themes or tags a contribution."""
        request_ = ModerateRequest.parse(data)
        session = self._led_session(request_.session)
        moderation.moderate(
            session,
            request_.contribution,
            request_.action,
            into=request_.into,
            theme=request_.theme,
            tags=request_.tags,
        )
        db.session.commit()
        broadcast(session)
        return {"ok": True, "state": host_state(session, _locale())}

    @acknowledged
    def on_proposal(self, data):
        """The leader approves (the room then reacts to it) or rejects a proposed statement."""
        request_ = ReviewRequest.parse(data)
        session = self._led_session(request_.session)
        moderation.review(session, request_.proposal, request_.decision)
        db.session.commit()
        broadcast(session)
        return {"ok": True, "state": host_state(session, _locale())}

    @acknowledged
    def on_behalf(self, data):
        """The leader answers for someone without a phone: from now on this connection's
        ``answer``, ``edit``, ``withdraw``, ``upvote`` and ``propose`` are that person's. With
        ``person``, one of the session's people without a phone; without, a new person (named
        ``name``), who is made with their first answer: choosing adds nobody to the room."""
        request_ = BehalfRequest.parse(data)
        session = self._led_session(request_.session)
        locale = _locale()
        if request_.person is not None:
            person = moderation.proxy(session, request_.person, locale)
        elif session.status is SessionStatus.ended:
            raise operations.SessionError("session_ended")
        else:
            person = None
        db.session.commit()
        join_room(participants_room(session.id, locale))
        pending = {
            "session": session.id,
            "name": request_.name,
            "locale": locale,
            "token_hash": moderation.new_token_hash(),
        }
        _remember(
            participant_id=person.id if person else None, session_id=session.id, behalf=pending
        )
        return {
            "ok": True,
            "participant": _person(person) if person else None,
            "people": moderation.proxies(session),
            "state": participant_state(session, locale, person, seed=pending["token_hash"]),
        }

    def _participant(self, *, sends: bool = False, creates: bool = False) -> Participant:
        """This connection's participant; ``sends`` for events that add or change answers,
        which count against the participant's answer limit; ``creates`` for events that may be
        the first of a new person the leader answers for (made now, committed by the caller)."""
        participant_id = _connection().get("participant_id")
        participant = db.session.get(Participant, participant_id) if participant_id else None
        if participant is None and creates and participant_id is None:
            participant = self._new_person()
        if participant is None:
            raise operations.SessionError("not_joined")
        if sends and not throttle().take(**{"participant-answers": str(participant.id)}):
            raise PayloadError("rate_limited")
        return participant

    def _led_session(self, session_id: int) -> LiveSession:
        """The session, if this connection's user leads it (or is an admin)."""
        user_id = _connection().get("user_id")
        user = db.session.get(User, user_id) if user_id else None
        if user is None or not user.active:
            raise operations.SessionError("not_authenticated")
        return session_for(user, session_id)


def _person(participant: Participant) -> dict:
    return {"id": participant.id, "name": participant.name}


def _made(person: Participant) -> dict:
    """What the ack of a new person's first event adds: who they are now, and everyone the
    leader answers for (with their numbers, for the default names)."""
    return {"participant": _person(person), "people": moderation.proxies(person.session)}


# Registered once on the shared extension; every socketio.init_app() takes it over.
socketio.on_namespace(LiveNamespace(NAMESPACE))
