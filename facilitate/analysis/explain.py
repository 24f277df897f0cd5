"""Themes and opinion groups in words, in the request's language: what the pages, the API and
the DOCX report show. The same plain dictionaries (JSON-ready) feed all three, so they never
disagree. Counts of fewer than the small-group threshold of people are None here and "färre
än N" on the pages."""

from flask_babel import gettext as _
from flask_babel import ngettext

from ..content import Step, library
from ..core.i18n import localized, percent
from ..exports.queries import Dataset, step_statement
from ..exports.schemas import ExportFilter
from ..exports.summaries import min_group_size
from . import queries, worker
from .opinions import Finding
from .queries import StepOpinions
from .themes import Theme
from .worker import task


def _people(count: int) -> int | None:
    return None if 0 < count < min_group_size() else count


def theme_body(theme: Theme) -> dict:
    """One theme: its name, counts, quotes and suggested action-plan tag."""
    vocabulary = library().vocabulary.tags
    suggested = theme.suggested_tag
    if theme.source == "leader":
        name = theme.label
    elif theme.source == "other":
        name = _("Övriga bidrag")
    else:
        name = " · ".join(theme.terms)
    return {
        "key": theme.key,
        "source": theme.source,
        "name": name,
        "terms": list(theme.terms),
        "count": theme.count,
        "people": _people(theme.people),
        "quotes": [q.text for q in theme.quotes],
        "suggested_tag": (
            {
                "id": suggested,
                "label": localized(vocabulary[suggested].label),
                "applies_to": dict(theme.tags)[suggested],
                "of": len(theme.members),
                "accepted": theme.tag_applies_to_all,
            }
            if suggested in vocabulary
            else None
        ),
    }


def themes_body(themes: list[Theme]) -> dict:
    shown = [theme_body(t) for t in themes]
    return {
        "contributions": sum(t["count"] for t in shown),
        "themes": shown,
        "method": method_themes(),
    }


def method_themes() -> str:
    return _(
        "Bidragen grupperas efter innehåll: orden stammas på bidragets språk (svenska, finska "
        "eller engelska) med Snowball, småord tas bort, orden viktas med TF-IDF och bidragen "
        "delas i grupper med k-means. Antalet teman är det (från 2 till 12) som ger högst "
        "silhuettvärde. Ett tema namnges av sina tyngsta ord och visas med de bidrag som ligger "
        "närmast dess mitt. Teman som ledaren har satt kommer först och ändras aldrig."
    )


def method_opinions() -> str:
    return _(
        "Varje deltagares reaktioner blir en rad (håller med +1, håller inte med −1, pass eller "
        "ingen reaktion 0). Raderna förs ner till två dimensioner med PCA och delas i grupper "
        "med k-means; antalet grupper (2–5) väljs efter silhuettvärdet, fler grupper bara när "
        "de ger ett klart högre värde. Grupper med färre än %(n)d personer visas aldrig.",
        n=min_group_size(),
    )


def _statement(step: Step, statement: str) -> str:
    found = step_statement(step, statement)
    return localized(found.text) if found else statement


def _distinguishing(letter: str, finding: Finding, text: str) -> str:
    values = {
        "group": letter,
        "statement": text,
        "share": percent(finding.share),
        "rest": percent(finding.rest_share),
    }
    if finding.direction == "agree":
        return _(
            "Grupp %(group)s håller oftare med om ”%(statement)s” (%(share)s mot %(rest)s "
            "av övriga).",
            **values,
        )
    return _(
        "Grupp %(group)s håller oftare inte med om ”%(statement)s” (%(share)s mot %(rest)s "
        "av övriga).",
        **values,
    )


def _consensus(finding: Finding, text: str) -> str:
    if finding.direction == "agree":
        return _(
            "Alla grupper håller med om ”%(statement)s” (minst %(share)s i varje grupp).",
            statement=text,
            share=percent(finding.share),
        )
    return _(
        "Alla grupper håller inte med om ”%(statement)s” (minst %(share)s i varje grupp).",
        statement=text,
        share=percent(finding.share),
    )


