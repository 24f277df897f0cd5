"""What went wrong with a module, in the reader's language. The loader's problems are English
(the CLI prints them); here each problem code gets a Swedish source text to translate."""

from flask_babel import gettext as _

from ..content import Problem

# i18n: problems with a module a leader wrote or uploaded; %(...)s are filled in.
_PROBLEMS = {
    "missing_swedish": lambda p: _("Svensk text saknas. Svenska måste alltid finnas."),
    "missing_key": lambda p: _("Uppgiften ”%(key)s” saknas.", key=p.get("key", "")),
    "unknown_keys": lambda p: _("Okända uppgifter: %(keys)s.", keys=p.get("keys", "")),
    "not_allowed": lambda p: _(
        "”%(value)s” är inte tillåtet här. Välj något av: %(allowed)s.",
        value=p.get("value", ""),
        allowed=p.get("allowed", ""),
    ),
    "not_language": lambda p: _("”%(value)s” är ingen språkkod.", value=p.get("value", "")),
    "bad_form": lambda p: _("”%(value)s” har inte rätt form.", value=p.get("value", "")),
    "too_long": lambda p: _("Texten är för lång: högst %(max)s tecken.", max=p.get("max", "")),
    "empty": lambda p: _("Fältet får inte vara tomt."),
    "too_many": lambda p: _("För många: högst %(max)s.", max=p.get("max", "")),
    "too_few": lambda p: _("För få: minst %(min)s.", min=p.get("min", "")),
    "out_of_range": lambda p: _(
        "Talet ligger utanför det tillåtna (%(limit)s).", limit=p.get("limit", "")
    ),
    "wrong_type": lambda p: _("Värdet har fel typ."),
    "duplicate_module": lambda p: _("Id ”%(id)s” används redan.", id=p.get("id", "")),
    "duplicate_part": lambda p: _("Delens id ”%(id)s” används två gånger.", id=p.get("id", "")),
    "duplicate_step": lambda p: _("Stegets id ”%(id)s” används två gånger.", id=p.get("id", "")),
    "duplicate_id": lambda p: _("Id ”%(id)s” används två gånger.", id=p.get("id", "")),
    "unknown_tag": lambda p: _(
        "Taggen ”%(tag)s” finns inte i handlingsplanens ordlista.", tag=p.get("tag", "")
    ),
    "unknown_topic": lambda p: _(
        "Ämnet ”%(topic)s” finns inte i ordlistan över ämnen.", topic=p.get("topic", "")
    ),
    "duration_range": lambda p: _(
        "Tiden är fel: högst (%(high)s minuter) är mindre än minst (%(low)s minuter).",
        low=p.get("low", ""),
        high=p.get("high", ""),
    ),
    "quiz_single_correct": lambda p: _(
        "En quizfråga med ett svar behöver exakt ett rätt alternativ (nu %(found)s).",
        found=p.get("found", 0),
    ),
    "quiz_multiple_correct": lambda p: _(
        "En quizfråga med flera svar behöver minst ett rätt och ett fel alternativ."
    ),
    "scale_range": lambda p: _(
        "En skala behöver min mindre än max och högst %(points)s steg.",
        points=p.get("points", ""),
    ),
    "part_file_not_allowed": lambda p: _(
        "Delen ”%(name)s” är en fil. Skriv delen direkt i modulen.", name=p.get("name", "")
    ),
    "part_file_missing": lambda p: _("Delen ”%(name)s” finns inte.", name=p.get("name", "")),
    "too_large": lambda p: _("Filen är större än %(kib)s KiB.", kib=p.get("kib", "")),
    "not_utf8": lambda p: _("Filen är inte UTF-8-text."),
    "not_yaml": lambda p: _(
        "Filen är inte giltig YAML (rad %(line)s, kolumn %(column)s).",
        line=p.get("line", 0),
        column=p.get("column", 0),
    ),
    "not_mapping": lambda p: _("Filen är ingen modul: den ska börja med id, kind, title."),
    "invalid": lambda p: _("Värdet är inte giltigt."),
}

# i18n: why a change to a module was refused.
_ERRORS = {
    "invalid_content": lambda p: _("Modulen kan inte sparas. Rätta felen nedan."),
    "shipped_id": lambda p: _(
        "”%(id)s” är id för en modul som följer med facilitate. Kopiera den för att ändra.",
        id=p.get("id", ""),
    ),
    "id_taken": lambda p: _(
        "Det finns redan en modul med id ”%(id)s” som inte är din.", id=p.get("id", "")
    ),
    "id_changed": lambda p: _("Modulens id kan inte ändras (det är ”%(id)s”).", id=p.get("id", "")),
    "title_missing": lambda p: _("Skriv en titel för modulen."),
    "forbidden": lambda p: _("Du har inte behörighet att ändra den här modulen."),
    "not_found": lambda p: _("Modulen finns inte."),
    "no_file": lambda p: _("Välj en fil att ladda upp."),
    "invalid_payload": lambda p: _("Det som skickades gick inte att förstå."),
}


def problem_message(problem: Problem) -> str:
    render = _PROBLEMS.get(problem.code, _PROBLEMS["invalid"])
    return render(problem.params)


def error_message(code: str, params: dict | None = None) -> str:
    return _ERRORS.get(code, _ERRORS["invalid_payload"])(params or {})


def problem_list(problems: list[Problem]) -> list[dict]:
    """Problems for the editor and the upload page: where, and what to fix."""
    return [
        {
            "path": list(p.path),
            "location": p.location,
            "code": p.code,
            "message": problem_message(p),
        }
        for p in problems
    ]
