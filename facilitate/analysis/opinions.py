"""Opinion groups of a statements step, as Pol.is finds them, and explained.

The votes form a participant × statement matrix (agree +1, disagree −1, pass or no reaction 0).
PCA reduces it to two dimensions (the opinion map); k-means (a fixed seed) groups the points,
with k from 2 to 5 chosen by the highest silhouette score (a larger k only when it beats
the smaller ones by more than :data:`SILHOUETTE_MARGIN`). Groups
of fewer than the small-group threshold are never shown: their people are left out of the map
and of every group, and count only among "the rest" a group is compared with.

Per group, the statements that set it apart: where its share agreeing (or disagreeing) is at
least :data:`MIN_DIFFERENCE` above that of everyone else. Consensus statements: those every
shown group agrees with (or disagrees with) by at least :data:`CONSENSUS_SHARE`. Shares are of
the people in a group who reacted to the statement, passes included, and only from at least the
threshold of people.

Pure: plain data in and out, no app context (it may run in a worker thread). The input is put in
a fixed order first, so the same votes in any order give the same groups.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

SEED = 19
MIN_GROUPS, MAX_GROUPS = 2, 5
#: A larger k is chosen only if its silhouette beats every smaller k's by more than this:
#: fewer groups are easier to read, and a sliver of noise should not split a camp.
SILHOUETTE_MARGIN = 0.03
#: How much more (as a share, 0–1) a group must agree or disagree than the rest for a statement
#: to set it apart; at most :data:`DISTINGUISHING` statements per group are named.
MIN_DIFFERENCE = 0.2
DISTINGUISHING = 3
#: The share every group must agree (or disagree) with for a statement to be consensus.
CONSENSUS_SHARE = 0.6
VALUES = {"agree": 1.0, "disagree": -1.0, "pass": 0.0}


@dataclass(frozen=True, slots=True)
class Vote:
    participant: str
    statement: str
    #: agree, disagree or pass.
    reaction: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A statement that sets a group apart, or that the groups agree on."""

    statement: str
    #: agree or disagree: which way the group (or every group) leans.
    direction: str
    #: The group's share reacting that way (for consensus: the lowest of the groups').
    share: float
    #: The rest's share reacting that way (None for consensus).
    rest_share: float | None = None


@dataclass(slots=True)
class Group:
    #: 0 for group A, 1 for B, ... (largest first).
    index: int
    size: int
    #: The centre of the group on the opinion map.
    centre: tuple[float, float]
    distinguishing: list[Finding] = field(default_factory=list)

    @property
    def letter(self) -> str:
        return "ABCDE"[self.index]


@dataclass(slots=True)
class OpinionMap:
    statements: list[str]
    #: People who reacted to at least one statement.
    participants: int
    groups: list[Group]
    #: (x, y, group index) for every person in a shown group.
    points: list[tuple[float, float, int]]
    consensus: list[Finding]
    #: The group (index) of each person of a shown group, by the pseudonym the votes carry;
    #: for tests and callers that join it with other data, never shown.
    membership: dict[str, int] = field(default_factory=dict)
    #: People in groups too small to be shown.
    left_out: int = 0
    #: The share of the votes' variance the two map axes show (0–1), and the silhouette score
    #: of the chosen grouping (None without one).
    explained: float = 0.0
    silhouette: float | None = None


def opinion_groups(votes: Iterable[Vote], statements: list[str], min_size: int) -> OpinionMap:
    """The opinion map and groups of ``votes`` on ``statements`` (in the step's order)."""
    with threadpool_limits(limits=1):  # see facilitate.analysis.offload
        return _opinion_groups(votes, statements, min_size)


def _opinion_groups(votes: Iterable[Vote], statements: list[str], min_size: int) -> OpinionMap:
    min_size = max(min_size, 1)
    people, matrix, reacted, agreed, disagreed = _matrix(votes, statements)
    result = OpinionMap(
        statements=list(statements), participants=len(people), groups=[], points=[], consensus=[]
    )
    if len(people) < min_size or not statements:
        result.left_out = len(people)
        return result
    coordinates, result.explained = _map(matrix)
    labels, result.silhouette = _grouping(coordinates, min_size)
    shown = []
    for label in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == label)
        if len(members) < min_size:
            result.left_out += len(members)
            continue
        centre = coordinates[members].mean(axis=0)
        shown.append((members, (round(float(centre[0]), 6), round(float(centre[1]), 6))))
    shown.sort(key=lambda item: (-len(item[0]), item[1]))
    counts = (reacted, agreed, disagreed)
    for index, (members, centre) in enumerate(shown):
        group = Group(index=index, size=len(members), centre=centre)
        inside = np.zeros(len(people), dtype=bool)
        inside[members] = True
        group.distinguishing = _distinguishing(statements, counts, inside, min_size)
        result.groups.append(group)
        result.points.extend(
            (round(float(coordinates[i, 0]), 4), round(float(coordinates[i, 1]), 4), index)
            for i in members
        )
        result.membership.update((people[i], index) for i in members)
    result.points.sort()
    result.consensus = _consensus(statements, counts, [m for m, _ in shown], min_size)
    return result


