"""The step kinds a dialogue is made of, as plug-ins of :mod:`facilitate.steps` (registered at
the end of this file, which :mod:`facilitate.steps` finds by itself)."""

import hashlib
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..content import Step
from ..content.model import text_document as text
from ..core.numbers import whole_number
from ..steps import ContentProblem, InvalidAnswer, StepKind, option_views, register, render
from ..steps.summary import Table, amount, small
from .words import frequencies, normalise

#: A scale has at most this many points (0–10).
MAX_SCALE_POINTS = 11
#: Most words of a word cloud listed in a summary.
TOP_WORDS = 20


class _Kind(StepKind):
    #: Dialogue results grow on the screen as answers come in (unless the session hides them).
    live_results = True
    asks_opinion = True


def options_document(step: Step) -> list[dict]:
    return [{"id": o.id, "text": text(o.text)} for o in step.options]


def option_texts(step: Step, value: Any, localized) -> str:
    """Option ids (one or a list) as their texts, in order, ``; `` between them."""
    if value is None:
        return ""
    ids = value if isinstance(value, list) else [value]
    return "; ".join(localized(o.text) if (o := step.option(i)) else str(i) for i in ids)


def reaction_texts() -> dict[str, str]:
    """What a statements reaction reads as in a report."""
    return {"agree": _("Håller med"), "disagree": _("Håller inte med"), "pass": _("Pass")}


class InfoKind(_Kind):
    """An introduction or explanation: a title and a text, nothing to answer."""

    name = "info"
    order = 0
    label = _l("Information")
    answerable = False
    asks_opinion = False

    def validate(self, step: Step, value: Any) -> Any:
        raise InvalidAnswer("not_answerable")

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        return {}

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return {**self.base_view(step, locale), "body": render(step.body, locale)}

    def content_document(self, step: Step) -> dict[str, Any]:
        return {"title": text(step.title), "body": text(step.body)}  # type: ignore[arg-type]


class PollKind(_Kind):
    """One option (``"b"``) or several (``["a", "c"]``); each person's latest choice counts."""

    name = "poll"
    order = 20
    label = _l("Omröstning")

    def sample_answer(self, step: Step, rng) -> Any:
        ids = [o.id for o in step.options]
        return (
            sorted(rng.sample(ids, rng.randint(1, len(ids)))) if step.multiple else rng.choice(ids)
        )

    def validate(self, step: Step, value: Any) -> Any:
        ids = {option.id for option in step.options}
        if step.multiple:
            if not isinstance(value, list) or not value or len(value) > len(ids):
                raise InvalidAnswer()
            if not all(isinstance(v, str) and v in ids for v in value) or len(set(value)) != len(
                value
            ):
                raise InvalidAnswer()
            return [o.id for o in step.options if o.id in value]  # in the step's order
        if not isinstance(value, str) or value not in ids:
            raise InvalidAnswer()
        return value

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        counts = Counter(
            v for value in values for v in (value if isinstance(value, list) else [value])
        )
        return {
            "respondents": len(values),
            "counts": {option.id: counts.get(option.id, 0) for option in step.options},
        }

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return {
            **self.base_view(step, locale),
            "multiple": step.multiple,
            "options": option_views(step.options, locale),
        }

    def content_document(self, step: Step) -> dict[str, Any]:
        data = {**super().content_document(step), "options": options_document(step)}
        if step.multiple:
            data["multiple"] = True
        return data

    def value_text(self, step: Step, value: Any, localized) -> str:
        return option_texts(step, value, localized)

    def summary_table(self, step: Step, results: dict, threshold: int, enough: bool) -> Table:
        counts = results.get("counts", {})
        return Table(
            ["option", "count"],
            [[o.text, small(counts.get(o.id, 0), threshold)] for o in step.options],
        )

    def headline(self, summary, words) -> str | None:
        rows = summary.table.rows if summary.table else []
        top = max(rows, key=lambda row: amount(row[1]), default=None)
        if top is not None and amount(top[1]) > 0:
            return _(
                "Flest val: %(option)s (%(count)s)", option=words.cell_text(top[0]), count=top[1]
            )
        return None


