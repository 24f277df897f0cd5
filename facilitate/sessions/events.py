"""The ``/live`` Socket.IO namespace. Each handler parses its payload, calls an operation,
commits, and answers with an acknowledgement; see docs/protocol.md."""

import logging
from collections.abc import Callable
from functools import partial, wraps
from types import MethodType

import sqlalchemy as sa
from flask import current_app, g, request
from flask import session as flask_session
from flask_login import current_user
from flask_socketio import join_room, leave_room

from ..auth import sockets as login_sockets
from ..auth.models import User
from ..auth.operations import LOGIN_KEY, hash_token
from ..auth.queries import live_logins, user_by_token
from ..circles.operations import recognise
from ..core.after_commit import after_commit
from ..core.errors import DomainError
from ..core.i18n import select_locale
from ..core.loaded import still_loaded
from ..core.messages import error
from ..core.namespace import Namespace
from ..core.text import storable
from ..core.throttle import throttle
from ..extensions import db, socketio
from . import answers, hooks, joins, operations, people
from .live import (
    NAMESPACE,
    announce,
    broadcasts,
    host_room,
    participant_room,
    participants_room,
    screen_room,
)
from .models import LiveSession, Participant, SessionStatus
from .queries import session_by_code, session_for
from .schemas import (
    AnswerRequest,
    BehalfRequest,
    ControlRequest,
    JoinRequest,
    PayloadError,
    RemoveRequest,
    SessionRequest,
    SettingsRequest,
    requested_locale,
)
from .snapshots import host_state, participant_state, screen_state

log = logging.getLogger(__name__)


#: Who each connection of this process is (user id; participant id, the participant's session,
#: code and token hash; locale), by Socket.IO sid.
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
    """The recipient's language: the one this ``join`` asks for, else the participant's choice
    (or, before joining, the one the last ``join`` asked for), else the browser's."""
    return g.get("join_locale") or _connection().get("locale") or select_locale()


def _identity(participant: Participant, session: LiveSession | None = None) -> dict:
    """Who ``participant`` is: by id, and by what ids cannot fake (the session's code and the
    participant's token hash). Read while the rows are loaded (before a commit expires them)."""
    session = session or participant.session
    return {
        "participant_id": participant.id,
        "session_id": session.id,
        "session_code": session.code,
        "participant_key": participant.token_hash,
    }


def _welcome(
    participant: Participant,
    session: LiveSession,
    token: str,
    locale: str,
    circle_token: str | None = None,
    *,
    new: bool = True,
) -> dict:
    """A successful join's ack: the participant's token, who they are, their circle and their
    snapshot in ``locale`` (``new``: joined just now)."""
    return {
        "ok": True,
        "token": token,
        "participant": _person(participant),
        "circle": {"id": session.circle.id, "name": session.circle.name, "token": circle_token}
        if session.circle
        else None,
        "state": participant_state(session, locale, participant, new=new),
    }


def _enter(identity: dict, locale: str, before: int | None) -> bool:
    """This connection is now the participant of ``identity``, in its rooms. Returns whether
    the session as read is still what its clients were last sent: its snapshot ack may be
    built from it unless a change of it was broadcast since ``before`` (the count of
    broadcasts from before it was read). The phone, not yet in the rooms, missed that
    broadcast (with a message queue, other processes broadcast too: never)."""
    _remember_participant(identity, locale)
    join_room(participants_room(identity["session_id"], locale))
    join_room(participant_room(identity["participant_id"]))
    return before is not None and broadcasts() == before


def _remember_participant(identity: dict, locale: str | None = None) -> None:
    """This connection is now the participant of ``identity`` (:func:`_identity`), re-checked
    at every event. Whoever it was before, it leaves their rooms (another session's, or another
    language's); the caller joins the room of the new one."""
    _leave_session()
    _remember(**identity, **({"locale": locale} if locale else {}))


