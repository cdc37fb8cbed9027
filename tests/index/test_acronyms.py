"""Acronyms a corpus defines: found by Schwartz & Hearst, saved with the index, used to expand queries."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.acronyms import definitions, learn_acronyms, long_form
from index.lexical import LexicalIndex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("het Keurmerk Veilig Ondernemen (KVO) wordt", [("KVO", "Keurmerk Veilig Ondernemen")]),
        ("samen met de Veiligheidsregio Twente (VRT).", [("VRT", "Veiligheidsregio Twente")]),  # letter in a word
        ("het Integraal Veiligheidsplan 2024-2026 (IVP) van", [("IVP", "Integraal Veiligheidsplan")]),  # no years
        ("Samenwerking Grensoverschrijdend PolitieTeam (GPT)", [("GPT", "Grensoverschrijdend PolitieTeam")]),
        (
            "Keurmerk Veilig Ondernemen en Kwaliteitsmeter Veilig Uitgaan (KVO/KVU)",
            [("KVO", "Keurmerk Veilig Ondernemen"), ("KVU", "Kwaliteitsmeter Veilig Uitgaan")],
        ),
        ("het Openbaar Ministerie (OM) en", [("OM", "Openbaar Ministerie")]),
    ],
)
def test_definitions_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert definitions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "zie de tabel (Bijlage) hieronder",  # one capital: a word, not an acronym
        "Marga Ziegerink (OTO) zit de werkgroep voor",  # the letters do not spell the name before it
        "radicalisering en drugs (XTC).",
        "de aanpak (ICT-beleid) van",
    ],
)
def test_brackets_that_define_nothing_are_left_alone(text: str) -> None:
    assert definitions(text) == []


def test_long_form_is_the_shortest_that_spells_the_acronym() -> None:
    name = "Regionaal Informatie en Expertise Centrum"
    assert long_form("RIEC", f"het {name}") == name
    assert long_form("RIEC", f"de Vereniging {name}") == name


def test_learned_acronyms_keep_the_most_frequent_forms() -> None:
    texts = ["Het Openbaar Ministerie (OM) en", "het Openbaar Ministerie (OM).", "Officieel Meldpunt (OM)"]
    assert learn_acronyms(texts) == {"om": ("openbaar ministerie", "officieel meldpunt")}


def test_the_index_expands_a_long_form_to_the_corpus_acronym_and_keeps_it(tmp_path: Path) -> None:
    texts = [
        "Politie en gemeente werken samen in het Project Ongebruikelijk Bezit (POB) tegen witwassen.",
        "De kosten van het POB worden gedeeltelijk gedragen door de politie.",
        "Het plan gaat over jeugd en veiligheid in de wijken.",
    ]
    index = LexicalIndex.build(texts)
    query = "Wie betaalt het project ongebruikelijk bezit?"
    assert "pob" in index.analyzer.query_terms(query)
    assert "project ongebruikelijk bezit" in index.analyzer.expansions("Wat doet het POB?")
    assert index.scores(query)[1] > 0  # the passage that only says "POB"
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.acronyms == {"pob": ("project ongebruikelijk bezit",)}
    assert np.allclose(loaded.scores(query), index.scores(query))
    assert "pob" not in LexicalIndex.build(texts[1:]).analyzer.query_terms(query)  # nothing defined, nothing added
