"""Extractive answer selection on small passages: question types, concept weights, context, lists."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import extractive
from app.extractive import focus_weights, question_type, score_unit, select_units, units_of
from index.analyzer import Concept, DutchAnalyzer
from index.search import Hit
from ingest.chunking import split_sentences
from ingest.records import Chunk

VOCABULARY = {"veiligheid": 40, "huis": 10, "kosten": 8, "aanpak": 12, "thema": 9, "scenario": 3}


@pytest.fixture(scope="module")
def analyzer() -> DutchAnalyzer:
    return DutchAnalyzer(VOCABULARY)


def line_sentences(text: str) -> list[list[int]]:
    """Sentence spans per line, as ingest makes them per paragraph."""
    spans, offset = [], 0
    for line in text.split("\n"):
        spans += [[offset + s, offset + e] for s, e in split_sentences(line)]
        offset += len(line) + 1
    return spans


def hit(text: str, rank: int = 0, section: str = "", title: str = "Plan", period: str | None = None) -> Hit:
    chunk = Chunk(
        chunk_id=f"c{rank}", doc_id="d1", text=text, section=section, page_start=1, page_end=1, char_start=0,
        char_end=len(text), path="x.txt", title=title, municipalities=["Testgem"], doc_type="ivp", period=period,
        parent_doc_id=None, sentences=line_sentences(text),
    )  # fmt: skip
    return Hit(rank, 1.0 / (1 + rank), chunk)


def concepts(analyzer: DutchAnalyzer, question: str) -> list[Concept]:
    return analyzer.query_concepts(question)


def best_unit(analyzer: DutchAnalyzer, hits: list[Hit], question: str) -> extractive.Unit:
    """The first unit the answer would show for ``question`` over ``hits``."""
    return select_units(hits, concepts(analyzer, question), analyzer.terms, question_type(question))[0]


@pytest.mark.parametrize(
    ("question", "is_date"),
    [
        ("Wanneer start de nieuwe crisisorganisatie?", True),
        ("Vanaf wanneer ligt de coördinatie bij het LIEC?", True),
        ("In welk jaar is de monitor gehouden?", True),
        ("Welke taak neemt het Veiligheidshuis op zich wanneer een zorgcasus overgaat in straf?", False),
        ("Wat doet de gemeente wanneer er overlast is?", False),
        ("Vanaf welk jaar en in welk deel van het jaar stelt het college het plan vast?", True),  # not a share
        ("In welke maanden van 2026 wordt het beleid geschreven?", True),  # not a list of months
    ],
)
def test_question_type_reads_wanneer_only_as_a_question_word(question: str, is_date: bool) -> None:
    assert (question_type(question) == "date") is is_date  # a date question abstains without a date


def test_a_concept_few_candidates_name_weighs_more_than_the_shared_topic(analyzer: DutchAnalyzer) -> None:
    asked = concepts(analyzer, "kosten radicalisering")
    units = [set(analyzer.terms(t)) for t in ("radicalisering a", "radicalisering b", "radicalisering c", "kosten")]
    weights = {next(iter(c.full)): c.weight for c in focus_weights(asked, units)}
    assert weights[analyzer.terms("kosten")[0]] > weights[analyzer.terms("radicalisering")[0]]


def test_context_counts_a_concept_named_only_around_the_unit(analyzer: DutchAnalyzer) -> None:
    asked = concepts(analyzer, "thema 2017-2020")
    unit = units_of(0, hit("Dit zijn de thema's."))[0]
    terms = set(analyzer.terms(unit.text))
    without = score_unit(unit, asked, terms, terms, "lookup", analyzer.terms)
    around = terms | set(analyzer.terms("Integraal Veiligheidsbeleid 2017-2020"))
    assert score_unit(unit, asked, terms, around, "lookup", analyzer.terms) == pytest.approx(
        without + extractive.CONTEXT_SHARE * sum(c.weight for c in asked[1:]) / sum(c.weight for c in asked)
    )


def test_a_list_counts_as_a_list_answer_only_when_its_introduction_names_the_asked(analyzer: DutchAnalyzer) -> None:
    scenarios = hit(
        "Er moeten keuzes worden gemaakt. Hier zijn de volgende scenario's te bedenken:\n"
        "• Er kan op thema's en prioriteiten gestuurd worden.\n• Er komt extra geld voor alle thema's.",
        rank=0,
    )
    themes = hit("Deze thema's zijn als prioriteiten benoemd:\n• Binnenstad\n• Ondermijning\n• Radicalisering", rank=1)
    asked = concepts(analyzer, "Welke thema's zijn prioriteiten?")
    best = select_units([scenarios, themes], asked, analyzer.terms, "list")[0]
    assert best.is_list and "Radicalisering" in best.text


def test_a_list_introduced_only_by_the_shared_topic_is_no_list_answer(analyzer: DutchAnalyzer) -> None:
    """Every candidate names the topic ("Veiligheidshuis"): a list whose introduction names only that says
    nothing about what is asked ("welke soorten delicten"), and the sentence that names the delicts wins."""
    question = "Welke soorten delicten bedoelt het Veiligheidshuis met HIC-feiten?"
    topic = "Het Veiligheidshuis doet veel. "
    lists = [hit(topic + f"Inzet Veiligheidshuis {k}:\n• overleg\n• advies\n• scholing", rank=k) for k in range(5)]
    answer = hit(topic + "Met HIC-feiten bedoelt het Veiligheidshuis inbraak en straatroof.", rank=5)
    assert question_type(question) == "list"
    assert "straatroof" in best_unit(analyzer, [*lists, answer], question).text


def test_a_further_passage_joins_only_when_it_names_something_new(analyzer: DutchAnalyzer) -> None:
    first = hit("De kosten van de aanpak draagt het Veiligheidshuis.", rank=0)
    repeat = hit("De kosten van de aanpak draagt de gemeente niet alleen.", rank=1)
    new = hit("De kosten van de aanpak worden betaald uit het budget van Team Veiligheid.", rank=2)
    asked = concepts(analyzer, "Wie draagt de kosten van de aanpak en uit welk budget?")
    texts = [u.text for u in select_units([first, repeat, new], asked, analyzer.terms, "who")]
    assert texts[0].startswith("De kosten van de aanpak draagt")
    assert not any("niet alleen" in t for t in texts)  # names only what the first unit named
    assert any("Team Veiligheid" in t for t in texts)  # names the budget


def test_an_enumeration_after_a_colon_inside_a_sentence_answers_a_list_question(analyzer: DutchAnalyzer) -> None:
    """ "… deelt de veiligheid op in vijf velden: woon- en leefomgeving, bedrijvigheid, jeugd, …" is a list
    though it has no item lines; a bulleted list whose introduction only shares a word comes after it."""
    inline = hit(
        "Het plan volgt een kader. Het kader deelt de aanpak op in vier thema's: woon- en leefomgeving, "
        "bedrijvigheid, jeugd en fysieke veiligheid.", rank=1,
    )  # fmt: skip
    bulleted = hit(
        "Het kader noemt redenen om de aanpak op te delen:\n• De wet vraagt het.\n• De politie is veranderd.", rank=0
    )
    question = "In welke thema's deelt het kader de aanpak op?"
    best = best_unit(analyzer, [bulleted, inline], question)
    assert "bedrijvigheid" in best.text and not best.is_list
    # an enumeration of two, or one that runs into the next sentence, is no list
    assert extractive.inline_list(units_of(0, hit("Dat is: snel, en goed. Want a, b, c."))[0]) is None
    assert extractive.inline_list(units_of(0, hit("Velden: a, b, c en d."))[0]).items == 3


def test_an_introduction_never_stands_without_its_list(analyzer: DutchAnalyzer) -> None:
    """Neither the introducing sentence alone nor a run that cuts the list short is a unit: the list
    unit holds them all."""
    text = "De taken zijn verdeeld over vier werkgroepen:\n• Publieke zorg\n• Omgevingszorg\n• Steun\n• Opleiden"
    units = units_of(0, hit(text))
    intro_end = text.index(":") + 1
    cut = [u for u in units if u.start < intro_end <= u.end and not u.is_list]
    assert cut == []
    best = best_unit(analyzer, [hit(text)], "Hoe is het werk over werkgroepen verdeeld?")
    assert best.is_list and "Opleiden" in best.text


@pytest.mark.parametrize("title", ["Wat willen we bereiken?", "Voorbeelden"])
def test_a_title_line_introduces_a_list_without_a_colon(analyzer: DutchAnalyzer, title: str) -> None:
    """A plan's item lines often follow a question heading ("Wat willen we bereiken?") or a short heading
    ("Voorbeelden") instead of a sentence ending in a colon: the title and its items are one list, and the
    title does not take the sentence before it (often the last item of another list)."""
    text = f"• Een item van een eerdere lijst.\n{title}\n• Minder woninginbraken\n• Meer meldingen\n• Veilige wijken"
    lists = [u for u in units_of(0, hit(text)) if u.is_list]
    assert len(lists) == 1 and lists[0].titled and lists[0].items == 3
    assert lists[0].text.startswith(title) and lists[0].text.endswith("Veilige wijken")


@pytest.mark.parametrize(
    "text",
    [
        "Voorbeelden\n• Alleen een item",  # one item is no list
        "Voorbeelden zijn er genoeg en die noemen we hier niet allemaal op.\n• Een item\n• Nog een",  # too long
        "Zo werken we samen met partners aan een veilige wijk.\n• Een item\n• Nog een",  # a sentence, no title
    ],
)
def test_no_title_without_a_short_line_of_its_own_and_two_items(text: str) -> None:
    assert not any(u.is_list for u in units_of(0, hit(text)))


def test_a_titled_list_answers_a_list_question_and_its_item_another(analyzer: DutchAnalyzer) -> None:
    text = (
        "Ambities\nWat willen we bereiken?\n• Minder overlast door jeugdgroepen\n• Meer meldingen van huiselijk geweld"
        "\n• Een daling van het aantal woninginbraken met tien procent"
    )
    listed = best_unit(analyzer, [hit(text)], "Welke doelen wil de gemeente bereiken?")
    assert listed.is_list and listed.titled and "woninginbraken" in listed.text
    single = best_unit(analyzer, [hit(text)], "Met hoeveel procent moet het aantal woninginbraken dalen?")
    assert not single.is_list and single.text == "• Een daling van het aantal woninginbraken met tien procent"


def test_a_frequency_question_prefers_the_sentence_with_a_frequency(analyzer: DutchAnalyzer) -> None:
    general = hit("De burgemeester en de politie bespreken de veiligheid en de inzet van de politie.", rank=0)
    answer = hit("De burgemeester heeft tweewekelijks overleg met de politie.", rank=1)
    question = "Hoe vaak heeft de burgemeester overleg met de politie over de veiligheid?"
    assert "tweewekelijks" in best_unit(analyzer, [general, answer], question).text


def test_a_who_question_prefers_a_name_the_question_does_not_give(analyzer: DutchAnalyzer) -> None:
    topic = hit("De stuurgroep Zorg en Veiligheid bespreekt elk jaar het jaarverslag van het huis.", rank=0)
    answer = hit("Samenstelling stuurgroep Zorg en Veiligheid: burgemeester S. Schelberg (voorzitter).", rank=1)
    question = "Wie is de voorzitter van de stuurgroep Zorg en Veiligheid?"
    assert "Schelberg" in best_unit(analyzer, [topic, answer], question).text
    assert extractive.names_new(answer.chunk.text, concepts(analyzer, question), analyzer.terms)
    assert not extractive.names_new("De stuurgroep Zorg en Veiligheid.", concepts(analyzer, question), analyzer.terms)
    # a gemeente is where, not who
    assert not extractive.names_new("Burgemeester gemeente Haaksbergen", concepts(analyzer, question), analyzer.terms)
    assert extractive.names_new("Rob Welten\nBurgemeester", concepts(analyzer, question), analyzer.terms)


def test_a_why_question_prefers_the_sentence_giving_a_cause(analyzer: DutchAnalyzer) -> None:
    topic = hit("Online oplichting neemt toe, en slachtoffers doen niet altijd aangifte bij de politie.", rank=0)
    answer = hit("Slachtoffers van oplichting doen vaak geen aangifte; dat heeft te maken met schaamte.", rank=1)
    question = "Waarom doen slachtoffers van online oplichting niet altijd aangifte?"
    assert question_type(question) == "why"
    assert "schaamte" in best_unit(analyzer, [topic, answer], question).text
    # "Door X te doen, kan Y" gives what X brings; "Door X te doen in Y" names a means, no reason
    assert extractive.CAUSE.search("Door het plan samen te maken kunnen middelen effectiever worden ingezet.")
    assert not extractive.CAUSE.search("Door alle thema's mee te nemen in het beeld, wordt zichtbaar waar focus ligt.")
    # "daarom" draws a conclusion: its reason stands in the sentence before
    assert not extractive.CAUSE.search("Het is daarom belangrijk dat het team is aangesloten.")


def test_a_law_question_prefers_the_sentence_naming_the_article(analyzer: DutchAnalyzer) -> None:
    general = hit("De gemeenteraad stelt het integraal veiligheidsplan vast; het plan is een plicht.", rank=0)
    answer = hit("Het integraal veiligheidsplan is verplicht volgens artikel 38b van de Politiewet.", rank=1)
    question = "Op welk wetsartikel berust de plicht tot een integraal veiligheidsplan?"
    assert "38b" in best_unit(analyzer, [general, answer], question).text


def select(analyzer: DutchAnalyzer, hits: list[Hit], question: str) -> list[extractive.Unit]:
    kind = question_type(question)
    count = extractive.asked_count(question)
    return select_units(hits, concepts(analyzer, question), analyzer.terms, kind, count=count)


def test_a_chosen_sentence_brings_the_sentence_after_it(analyzer: DutchAnalyzer) -> None:
    text = "Het huis heeft een nieuwe aanpak voor de zorg. De kosten zijn 40.000 euro per jaar.\nVolgende paragraaf"
    passage = hit(text, rank=0)
    unit = extractive.Unit(0, 0, 46, text[:46])
    extended = extractive.with_next_sentences([unit], [passage], budget=1000)
    assert extended[0].text == "Het huis heeft een nieuwe aanpak voor de zorg. De kosten zijn 40.000 euro per jaar."
    assert extractive.with_next_sentences([unit], [passage], budget=60)[0] == unit  # beyond the budget
    last = extractive.Unit(0, 47, 83, text[47:83])
    assert extractive.with_next_sentences([last], [passage], budget=1000)[0] == last  # a heading follows
    listed = hit("De aanpak kent drie delen.\n• Preventie\n• Zorg", rank=0)
    first = extractive.Unit(0, 0, 26, "De aanpak kent drie delen.")
    assert extractive.with_next_sentences([first], [listed], budget=1000)[0] == first  # an item belongs to its list


def test_a_further_passage_must_be_about_the_question(analyzer: DutchAnalyzer, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = hit("De politie van het basisteam Midden Twente maakt elk jaar een jaarplan.", rank=0)
    other = hit("Stigma's voeden angst. Wie verward gedrag vertoont, behoort tot een kwetsbare groep.", rank=1)
    question = "Tot welk politiebasisteam behoort de stad?"
    monkeypatch.setattr(extractive, "MIN_RELATIVE", 0.5)  # the sentence scores high enough to be cited
    assert {u.hit_index for u in select(analyzer, [answer, other], question)} == {0}
    monkeypatch.setattr(extractive, "FURTHER_PASSAGE_SHARE", 0.0)  # without the rule it would be
    assert {u.hit_index for u in select(analyzer, [answer, other], question)} == {0, 1}


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("6. Financiën\nIn de tabel staat de begroting voor 2013.", "numeric", False),  # a heading and a year
        ("Zie hoofdstuk 2 en bijlage 3 voor de aanpak.", "numeric", False),
        ("Er zijn 181 inwoners ondervraagd.", "numeric", True),
        ("De Top 50 van veelplegers.", "numeric", True),
        ("Hengelo kent op dit moment één concreet geval.", "numeric", True),  # the numeral, with accents
        ("Er is een concreet geval bekend.", "numeric", False),  # the article
        ("De bijdrage aan het platform is € 2.855,--.", "money", True),
        ("Het restant is 4.883,-- voor projecten.", "money", True),
        ("Voor de verlenging is geen budget nodig.", "money", True),  # that there is none answers it too
        ("De taken doen 14 medewerkers in 2017.", "money", False),
        ("Het plan is verplicht volgens artikel 38b van de Politiewet.", "law", True),
        ("De burgemeester kan op grond van de Wet Bibob een vergunning weigeren.", "law", True),
        ("De wet schrijft voor dat de raad het plan vaststelt.", "law", False),  # which law, it does not say
        ("De raad heeft op 5 juli 2016 input geleverd.", "day", True),
        ("Op grond van de Politiewet 2012 stelt de raad het plan vast.", "day", False),  # a year is no day
        ("De Webapp wordt in februari vervangen door Live Op.", "date", True),  # "in welke maand": a month
        ("De raad heeft het plan besproken.", "date", False),
    ],
)
def test_values_of_the_asked_kind(text: str, kind: str, expected: bool) -> None:
    assert extractive.has_value(text, kind) is expected


def test_a_list_of_as_many_items_as_asked_wins(analyzer: DutchAnalyzer) -> None:
    four = hit("De gemeente kent deze prioriteiten:\n• Jeugd\n• Zorg\n• Ondermijning\n• Beleving", rank=0)
    three = hit("Voor de regio zijn dit de prioriteiten:\n• Ondermijning\n• Cybercrime\n• Radicalisering", rank=1)
    question = "Welke drie prioriteiten zijn er?"
    assert extractive.asked_count(question) == 3 and extractive.asked_count("Welke 12 thema's?") == 12
    assert extractive.asked_count("Welke prioriteiten zijn er?") is None
    asked = concepts(analyzer, question)
    best = select_units([four, three], asked, analyzer.terms, "list", count=3)[0]
    assert best.is_list and best.items == 3 and "Cybercrime" in best.text
    assert select_units([four, three], asked, analyzer.terms, "list")[0].items == 4  # unasked: the better rank


def test_a_numbered_list_with_a_description_per_item_answers_with_its_item_lines(analyzer: DutchAnalyzer) -> None:
    text = (
        "Bij de aanpak hanteren wij de volgende uitgangspunten.\n"
        "1. Samenwerking en noaberschap\n"
        "Een veilige samenleving maken we samen; we kijken naar elkaar om en helpen elkaar waar het kan.\n"
        "2. Sterke informatiepositie\n"
        "Met goede informatie van inwoners en partners kunnen we beter onderbouwde keuzes maken.\n"
        "3. Gerichte aanpak\n"
        "We werken persoonsgericht en gebiedsgericht, met maatwerk per buurt en per kern.\n"
        "5. Bijlagen\n"
    )
    (unit,) = [u for u in units_of(0, hit(text)) if u.is_list]
    assert unit.items == 3
    assert unit.text.splitlines() == [
        "Bij de aanpak hanteren wij de volgende uitgangspunten.",
        "1. Samenwerking en noaberschap",
        "2. Sterke informatiepositie",
        "3. Gerichte aanpak",
    ]
    best = best_unit(analyzer, [hit(text)], "Welke uitgangspunten hanteert de gemeente bij de aanpak?")
    assert best.is_list and "Gerichte aanpak" in best.text and "maatwerk" not in best.text
    # one numbered line after a sentence is no list
    assert not any(u.is_list for u in units_of(0, hit("Dit is een zin.\n1. Eerste punt\nNog een zin hier.\n")))


def test_a_bulleted_list_with_a_description_per_item_answers_with_its_heads(analyzer: DutchAnalyzer) -> None:
    text = (
        "Bij het maken van dit plan hebben we ons laten leiden door enkele kernprincipes.\n"
        "• Participatie\n"
        "We zijn het gesprek aangegaan met inwoners, ondernemers en maatschappelijke organisaties.\n"
        "• Transparantie\n"
        "Openheid over onze keuzes bevordert het vertrouwen van inwoners en partners.\n"
        "• Flexibiliteit en aanpassingsvermogen Aangezien vraagstukken veranderen, is een flexibele aanpak nodig.\n"
    )
    (unit,) = [u for u in units_of(0, hit(text)) if u.is_list]
    assert unit.heads and unit.items == 3
    assert unit.text.splitlines()[1:] == ["• Participatie", "• Transparantie", "• Flexibiliteit en aanpassingsvermogen"]
    best = best_unit(analyzer, [hit(text)], "Door welke uitgangspunten liet de gemeente zich leiden?")
    assert best.is_list and "Transparantie" in best.text
    # bullets without descriptions between them are an ordinary list, read by the list rule (after a colon)
    plain = "De kernprincipes zijn:\n• Participatie\n• Transparantie\nDaarna volgt de uitvoering."
    assert [u.heads for u in units_of(0, hit(plain)) if u.is_list] == [False]


@pytest.mark.parametrize(
    ("line", "head"),
    [
        ("1. Mensenhandel: Het doel is om mensenhandel aan te pakken.", "1. Mensenhandel"),
        (
            "• Informatie- en datagestuurd beleid De veiligheidsanalyse is de basis.",
            "• Informatie- en datagestuurd beleid",
        ),
        ("2. Sterke informatiepositie", "2. Sterke informatiepositie"),
        ("• Samenwerking met Losser en Dinkelland", "• Samenwerking met Losser en Dinkelland"),  # names are no cut
        ("• Preventie. Wij zetten in op voorlichting.", "• Preventie"),
    ],
)
def test_the_head_of_a_described_item(line: str, head: str) -> None:
    assert extractive.item_head(line) == head


def test_a_list_of_labelled_paragraphs_answers_with_its_labels(analyzer: DutchAnalyzer) -> None:
    description = (
        " Het doel is om dit fenomeen over de volle breedte aan te pakken, met preventie, repressie en hulp aan"
        " slachtoffers."
    )
    first = hit(
        "In de landelijke agenda zijn de volgende beleidsdoelstellingen geformuleerd:\n"
        f"1. Ondermijning en georganiseerde criminaliteit:{description}\n2. Mensenhandel:{description}",
        rank=0,
    )
    (unit,) = [u for u in units_of(0, first) if u.is_list]
    assert unit.heads and unit.text.splitlines()[1:] == [
        "1. Ondermijning en georganiseerde criminaliteit",
        "2. Mensenhandel",
    ]
    # the list goes on in the next passage, by its labels too
    rest = hit(f"3. Cybercrime:{description}\n4. Intelligence:{description}\nRegio Oost-Nederland", rank=5)
    units, _ = extractive.continue_lists([unit], [first], after(rest.chunk))
    assert [u.text for u in units][1] == "3. Cybercrime\n4. Intelligence"
    # a described list goes on after the rest of its last item's description, and only with the next number
    described = hit("De uitgangspunten zijn:\n1. Samenwerking\nWe werken samen.\n2. Informatie\nWe delen.", rank=0)
    (heads,) = [u for u in units_of(0, described) if u.is_list]
    onward = hit("Zo houden we zicht op de buurt.\n3. Balans tussen preventie en repressie\nDe balans telt.", rank=4)
    assert [u.text for u in extractive.continue_lists([heads], [described], after(onward.chunk))[0]][1] == (
        "3. Balans tussen preventie en repressie"
    )
    other = hit("1. Een ander lijstje\nMet uitleg.\n2. Nog een punt", rank=4)
    assert len(extractive.continue_lists([heads], [described], after(other.chunk))[0]) == 1


def test_a_heading_alone_is_no_answer(analyzer: DutchAnalyzer) -> None:
    heading = "Inbraakpreventie en woninginbraken"
    text = f"{heading}\nDe gemeente geeft voorlichting over het beveiligen van woningen, samen met de politie.\n"
    question = "Wat doet de gemeente tegen woninginbraken?"
    units = units_of(0, hit(text))
    alone = next(u for u in units if u.text.strip() == heading)
    assert extractive.is_heading(alone)
    assert (
        score_unit(alone, concepts(analyzer, question), set(analyzer.terms(heading)), set(), "lookup", analyzer.terms)
        == 0
    )
    assert "voorlichting" in best_unit(analyzer, [hit(text)], question).text
    # a table row with the value asked for still counts
    row = hit("Diefstal uit woning Politie 44 49 45\n")
    assert best_unit(analyzer, [row], "Hoeveel woninginbraken registreerde de politie?").text.startswith("Diefstal")


def after(following: Chunk) -> Callable[[Chunk], Chunk | None]:
    """A next-passage lookup in which ``following`` comes after the passage "c0"."""
    return lambda chunk: following if chunk.chunk_id == "c0" else None


def test_a_list_cut_off_by_its_passage_goes_on_in_the_next_passage(analyzer: DutchAnalyzer) -> None:
    first = hit("Er moeten keuzes worden gemaakt. Dit zijn de scenario's:\n• Prioriteren op thema", rank=0)
    rest = hit("• Prioriteren in tijd\n• Nieuw beleid met meer slagkracht\nDaarna volgt de planning.", rank=7)
    listed = next(u for u in units_of(0, first) if u.is_list)
    units, hits = extractive.continue_lists([listed], [first], after(rest.chunk))
    assert [u.text for u in units] == [listed.text, "• Prioriteren in tijd\n• Nieuw beleid met meer slagkracht"]
    assert hits[units[1].hit_index].chunk is rest.chunk and units[1].is_list  # cited as its own passage
    # a list that ends inside its passage, or a next passage that does not go on with items, stays as it is
    assert extractive.continue_lists([listed], [first], after(hit("Daarna volgt de planning.").chunk))[0] == [listed]
    closed = hit(first.chunk.text + "\nDe raad kiest.", rank=0)
    inner = next(u for u in units_of(0, closed) if u.is_list)
    assert extractive.continue_lists([inner], [closed], after(rest.chunk))[0] == [inner]
    # a numbered list goes on only with the next number
    numbered = hit("De doelen zijn:\n1. Minder inbraken\n2. Minder overlast", rank=0)
    unit = next(u for u in units_of(0, numbered) if u.is_list)
    assert len(extractive.continue_lists([unit], [numbered], after(hit("3. Meer toezicht").chunk))[0]) == 2
    assert len(extractive.continue_lists([unit], [numbered], after(hit("1. Een ander lijstje").chunk))[0]) == 1
    # within the answer budget: what follows the list gives way, the list's own start stays
    tail = extractive.Unit(0, 0, 10, "x" * 60)
    units, _ = extractive.continue_lists([listed, tail], [first], after(rest.chunk), budget=len(listed.text) + 30)
    assert [u.text for u in units] == [listed.text, "• Prioriteren in tijd"]


def test_a_sentence_that_points_back_brings_the_sentence_before_it(analyzer: DutchAnalyzer) -> None:
    text = "Het RIEC richt een online apothekerskast in. In deze kast staat alle informatie op één plek."
    passage = hit(text, rank=0)
    pointing = extractive.Unit(0, 44, len(text), text[44:])
    assert extractive.with_referents([pointing], [passage], budget=1000)[0].text == text
    assert extractive.with_referents([pointing], [passage], budget=60)[0] == pointing  # beyond the budget
    plain = hit("Het RIEC richt een kast in. Alle informatie staat op één plek.", rank=0)
    alone = extractive.Unit(0, 28, len(plain.chunk.text), plain.chunk.text[28:])
    assert extractive.with_referents([alone], [plain], budget=1000)[0] == alone  # says what it is about
    # the answer as selected: the named thing comes along with the sentence that answers
    units = select(analyzer, [passage], "Waar staat alle informatie op één plek?")
    assert "apothekerskast" in units[0].text


def test_one_passage_keeps_a_single_value_answer_to_its_best_passage(analyzer: DutchAnalyzer) -> None:
    hits = [
        hit("Het veiligheidshuis kost jaarlijks 120.000 euro aan huisvesting.", rank=0),
        hit("Aan personeel besteedt het veiligheidshuis 80.000 euro.", rank=1),
    ]
    question = "Hoeveel kost het veiligheidshuis aan huisvesting en personeel?"
    both = select_units(hits, concepts(analyzer, question), analyzer.terms, "numeric")
    assert {u.hit_index for u in both} == {0, 1}  # without the flag another passage may add its figure
    one = select_units(hits, concepts(analyzer, question), analyzer.terms, "numeric", one_passage=True)
    assert one and {u.hit_index for u in one} == {both[0].hit_index}