def _leave_session() -> None:
    """This connection is nobody's phone any more: it leaves its session's participant rooms."""
    identity = _connection()
    session_id = identity.get("session_id")
    if session_id is not None:
        for locale in current_app.config["LANGUAGES"]:
            leave_room(participants_room(session_id, locale))
    if identity.get("participant_id") is not None:
        leave_room(participant_room(identity["participant_id"]))
    for key in ("participant_id", "session_id", "session_code", "participant_key"):
        identity.pop(key, None)


def _gone() -> operations.SessionError:
    """The refusal for a connection whose participant is no longer there (or is someone else
    now): ``session_ended`` when their session was deleted or has ended, else ``not_joined``
    (join again). Either way the connection leaves the session's rooms."""
    identity = _connection()
    session = db.session.get(LiveSession, identity["session_id"])
    over = (
        session is None
        or session.code != identity.get("session_code")
        or session.status is SessionStatus.ended
    )
    _leave_session()
    return operations.SessionError("session_ended" if over else "not_joined")


def acknowledged(handler):
    """Turn domain and payload errors into error acks; a database failure into ``unavailable``
    (never a false success); anything else is logged and answered, never raised."""

    @wraps(handler)
    def wrapper(self, data=None):
        try:
            address = request.remote_addr or "unknown"
            if not throttle().take(**{"socket-events": request.sid, "socket-address": address}):
                raise PayloadError("rate_limited")
            if not storable(data):
                raise PayloadError()
            return handler(self, data)
        except DomainError as failure:  # every refusal: payload, session, dialogue, circle
            if failure.code == "session_ended" and _sent_by_phone(handler.__name__):
                _leave_session()  # a phone of an ended session is told so, and leaves
            db.session.rollback()
            return error(failure.code, _locale())
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            log.exception("database error in /live %s", handler.__name__)
            return error("unavailable", _locale())

    return wrapper


#: The events a participant's phone sends as that participant (besides those that features
#: add as a participant's: ``hooks.register_event``).
PARTICIPANT_EVENTS = {"on_answer", "on_sync"}


def _sent_by_phone(handler_name: str) -> bool:
    added = hooks.events.get(handler_name.removeprefix("on_"))
    return handler_name in PARTICIPANT_EVENTS or (added is not None and added[1])


#: The events features add, each wrapped once in :func:`acknowledged`, by handler name.
_added: dict[str, Callable] = {}


