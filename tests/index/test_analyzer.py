"""The Dutch analyzer: folding, stemming, stop words, compounds, numbers, lexicon."""

from __future__ import annotations

import pytest

from index.analyzer import PARTIAL_MATCH, DutchAnalyzer, Lexicon, fold, normalize_numbers, rejoin_separable

VOCABULARY = {
    "veiligheid": 40, "beleving": 6, "jeugd": 30, "overlast": 25, "woning": 12, "inbraken": 5, "gemeente": 60,
    "raad": 20, "gemeent": 1, "zorg": 30, "instellingen": 4, "drugs": 9,
}  # fmt: skip


@pytest.fixture(scope="module")
def analyzer() -> DutchAnalyzer:
    return DutchAnalyzer(VOCABULARY)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("veiligheidsbeleving", ("veiligheid", "beleving")),  # linking -s-
        ("jeugdoverlast", ("jeugd", "overlast")),
        ("woninginbraken", ("woning", "inbraken")),
        ("gemeenteraad", ("gemeente", "raad")),  # the frequent part wins over a rare fragment
        ("zorginstellingen", ("zorg", "instellingen")),
        ("ondermijning", ("ondermijning",)),  # no parts known: not split
        ("overlast", ("overlast",)),  # too short to split
    ],
)
def test_compound_splitting(analyzer: DutchAnalyzer, word: str, parts: tuple[str, ...]) -> None:
    assert analyzer.split_compound(word) == parts


def test_compound_terms_let_parts_match(analyzer: DutchAnalyzer) -> None:
    doc = set(analyzer.terms("De jeugdoverlast neemt toe."))
    assert set(analyzer.terms("overlast door jeugd")) <= doc


def test_stemming_stopwords_and_folding(analyzer: DutchAnalyzer) -> None:
    assert analyzer.terms("de woninginbraken")[0] == analyzer.terms("woninginbraak")[0]  # one stem
    assert "de" not in analyzer.terms("de het een")
    assert analyzer.terms("financiën") == analyzer.terms("financien")
    assert fold("Financiën Één") == "financien een"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€ 380.000,-", "€ 380000"),
        ("€50.000,-", "€50000"),
        ("2024 t/m 2027", "2024 2027 p2024_2027"),
        ("2024 tot en met 2027", "2024 2027 p2024_2027"),
        ("2013-2016", "2013 2016 p2013_2016"),
    ],
)
def test_numbers_and_periods(text: str, expected: str) -> None:
    assert normalize_numbers(text) == expected


def test_period_forms_match_each_other(analyzer: DutchAnalyzer) -> None:
    assert "p2024_2027" in analyzer.terms("het plan voor 2024-2027")
    assert "p2024_2027" in analyzer.query_terms("Wat geldt van 2024 tot en met 2027?")


def test_acronyms_expand_both_ways(analyzer: DutchAnalyzer) -> None:
    expanded = analyzer.query_terms("Hoeveel HIC zijn er?")
    assert {"high", analyzer.stem("impact")} <= set(expanded) and expanded["high"] < expanded["hic"]
    assert "riec" in analyzer.query_terms("het regionaal informatie- en expertisecentrum")
    assert "hoeveel" not in analyzer.query_terms("Hoeveel HIC zijn er?")  # question words are no terms


@pytest.mark.parametrize(
    ("question_form", "document_form"),
    [
        ("spreekt", "spreken"),
        ("draagt", "dragen"),
        ("betaalt", "betalen"),
        ("werkt", "werken"),
        ("houdt", "houden"),
        ("verdeeld", "verdelen"),
        ("bepaald", "bepalen"),
    ],
)
def test_verb_forms_share_a_stem(analyzer: DutchAnalyzer, question_form: str, document_form: str) -> None:
    """Snowball leaves -t and -d verb endings ("spreekt", "verdeeld"); the analyzer removes them, so the
    present tense and participles of questions meet the infinitives of documents."""
    assert analyzer.stem(question_form) == analyzer.stem(document_form)
    assert analyzer.stem(question_form) in analyzer.query_terms(f"Wie {question_form} het?")


def test_participles_meet_their_verb_and_noun() -> None:
    """ "ge-" (inside a separable verb too) is left by Snowball: the participle gets the stem of the verb as a
    further term when the corpus uses that verb or its noun, so "samengevoegd" meets "samenvoeging"."""
    vocabulary = {"samenvoeging": 2, "vaststelling": 3, "prioriteren": 1, "koppeling": 2, "melden": 4, "evalueren": 1}
    analyzer = DutchAnalyzer(vocabulary)
    for participle, noun in [
        ("samengevoegd", "samenvoeging"),
        ("vastgestelde", "vaststelling"),  # inflected, and a stem with a doubled consonant
        ("geprioriteerd", "prioriteren"),  # long vowel: "prioriteer-d"
        ("gekoppeld", "koppeling"),
        ("gemeld", "melden"),  # a verb stem ending in d: "ge-meld"
        ("geëvalueerd", "evalueren"),  # a long vowel after a vowel: "evalueer-d"
    ]:
        assert analyzer.stem(noun) in analyzer.terms(participle), participle
        assert analyzer.stem(noun) in analyzer.query_terms(f"Wanneer is het {participle}?")
    assert analyzer.terms("gevoegd") == [analyzer.stem("gevoegd")]  # "voegen" is not in the corpus: nothing


def test_words_that_only_look_like_participles_keep_their_meaning() -> None:
    vocabulary = {"bieden": 3, "middelen": 5, "menen": 1, "recht": 4, "hof": 2, "gelegen": 1, "even": 2}
    analyzer = DutchAnalyzer(vocabulary)
    for word in ("gebied", "gemiddelde", "gemeente", "gerecht", "gelegenheid", "geeft"):
        assert analyzer.terms(word) == [analyzer.stem(word)], word
    assert analyzer.stem("hoofden") != analyzer.stem("hof")  # no -d off "hoofd": "Hof van Twente" is a place


