"""The fourteen municipalities of Norrbotten: the geography of circles and reports."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Municipality:
    #: A stable id for URLs, filters and exports (ASCII, lower case).
    id: str
    #: The official name (the same in every language of the interface).
    name: str
    #: The municipality code of Statistics Sweden (SCB kommunkod).
    code: str


#: In the order of their SCB codes, as official statistics list them.
MUNICIPALITIES = (
    Municipality("arvidsjaur", "Arvidsjaur", "2505"),
    Municipality("arjeplog", "Arjeplog", "2506"),
    Municipality("jokkmokk", "Jokkmokk", "2510"),
    Municipality("overkalix", "Överkalix", "2513"),
    Municipality("kalix", "Kalix", "2514"),
    Municipality("overtornea", "Övertorneå", "2518"),
    Municipality("pajala", "Pajala", "2521"),
    Municipality("gallivare", "Gällivare", "2523"),
    Municipality("alvsbyn", "Älvsbyn", "2560"),
    Municipality("lulea", "Luleå", "2580"),
    Municipality("pitea", "Piteå", "2581"),
    Municipality("boden", "Boden", "2582"),
    Municipality("haparanda", "Haparanda", "2583"),
    Municipality("kiruna", "Kiruna", "2584"),
)

_BY_KEY = {key: m for m in MUNICIPALITIES for key in (m.id, m.name.casefold(), m.code)}


def municipality(value: str | None) -> Municipality | None:
    """The municipality named by its id, its name (any case) or its SCB code; else None."""
    if not isinstance(value, str):
        return None
    return _BY_KEY.get(value.strip().casefold())


def by_name() -> list[Municipality]:
    """For menus: alphabetical in Swedish (Å, Ä, Ö last)."""
    order = "abcdefghijklmnopqrstuvwxyzåäö"
    return sorted(
        MUNICIPALITIES, key=lambda m: [order.find(c) for c in m.name.casefold() if c in order]
    )
