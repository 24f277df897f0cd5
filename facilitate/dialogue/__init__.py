"""The dialogue feature: its step kinds (info, poll, scale, open text, rank, word cloud and
statements: ``kinds.py``, found and registered by :mod:`facilitate.steps`) and its tools
(moderation, upvotes, proposed statements: their events, snapshots and data). Importing this
registers the tools with ``sessions``."""

from ..sessions import hooks
from . import events, moderation, queries, snapshots

hooks.register_step_extension(queries.with_proposals)
hooks.register_vote_counter(queries.votes_by_contribution)
hooks.register_host_tally_part(snapshots.host_tally_part)
hooks.register_participant_part(snapshots.participant_part)
hooks.register_cleanup(moderation.delete_rows)
for _event in ("edit", "withdraw", "upvote", "propose"):
    hooks.register_event(_event, getattr(events, f"on_{_event}"), participant=True)
for _event in ("moderate", "proposal"):
    hooks.register_event(_event, getattr(events, f"on_{_event}"))