def test_short_words_keep_their_ending(analyzer: DutchAnalyzer) -> None:
    assert analyzer.stem("wet") != analyzer.stem("we") and analyzer.stem("gast") == "gast"


def test_how_adverbs_are_question_words(analyzer: DutchAnalyzer) -> None:
    """In "hoe vaak" the adverb asks for a kind of value; elsewhere "vaak" is an ordinary word."""
    assert analyzer.stem("vaak") not in analyzer.query_terms("Hoe vaak overlegt de burgemeester?")
    assert analyzer.stem("vaak") in analyzer.query_terms("Welke delicten komen vaak voor?")
    concepts = analyzer.query_concepts("Hoe lang loopt het plan?")
    assert all(analyzer.stem("lang") not in c.full for c in concepts)


def test_volgens_names_a_source_not_a_topic(analyzer: DutchAnalyzer) -> None:
    """ "volgens het IVP" says where the answer stands; its stem is that of "volgen" (to follow), which as a
    topic would favour every sentence about monitoring."""
    assert analyzer.stem("volgen") not in analyzer.query_terms("Wat is volgens het IVP het grootste risico?")
    assert analyzer.stem("volgen") in analyzer.query_terms("Hoe wil de gemeente de jongeren volgen?")


def test_comparison_operators_are_no_topic(analyzer: DutchAnalyzer) -> None:
    """ "gemeen" (as in "wat hebben ze gemeen") stems like "gemeente": as a topic it would favour every
    passage naming a gemeente."""
    terms = analyzer.query_terms("Welke prioriteiten hebben Losser en Hengelo gemeen?")
    assert analyzer.stem("gemeente") not in terms and analyzer.stem("prioriteiten") in terms
    assert analyzer.stem("gemeente") in analyzer.query_terms("Welke gemeente heeft een plan?")


@pytest.mark.parametrize(
    ("question", "rejoined"),
    [
        ("Wie zit de stuurgroep voor?", "Wie voorzit de stuurgroep?"),
        ("Welk bedrag draagt Hengelo bij?", "Welk bedrag bijdraagt Hengelo?"),
        ("Hoe vaak komt de stuurgroep bijeen?", "Hoe vaak bijeenkomt de stuurgroep?"),
        ("Waar gaat het plan over?", "Waar gaat het plan over?"),  # "waarover", no verb particle
        ("Wat doet de gemeente aan drugsoverlast?", "Wat doet de gemeente aan drugsoverlast?"),
    ],
)
def test_split_verbs_are_made_whole(question: str, rejoined: str) -> None:
    assert rejoin_separable(question) == rejoined


def test_a_split_verb_meets_its_noun_through_the_lexicon() -> None:
    lexicon = Lexicon({}, (("voorzitter", "voorzitten"),))
    analyzer = DutchAnalyzer({"voorzitter": 3, "stuurgroep": 2}, lexicon)
    concepts = analyzer.query_concepts("Wie zit de stuurgroep voor?")
    chair = next(c for c in concepts if analyzer.stem("voorzitten") in c.full)
    assert chair.match({analyzer.stem("voorzitter")}) > 0  # "voorzitter" names it, at partial weight
    assert all(analyzer.stem("zit") not in c.full for c in concepts)
    assert "mee" not in analyzer.query_terms("Wie betaalt mee aan het keurmerk?")  # a particle names nothing


def test_acronym_that_is_a_word_needs_capitals(analyzer: DutchAnalyzer) -> None:
    assert "ministerie" not in analyzer.query_terms("wat is er om te doen")
    assert "ministerie" in analyzer.query_terms("wat doet het OM")


def test_synonyms_match_inflected_forms(analyzer: DutchAnalyzer) -> None:
    terms = analyzer.query_terms("Wie betaalt mee aan het keurmerk?")
    assert any(t.startswith("gedrag") for t in terms)  # "gedragen door" from the same synonym group


def test_query_concepts_group_a_word_with_its_synonyms(analyzer: DutchAnalyzer) -> None:
    concepts = analyzer.query_concepts("Wie betaalt mee aan de woninginbraken in Losser?", skip=["Losser"])
    fulls = [set(c.full) for c in concepts]
    assert {"losser"} not in fulls and not any("wie" in f for f in fulls)  # names skipped, question words out
    burglary = next(c for c in concepts if c.full == {analyzer.terms("woninginbraken")[0]})
    assert {"woning", "inbrak"} <= burglary.partial  # compound parts match it partly
    pays = next(c for c in concepts if c.full == {analyzer.terms("betaalt")[0]})
    assert any(t.startswith("gedrag") for t in pays.partial)  # "gedragen door": same synonym group
    assert len(concepts) == len({c.full for c in concepts})  # one concept per asked word


def test_concept_matches_fully_partly_or_not(analyzer: DutchAnalyzer) -> None:
    concept = next(c for c in analyzer.query_concepts("woninginbraken") if c.partial)
    assert concept.match(set(analyzer.terms("De woninginbraken stegen."))) == 1.0
    assert concept.match(set(analyzer.terms("Een woning is geen kantoor."))) == PARTIAL_MATCH
    assert concept.match(set(analyzer.terms("Jeugd en overlast."))) == 0.0
    # all parts of the compound together name it in full: "inbraken in woningen"
    assert concept.match(set(analyzer.terms("Het aantal inbraken in woningen steeg."))) == 1.0
