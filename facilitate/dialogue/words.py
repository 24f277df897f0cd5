"""Normalising short answers for word clouds: case and white space folded, Swedish (and
Finnish) letters kept, punctuation at the edges dropped, stop words of sv/en/fi removed."""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

#: Common words that carry no meaning alone, by language.
STOP_WORDS_BY_LANGUAGE = {
    "sv": "och i att det som en på är av för med till den har de inte om ett men var jag du vi "
    "ni han hon man så kan ska från eller också när där här mycket lite mer bara alla",
    "en": "the a an and or of to in on for is are be it this that with as at by from not but "
    "we you",
    "fi": "ja on ei se että kun niin mutta tai kuin myös ole olla hän me te he joka jos sekä",
}
STOP_WORDS = frozenset(w for words in STOP_WORDS_BY_LANGUAGE.values() for w in words.split())
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def normalise(text: str) -> str:
    """``"  Framtid,  HOPP! "`` → ``"framtid hopp"``; empty when only stop words remain."""
    text = unicodedata.normalize("NFC", text).casefold()
    words = (_EDGE_PUNCTUATION.sub("", word) for word in text.split())
    return " ".join(w for w in words if w and w not in STOP_WORDS)


def frequencies(texts: Iterable[str]) -> list[dict]:
    """Each normalised answer with how often it was given, most frequent first."""
    counts = Counter(n for n in map(normalise, texts) if n)
    return [
        {"text": text, "count": count}
        for text, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