class ScaleKind(_Kind):
    """A whole number from ``min`` to ``max``; each person's latest number counts."""

    name = "scale"
    order = 30
    label = _l("Skala")

    def sample_answer(self, step: Step, rng) -> Any:
        return rng.randint(step.scale_min, step.scale_max)

    def validate(self, step: Step, value: Any) -> Any:
        value = whole_number(value)
        if value is None or not step.scale_min <= value <= step.scale_max:
            raise InvalidAnswer()
        return value

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        counts = Counter(values)
        return {
            "respondents": len(values),
            "counts": {str(n): counts.get(n, 0) for n in range(step.scale_min, step.scale_max + 1)},
            "mean": round(sum(values) / len(values), 2) if values else None,
        }

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return {
            **self.base_view(step, locale),
            "min": step.scale_min,
            "max": step.scale_max,
            "min_label": render(step.min_label, locale),
            "max_label": render(step.max_label, locale),
        }

    def check_content(self, raw: dict):
        low, high = raw.get("min", 1), raw.get("max", 5)
        if not low < high or high - low + 1 > MAX_SCALE_POINTS:
            yield ContentProblem(
                ("max",),
                f"a scale needs min < max and at most {MAX_SCALE_POINTS} points, got {low}–{high}",
                "scale_range",
                {"points": MAX_SCALE_POINTS, "low": low, "high": high},
                at_step=True,
            )

    def content_document(self, step: Step) -> dict[str, Any]:
        data = {**super().content_document(step), "min": step.scale_min, "max": step.scale_max}
        if step.min_label is not None:
            data["min_label"] = text(step.min_label)
        if step.max_label is not None:
            data["max_label"] = text(step.max_label)
        return data

    def summary_table(self, step: Step, results: dict, threshold: int, enough: bool) -> Table:
        return Table(
            ["value", "count"],
            [[int(value), small(count, threshold)] for value, count in results["counts"].items()],
        )

    def summary_figures(self, results: dict) -> dict[str, Any]:
        return {"mean": results.get("mean")}

    def headline(self, summary, words) -> str | None:
        if summary.mean is not None:
            return _("Medelvärde: %(mean)s", mean=words.cell_text(summary.mean))
        return None


class OpenKind(_Kind):
    """Free text; a participant may send several contributions, and every one counts. The room
    sees them live (unless the leader hides them), most upvoted first."""

    name = "open"
    order = 40
    label = _l("Öppen fråga")
    many = True
    quoted = True

    def sample_answer(self, step: Step, rng) -> Any:
        return rng.choice(("Fler mötesplatser", "Mer dialog tidigt", "Enklare bidrag"))

    def validate(self, step: Step, value: Any) -> Any:
        if not isinstance(value, str):
            raise InvalidAnswer()
        text = value.strip()
        if not text:
            raise InvalidAnswer("empty_text")
        if len(text) > current_app.config["OPEN_TEXT_MAX_LENGTH"]:
            raise InvalidAnswer("text_too_long")
        return text

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        """``values`` are the visible contributions (``sessions.queries.contributions``)."""
        ordered = sorted(values, key=lambda c: (-c["votes"], c["id"]))
        themes = list(dict.fromkeys(c["theme"] for c in values if c["theme"]))
        return {"respondents": len(values), "contributions": ordered, "themes": themes}

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return {
            **self.base_view(step, locale),
            "max_length": current_app.config["OPEN_TEXT_MAX_LENGTH"],
        }

    def export_rows(self, step: Step, values: Sequence[Any]) -> list[dict]:
        return [{"value": c["text"], "votes": c["votes"]} for c in values]

    def headline(self, summary, words) -> str | None:
        count = len(summary.contributions)
        return ngettext("%(num)d bidrag", "%(num)d bidrag", count)


