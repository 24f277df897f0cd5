"""What the dialogue tools add to the snapshots: the leader's moderation panel (every
contribution with its marks and near-duplicate suggestions), the proposed statements waiting
for approval, and which contributions a participant has upvoted."""

from ..content import Step
from ..sessions.models import LiveSession, Participant, Response
from ..steps import kind_of
from .models import ProposalStatus
from .queries import own_votes, proposals
from .words import normalise


def host_tally_part(
    session: LiveSession, step: Step | None, responses: list, votes: dict[int, int]
) -> dict:
    """The leader's tally of an open step carries its moderation panel; of a statements step,
    the proposals waiting for approval."""
    if step is None:
        return {}
    if kind_of(step).many:
        return {"moderation": moderation(session, responses, votes)}
    if kind_of(step).takes_proposals:
        return {"proposals": pending_proposals(session, step)}
    return {}


def participant_part(session: LiveSession, step: Step, participant: Participant, new: bool) -> dict:
    """A participant's snapshot of an open step says which contributions they upvoted (none
    when they ``new``-ly joined: nothing is looked up)."""
    if not kind_of(step).many:
        return {}
    return {"voted": [] if new else own_votes(participant, step)}


#: Contributions compared for near-duplicates (the newest this many), to keep tallies cheap.
SIMILAR_WINDOW = 300
#: Share of words two contributions must have in common to be suggested as near-duplicates.
SIMILAR_FROM = 0.6


def moderation(session: LiveSession, responses: list[Response], votes: dict[int, int]) -> list:
    """Every contribution (withdrawn ones aside) as the leader moderates it, oldest first, each
    with an earlier one it looks like a near-duplicate of (same words, mostly)."""
    words: dict[int, frozenset[str]] = {}
    seen: list[Response] = []
    items = []
    for r in responses:
        similar = None
        if r.merged_into_id is None and len(responses) - len(items) <= SIMILAR_WINDOW:
            mine = words[r.id] = frozenset(normalise(r.value).split())
            similar = next(
                (o.id for o in reversed(seen) if _alike(mine, words[o.id])),
                None,
            )
            seen.append(r)
        items.append(
            {
                "id": r.id,
                "text": r.value,
                "votes": votes.get(r.id, 0),
                "hidden": r.hidden,
                "pending": not r.approved,
                "highlighted": r.highlighted,
                "merged_into": r.merged_into_id,
                "theme": r.theme,
                "tags": list(r.tags or ()),
                "edited": r.edited_at is not None,
                "by_leader": r.participant.proxy,
                # In team mode a contribution is a table group's, and says so; otherwise the
                # leader, like the room, sees no author.
                "group": r.participant.name if session.team_mode else None,
                "similar_to": similar,
            }
        )
    return items


def _alike(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return a == b or len(a & b) / len(a | b) >= SIMILAR_FROM


def pending_proposals(session: LiveSession, step: Step) -> list[dict]:
    return [
        {"id": p.id, "text": p.text, "lang": p.locale}
        for p in proposals(session, step.id, ProposalStatus.pending)
    ]
