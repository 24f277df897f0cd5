"""Live sessions, their participants and responses, and the session's state machine."""

import enum
import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..authoring.models import ModuleVersion
from ..circles.models import Circle, CircleMember
from ..core.errors import DomainError
from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class SessionStatus(enum.Enum):
    lobby = "lobby"
    running = "running"
    ended = "ended"


class SessionError(DomainError):
    """A request about a live session that cannot be carried out; ``code`` is the public error
    code. (Raised by operations and queries alike; ``operations.SessionError`` is this class.)"""


class SessionStateError(DomainError):
    """An illegal transition, e.g. ``next`` on the last step; ``code`` is the public error code."""


class LiveSession(db.Model):
    """One run of a module part with a group: the leader steps through it, participants answer."""

    __tablename__ = "live_sessions"
    __table_args__ = (
        # A join code is unique among sessions that are not over; ended sessions free theirs.
        sa.Index(
            "uq_live_sessions_live_code",
            "code",
            unique=True,
            sqlite_where=sa.text("status != 'ended'"),
            postgresql_where=sa.text("status != 'ended'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The session's global identity (a random UUID, given at creation and kept when the session
    #: travels to a central server, docs/export-format.md): ids are per database, this is not.
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    #: The numeric join code participants type or scan (see docs/security.md for its length).
    code: Mapped[str] = mapped_column(sa.String(16), index=True)
    module_id: Mapped[str] = mapped_column(sa.String(64))
    part_id: Mapped[str] = mapped_column(sa.String(64))
    #: The content this session runs, fixed when it is created; None for sessions from before
    #: versions were kept (their content comes from the module library).
    module_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(ModuleVersion.id), index=True
    )
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The study circle or dialogue group this session is a meeting of; None for a one-off.
    circle_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("circles.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[SessionStatus] = mapped_column(
        sa.Enum(SessionStatus, native_enum=False, length=16), default=SessionStatus.lobby
    )
    #: Id of the step being shown, None in the lobby.
    current_step: Mapped[str | None] = mapped_column(sa.String(64))
    #: Whether answers to the current step are accepted.
    step_open: Mapped[bool] = mapped_column(default=False)
    #: Whether the current step's results (and right answers) are shown.
    revealed: Mapped[bool] = mapped_column(default=False)
    #: The language of the big screen; each phone follows its own participant's choice.
    locale: Mapped[str] = mapped_column(sa.String(8), default="sv")
    #: A second language the big screen shows beside the first (e.g. sv + fi); None for one.
    second_locale: Mapped[str | None] = mapped_column(sa.String(8))
    #: When the current step was shown (answer times for the speed bonus count from here).
    step_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When answering the current step closes by itself; None without a running timer.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Seconds left on a paused timer; None when no timer is paused.
    paused_remaining: Mapped[float | None] = mapped_column()

    # --- settings: reveal-and-discuss by default; competition and timers are opt-in ---------
    #: Points for right answers and a leaderboard between questions and at the end.
    competitive: Mapped[bool] = mapped_column(default=False)
    #: In competitive mode, extra points for answering fast (timed questions only).
    speed_bonus: Mapped[bool] = mapped_column(default=False)
    #: One phone answers for a table group; its name is the group's name.
    team_mode: Mapped[bool] = mapped_column(default=False)
    #: A time limit in seconds for every quiz question without one of its own; None for none.
    timer_seconds: Mapped[int | None] = mapped_column()
    #: Every time limit is multiplied by this (WCAG 2.2.1 Timing Adjustable): 1, 1.5, 2, 3.
    extra_time: Mapped[float] = mapped_column(default=1.0)
    #: The leader closed the session to new participants; members may still come back.
    joins_locked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Open contributions reach the big screen and other phones only once the leader approves.
    premoderation: Mapped[bool] = mapped_column(default=False)
    #: Polls, scales, word clouds, rankings and statements show their results to the room only
    #: once revealed (by default the room watches them grow; quizzes always wait for reveal).
    hide_live_results: Mapped[bool] = mapped_column(default=False)
    #: The municipality the session was held in, asked at start when it is no circle's meeting
    #: (a circle's meeting is in the circle's municipality); one of ``circles.municipalities``.
    municipality: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the retention period deleted its participants and raw responses (``facilitate
    #: retention apply``); ``summary`` then keeps the aggregate results per step.
    pruned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[list | None] = mapped_column(sa.JSON)

    # --- a session imported from another server (``POST /api/v1/imports``) ------------------
    #: Where it was run: the name the sending server gives itself (``INSTANCE_NAME``); None for
    #: a session run here.
    origin: Mapped[str | None] = mapped_column(sa.String(120))
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the sender made the snapshot now stored: an older one never replaces it.
    snapshot_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of the imported session's record: the same snapshot again changes nothing.
    import_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    leader: Mapped[User] = relationship()
    circle: Mapped[Circle | None] = relationship()
    module_version: Mapped[ModuleVersion | None] = relationship()
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Participant.id"
    )

    # --- the state machine: the only way status, step, open and revealed change -----------------

    def start(self, first_step: str, answerable: bool, time_limit: float | None = None) -> None:
        if self.status is not SessionStatus.lobby:
            raise SessionStateError(
                "already_started" if self.status is SessionStatus.running else "session_ended"
            )
        self.status = SessionStatus.running
        self.started_at = utcnow()
        self._show(first_step, answerable, time_limit)

    def show_step(self, step_id: str, answerable: bool, time_limit: float | None = None) -> None:
        """Go to a step (next, previous or any); answering opens if the step takes answers, and
        a timer of ``time_limit`` seconds (extra time included) starts if it has one."""
        self.require_running()
        self._show(step_id, answerable, time_limit)

    def open_step(self, answerable: bool) -> None:
        """Open answering again; a timer that has run out is removed, not restarted."""
        self.require_running()
        if not answerable:
            raise SessionStateError("not_answerable")
        self.step_open = True
        if self.deadline is not None and self.deadline <= utcnow():
            self.deadline = None

    # --- the timer ------------------------------------------------------------------------------

    def pause_timer(self) -> None:
        self.require_running()
        if self.deadline is None:
            raise SessionStateError("no_timer")
        self.paused_remaining = max((self.deadline - utcnow()).total_seconds(), 0.0)
        self.deadline = None

    def resume_timer(self) -> None:
        self.require_running()
        if self.paused_remaining is None:
            raise SessionStateError("no_timer")
        self.deadline = utcnow() + timedelta(seconds=self.paused_remaining)
        self.paused_remaining = None

    def extend_timer(self, seconds: float) -> None:
        self.require_running()
        if self.deadline is not None:
            self.deadline = max(self.deadline, utcnow()) + timedelta(seconds=seconds)
        elif self.paused_remaining is not None:
            self.paused_remaining += seconds
        else:
            raise SessionStateError("no_timer")

    def remove_timer(self) -> None:
        self.require_running()
        if self.deadline is None and self.paused_remaining is None:
            raise SessionStateError("no_timer")
        self.deadline = None
        self.paused_remaining = None

    def time_left(self) -> float | None:
        """Seconds until answering closes (0 when run out), or None without a timer."""
        if self.paused_remaining is not None:
            return self.paused_remaining
        if self.deadline is None:
            return None
        return max((self.deadline - utcnow()).total_seconds(), 0.0)

    def close_step(self) -> None:
        self.require_running()
        self.step_open = False

    def reveal(self, closes_answering: bool = False) -> None:
        """Show the results; for quizzes this also closes answering (``closes_answering``)."""
        self.require_running()
        self.revealed = True
        if closes_answering:
            self.step_open = False
            self.deadline = self.paused_remaining = None

    def end(self) -> None:
        if self.status is SessionStatus.ended:
            raise SessionStateError("session_ended")
        self.status = SessionStatus.ended
        self.step_open = False
        self.deadline = self.paused_remaining = None
        self.ended_at = utcnow()

    def _show(self, step_id: str, answerable: bool, time_limit: float | None) -> None:
        self.current_step = step_id
        self.step_open = answerable
        self.revealed = False
        self.step_shown_at = utcnow()
        self.paused_remaining = None
        self.deadline = (
            self.step_shown_at + timedelta(seconds=time_limit)
            if answerable and time_limit
            else None
        )

    def require_running(self) -> None:
        if self.status is SessionStatus.lobby:
            raise SessionStateError("session_not_started")
        if self.status is SessionStatus.ended:
            raise SessionStateError("session_ended")

    def accepts_answers_to(self, step_id: str) -> str | None:
        """None if an answer to ``step_id`` is accepted now, otherwise the error code why not."""
        if self.status is SessionStatus.lobby:
            return "session_not_started"
        if self.status is SessionStatus.ended:
            return "session_ended"
        if step_id != self.current_step:
            return "not_current_step"
        if not self.step_open or self.time_left() == 0:
            return "step_closed"
        return None


class Participant(db.Model):
    """Someone in a session, known only by a random resume token kept on their phone."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the resume token; the token itself lives only on the participant's device.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Optional display name; never exported.
    name: Mapped[str | None] = mapped_column(sa.String(40))
    locale: Mapped[str] = mapped_column(sa.String(8), default="sv")
    #: Someone without a phone whose answers the leader enters (every answer of theirs is
    #: marked as entered by the leader).
    proxy: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The same person at another meeting of the circle, if they opted in to be recognised
    #: (a circle token on their phone); None otherwise.
    circle_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("circle_members.id", ondelete="SET NULL"), index=True
    )

    session: Mapped[LiveSession] = relationship(back_populates="participants")
    circle_member: Mapped[CircleMember | None] = relationship()


class Response(db.Model):
    """One answer as sent. A resend with the same submission id is the same response.

    An open contribution is a response too; its author may edit or withdraw it while the step
    is open, and the leader moderates it (hide, approve, highlight, merge, theme, tags). Hidden
    and merged contributions stay in the data, marked; a withdrawn one keeps no text."""

    __tablename__ = "responses"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "step_id", "submission_id"),
        sa.Index("ix_responses_session_id_step_id", "session_id", "step_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[str] = mapped_column(sa.String(64))
    #: Chosen by the client per answer; a resend after a lost ack reuses it.
    submission_id: Mapped[str] = mapped_column(sa.String(64))
    #: The cleaned value (an option id, a list of them, a number or a text); None once withdrawn.
    value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    #: For a statements step: the statement this reaction is to.
    statement: Mapped[str | None] = mapped_column(sa.String(64))
    #: Milliseconds from the step being shown to this answer (for the quiz speed bonus).
    elapsed_ms: Mapped[int | None] = mapped_column()
    #: The time limit (seconds) that ran when this answer came, None if untimed: points are
    #: scored against it, so changing the settings later does not change earned points.
    time_limit: Mapped[float | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # --- open contributions -----------------------------------------------------------------
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    #: Hidden by the leader: never on the big screen or other phones, kept in the data, marked.
    hidden: Mapped[bool] = mapped_column(default=False)
    #: False while waiting for the leader's approval (sessions with pre-moderation).
    approved: Mapped[bool] = mapped_column(default=True)
    highlighted: Mapped[bool] = mapped_column(default=False)
    #: A near-duplicate merged into another contribution: shown as part of that one.
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="SET NULL")
    )
    #: A short label the leader groups contributions under.
    theme: Mapped[str | None] = mapped_column(sa.String(60))
    #: Action-plan tags given at runtime, on top of the step's own (vocabulary.yaml).
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: For a ranking: the order its options were presented in to this participant (shuffled per
    #: participant against order bias), kept so that results stay explainable.
    presented: Mapped[list[str] | None] = mapped_column(sa.JSON)

    participant: Mapped[Participant] = relationship()

    @property
    def visible(self) -> bool:
        """Whether the room (big screen, other phones) sees this contribution on its own."""
        return (
            not self.withdrawn and not self.hidden and self.approved and self.merged_into_id is None
        )