class RankKind(_Kind):
    """Order every option, most important first; each person's latest ranking counts.
    Aggregated by Borda count: with n options, first place scores n-1 points, last 0."""

    name = "rank"
    order = 60
    label = _l("Rangordning")
    #: Like polls, the room's order grows live unless the session hides live results (a leader
    #: who fears the room's order pulling everyone's can hide them; the per-participant shuffle
    #: already keeps the first-listed option from a head start).
    live_results = True

    def sample_answer(self, step: Step, rng) -> Any:
        return rng.sample([o.id for o in step.options], len(step.options))

    def validate(self, step: Step, value: Any) -> Any:
        ids = [o.id for o in step.options]
        if not isinstance(value, list) or sorted(map(str, value)) != sorted(ids):
            raise InvalidAnswer("not_a_ranking")
        if not all(isinstance(v, str) for v in value):
            raise InvalidAnswer("not_a_ranking")
        return value

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        ids = [o.id for o in step.options]
        last = len(ids) - 1
        scores = dict.fromkeys(ids, 0)
        places = dict.fromkeys(ids, 0)
        for ranking in values:
            for place, option in enumerate(ranking):
                scores[option] += last - place
                places[option] += place + 1
        return {
            "respondents": len(values),
            "method": "borda",
            "scores": scores,
            "order": sorted(ids, key=lambda option: (-scores[option], ids.index(option))),
            "average_position": {
                option: round(places[option] / len(values), 2) if values else None for option in ids
            },
        }

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return {**self.base_view(step, locale), "options": option_views(step.options, locale)}

    def content_document(self, step: Step) -> dict[str, Any]:
        return {**super().content_document(step), "options": options_document(step)}

    def value_text(self, step: Step, value: Any, localized) -> str:
        return option_texts(step, value, localized)

    def summary_table(self, step: Step, results: dict, threshold: int, enough: bool) -> Table:
        scores, positions = results["scores"], results["average_position"]
        return Table(
            ["option", "points", "position"],
            [
                [o.text, scores[o.id] if enough else None, positions[o.id] if enough else None]
                for o in sorted(step.options, key=lambda o: results["order"].index(o.id))
            ],
        )

    def headline(self, summary, words) -> str | None:
        rows = summary.table.rows if summary.table else []
        return _("Först: %(option)s", option=words.cell_text(rows[0][0])) if rows else None

    def presented_order(self, step: Step, seed: str) -> list[str]:
        """The order the options are shown in to one participant (``seed`` is theirs): shuffled,
        so that the first-listed option gets no head start, and the same on every reload."""
        ids = [o.id for o in step.options]
        digest = hashlib.sha256(f"{seed}:{step.id}".encode()).digest()
        random.Random(digest).shuffle(ids)
        return ids


class WordCloudKind(_Kind):
    """A few words; several per person, every one counts. Results are normalised frequencies."""

    name = "wordcloud"
    order = 50
    label = _l("Ordmoln")
    many = True

    def sample_answer(self, step: Step, rng) -> Any:
        return rng.choice(("tillit", "dialog", "samverkan"))

    def validate(self, step: Step, value: Any) -> Any:
        if not isinstance(value, str):
            raise InvalidAnswer()
        text = " ".join(value.split())
        if not text:
            raise InvalidAnswer("empty_text")
        if len(text) > current_app.config["WORDCLOUD_MAX_LENGTH"]:
            raise InvalidAnswer("text_too_long")
        if not normalise(text):
            raise InvalidAnswer("only_stop_words")
        return text

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        """``values`` are the visible contributions (``sessions.queries.contributions``)."""
        return {"respondents": len(values), "words": frequencies(c["text"] for c in values)}

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return {
            **self.base_view(step, locale),
            "max_length": current_app.config["WORDCLOUD_MAX_LENGTH"],
        }

    def export_rows(self, step: Step, values: Sequence[Any]) -> list[dict]:
        return [{"value": c["text"]} for c in values]

    def summary_table(self, step: Step, results: dict, threshold: int, enough: bool) -> Table:
        return Table(
            ["word", "count"],
            [[w["text"], small(w["count"], threshold)] for w in results["words"][:TOP_WORDS]],
        )

    def headline(self, summary, words) -> str | None:
        count = len(summary.contributions)
        return ngettext("%(num)d bidrag", "%(num)d bidrag", count)


REACTIONS = ("agree", "disagree", "pass")
#: Statements with fewer agree + disagree reactions than this are neither "divided" nor
#: "agreed on": too few people took a side to say.
MIN_SIDES = 3
#: Divisiveness from which the room counts as divided on a statement (a quarter or more on
#: the smaller side), and up to which it counts as agreed (a tenth or less on one side).
DIVIDED_FROM = 0.75
AGREED_UP_TO = 0.36