class LiveNamespace(Namespace):
    """The ``/live`` namespace: the session's own events are its ``on_<event>`` methods; the
    events features add (the dialogue tools') come from ``hooks.events`` and get the same
    treatment. Their handlers are functions of the namespace and the payload, and use the
    public methods below to know who is asking."""

    def __getattr__(self, name: str):
        event = name.removeprefix("on_") if name.startswith("on_") else None
        if event not in hooks.events:
            raise AttributeError(name)
        if name not in _added:
            _added[name] = acknowledged(hooks.events[event][0])
        return MethodType(_added[name], self)

    # --- for the handlers of added events -------------------------------------------------

    def participant(self, *, sends: bool = False, creates: bool = False) -> Participant:
        """This connection's participant, checked (see :meth:`_participant`)."""
        return self._participant(sends=sends, creates=creates)

    def led_session(self, session_id: int) -> LiveSession:
        """The session, if this connection's user leads it (see :meth:`_led_session`)."""
        return self._led_session(session_id)

    def newcomer(self) -> bool:
        """Whether this connection has no participant yet (the leader's, about to answer for a
        new person)."""
        return _connection().get("participant_id") is None

    def identity(self, participant: Participant) -> dict:
        """Who ``participant`` is, read now (before the commit expires the rows)."""
        return _identity(participant)

    def remember(self, identity: dict) -> None:
        """This connection is the participant of ``identity`` (after the commit)."""
        _remember(**identity)

    def made(self, person: Participant) -> dict:
        """What the ack of a new person's first event adds (see :func:`_made`)."""
        return _made(person)

    def host_ack(self, session: LiveSession) -> dict:
        """A leader event's ack: ok, with the console's new snapshot."""
        return {"ok": True, "state": host_state(session, _locale())}

    # --- the session's own events ---------------------------------------------------------

    def trigger_event(self, event, *args):
        """An event nobody handles is refused like any other: ``unknown_event``."""
        if hasattr(self, f"on_{event or ''}"):
            return super().trigger_event(event, *args)
        sid_and_data = args[:2]  # any further arguments are ignored, as for every event
        return self.socketio._handle_event(self._unknown, event, self.namespace, *sid_and_data)

    @acknowledged
    def _unknown(self, data=None):
        raise PayloadError("unknown_event")

    def connect_plainly(self, sid: str, auth=None) -> bool:
        """A connection without a cookie (no login) and without an API token is nobody's:
        noted as such without Flask's request machinery (a join storm's phones, bench/NOTES.md,
        seventh round). The rest go through :meth:`on_connect`."""
        if isinstance(auth, dict) and "token" in auth:
            return False
        _connections[sid] = {"user_id": None}
        return True

    def on_connect(self, auth=None):
        """Everyone may connect; leaders are recognised by their login cookie or an API token."""
        user = None
        if isinstance(auth, dict) and isinstance(auth.get("token"), str):
            user = user_by_token(auth["token"])
        elif current_user.is_authenticated:
            user = current_user
            # Closed when the login ends (logout, password change): see auth/sockets.py.
            login = flask_session.get(LOGIN_KEY)  # always there: no login is recognised without
            if isinstance(login, str):
                login_sockets.opened(request.sid, NAMESPACE, user.id, hash_token(login))
        _connections[request.sid] = {"user_id": user.id if user else None}

    def on_disconnect(self, reason=None):
        _connections.pop(request.sid, None)
        login_sockets.closed(request.sid)

    @acknowledged
    def on_join(self, data):
        """A participant joins with a code, or resumes with the token a previous join gave.
        The language the join asks for is that of its own error acks, and of every one before
        the phone has joined."""
        before = broadcasts()  # before the session is read: see _enter
        asked = requested_locale(data)
        if asked:
            g.join_locale = asked
            if _connection().get("participant_id") is None:
                _remember(locale=asked)
        join = JoinRequest.parse(data)
        locale = join.locale or _locale()
        resumed = join.token and operations.resume(join.code, join.token, join.name, locale)
        if not resumed and not join.recognise:  # the common case: stored with those arriving
            return self._join_together(join, locale)
        if resumed:  # a valid token is never a guess: never limited
            participant, new_token = resumed, None
        else:  # a circle member is recognised in the transaction that makes the participant
            participant, new_token = self._join_new(join, locale)
        session = participant.session
        identity = _identity(participant, session)  # read before the commit expires them
        circle_token = recognise(participant, join.circle_token) if join.recognise else None
        announce(session, tally=True)
        # The new participant's row: nobody else can have changed it. The session's: see
        # _enter.
        with still_loaded(participant if new_token else None, session):
            db.session.commit()
        if not _enter(identity, locale, before):
            db.session.expire(session)
        token = new_token or join.token
        return _welcome(participant, session, token, locale, circle_token, new=bool(new_token))

    @acknowledged
    def on_answer(self, data):
        """Store an answer (committed before the ack, together with the answers arriving at
        the same moment: see answers.py); a resend is recognised by its id. The batch checks
        that the participant is still the one this connection joined as."""
        identity = _connection()
        participant_id = identity.get("participant_id")
        if participant_id is None:
            return self._first_answer(AnswerRequest.parse(data))
        if not throttle().take(**{"participant-answers": str(participant_id)}):
            raise PayloadError("rate_limited")
        request_ = AnswerRequest.parse(data)
        try:
            duplicate = answers.submit(
                participant_id,
                request_.step,
                request_.value,
                request_.submission_id,
                request_.statement,
                participant_key=identity["participant_key"],
            )
        except operations.SessionError as failure:
            if failure.code == "not_joined":
                raise _gone() from None
            raise
        return {"ok": True, "duplicate": duplicate}

    def _first_answer(self, request_: AnswerRequest) -> dict:
        """The first answer of a new person the leader answers for (``behalf`` without a
        ``person``): the person is made together with the answer, in one commit, so a refused
        answer leaves nobody behind."""
        person = self._new_person()
        duplicate = operations.answer(
            person, request_.step, request_.value, request_.submission_id, request_.statement
        )
        identity = _identity(person)
        announce(person.session, tally=True)
        db.session.commit()
        _remember(**identity)  # the leader's connection stays in the room it is in
        return {"ok": True, "duplicate": duplicate, **_made(person)}

    def _new_person(self) -> Participant:
        """A new person without a phone, for the leader's connection that chose "Ny person";
        any other connection without a participant is ``not_joined``."""
        pending = _connection().get("behalf")
        if pending is None:
            raise operations.SessionError("not_joined")
        session = self._led_session(pending["session"])
        return people.new_proxy(session, pending["name"], pending["locale"], pending["token_hash"])

    @acknowledged
    def on_sync(self, data=None):
        """A fresh snapshot for a participant, with their own answer (an ended session's last
        one too: the final score; for a new person the leader is about to answer for, who has
        none yet: the snapshot only)."""
        pending = _connection().get("behalf")
        if _connection().get("participant_id") is None and pending is not None:
            session = self._led_session(pending["session"])
            state = participant_state(session, _locale(), seed=pending["token_hash"])
            return {"ok": True, "state": state}
        participant = self._participant(acts=False)
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
        announce(session, state=True)
        db.session.commit()
        return {"ok": True, "state": host_state(session, _locale())}

    @acknowledged
    def on_settings(self, data):
        """Change session settings (competitive mode, speed bonus, team mode, timer, extra time)."""
        request_ = SettingsRequest.parse(data)
        session = self._led_session(request_.session)
        operations.configure(session, **request_.settings)
        announce(session, state=True)
        db.session.commit()
        return {"ok": True, "state": host_state(session, _locale())}

    @acknowledged
    def on_remove(self, data):
        """The leader takes a participant out: their phone is told (``removed``) and can
        neither answer nor resume; what they sent is deleted."""
        request_ = RemoveRequest.parse(data)
        session = self._led_session(request_.session)
        people.take_out(session, request_.participant)
        after_commit(partial(_forget, request_.participant))
        announce(session, state=True, tally=True)
        db.session.commit()
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
            person = people.proxy(session, request_.person, locale)
        elif session.status is SessionStatus.ended:
            raise operations.SessionError("session_ended")
        else:
            person = None
        identity = _identity(person) if person is not None else None
        db.session.commit()
        if identity is not None:
            _remember_participant(identity)
        else:
            _leave_session()  # a new person: made with their first answer
        join_room(participants_room(session.id, locale))
        pending = {
            "session": session.id,
            "name": request_.name,
            "locale": locale,
            "token_hash": people.new_token_hash(),
        }
        _remember(session_id=session.id, behalf=pending)
        return {
            "ok": True,
            "participant": _person(person) if person else None,
            "people": people.proxies(session),
            "state": participant_state(session, locale, person, seed=pending["token_hash"]),
        }

    def _join_together(self, join: JoinRequest, locale: str) -> dict:
        """A new participant, stored and committed with the joins arriving at the same time
        (sessions/joins.py), with the same limits as :meth:`_join_new`; returns the join's
        ack, which the batch built unless the session may have changed since it read it."""
        guesses = self._guesses()
        if join.token:
            db.session.rollback()  # a token that resumed no one: nothing was changed

        def welcome(participant: Participant, session: LiveSession, token: str):
            return _identity(participant, session), _welcome(participant, session, token, locale)

        pending = joins.NewJoin(join.code, join.name, locale, guesses, welcome)
        try:
            joins.submit(pending)
        except operations.SessionError as failure:
            if failure.code == "unknown_code" and not throttle().take(**guesses):
                raise PayloadError("rate_limited") from None
            raise
        if pending.welcomed is not None:
            identity, ack = pending.welcomed
            if _enter(identity, locale, pending.before):
                return ack
            participant = joins.joined(pending)
        else:  # the batch could not build the ack
            participant = joins.joined(pending)
            _enter(_identity(participant), locale, pending.before)
        db.session.expire(participant.session)
        return _welcome(participant, participant.session, pending.token, locale)

    def _join_new(self, join: JoinRequest, locale: str) -> tuple[Participant, str | None]:
        """A join with a code alone may be a guess, and only a guess is counted: the code is
        looked up first, and an unknown one is counted per connection, then per client
        address, in one atomic step (docs/security.md, "Join codes"). Joins with a session's
        code are never counted, so a hall full of phones behind one address all get in; but
        once guesses used up a limit they are refused too, as every code is then, so that a
        refused guesser cannot tell which codes exist."""
        guesses = self._guesses()
        session = session_by_code(join.code)
        if session is None:
            if not throttle().take(**guesses):
                raise PayloadError("rate_limited")
            raise operations.SessionError("unknown_code")
        if throttle().spent(**guesses):  # guesses looked up at the same time used it up
            raise PayloadError("rate_limited")
        participant, new_token = operations.join_session(session, join.token, join.name, locale)
        if new_token and not throttle().take(
            **{"join-session-address": f"{session.id}:{guesses['join-address']}"}
        ):
            raise PayloadError("rate_limited")  # rolled back: no participant is added
        return participant, new_token

    @staticmethod
    def _guesses() -> dict[str, str]:
        """The join limits' keys of this connection and its address; a connection or address
        that used up its guesses is refused before any database work."""
        guesses = {"join-connection": request.sid, "join-address": request.remote_addr or "unknown"}
        if throttle().spent(**guesses):
            raise PayloadError("rate_limited")
        return guesses

    def _participant(
        self, *, sends: bool = False, acts: bool = True, creates: bool = False
    ) -> Participant:
        """This connection's participant, checked anew at every event: still there, still the
        one who joined (the token hash, not only the id), in the same session, and — for events
        that ``act`` — a session that is not over. A phone whose session was deleted or ended
        is told so and leaves its rooms. ``sends`` for events that add or change answers,
        which count against the participant's answer limit; ``creates`` for events that may be
        the first of a new person the leader answers for (made now, committed by the caller)."""
        identity = _connection()
        participant_id = identity.get("participant_id")
        if participant_id is None and creates and identity.get("behalf") is not None:
            return self._new_person()
        if participant_id is None:
            raise operations.SessionError("not_joined")
        participant = db.session.get(Participant, participant_id)
        if (
            participant is None
            or participant.token_hash != identity.get("participant_key")
            or participant.session_id != identity.get("session_id")
        ):
            raise _gone()
        if acts and participant.session.status is SessionStatus.ended:
            raise operations.SessionError("session_ended")
        if sends and not throttle().take(**{"participant-answers": str(participant.id)}):
            raise PayloadError("rate_limited")
        return participant

    def _led_session(self, session_id: int) -> LiveSession:
        """The session, if this connection's user leads it (or is an admin)."""
        user_id = _connection().get("user_id")
        user = db.session.get(User, user_id) if user_id else None
        if user is None or not user.active:
            raise operations.SessionError("not_authenticated")
        login = login_sockets.login_of(request.sid)
        if login is not None and not live_logins({login}, current_app.config["LOGIN_MAX_AGE_DAYS"]):
            raise operations.SessionError("not_authenticated")  # logged out meanwhile
        return session_for(user, session_id)


def _forget(participant_id: int) -> None:
    """This process's connections of a removed participant forget who they were."""
    for known in list(_connections.values()):
        if known.get("participant_id") == participant_id:
            known.pop("participant_id", None)


def _person(participant: Participant) -> dict:
    return {"id": participant.id, "name": participant.name}


def _made(person: Participant) -> dict:
    """What the ack of a new person's first event adds: who they are now, and everyone the
    leader answers for (with their numbers, for the default names)."""
    return {"participant": _person(person), "people": people.proxies(person.session)}


# Registered once on the shared extension; every socketio.init_app() takes it over.
socketio.on_namespace(LiveNamespace(NAMESPACE))
