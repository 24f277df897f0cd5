"""The dialogue feature: its step kinds (info, poll, scale, open text, rank, word cloud and
statements) and its tools (moderation, upvotes, proposed statements: their events, snapshots
and data). Importing this registers them with ``sessions``."""

from ..sessions import hooks
from ..sessions.kinds import register
from . import events, moderation, queries, snapshots
from .kinds import (
    InfoKind,
    OpenKind,
    PollKind,
    RankKind,
    ScaleKind,
    StatementsKind,
    WordCloudKind,
)

for _kind in (
    InfoKind(),
    PollKind(),
    ScaleKind(),
    OpenKind(),
    RankKind(),
    WordCloudKind(),
    StatementsKind(),
):
    register(_kind)

hooks.register_step_extension(queries.with_proposals)
hooks.register_vote_counter(queries.votes_by_contribution)
hooks.register_host_tally_part(snapshots.host_tally_part)
hooks.register_participant_part(snapshots.participant_part)
hooks.register_cleanup(moderation.delete_rows)
for _event in ("edit", "withdraw", "upvote", "propose"):
    hooks.register_event(_event, getattr(events, f"on_{_event}"), participant=True)
for _event in ("moderate", "proposal"):
    hooks.register_event(_event, getattr(events, f"on_{_event}"))
