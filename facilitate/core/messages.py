"""Error codes and their messages, translated for whoever receives them."""

from collections.abc import Callable

from flask_babel import gettext as _

from .i18n import in_language

# i18n: the messages below answer a participant's or leader's action that did not go through.
_MESSAGES = {
    "invalid_payload": lambda: _("Det som skickades gick inte att förstå."),
    "unknown_event": lambda: _("Appen känner inte igen begäran. Ladda om sidan och försök igen."),
    "unknown_code": lambda: _(
        "Det finns ingen pågående session med den koden. Kontrollera siffrorna."
    ),
    "session_ended": lambda: _("Sessionen är avslutad."),
    "session_not_started": lambda: _("Sessionen har inte börjat än."),
    "already_started": lambda: _("Sessionen har redan börjat."),
    "not_joined": lambda: _("Gå med i sessionen först."),
    "name_too_long": lambda: _("Namnet är för långt."),
    "name_required": lambda: _("Skriv gruppens namn för att gå med."),
    "rate_limited": lambda: _("För många försök. Vänta en stund och försök igen."),
    "unknown_language": lambda: _("Det språket finns inte här."),
    "session_full": lambda: _("Sessionen är full. Fråga ledaren."),
    "session_locked": lambda: _("Sessionen tar inte emot nya deltagare. Fråga ledaren."),
    "unknown_participant": lambda: _("Den deltagaren finns inte i sessionen."),
    "unknown_step": lambda: _("Den frågan finns inte i sessionen."),
    "not_current_step": lambda: _("Den frågan är inte aktuell längre."),
    "step_closed": lambda: _("Svaren på den här frågan är stängda."),
    "not_answerable": lambda: _("Det här steget har inget att svara på."),
    "invalid_value": lambda: _("Svaret passar inte frågan. Välj bland alternativen."),
    "empty_text": lambda: _("Skriv något innan du skickar."),
    "text_too_long": lambda: _("Texten är för lång."),
    "not_a_ranking": lambda: _("Rangordna alla alternativ, vart och ett en gång."),
    "only_stop_words": lambda: _(
        "Skriv ett ord som säger något, inte bara småord som ”och” eller ”att”."
    ),
    "unknown_statement": lambda: _("Det påståendet finns inte i frågan."),
    "invalid_reaction": lambda: _("Välj håller med, håller inte med eller pass."),
    "not_editable": lambda: _("Det här svaret går inte att ändra."),
    "unknown_contribution": lambda: _("Bidraget finns inte, eller har tagits tillbaka."),
    "contribution_hidden": lambda: _("Bidraget visas inte just nu."),
    "own_contribution": lambda: _("Du kan inte rösta på ditt eget bidrag."),
    "already_voted": lambda: _("Du har redan röstat på det bidraget."),
    "not_statements": lambda: _("Här går det inte att föreslå påståenden."),
    "merge_into_itself": lambda: _("Ett bidrag kan inte slås ihop med sig självt."),
    "unknown_tag": lambda: _("Den taggen finns inte i handlingsplanens ordlista."),
    "unknown_proposal": lambda: _("Förslaget finns inte."),
    "unknown_person": lambda: _("Den personen finns inte i sessionen."),
    "not_authenticated": lambda: _("Logga in, eller ange en giltig API-nyckel."),
    "forbidden": lambda: _("Du har inte behörighet att göra det här."),
    "not_found": lambda: _("Sessionen finns inte."),
    "unknown_action": lambda: _("Okänd åtgärd."),
    "no_such_step": lambda: _("Det finns inget steg åt det hållet."),
    "unknown_module": lambda: _("Modulen finns inte."),
    "unknown_part": lambda: _("Delen finns inte i modulen."),
    "content_missing": lambda: _("Sessionens innehåll finns inte längre."),
    "no_timer": lambda: _("Steget har ingen timer."),
    "unavailable": lambda: _("Det gick inte att spara just nu. Försök igen."),
    # circles
    "circle_name_missing": lambda: _("Skriv cirkelns eller gruppens namn."),
    "organiser_missing": lambda: _(
        "Skriv vilket studieförbund eller vilken organisation som arrangerar."
    ),
    "unknown_municipality": lambda: _("Välj en av Norrbottens 14 kommuner."),
    "unknown_circle": lambda: _("Cirkeln finns inte."),
    "circle_module_mismatch": lambda: _("Cirkeln följer en annan modul än den delen hör till."),
    # exports and analyst views: the filter
    "unknown_filter": lambda: _(
        "Okänt filter. Filtren heter session, circle, module, part, municipality, organiser, "
        "since, until, tag och include_hidden."
    ),
    "unknown_session": lambda: _("Sessionen finns inte."),
    "empty_filter": lambda: _("Ett filter saknar värde. Ta bort det eller ge det ett värde."),
    "unknown_organiser": lambda: _("Ingen cirkel har den arrangören."),
    "invalid_date": lambda: _("Skriv datum som ÅÅÅÅ-MM-DD, till exempel 2026-03-01."),
    "inverted_dates": lambda: _("Från-datumet ligger efter till-datumet."),
    "invalid_flag": lambda: _("Ett ja/nej-filter ska vara 1 eller 0."),
    "unknown_format": lambda: _("Okänt format. Välj csv, xlsx, json eller docx."),
    "no_matching_sessions": lambda: _(
        "Inga sessioner matchar urvalet, så det finns inget att exportera."
    ),
    # imports of sessions from another server (docs/export-format.md)
    "too_large": lambda: _("Filen är för stor för att importeras."),
    "not_json": lambda: _("Filen är inte ett JSON-dokument."),
    "wrong_format": lambda: _("Filen är inte en export från facilitate."),
    "unsupported_version": lambda: _(
        "Exporten har en version som inte kan importeras. Gör en ny export för överföring."
    ),
    "schema_violation": lambda: _("Exporten följer inte exportformatet."),
    "not_transfer": lambda: _(
        "Exporten saknar det som behövs för en import. Använd ”Ladda ner för överföring”."
    ),
    "no_sessions": lambda: _("Exporten innehåller ingen session."),
    "module_hash_mismatch": lambda: _(
        "Modulinnehållet i exporten stämmer inte med sin kontrollsumma."
    ),
    "invalid_module": lambda: _("Modulinnehållet i exporten går inte att läsa."),
    "unknown_module_version": lambda: _("En session i exporten saknar sitt modulinnehåll."),
    "session_not_ended": lambda: _("Bara avslutade sessioner kan importeras."),
    "inconsistent_document": lambda: _("Exporten hänger inte ihop och kan inte importeras."),
    "local_session": lambda: _("Sessionen hölls på den här servern och importeras inte."),
    # analysis
    "theme_changed": lambda: _(
        "Temat har ändrats sedan sidan visades, till exempel av nya bidrag. Läs in sidan igen."
    ),
    "not_suggested_tag": lambda: _("Den taggen är inte den som föreslås för temat."),
    "unknown_statements_step": lambda: _(
        "Det finns inget steg med påståenden med det id:t i urvalet."
    ),
    "analysis_unavailable": lambda: _(
        "Analysen kunde inte göras just nu. Försök igen om en stund, eller med ett mindre urval."
    ),
}


#: Where messages not written here come from (step kinds bring their own error messages: the
#: step-kind registry adds its lookup): ``lookup(code)`` → a message function or None.
_more: list[Callable[[str], Callable[[], str] | None]] = []


def register_messages(lookup: Callable[[str], Callable[[], str] | None]) -> None:
    _more.append(lookup)


def _render(code: str) -> Callable[[], str]:
    found = _MESSAGES.get(code)
    for lookup in _more:
        if found is not None:
            break
        found = lookup(code)
    return found or _MESSAGES["invalid_payload"]


def message(code: str, locale: str | None = None) -> str:
    """The message for ``code`` in ``locale`` (or the request's language)."""
    render = _render(code)
    if locale is None:
        return render()
    with in_language(locale):
        return render()


def error(code: str, locale: str | None = None) -> dict:
    """An error acknowledgement or API error body."""
    return {"ok": False, "error": code, "message": message(code, locale)}
