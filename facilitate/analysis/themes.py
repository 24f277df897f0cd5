"""Themes of open input across sessions: contributions grouped by what they are about.

Offline and explainable, no hosted model. Each contribution's words are stemmed with Snowball in
its language (Swedish, Finnish or English) with stop words removed, weighted by TF-IDF, and the
contributions are clustered with k-means (scikit-learn, a fixed seed). The number of themes is
the k from 2 to :data:`MAX_THEMES` with the highest silhouette score (cosine distance; on a fixed
sample of at most :data:`SILHOUETTE_SAMPLE` contributions); a tie goes to the smaller k. A theme
is named by the words with the most weight in it and shown with the contributions nearest to its
centre. Clusters of fewer than the small-group threshold go to "other contributions".

Themes a leader set by hand (``Response.theme``) come first, exactly as the leader grouped them:
their contributions are never clustered again.

Everything here is pure (plain data in, plain data out, no app context), so it can run in a
worker thread (:mod:`facilitate.analysis.offload`).
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .words import stems

#: The same data always gives the same themes.
SEED = 19
MAX_THEMES = 12
SILHOUETTE_SAMPLE = 2000
#: Dimensions the TF-IDF vectors are reduced to (latent semantic analysis) when there are more
#: terms than this; keeps k-means fast on 10,000 contributions.
LSA_DIMENSIONS = 100
#: Words that name a theme, and quotes shown per theme.
NAME_TERMS = 4
QUOTES = 3
#: Least cosine similarity to its theme's centre a contribution needs to belong to it; one that
#: shares no words with the others of its cluster goes to "other contributions" instead.
MIN_CLOSENESS = 0.2


@dataclass(frozen=True, slots=True)
class Contribution:
    """One contribution as theme finding sees it: its text, nothing about its author."""

    id: int
    text: str
    #: sv, fi or en: the language its words are stemmed in.
    language: str
    #: The theme a leader put it under, or None.
    theme: str | None = None
    #: Action-plan tags that apply to it (its step's and the leader's).
    tags: tuple[str, ...] = ()
    votes: int = 0
    #: A pseudonym of its author, to count people (never shown).
    author: str = ""
    #: Contributions merged into this one (near-duplicates), counted with it.
    merged: int = 0


@dataclass(slots=True)
class Theme:
    #: A stable id: the same contributions give the same key.
    key: str
    #: "leader" (set by hand), "found" (clustered) or "other" (too small to be a theme).
    source: str
    #: The leader's label, or None.
    label: str | None
    #: The words that name it, weightiest first.
    terms: list[str]
    members: list[Contribution]
    quotes: list[Contribution]
    #: Contributions with those merged into them, and different authors.
    count: int = 0
    people: int = 0
    #: How many members each tag applies to, most first.
    tags: list[tuple[str, int]] = field(default_factory=list)

    @property
    def suggested_tag(self) -> str | None:
        """The tag most of its contributions carry (from the tagged steps they come from)."""
        return self.tags[0][0] if self.tags else None

    @property
    def tag_applies_to_all(self) -> bool:
        """Whether the suggested tag already applies to every contribution of the theme."""
        return bool(self.tags) and self.tags[0][1] == len(self.members)


def find_themes(
    contributions: list[Contribution], min_size: int, tag_order: tuple[str, ...] = ()
) -> list[Theme]:
    """Leader themes, then the themes found, largest first, then the other contributions.
    ``min_size`` is the smallest theme shown as one (the small-group threshold); ``tag_order``
    breaks ties between equally common tags (the vocabulary's order)."""
    with threadpool_limits(limits=1):  # see facilitate.analysis.offload
        return _find_themes(contributions, min_size, tag_order)


def _find_themes(
    contributions: list[Contribution], min_size: int, tag_order: tuple[str, ...]
) -> list[Theme]:
    min_size = max(min_size, 2)
    by_leader: dict[str, list[Contribution]] = defaultdict(list)
    rest: list[Contribution] = []
    for c in contributions:
        if c.theme and c.theme.strip():
            by_leader[" ".join(c.theme.split()).casefold()].append(c)
        else:
            rest.append(c)
    themes = [
        _theme("leader", sorted(members, key=_order), tag_order, label=members[0].theme.strip())
        for members in by_leader.values()
    ]
    themes.sort(key=lambda t: (-t.count, t.label.casefold()))
    found, other = _cluster(rest, min_size, tag_order)
    themes.extend(found)
    if other:
        themes.append(_theme("other", other, tag_order))
    return themes


def _order(c: Contribution) -> tuple:
    return (-c.votes, c.id)


def _cluster(
    contributions: list[Contribution], min_size: int, tag_order: tuple[str, ...]
) -> tuple[list[Theme], list[Contribution]]:
    """Themes found among ``contributions`` and those that fit none."""
    documents, words = [], []
    for c in contributions:
        found = stems(c.text, c.language)
        documents.append([stem for stem, _word in found])
        words.append(found)
    # A fixed order of the input (by content), so a permutation of it gives the same themes.
    order = sorted(range(len(contributions)), key=lambda i: (documents[i], contributions[i].id))
    with_words = [i for i in order if documents[i]]
    wordless = [contributions[i] for i in order if not documents[i]]
    if len(with_words) < min_size:
        return [], sorted(wordless + [contributions[i] for i in with_words], key=_order)
    docs = [documents[i] for i in with_words]
    members = [contributions[i] for i in with_words]
    surface = _surface_forms([words[i] for i in with_words])
    vectorizer = TfidfVectorizer(
        analyzer=lambda doc: doc,
        min_df=2 if len(docs) >= 20 else 1,
        sublinear_tf=True,
    )
    try:
        tfidf = vectorizer.fit_transform(docs)
    except ValueError:  # no term in two contributions: nothing to group by
        return [], sorted(wordless + members, key=_order)
    terms = vectorizer.get_feature_names_out()
    points = _reduced(tfidf)
    labels = _best_labels(points, len(docs), min_size)
    themes: list[Theme] = []
    other = list(wordless)
    for label in sorted(set(labels.tolist())):
        indices = np.flatnonzero(labels == label)
        close = _closeness_to_the_others(points[indices]) >= MIN_CLOSENESS
        other.extend(members[i] for i in indices[~close])
        indices = indices[close]
        group = [members[i] for i in indices]
        if len(indices) < min_size:
            other.extend(group)
            continue
        weights = np.asarray(tfidf[indices].mean(axis=0)).ravel()
        top = [terms[i] for i in np.argsort(-weights, kind="stable")[:NAME_TERMS] if weights[i]]
        centre = normalize(points[indices].mean(axis=0, keepdims=True))[0]
        closeness = points[indices] @ centre
        nearest = sorted(
            range(len(indices)), key=lambda i: (-round(closeness[i], 9), _order(group[i]))
        )
        theme = _theme("found", group, tag_order, terms=[surface[t] for t in top])
        theme.quotes = _distinct([group[i] for i in nearest])
        themes.append(theme)
    themes.sort(key=lambda t: (-t.count, t.terms))
    return themes, sorted(other, key=_order)


def _closeness_to_the_others(points: np.ndarray) -> np.ndarray:
    """Per point, its cosine similarity to the centre of the other points of its cluster."""
    others = points.sum(axis=0) - points
    lengths = np.linalg.norm(others, axis=1)
    dots = np.einsum("ij,ij->i", points, others)
    return np.divide(dots, lengths, out=np.zeros_like(dots), where=lengths > 1e-12)


def _reduced(tfidf) -> np.ndarray:
    """Unit-length rows: TF-IDF itself, or its LSA reduction when it has many terms."""
    if tfidf.shape[1] > LSA_DIMENSIONS and tfidf.shape[0] > LSA_DIMENSIONS:
        svd = TruncatedSVD(n_components=LSA_DIMENSIONS, random_state=SEED)
        return normalize(svd.fit_transform(tfidf))
    return normalize(tfidf.toarray())


def _best_labels(points: np.ndarray, n: int, min_size: int) -> np.ndarray:
    """k-means labels for the k with the best silhouette (see the module's docstring)."""
    distinct = len(np.unique(points.round(9), axis=0))
    largest = min(MAX_THEMES, n // min_size, distinct - 1)
    best, best_score = np.zeros(n, dtype=int), -2.0
    for k in range(2, largest + 1):
        labels = KMeans(n_clusters=k, n_init=3, random_state=SEED).fit_predict(points)
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(
            points,
            labels,
            metric="cosine",
            sample_size=min(n, SILHOUETTE_SAMPLE),
            random_state=SEED,
        )
        if score > best_score + 1e-9:
            best, best_score = labels, score
    return best


def _surface_forms(words: list[list[tuple[str, str]]]) -> dict[str, str]:
    """Per stem, the word form contributions use most (what a theme's name shows)."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for found in words:
        for stem, word in found:
            forms[stem][word] += 1
    return {stem: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for stem, c in forms.items()}


def _distinct(ordered: list[Contribution]) -> list[Contribution]:
    quotes, seen = [], set()
    for c in ordered:
        text = " ".join(c.text.split()).casefold()
        if text not in seen:
            seen.add(text)
            quotes.append(c)
        if len(quotes) == QUOTES:
            break
    return quotes


def _theme(
    source: str,
    members: list[Contribution],
    tag_order: tuple[str, ...],
    *,
    label: str | None = None,
    terms: list[str] | None = None,
) -> Theme:
    tags = Counter(t for c in members for t in set(c.tags))
    rank = {t: i for i, t in enumerate(tag_order)}
    ids = ",".join(str(i) for i in sorted(c.id for c in members))
    return Theme(
        key=hashlib.sha1(f"{source}:{ids}".encode()).hexdigest()[:12],
        source=source,
        label=label,
        terms=terms or [],
        members=members,
        quotes=_distinct(members) if source != "found" else [],
        count=sum(1 + c.merged for c in members),
        people=len({c.author for c in members}),
        tags=sorted(tags.items(), key=lambda kv: (-kv[1], rank.get(kv[0], len(rank)), kv[0])),
    )
