"""Words of a contribution for theme finding: tokens, stop words and Snowball stems in
Swedish, Finnish and English, and which of the three a text is written in."""

import re
from functools import cache

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

#: The Snowball algorithm of each language contributions are stemmed in.
ALGORITHMS = {"sv": "swedish", "fi": "finnish", "en": "english"}
#: Words shorter than this carry no theme.
MIN_WORD_LENGTH = 2

# Snowball's stop word lists for Swedish and Finnish (snowballstem.org), with a few words that
# say nothing about a topic in a discussion ("tycker", "borde", "pitäisi").
_SWEDISH = """
och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke
mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut
när efter upp vi dem vara vad över än dig kan sina här ha mot alla under någon eller allt mycket
sedan ju denna själv detta åt utan varit hur ingen mitt ni bli blev oss din dessa några deras
blir mina samma vilken er sådan vår blivit dess inom mellan sådant varför varje vilka ditt vem
vilket sitta sådana vart dina vars vårt våra ert era vilkas ska skall också bara mer mera fler
finns få får fått kunna måste bör borde vill genom även samt andra annan annat många lite sen
tycker tror göra gör gjort gå går kommer komma sätt behöver behövs väldigt ganska redan alltid
aldrig ofta idag nog väl dock vet
"""
_FINNISH = """
olla olen olet on olemme olette ovat ole oli olisi olisit olisin olisimme olisitte olisivat
olit olin olimme olitte olivat ollut olleet en et ei emme ette eivät minä minun minut minua
minussa minusta minuun minulla minulta minulle sinä sinun sinut sinua sinussa sinusta sinuun
sinulla sinulta sinulle hän hänen hänet häntä hänessä hänestä häneen hänellä häneltä hänelle me
meidän meidät meitä meissä meistä meihin meillä meiltä meille te teidän teidät teitä teissä
teistä teihin teillä teiltä teille he heidän heidät heitä heissä heistä heihin heillä heiltä
heille tämä tämän tätä tässä tästä tähän tällä tältä tälle tänä täksi tuo tuon tuota tuossa
tuosta tuohon tuolla tuolta tuolle tuona tuoksi se sen sitä siinä siitä siihen sillä siltä sille
siksi nämä näiden näitä näissä näistä näihin näillä näiltä näille näinä näiksi nuo noiden noita
noissa noista noihin noilla noilta noille noina noiksi ne niiden niitä niissä niistä niihin
niillä niiltä niille niinä niiksi kuka kenen kenet ketä kenessä kenestä keneen kenellä keneltä
kenelle kenenä keneksi ketkä keiden keitä keissä keistä keihin keillä keiltä keille keinä keiksi
mikä minkä mitä missä mistä mihin millä miltä mille miksi mitkä joka jonka jota jossa josta johon
jolla jolta jolle jona joksi jotka joiden joita joissa joista joihin joilla joilta joille joina
joiksi että ja jos koska kuin mutta niin sekä tai vaan vai vaikka kanssa mukaan noin poikki yli
kun nyt itse myös pitää pitäisi voi voisi voida enemmän paljon kaikki jo vielä aina mielestäni
"""

STOP_WORDS = {
    "sv": frozenset(_SWEDISH.split()),
    "fi": frozenset(_FINNISH.split()),
    "en": frozenset(ENGLISH_STOP_WORDS),
}

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def tokens(text: str) -> list[str]:
    """The words of ``text``, lower case, without digits and punctuation."""
    return [w.replace("’", "'") for w in _WORD.findall(text.casefold())]


def language_of(words: list[str], fallback: str) -> str:
    """The language (sv, fi or en) whose stop words ``words`` holds most of; ``fallback`` (the
    participant's language) when none or a tie leads."""
    hits = {lang: sum(w in stops for w in words) for lang, stops in STOP_WORDS.items()}
    best = max(hits.values())
    leaders = [lang for lang, n in hits.items() if n == best]
    if best == 0:
        return fallback if fallback in STOP_WORDS else "sv"
    return fallback if fallback in leaders else leaders[0]


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(ALGORITHMS[language])


def stems(text: str, language: str) -> list[tuple[str, str]]:
    """``(stem, word)`` for every word of ``text`` that is not a stop word of its language."""
    words = [w for w in tokens(text) if len(w) >= MIN_WORD_LENGTH]
    kept = [w for w in words if w not in STOP_WORDS[language]]
    stemmer = _stemmer(language)
    # The stem carries the language, so a Finnish and a Swedish word never count as one term.
    return [(f"{language}:{stemmer.stemWord(w)}", w) for w in kept]