def opinions_body(found: StepOpinions) -> dict:
    """One statements step's opinion groups, explained."""
    step, result = found.step, found.map
    groups = []
    for group in result.groups:
        findings = [
            {
                "statement": f.statement,
                "text": _statement(step, f.statement),
                "direction": f.direction,
                "share": round(f.share, 4),
                "rest_share": round(f.rest_share, 4),
            }
            for f in group.distinguishing
        ]
        for finding, f in zip(findings, group.distinguishing, strict=True):
            finding["explanation"] = _distinguishing(group.letter, f, finding["text"])
        groups.append(
            {
                "group": group.letter,
                "size": group.size,
                "centre": list(group.centre),
                "distinguishing": findings,
                "explanation": " ".join(f["explanation"] for f in findings)
                or _(
                    "Grupp %(group)s skiljer sig inte tydligt från övriga i något påstående.",
                    group=group.letter,
                ),
            }
        )
    consensus = [
        {
            "statement": f.statement,
            "text": _statement(step, f.statement),
            "direction": f.direction,
            "share": round(f.share, 4),
        }
        for f in result.consensus
    ]
    for entry, f in zip(consensus, result.consensus, strict=True):
        entry["explanation"] = _consensus(f, entry["text"])
    letters = "ABCDE"
    return {
        "module": found.module,
        "part": found.part,
        "step": step.id,
        "prompt": localized(step.heading),
        "participants": _people(result.participants),
        "left_out": _people(result.left_out),
        "explained_variance": round(result.explained, 4),
        "silhouette": None if result.silhouette is None else round(result.silhouette, 4),
        "summary": summary(found),
        "groups": groups,
        "consensus": consensus,
        "points": [[x, y, letters[g]] for x, y, g in result.points],
    }


def summary(found: StepOpinions) -> str:
    """The opinion groups of a step in a sentence."""
    result, threshold = found.map, min_group_size()
    if not result.groups:
        return _(
            "För få deltagare för att visa grupper: varje grupp behöver minst %(n)d personer.",
            n=threshold,
        )
    text = ngettext(
        "Deltagarna bildar %(num)d grupp.",
        "Deltagarna delar sig i %(num)d grupper.",
        len(result.groups),
    )
    if result.left_out:
        text += " " + _("Personer i grupper med färre än %(n)d visas inte.", n=threshold)
    return text


def group_name(letter: str, size: int) -> str:
    return ngettext(
        "Grupp %(group)s (%(num)d person)", "Grupp %(group)s (%(num)d personer)", size, group=letter
    )


# --- whole answers: read and computed in a worker process (:mod:`.worker`) ---------------------


@task
def _themes_for(selection: ExportFilter) -> dict:
    return themes_body(queries.themes(queries.analysis_dataset(selection)))


def themes_for(selection: ExportFilter) -> dict:
    """The themes of ``selection`` as the page and the API show them."""
    return worker.run(_themes_for, selection)


@task
def _opinions_for(selection: ExportFilter, step: str | None) -> list[dict] | None:
    dataset = queries.analysis_dataset(selection)
    if step is not None and not queries.statements_steps(dataset, step):
        return None
    return [opinions_body(o) for o in queries.opinions(dataset, step)]


def opinions_for(selection: ExportFilter, step: str | None) -> list[dict] | None:
    """The opinion groups of ``selection``'s statements steps (of ``step`` only, when given);
    None when ``step`` is not a statements step of the selection."""
    return worker.run(_opinions_for, selection, step)


@task
def _participation_for(selection: ExportFilter):
    dataset = queries.analysis_dataset(selection)
    return queries.per_municipality(dataset), *queries.over_time(dataset)


def participation_for(selection: ExportFilter):
    """``(per municipality, "day" | "week", over time)`` of ``selection``."""
    return worker.run(_participation_for, selection)


@task
def _sections_for(selection: ExportFilter) -> dict:
    return sections(queries.analysis_dataset(selection))


def sections(dataset: Dataset) -> dict:
    """Themes, opinion groups and participation of ``dataset`` (already read: hidden and
    unapproved contributions are left out here), for the DOCX report and the JSON export."""
    dataset = queries.analysed(dataset)
    places = queries.per_municipality(dataset)
    unit, times = queries.over_time(dataset)
    return {
        "themes": themes_body(queries.themes(dataset)),
        "opinions": [opinions_body(o) for o in queries.opinions(dataset)],
        "participation": (places, unit, times),
    }


def sections_of(dataset: Dataset) -> dict:
    """:func:`sections` of an export's ``dataset``: under the gevent server read anew from its
    filter and computed in a worker process, so the export does not hold up live sessions
    meanwhile; else from the rows already read."""
    if worker.in_worker():
        return worker.run(_sections_for, dataset.filter)
    return sections(dataset)


def export_section(dataset: Dataset) -> dict:
    """The JSON export's ``analysis``: themes and opinion groups as the API gives them."""
    found = sections_of(dataset)
    return {
        "themes": found["themes"],
        "opinions": {"method": method_opinions(), "steps": found["opinions"]},
    }