def _matrix(votes: Iterable[Vote], statements: list[str]):
    """Rows in a fixed order (by the votes themselves), columns in ``statements`` order."""
    column = {s: i for i, s in enumerate(statements)}
    by_person: dict[str, dict[int, str]] = {}
    for vote in votes:
        if vote.statement in column and vote.reaction in VALUES:
            by_person.setdefault(vote.participant, {})[column[vote.statement]] = vote.reaction
    width = len(statements)
    ordered = sorted(
        (
            (tuple(reactions.get(i, "") for i in range(width)), person)
            for person, reactions in by_person.items()
        ),
        key=lambda item: item[0],
    )
    rows = [row for row, _person in ordered]
    matrix = np.array([[VALUES.get(r, 0.0) for r in row] for row in rows]).reshape(-1, width)
    reacted = np.array([[r != "" for r in row] for row in rows], dtype=bool).reshape(-1, width)
    agreed = np.array([[r == "agree" for r in row] for row in rows], dtype=bool).reshape(-1, width)
    disagreed = np.array([[r == "disagree" for r in row] for row in rows], dtype=bool).reshape(
        -1, width
    )
    return [person for _row, person in ordered], matrix, reacted, agreed, disagreed


def _map(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """Two coordinates per row (PCA), and the share of variance they show."""
    components = min(2, matrix.shape[1], matrix.shape[0])
    if components == 0 or not matrix.std(axis=0).any():
        return np.zeros((matrix.shape[0], 2)), 0.0
    pca = PCA(n_components=components, svd_solver="full", random_state=SEED)
    coordinates = pca.fit_transform(matrix)
    # A sign for each axis from the data, not the solver: the column sum of the loadings' signs.
    signs = np.where(np.sign(pca.components_.sum(axis=1)) < 0, -1.0, 1.0)
    coordinates = coordinates * signs
    if components < 2:
        coordinates = np.hstack([coordinates, np.zeros((matrix.shape[0], 2 - components))])
    return coordinates, float(pca.explained_variance_ratio_.sum())


def _grouping(points: np.ndarray, min_size: int) -> tuple[np.ndarray, float | None]:
    """k-means labels for the k of best silhouette; one group when the points do not split.
    A larger k that would leave a group of fewer than ``min_size`` people (never shown) is
    passed over once a smaller one has shown every group: splitting off a few voters would
    hide them rather than show another opinion."""
    distinct = len(np.unique(points.round(9), axis=0))
    largest = min(MAX_GROUPS, len(points) // min_size, distinct)
    best, best_score = np.zeros(len(points), dtype=int), None
    for k in range(MIN_GROUPS, largest + 1):
        labels = KMeans(n_clusters=k, n_init=4, random_state=SEED).fit_predict(points)
        sizes = np.bincount(labels)
        if len(set(labels.tolist())) < 2:
            continue
        if best_score is not None and sizes[sizes > 0].min() < min_size:
            continue
        # Every distinct point its own group is as clear as a grouping gets.
        score = 1.0 if distinct == k else float(silhouette_score(points, labels))
        if best_score is None or score > best_score + SILHOUETTE_MARGIN:
            best, best_score = labels, score
    return best, best_score


def _shares(counts, rows: np.ndarray, min_size: int):
    """Per statement: (share agreeing, share disagreeing) of ``rows`` who reacted, or None."""
    reacted, agreed, disagreed = (c[rows] for c in counts)
    n = reacted.sum(axis=0)
    out = []
    for i in range(reacted.shape[1]):
        if n[i] < min_size:
            out.append(None)
        else:
            out.append((float(agreed[:, i].sum() / n[i]), float(disagreed[:, i].sum() / n[i])))
    return out


def _distinguishing(statements, counts, inside: np.ndarray, min_size: int) -> list[Finding]:
    mine, rest = _shares(counts, inside, min_size), _shares(counts, ~inside, min_size)
    found = []
    for i, statement in enumerate(statements):
        if mine[i] is None or rest[i] is None:
            continue
        for direction, j in (("agree", 0), ("disagree", 1)):
            difference = mine[i][j] - rest[i][j]
            if difference >= MIN_DIFFERENCE - 1e-9:
                found.append((difference, i, Finding(statement, direction, mine[i][j], rest[i][j])))
    found.sort(key=lambda item: (-round(item[0], 9), item[1]))
    return [finding for _, _, finding in found[:DISTINGUISHING]]


def _consensus(statements, counts, groups: list[np.ndarray], min_size: int) -> list[Finding]:
    if not groups:
        return []
    people = len(counts[0])
    shares = []
    for members in groups:
        inside = np.zeros(people, dtype=bool)
        inside[members] = True
        shares.append(_shares(counts, inside, min_size))
    found = []
    for i, statement in enumerate(statements):
        if any(s[i] is None for s in shares):
            continue
        for direction, j in (("agree", 0), ("disagree", 1)):
            lowest = min(s[i][j] for s in shares)
            if lowest >= CONSENSUS_SHARE:
                found.append(Finding(statement, direction, float(lowest)))
    return found
