"""Language detection: real sentences per language, too-little text, and the Qualtrics German labels."""

from __future__ import annotations

import csv

import pytest

from synth.language import detect_language
from tests.conftest import ROOT, shared

SENTENCES = [
    ("en", "The delivery was late again and nobody told me why, so I just gave up on the app."),
    ("en", "I think it's fine but the fees are a bit much for what you get."),
    ("de", "Die Lieferung kam zu spät und ich habe keine Nachricht bekommen, das war sehr ärgerlich."),
    ("de", "Ich bestelle jede Woche, weil es mir Zeit spart und die Fahrer immer freundlich sind."),
    ("fr", "La livraison est arrivée en retard et je n'ai pas reçu de message, c'est vraiment pénible."),
    ("fr", "Je commande toutes les semaines parce que cela me fait gagner du temps."),
    ("es", "El pedido llegó tarde y nadie me dijo por qué, así que dejé de usar la aplicación."),
    ("es", "Compro cada semana porque me ahorra tiempo y los repartidores son muy amables."),
    ("it", "La consegna è arrivata in ritardo e non ho ricevuto nessun messaggio, che fastidio."),
    ("pt", "A entrega chegou atrasada e não recebi nenhuma mensagem, foi muito chato."),
    ("nl", "De bezorging was te laat en ik heb geen bericht gekregen, dat is heel vervelend."),
    ("sv", "Leveransen kom för sent och jag fick inget meddelande, det är mycket irriterande."),
    ("pl", "Dostawa przyszła za późno i nie dostałem żadnej wiadomości, to jest bardzo irytujące."),
    ("ru", "Доставка опоздала, и мне никто ничего не сказал."),
    ("ja", "配達が遅れて、何の連絡もありませんでした。"),
    ("el", "Η παράδοση άργησε και κανείς δεν μου είπε τίποτα."),
]


@pytest.mark.parametrize(("expected", "text"), SENTENCES)
def test_detect_language(expected, text):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "Yes.", "12345 678", "👍", "N/A"])
def test_too_little_text_is_undetermined(text):
    assert detect_language(text) == "und"


@pytest.mark.parametrize(("expected", "text"), [("de", "Sehr gut"), ("en", "Great app, love delivery"), ("pt", "Muito bom")])
def test_two_words_are_enough_when_they_are_clear(expected, text):
    assert detect_language(text) == expected


def test_same_text_same_answer():
    text = "de la que el en y a los se del las un por con no una su para es al lo como"
    assert len({detect_language(text) for _ in range(5)}) == 1


def test_qualtrics_german_labels():
    """The Qualtrics sample's second header row holds the German column labels."""
    path = shared("qualtrics-qualtRics", "sample.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    english, german = " ".join(rows[0]), " ".join(rows[1][:17])
    assert detect_language(german) == "de"
    assert detect_language(english) != "de"


def short_sentences():
    """38 short complaint sentences in 10 languages, written for synth (where LINGUA_CONFIDENCE was chosen)."""
    path = ROOT / "tests" / "data" / "short_sentences_languages.tsv"
    return [tuple(line.split("\t", 1)) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize(("expected", "text"), short_sentences())
def test_short_sentences_get_their_language(expected, text):
    """Too short for the function words alone ("Delivery was late again"): lingua decides."""
    assert detect_language(text) == expected