def divisiveness(agree: int, disagree: int) -> float | None:
    """How split the room is on a statement, from 0 (everyone who took a side took the same
    one) to 1 (half and half): the variance of the reactions coded agree = +1, disagree = -1,
    which is ``4·a·d / (a+d)²``. Passes are left out. None when nobody took a side."""
    sides = agree + disagree
    return 4 * agree * disagree / sides**2 if sides else None


class StatementsKind(_Kind):
    """React to statements: agree, disagree or pass, each participant's latest reaction per
    statement counts. Participants may propose statements, which the room reacts to once the
    leader approves them. The results show agreement per statement and where the room is
    divided (:func:`divisiveness`) — a light, explainable cousin of Pol.is."""

    name = "statements"
    order = 70
    label = _l("Påståenden")
    per_statement = True
    takes_proposals = True

    def sample_answer(self, step: Step, rng) -> Any:
        return rng.choice(REACTIONS)

    def validate(self, step: Step, value: Any) -> Any:
        if value not in REACTIONS:
            raise InvalidAnswer("invalid_reaction")
        return value

    def aggregate(self, step: Step, values: Sequence[Any]) -> dict:
        """``values`` are ``{"participant", "statement", "reaction"}``
        (``sessions.queries.counted_values``)."""
        counts = {s.id: Counter() for s in step.statements}
        for value in values:
            if value["statement"] in counts:
                counts[value["statement"]][value["reaction"]] += 1
        rows = []
        for statement in step.statements:
            c = counts[statement.id]
            agree, disagree, passed = c["agree"], c["disagree"], c["pass"]
            sides = agree + disagree
            split = divisiveness(agree, disagree)
            rows.append(
                {
                    "id": statement.id,
                    "agree": agree,
                    "disagree": disagree,
                    "pass": passed,
                    "total": sides + passed,
                    "agreement": round(agree / sides, 3) if sides else None,
                    "divisiveness": round(split, 3) if split is not None else None,
                    "divided": sides >= MIN_SIDES and split >= DIVIDED_FROM,
                    "agreed": sides >= MIN_SIDES and split <= AGREED_UP_TO,
                }
            )
        divided = sorted((r for r in rows if r["divided"]), key=lambda r: -r["divisiveness"])
        return {
            "respondents": len({v["participant"] for v in values}),
            "method": "divisiveness",
            "statements": rows,
            "divided": [r["id"] for r in divided],
        }

    def participant_view(self, step: Step, locale: str, revealed: bool) -> dict:
        return {
            **self.base_view(step, locale),
            "statements": [
                {"id": s.id, "text": s.text.get(locale), "lang": s.text.language_for(locale)}
                for s in step.statements
            ],
            "max_length": current_app.config["STATEMENT_MAX_LENGTH"],
        }

    def export_rows(self, step: Step, values: Sequence[Any]) -> list[dict]:
        return [{"statement": v["statement"], "value": v["reaction"]} for v in values]

    def with_proposals(self, step: Step, approved: tuple) -> Step:
        return replace(step, statements=step.statements + tuple(approved)) if approved else step

    def content_document(self, step: Step) -> dict[str, Any]:
        return {
            **super().content_document(step),
            "statements": [{"id": s.id, "text": text(s.text)} for s in step.statements],
        }

    def value_text(self, step: Step, value: Any, localized) -> str:
        return "" if value is None else reaction_texts().get(value, str(value))

    def summary_table(self, step: Step, results: dict, threshold: int, enough: bool) -> Table:
        texts = {s.id: s.text for s in step.statements}
        rows = []
        for r in results["statements"]:
            sides = r["agree"] + r["disagree"]
            rows.append(
                [
                    texts[r["id"]],
                    small(r["agree"], threshold),
                    small(r["disagree"], threshold),
                    small(r["pass"], threshold),
                    r["agreement"] if sides >= threshold else None,
                ]
            )
        return Table(["statement", "agree", "disagree", "pass", "agreement"], rows, chart=4)

    def headline(self, summary, words) -> str | None:
        rows = summary.table.rows if summary.table else []
        agreed = [row for row in rows if row[-1] is not None]
        if not agreed:
            return None
        top = max(agreed, key=lambda row: row[-1])
        return _(
            "Mest medhåll: %(statement)s (%(share)s)",
            statement=words.cell_text(top[0]),
            share=words.percent(top[-1]),
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
