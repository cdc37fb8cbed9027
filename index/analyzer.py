"""The Dutch analyzer of the lexical leg.

Text → folded words (lower case, accents removed: inside the analyzer only) →
numbers and periods normalised → stop words dropped → compounds split into
parts that occur on their own (corpus vocabulary plus a lexicon of parts,
with the linking -s-/-e-/-en-) → Snowball Dutch stems. Queries are expanded
with acronyms and synonyms from ``index/data/lexicon_nl.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

#: Words shorter than this are never split; parts shorter than ``MIN_PART`` never stand alone.
MIN_COMPOUND = 8
MIN_PART = 4
LINKS = ("", "s", "e", "en")
ANALYZER_VERSION = "nl-4"
_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+)(?:,(?:\d+|-+))?(?![\d.,])")
_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|—|/|t/m|tot en met|tot)\s*((?:19|20)\d\d)\b")
_TOKEN = re.compile(r"p\d{4}_\d{4}|[a-z]+|\d+")
_LONG_VOWEL = re.compile(r"(?<=[^aeiouy])(aa|ee|oo|uu)(?=[^aeiouy]$)")
#: Question words: never query terms.
QUESTION_WORDS = frozenset(
    [
        "hoeveel",
        "welke",
        "welk",
        "wanneer",
        "waarom",
        "hoe",
        "wie",
        "wat",
        "waar",
        "waarvoor",
        "waarmee",
        "noem",
        "geef",
        "beschrijf",
        "vertel",
        "sinds",
        "volgens",  # "volgens het IVP" names the source, not the topic (and stems like "volgen")
        # comparison operators ("wat hebben X en Y gemeen", "vergelijk ..."): "gemeen" would also meet
        # "gemeente", which stems alike
        "gemeen",
        "vergelijk",
    ]
)
#: "hoe vaak", "hoe lang", ...: the adverb after "hoe" asks for a kind of value, it names no topic.
HOW_ADVERBS = frozenset(["vaak", "lang", "groot", "hoog", "laag", "veel", "ver", "snel", "oud", "duur"])
#: Particles of separable verbs ("zit ... voor", "draagt ... bij", "stelt ... vast").
SEPARABLE_PARTICLES = frozenset(
    {"aan", "af", "bij", "bijeen", "door", "in", "mee", "na", "om", "op", "over", "samen", "terug", "toe", "uit"}
    | {"vast", "voor", "weg"}
)
#: Particles that name nothing on their own ("betaalt ... mee aan", "neemt ... af"); the stop word list has
#: the others ("aan", "op", "uit"), while "samen", "terug", "vast", "weg" also stand for something.
_BARE_PARTICLES = frozenset({"af", "bijeen", "mee", "toe"})
_SPLIT_VERB = re.compile(
    r"^\s*((?:hoe(?:\s+(?:vaak|lang|veel))?|welke?\s+\w+|wie|wat|wanneer|waarom|hoeveel)\s+)(\w+)\b(.*?)"
    r"\s+(" + "|".join(sorted(SEPARABLE_PARTICLES)) + r")\s*[?.!]?\s*$",
    re.I,
)


def rejoin_separable(question: str) -> str:
    """A question whose verb is split ("Wie zit de stuurgroep voor?") with the verb made whole ("Wie voorzit
    de stuurgroep?"), so that it meets "voorzitten", "voorzitter". The finite verb is taken as the word after
    the question words (Dutch puts it second); "waar ... voor/mee/over" is a split "waarvoor", not a verb."""
    m = _SPLIT_VERB.match(question)
    if not m:
        return question
    lead, verb, middle, particle = m.groups()
    if not particle.islower():
        return question  # "wat doet het OM": an acronym, not a particle
    return f"{lead}{particle}{verb}{middle}?"


#: Words of the form of a past participle ("ge…d", "ge…t") that are nouns or adjectives of another
#: meaning than the verb they seem to come from ("gebied" is no form of "bieden", "gemiddeld" none of
#: "middelen").
NOT_PARTICIPLES = frozenset(
    {"gebied", "gemeente", "gemeent", "gemiddeld", "gemiddelde", "gerecht", "gewicht", "gezicht", "geweld"}
    | {"gepaard", "gezond", "gebit", "gedicht", "gelid", "gemoed", "gewaad", "gebed"}
)
_PARTICIPLE = re.compile(r"^(" + "|".join(sorted(SEPARABLE_PARTICLES, key=len, reverse=True)) + r")?ge([a-z]{3,})$")
_LONG_VOWEL_END = re.compile(r"(aa|ee|oo|uu)[^aeiou]$")
_SHORT_VOWEL_END = re.compile(r"[^aeiou][aeiou][^aeiouwy]$")


def _infinitives(stem: str) -> list[str]:
    """Spellings of the infinitive of a verb stem: "voeg" → "voegen", "maak" → "maken", "stel" →
    "stellen", "leef" → "leven", "reis" → "reizen"."""
    out = [stem + "en"]
    if _LONG_VOWEL_END.search(stem):
        out.append(stem[:-2] + stem[-1] + "en")
    if _SHORT_VOWEL_END.search(stem):
        out.append(stem + stem[-1] + "en")
    if stem[-1] in "fs":
        out.append(stem[:-1] + ("ven" if stem[-1] == "f" else "zen"))
    return out


#: Count given to lexicon parts that do not occur in the corpus.
LEXICON_PART_COUNT = 2
PARTIAL_MATCH = 0.5  # a concept named by a compound part, synonym or expansion only


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case without accents (for matching only; stored text keeps them)."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))


def normalize_numbers(text: str) -> str:
    """ "€ 380.000,-" → "380000"; "2024 t/m 2027" → "2024 2027 p2024_2027"."""
    text = _NUMBER.sub(lambda m: m.group(1).replace(".", ""), text)
    return _RANGE.sub(lambda m: f"{m.group(1)} {m.group(2)} p{m.group(1)}_{m.group(2)}", text)


@cache
def dutch_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(fold(w) for w in STOPWORDS_DUTCH)


@cache
def lexicon_parts() -> frozenset[str]:
    """Compound parts of general Dutch policy language (a data file)."""
    source = resources.files("index").joinpath("data/compound_parts_nl.txt")
    lines = source.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w.strip()) for w in lines if w.strip() and not w.startswith("#"))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Acronyms (acronym → expansions) and synonym groups, all folded."""

    acronyms: dict[str, tuple[str, ...]]
    synonyms: tuple[tuple[str, ...], ...]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Lexicon:
        acronyms = {fold(k): tuple(fold(v) for v in vs) for k, vs in (data.get("acronyms") or {}).items()}
        synonyms = tuple(tuple(fold(t) for t in group) for group in data.get("synonyms") or [])
        return cls(acronyms, synonyms)

    def with_acronyms(self, learned: Mapping[str, Sequence[str]]) -> Lexicon:
        """This lexicon plus acronyms a corpus defines (its own expansions first)."""
        merged = dict(self.acronyms)
        for acronym, forms in learned.items():
            merged[acronym] = tuple(dict.fromkeys([*merged.get(acronym, ()), *forms]))
        return Lexicon(merged, self.synonyms)


@cache
def load_lexicon() -> Lexicon:
    import yaml

    source = resources.files("index").joinpath("data/lexicon_nl.yaml")
    return Lexicon.from_data(yaml.safe_load(source.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Concept:
    """What one asked word stands for: ``full`` terms match it, ``partial`` terms (compound parts,
    synonyms, acronym expansions) match it at ``PARTIAL_MATCH``."""

    full: frozenset[str]
    partial: frozenset[str] = frozenset()
    weight: float = 1.0
    parts: frozenset[str] = frozenset()  # a compound's parts: all of them together name it in full

    def match(self, terms: set[str] | frozenset[str]) -> float:
        if not self.full.isdisjoint(terms) or (self.parts and self.parts <= terms):
            return 1.0  # "politiebasisteam", or "de politie van basisteam Midden Twente"
        return PARTIAL_MATCH if not self.partial.isdisjoint(terms) else 0.0


class DutchAnalyzer:
    """Turns text into index terms; ``vocabulary`` holds words seen on their own
    in the corpus (folded), used to split compounds."""

    def __init__(self, vocabulary: dict[str, int], lexicon: Lexicon | None = None) -> None:
        import Stemmer

        self.vocabulary = dict(vocabulary)
        stop = dutch_stopwords()
        self._parts = {w: n for w, n in vocabulary.items() if w not in stop}
        for part in lexicon_parts() - stop:
            self._parts[part] = max(self._parts.get(part, 0), LEXICON_PART_COUNT)
        self._stopwords = dutch_stopwords()
        self._stemmer = Stemmer.Stemmer("dutch")
        self.lexicon = lexicon or load_lexicon()
        self.split_compound = lru_cache(maxsize=200_000)(self._split_compound)
        self.stem = lru_cache(maxsize=200_000)(self._stem)
        self._cached_word_terms = lru_cache(maxsize=200_000)(self._compute_word_terms)
        self._phrase_cache: dict[str, str] = {}
        self._stems: frozenset[str] | None = None

    @staticmethod
    def words(text: str) -> list[str]:
        """Folded word and number tokens of a text, numbers normalised."""
        return _TOKEN.findall(normalize_numbers(fold(text)))

    def terms(self, text: str) -> list[str]:
        """Index terms of a passage: stems of words and of their compound parts."""
        out: list[str] = []
        for word in self.words(text):
            out += self._cached_word_terms(word)
        return out

    def _word_terms(self, word: str) -> list[str]:
        return list(self._cached_word_terms(word))

    def _compute_word_terms(self, word: str) -> tuple[str, ...]:
        if word in self._stopwords or (len(word) < 2 and not word.isdigit()):
            return ()
        if word.isdigit() or (word.startswith("p") and "_" in word):
            return (word,)
        parts = self.split_compound(word)
        terms = (self.stem(word), *(self.stem(p) for p in parts)) if len(parts) > 1 else (self.stem(word),)
        return (*terms, *(v for v in self._participle_verb(word) if v not in terms))

    def _participle_verb(self, word: str) -> tuple[str, ...]:
        """The stem of the verb a past participle comes from, when the corpus uses that verb or its noun:
        "vastgesteld" → the stem of "vaststellen" (and "vaststelling"), "opgericht" → of "oprichten",
        "geprioriteerde" → of "prioriteren"; all spellings' stems the corpus has ("vaststelt", "vaststellen").
        Snowball leaves the prefix ge- (inside a separable verb too), so "samengevoegd" would never meet
        "samenvoeging". ``()`` for other words."""
        m = _PARTICIPLE.match(word)
        if not m or word in NOT_PARTICIPLES or word.endswith("heid"):
            return ()
        particle, rest = m.group(1) or "", m.group(2)
        if rest.endswith("e") and not rest.endswith("ee"):
            rest = rest[:-1]  # inflected: "vastgestelde"
        if rest[-1] not in "dt":
            return ()
        own, known = self.stem(word), self._vocabulary_stems()
        for verb in (rest[:-1], rest):  # "ge-voeg-d", or a stem ending in d/t: "ge-richt", "ge-meld"
            stems = {self.stem(particle + infinitive) for infinitive in _infinitives(verb)} if len(verb) >= 3 else set()
            if found := sorted(s for s in stems if s != own and s in known):
                return tuple(found)
        return ()

    def _vocabulary_stems(self) -> frozenset[str]:
        if self._stems is None:
            self._stems = frozenset(self.stem(w) for w in self.vocabulary)
        return self._stems

    def _stem(self, word: str) -> str:
        """Snowball's Dutch stem, with the verb ending -t of the present tense removed: Snowball
        leaves "spreekt", "draagt", "betaalt" whole, while "spreken", "dragen", "betalen" become
        "sprek", "drag", "betal"; questions use the first form, documents mostly the second. So is the -d
        of a participle ("betaald"), though not after f or s: a verb whose stem ends in one ("leven", "reizen")
        never meets its participle that way, while "hoofd" would become "hof" (as in "Hof van Twente")."""
        stem = self._stemmer.stemWord(word)
        if len(stem) >= 5 and stem[-1] == "t" and stem[-2] not in "aeiouyt":
            stem = stem[:-1]
        if len(stem) >= 5 and stem[-1] == "d" and stem[-2] not in "aeiouydfs":
            stem = stem[:-1]
        return _LONG_VOWEL.sub(lambda m: m.group(1)[0], stem)

    def _split_compound(self, word: str) -> tuple[str, ...]:
        """Split a compound into parts that occur on their own, or ``(word,)``.

        Prefers the fewest parts, then the longest shortest part.
        """
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return (word,)
        candidates = _splits(word, self._parts, depth=0)
        if not candidates:
            return (word,)
        fewest = min(len(c) for c in candidates)
        return max((c for c in candidates if len(c) == fewest), key=lambda c: _geometric_mean(c, self._parts))

    def query_terms(self, text: str, expansion_weight: float = 0.5) -> dict[str, float]:
        """Weighted terms of a query: its own terms, plus acronym and synonym expansions."""
        text = rejoin_separable(text)
        weights: dict[str, float] = {}
        for term in self.terms(" ".join(self.asked_words(text))):
            weights[term] = weights.get(term, 0.0) + 1.0
        for phrase in self.expansions(text):
            for term in self.terms(phrase):
                weights.setdefault(term, expansion_weight)
        return weights

    def asked_words(self, text: str) -> list[str]:
        """The words of a question without its question words ("welke", "hoe vaak")."""
        words = self.words(text)
        return [
            w for i, w in enumerate(words)
            if w not in QUESTION_WORDS and w not in _BARE_PARTICLES
            and not (w in HOW_ADVERBS and i > 0 and words[i - 1] == "hoe")
        ]  # fmt: skip

    def query_concepts(self, text: str, skip: Sequence[str] = ()) -> list[Concept]:
        """One concept per asked word (question words, stopwords and the words of ``skip`` left out): its
        stem in full, and as partial matches its compound parts and the acronym or synonym expansions of a
        phrase it stands in. A sentence that names a concept in other words then counts it once, not once
        per synonym."""
        text = rejoin_separable(text)
        skipped = {w for phrase in skip for w in self.words(phrase)}
        concepts: dict[str, tuple[set[str], set[str]]] = {}
        parts: dict[str, set[str]] = {}
        for word in self.asked_words(text):
            if word in skipped or word in concepts:
                continue
            terms = self._word_terms(word)
            if terms:
                concepts[word] = ({terms[0]}, set(terms[1:]))
                parts[word] = set(terms[1:])
        by_stem = {self.stem(word): word for word in concepts}  # the phrase may be another form of the word
        for phrase, alternatives in self._expansion_pairs(text):
            extra = {
                terms[0] for a in alternatives for w in self.words(a)
                if w not in SEPARABLE_PARTICLES and w not in QUESTION_WORDS and (terms := self._word_terms(w))
            }  # fmt: skip
            for word in self.words(phrase):
                if (key := word if word in concepts else by_stem.get(self.stem(word))) is not None:
                    concepts[key][1].update(extra - concepts[key][0])
        return [
            Concept(
                frozenset(full),
                frozenset(partial),
                parts=frozenset(parts[word]) if len(parts[word]) > 1 else frozenset(),
            )
            for word, (full, partial) in concepts.items()
        ]

    def _expansion_pairs(self, text: str) -> list[tuple[str, list[str]]]:
        """(phrase of the text, its expansions) for acronyms and synonym groups found in the text."""
        stems = " " + " ".join(self._stem_words(text)) + " "
        upper = {fold(w) for w in re.findall(r"\b[A-Z][A-Z&]{1,7}\b", text)}
        pairs: list[tuple[str, list[str]]] = []
        for acronym, expansions in self.lexicon.acronyms.items():
            if f" {self._phrase(acronym)} " in stems and (acronym in upper or len(acronym) >= 4):
                pairs.append((acronym, list(expansions)))
            for e in expansions:
                if f" {self._phrase(e)} " in stems:
                    pairs.append((e, [acronym]))
        for group in self.lexicon.synonyms:
            present = [t for t in group if f" {self._phrase(t)} " in stems]
            pairs += [(t, [o for o in group if o not in present]) for t in present]
        return pairs

    def expansions(self, text: str) -> list[str]:
        """Acronym expansions and synonyms of phrases in the text.

        Phrases are compared as stem sequences, so "betaalt mee" finds the group
        of "betalen"; an acronym that is also a word ("om") counts only when the
        text writes it in capitals.
        """
        return list(dict.fromkeys(a for _, alternatives in self._expansion_pairs(text) for a in alternatives))

    def _stem_words(self, text: str) -> list[str]:
        return [self.stem(w) for w in self.words(text)]

    def _phrase(self, phrase: str) -> str:
        if phrase not in self._phrase_cache:
            self._phrase_cache[phrase] = " ".join(self._stem_words(phrase))
        return self._phrase_cache[phrase]


def _splits(word: str, parts: dict[str, int], depth: int) -> list[tuple[str, ...]]:
    """All splits of ``word`` into known parts (at most three), linking -s-/-e-/-en- allowed."""
    found: list[tuple[str, ...]] = [(word,)] if depth > 0 and word in parts else []
    if depth >= 2:
        return found
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[:cut]
        if head not in parts:
            continue
        for link in LINKS:
            rest = word[cut:]
            if rest.startswith(link) and len(rest) - len(link) >= MIN_PART:
                found += [(head, *tail) for tail in _splits(rest[len(link) :], parts, depth + 1)]
    return found


def _geometric_mean(split: Sequence[str], counts: dict[str, int]) -> float:
    product = 1.0
    for part in split:
        product *= counts[part]
    return product ** (1 / len(split))


def corpus_vocabulary(texts: Sequence[str], min_count: int = 1) -> dict[str, int]:
    """Folded words of at least ``MIN_PART`` letters that occur in the texts, with counts."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in _TOKEN.findall(fold(text)):
            if len(word) >= MIN_PART and word.isalpha():
                counts[word] = counts.get(word, 0) + 1
    return {w: n for w, n in counts.items() if n >= min_count}
