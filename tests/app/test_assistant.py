"""Extractive answers with citations, abstention and comparison on the demo index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import prompts
from app.assistant import Assistant, prefer_period
from app.cli import main
from app.extractive import question_type
from index.query import understand_query
from index.search import Searcher


@pytest.fixture(scope="module")
def assistant(demo_index: Path) -> Assistant:
    return Assistant(Searcher(demo_index))


# question, the file it is about, a fact the answer and its cited passage must contain
FACTS = [
    ("Voor welke periode gold het integraal veiligheidsplan van Losser uit 2013?", "000", "2013-2016"),
    ("Voor welke jaren wil Losser het huidige veiligheidsbeleid verlengen?", "001", "2025 en 2026"),
    ("Welke drie beleidsprioriteiten kiest Dinkelland?", "002", "Maatschappelijke onrust en migratie"),
    ("Wat zijn de prioriteiten van Haaksbergen?", "003", "Veiligheidsbeleving"),
    ("Bij hoeveel inwoners van Haaksbergen is een vragenlijst afgenomen?", "003", "181"),
    ("Welke thema's heeft het Hengelose veiligheidsbeleid 2017-2020 als prioriteit?", "004", "Radicalisering"),
]


@pytest.mark.parametrize(("question", "prefix", "fact"), FACTS)
def test_answers_cite_the_passage_holding_the_fact(assistant: Assistant, question: str, prefix: str, fact: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained
    assert fact in answer.answer
    cited = [c for c in answer.citations if fact in c.hit.chunk.text]
    assert cited and all(Path(c.hit.chunk.path).name.startswith(prefix) for c in cited)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}  # every marker points at a citation, every citation is used
    assert answer.period_note.startswith("Bron:")


def test_every_statement_carries_a_marker(assistant: Assistant) -> None:
    answer = assistant.ask("Hoe pakt Haaksbergen ondermijning aan?")
    assert all(re.search(r"\[\d+\]$", line) for line in answer.answer.splitlines() if not line.startswith("•"))


def test_unknown_gemeente_abstains_with_the_shared_phrase(assistant: Assistant) -> None:
    answer = assistant.ask("Welke prioriteiten heeft de gemeente Maastricht?")
    assert answer.abstained and answer.answer.startswith(prompts.cannot_answer())
    assert "Maastricht" in answer.answer and not answer.citations
    assert answer.hits  # the closest passages are still shown as 'mogelijk relevant'


def test_absent_figure_abstains(assistant: Assistant) -> None:
    answer = assistant.ask("Hoeveel E33-meldingen over personen met verward gedrag waren er in 2023 in Haaksbergen?")
    assert answer.abstained and prompts.cannot_answer() in answer.answer


def test_current_question_prefers_the_newest_document(assistant: Assistant) -> None:
    answer = assistant.ask("Wat is het huidige veiligheidsbeleid van Losser?")
    assert {c.hit.chunk.period for c in answer.citations} == {"2025-2026"}
    assert "nieuwste" in answer.period_note


def test_prefer_period_keeps_everything_without_cues(assistant: Assistant) -> None:
    hits = assistant.searcher.search("veiligheidsbeleid Losser", top_k=8).hits
    assert prefer_period(hits, "Wat staat er over veiligheidsbeleid in Losser?") == (hits, "")


@pytest.mark.parametrize(
    "question",
    [
        "Welk bureau begeleidde de gemeenten bij de overgang naar een nieuwe samenwerkingsfase in Losser?",
        "Wie leidt de crisisbeheersing in Losser, nu de kolom geen eigen directeur heeft?",
        "Welke rol hebben ouders bij de aanpak van jeugdoverlast in Losser?",
        "Met welke nieuwe wetgeving houdt het veiligheidsbeleid van Losser rekening?",
    ],
)
def test_time_words_about_something_else_keep_every_period(assistant: Assistant, question: str) -> None:
    # "nieuwe samenwerkingsfase", "nu de …" (now that), "ouders", "nieuwe wetgeving": no plan is asked for
    hits = assistant.searcher.search("veiligheidsbeleid Losser", top_k=8).hits
    assert prefer_period(hits, question) == (hits, "")


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("Wat staat er in het huidige Losserse veiligheidsbeleid over drugs?", "nieuwste"),
        ("Welke thema's wil Losser de komende vier jaar aanpakken?", "nieuwste"),
        ("Welke thema's stond in het vorige veiligheidsplan van Losser centraal?", "oudste"),
        ("Welke prioriteiten had het oudere Losserse IVP?", "oudste"),
    ],
)
def test_time_words_about_a_plan_choose_a_period(assistant: Assistant, question: str, label: str) -> None:
    hits = assistant.searcher.search("veiligheidsbeleid Losser", top_k=8).hits
    kept, note = prefer_period(hits, question)
    assert len({h.chunk.period for h in kept if h.chunk.municipalities[0] == "Losser"}) == 1
    assert label in note


def test_comparison_answers_per_gemeente(assistant: Assistant) -> None:
    answer = assistant.ask("Vergelijk het cameratoezicht in Dinkelland en Haaksbergen.")
    lines = answer.answer.splitlines()
    assert lines[0].startswith("Dinkelland:") or lines[0].startswith("Haaksbergen:")
    assert {line.split(":")[0] for line in lines} == {"Dinkelland", "Haaksbergen"}
    assert {g for c in answer.citations for g in c.hit.chunk.municipalities} >= {"Dinkelland", "Haaksbergen"}


def test_a_gemeente_asked_its_own_thing_is_answered_on_it(assistant: Assistant) -> None:
    """Losser's line answers how Losser informs its raad, not the Hengelo clause about the burgemeester and
    cameratoezicht (whose words, counted for every gemeente, used to pick a Losser sentence about both)."""
    answer = assistant.ask(
        "Hoe wordt de raad in Losser geïnformeerd over veiligheid, en welke rol heeft de burgemeester van Hengelo "
        "bij cameratoezicht?"
    )
    lines = dict(line.split(": ", 1) for line in answer.answer.splitlines() if ": " in line)
    assert "geïnformeerd" in lines["Losser"] and "cameratoezicht" not in lines["Losser"]
    assert "cameratoezicht" in lines["Hengelo"].lower()


def test_one_named_gemeente_beside_one_without_documents_is_no_comparison(assistant: Assistant) -> None:
    # Tubbergen has no documents of its own; passages of other gemeenten that mention Dinkelland must not
    # be answered as if the question compared them
    answer = assistant.ask(
        "Hoeveel formatie heeft het veiligheidsteam dat zowel voor Dinkelland als voor Tubbergen werkt?"
    )
    assert not answer.abstained
    assert not re.match(r"^\w+:", answer.answer)
    assert {c.hit.chunk.municipalities[0] for c in answer.citations} == {"Dinkelland"}


def test_shared_priorities_are_those_in_every_gemeente_line(assistant: Assistant) -> None:
    answer = assistant.ask("Welke veiligheidsprioriteiten hebben Dinkelland en Haaksbergen gemeen?")
    shared, *lines = answer.answer.splitlines()
    assert shared.startswith("Gedeelde prioriteiten: ")
    assert [line.split(" ")[0] for line in lines] == ["Dinkelland", "Haaksbergen"]
    labels = re.findall(r"(?:: |; )([^;\[]+?) \[", shared)
    assert labels
    for label in labels:
        assert all(label in line for line in lines)
    markers = {int(n) for n in re.findall(r"\d+", " ".join(re.findall(r"\[([\d, ]+)\]", shared)))}
    assert markers == {c.n for c in answer.citations}  # each shared priority cites both plans


def test_differences_list_what_only_one_gemeente_has(assistant: Assistant) -> None:
    answer = assistant.ask("Wat is het verschil in prioriteiten tussen Dinkelland en Haaksbergen?")
    only = [line for line in answer.answer.splitlines() if line.startswith("Alleen ")]
    assert only
    lines = {line.split(" ")[0]: line for line in answer.answer.splitlines() if not line.startswith("Alleen ")}
    for line in only:
        gemeente = line.split(" ")[1].rstrip(":")
        other = next(g for g in lines if g != gemeente)
        for label in re.findall(r"(?:: |; )([^;\[]+?) \[", line):
            assert label in lines[gemeente] and label not in lines[other]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel geld is er voor cameratoezicht?", "money"),
        ("Welk totaalbudget is er voor de kolom?", "money"),
        ("Wat kost de verlenging?", "money"),
        ("Hoeveel fte heeft het team?", "numeric"),
        ("Welk deel van de tijd blijft over voor nieuwe speerpunten?", "numeric"),
        ("Hoe vaak overlegt de burgemeester met de politie?", "frequency"),
        ("Met welke frequentie komt de stuurgroep bijeen?", "frequency"),
        ("Welke burgemeester ondertekent het voorwoord?", "who"),
        ("Wie zit de stuurgroep voor?", "who"),
        ("Wanneer is het plan vastgesteld?", "date"),
        ("Op welke datum is het plan vastgesteld?", "day"),
        ("In welke maand worden de thema's geprioriteerd?", "date"),  # not a list of "thema's"
        ("Wat is de looptijd van het IVP?", "period"),
        ("Wie is verantwoordelijk voor het RIEC?", "who"),
        ("Welk extern adviesbureau begeleidde de gemeenten?", "who"),
        ("Hoe heet het project tegen alcoholgebruik?", "who"),
        ("Waar kunnen inwoners terecht met een melding?", "who"),
        ("Bij welke instellingen wordt de meldcode besproken?", "who"),
        ("Op welk wetsartikel is het plan gebaseerd?", "law"),
        ("Op grond van welke wet sluit de burgemeester een pand?", "law"),
        ("Welke prioriteiten heeft Hengelo?", "list"),
        ("Hoe werkt de aanpak van huiselijk geweld?", "lookup"),
    ],
)
def test_question_types(question: str, kind: str) -> None:
    assert question_type(question) == kind


def test_ask_cli_json_and_batch(demo_index: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["ask", "Wat zijn de prioriteiten van Haaksbergen?", "--index", str(demo_index), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"question", "answer", "abstained", "mode", "period_note", "citations", "hits"}
    assert set(data["citations"][0]) == {"n", "chunk_id", "text", "section", "page_start", "page_end", "document"}
    batch = runner.invoke(
        main,
        ["ask", "-", "--index", str(demo_index)],
        input="Wat doet Zeewolde?\nWat zijn de prioriteiten van Losser?\n",
    )
    rows = [json.loads(line) for line in batch.output.splitlines()]
    assert [r["abstained"] for r in rows] == [True, False]
    text = runner.invoke(main, ["ask", "Wat zijn de prioriteiten van Haaksbergen?", "--index", str(demo_index)])
    assert "[1]" in text.output and "Bron:" in text.output and "Traceback" not in text.output


def test_a_money_question_without_an_amount_near_the_topic_abstains(demo_index: Path) -> None:
    from app.assistant import missing_value
    from app.extractive import Unit

    units = [Unit(0, 0, 60, "De taken worden gedaan door de 14 Twentse ambtenaren in 2017.")]
    reason = missing_value("Welk totaalbudget is voor de kolom begroot?", "money", units, [])
    assert "bedrag" in reason
    units.append(Unit(0, 61, 120, "Het budget voor de kolom bedraagt € 120.000,-."))
    assert missing_value("Welk totaalbudget is voor de kolom begroot?", "money", units, []) == ""


def test_a_day_question_is_not_answered_by_the_years_it_names_itself() -> None:
    from app.assistant import missing_value
    from app.extractive import Unit

    question = "Op welke datum heeft de raad het veiligheidsplan 2024-2027 vastgesteld?"
    units = [Unit(0, 0, 70, "Voor u ligt het veiligheidsplan 2024 tot en met 2027, vastgesteld door de raad.")]
    assert "datum" in missing_value(question, "day", units, [])
    # a day, or a year the question does not name, may answer it
    assert missing_value(question, "day", [Unit(0, 0, 40, "De raad stelde het plan op 5 maart 2024 vast.")], []) == ""
    assert missing_value(question, "day", [Unit(0, 0, 40, "De raad stelde het plan in 2023 vast.")], []) == ""


def test_sinds_wanneer_may_be_answered_by_an_event() -> None:
    from app.assistant import missing_value
    from app.extractive import Unit

    question = "Sinds wanneer neemt de onvrede over de overheid toe?"
    event = [Unit(0, 0, 60, "Sinds corona is een toenemende onvrede over de overheid merkbaar.")]
    assert missing_value(question, "date", event, []) == ""
    # without a "sinds" in the question, a date is still asked for; without one in the text, nothing answers
    assert "datum" in missing_value("Wanneer neemt de onvrede over de overheid toe?", "date", event, [])
    quiet = [Unit(0, 0, 50, "Er is een toenemende onvrede over de overheid merkbaar.")]
    assert "datum" in missing_value(question, "date", quiet, [])


@pytest.mark.parametrize(
    ("question", "single"),
    [
        ("Wanneer heeft de raad het plan vastgesteld?", True),
        ("Hoeveel boetes zijn er volgens het IVP uitgedeeld?", True),
        ("Wanneer is het plan vastgesteld, en hoeveel kost het?", False),
        ("Hoeveel tijd kost het volgens het IVP en volgens het jaarplan?", False),  # two sources
    ],
)
def test_single_ask(question: str, single: bool) -> None:
    from app.assistant import single_ask

    assert single_ask(question) is single


def test_a_named_gemeente_without_documents_beside_a_known_one_gets_a_note(assistant: Assistant) -> None:
    answer = assistant.ask("Hoe pakken Losser en Zwolle drugsoverlast aan?")
    assert not answer.abstained
    assert any(note.startswith("Zwolle staat niet in de documenten") for note in answer.notes)
    assert {c.hit.chunk.municipalities[0] for c in answer.citations} == {"Losser"}


def test_a_theme_comparison_with_a_gemeente_without_documents_covers_only_the_named_one(assistant: Assistant) -> None:
    answer = assistant.ask("Vergelijk Losser en Zwolle op jeugd")
    lines = [line.split(":")[0] for line in answer.answer.splitlines() if ":" in line]
    assert "Losser" in lines and not {"Dinkelland", "Haaksbergen", "Hengelo"} & set(lines)
    assert any(note.startswith("Zwolle staat niet in de documenten") for note in answer.notes)
    everyone = assistant.ask("Vergelijk Losser met de andere gemeenten op jeugd").answer
    assert {"Dinkelland", "Haaksbergen", "Hengelo"} <= {line.split(":")[0] for line in everyone.splitlines()}


def test_gemeenten_named_as_partners_are_no_comparison(assistant: Assistant) -> None:
    question = "Hoe heet het project waarmee Losser samen met Dinkelland het drinken door jongeren terugdringt?"
    assert not understand_query(question, assistant.searcher.gemeenten).comparison
    assert understand_query(
        "Hoe pakken Losser en Dinkelland drugsoverlast aan?", assistant.searcher.gemeenten
    ).comparison
    answer = assistant.ask(question)
    assert not re.match(r"^\w+:", answer.answer)  # one answer, not one line per gemeente


def test_which_gemeente_asks_for_a_name_unless_it_compares(assistant: Assistant) -> None:
    known = assistant.searcher.gemeenten
    lookup = "Welke gemeente coördineert het Veiligheidshuis Twente?"
    assert not understand_query(lookup, known).comparison
    assert understand_query("Welke gemeente registreert de meeste woninginbraken?", known).comparison
    assert understand_query("Welke gemeente heeft ondermijning als prioriteit?", known).comparison
    assert understand_query("Welke gemeenten noemen jeugd als speerpunt?", known).comparison
    # a cue the question sets aside ("in plaats van per gemeente") compares nothing
    assert understand_query("Wat zijn de prioriteiten per gemeente?", known).comparison
    assert not understand_query("Waarom een plan voor het basisteam in plaats van per gemeente?", known).comparison
    answer = assistant.ask(lookup)
    assert not answer.abstained and not re.match(r"^\w+:", answer.answer)  # one answer, not per gemeente


def test_comparing_words_compare_gemeenten_only_when_gemeenten_are_compared(assistant: Assistant) -> None:
    known = assistant.searcher.gemeenten
    # "verschil" and "vergelijk" compare anything: gemeenten only when several are named or spoken of
    assert not understand_query("Wat is het verschil tussen preventie en repressie?", known).comparison
    assert not understand_query("Welke vergelijkingsronde van de benchmark was die van 2015?", known).comparison
    assert understand_query("Wat is het verschil tussen Losser en Hengelo bij jeugdoverlast?", known).comparison
    assert understand_query("Vergelijk de aanpak van woninginbraak tussen de gemeenten.", known).comparison
    # which gemeenten belong to a team or work together: one passage names them, no line per gemeente
    members = "Welke gemeenten vallen onder het basisteam Noord-Oost?"
    assert not understand_query(members, known).comparison
    assert understand_query("Welke gemeenten hebben een intern meldpunt?", known).comparison
    answer = assistant.ask(members)
    assert not answer.abstained and not re.match(r"^\w+:", answer.answer)
    assert "Tubbergen" in answer.answer  # the members as the passage lists them


def test_a_gemeente_only_mentioned_in_another_gemeentes_document_is_not_answered_for(assistant: Assistant) -> None:
    # Oldenzaal is one of the four gemeenten of Losser's council proposal, but has no document of its own
    assert "Oldenzaal" in assistant.searcher.gemeenten and "Oldenzaal" not in assistant.searcher.own_gemeenten
    answer = assistant.ask("Hoeveel woninginbraken waren er in Oldenzaal?")
    assert answer.abstained and "Oldenzaal heeft geen eigen documenten" in answer.answer
    assert "alleen genoemd in: Raadsvoorstel" in answer.answer and "(Losser)" in answer.answer
    assert answer.hits  # the passages that mention it are still shown as possibly relevant
    outside = assistant.ask("Wat doet Zwolle aan ondermijning?").answer
    assert "Oldenzaal" not in outside.split("wel:")[1]  # the gemeenten offered instead have documents
    assert not assistant.ask("Hoeveel formatie werkt er voor Dinkelland en Oldenzaal samen?").answer.startswith(
        "De documenten geven hier geen antwoord op. Oldenzaal"
    )  # one gemeente with documents of its own is enough


def test_a_gemeente_without_documents_is_answered_from_passages_that_speak_of_it(assistant: Assistant) -> None:
    # Borne has no document of its own and is in no passage's metadata, but a regional notitie describes its pilot
    assert "Borne" not in assistant.searcher.gemeenten
    answer = assistant.ask("Welke pilot loopt er in Borne?")
    assert not answer.abstained and "multiprobleem" in answer.answer
    assert "Borne" in answer.answer.split("[", 1)[0]  # the first statement is about Borne
    assert all("Borne" in c.hit.chunk.text for c in answer.citations)
    assert any(note.startswith("Borne heeft geen eigen documenten") for note in answer.notes)
    # a passage naming a gemeente in passing ("Noaberkracht Dinkelland Tubbergen") does not answer for it
    passing = assistant.ask("Wat doet Tubbergen aan ondermijning?")
    assert passing.abstained and "Tubbergen heeft geen eigen documenten" in passing.answer
    # nor does a passage naming it that is not the question's best one; the refusal says where it is named
    cameras = assistant.ask("Hoeveel camera's hangen er in de binnenstad van Enschede?")
    assert cameras.abstained and "Enschede heeft geen eigen documenten" in cameras.answer
    assert "Enschede wordt alleen genoemd in:" in cameras.answer
    never = assistant.ask("Hoeveel camera's hangen er in de binnenstad van Maastricht?").answer
    assert "Maastricht staat niet in de documenten" in never and "genoemd in" not in never


def test_a_number_written_out_answers_a_count_question() -> None:
    """ "Alle veertien Twentse gemeenten" answers "met hoeveel gemeenten": no abstention for want of digits."""
    from app.assistant import missing_value
    from app.extractive import Unit

    question = "Met hoeveel Twentse gemeenten werd het kader gedeeld?"
    shared = Unit(0, 0, 60, "Het kader is gedeeld met alle veertien Twentse gemeenten.")
    assert missing_value(question, "numeric", [shared], []) == ""
    assert "aantal" in missing_value(question, "numeric", [Unit(0, 0, 40, "Het kader is met gemeenten gedeeld.")], [])
