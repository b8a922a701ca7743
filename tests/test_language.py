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


def test_a_source_and_its_units_get_the_language_they_are_written_in(tmp_path):
    """A French interview is "fr" in inspect and map.json; one Spanish answer in an English survey is "es"."""
    import json

    from typer.testing import CliRunner

    from synth.cli import app

    (tmp_path / "entretien.txt").write_text(
        "Intervieweur: Comment faites-vous vos courses?\n"
        "Camille: Je commande en ligne le dimanche soir, parce que je n'ai pas le temps en semaine.\n"
        "Intervieweur: Et qu'est-ce qui vous pose problème?\n"
        "Camille: La livraison arrive souvent en retard et le service client ne répond jamais.\n", encoding="utf-8")
    answers = ["The delivery was late again and nobody told me why.", "I think the fees are a bit much for what you get.",
               "Nadie contesta el teléfono cuando hay un problema.", "The app is fine but the slots are always full."]
    (tmp_path / "survey.csv").write_text("Respondent,What went wrong?\n" + "".join(
        f"r{n},{text}\n" for n, text in enumerate(answers)), encoding="utf-8")
    result = CliRunner().invoke(app, ["inspect", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    languages = {s["path"]: s["language"] for s in json.loads(result.output)}
    assert languages == {"entretien.txt": "fr", "survey.csv": "en"}
    out = tmp_path / "out"
    run = CliRunner().invoke(app, ["run", str(tmp_path), "-o", str(out), "--model", "hashing", "--cache-dir", str(tmp_path / "c")])
    assert run.exit_code == 0, run.output
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    by_text = {u["text"]: u["language"] for u in doc["units"]}
    assert by_text["Nadie contesta el teléfono cuando hay un problema."] == "es"
    assert by_text["The delivery was late again and nobody told me why."] == "en"
    assert {s["path"]: s["language"] for s in doc["sources"]} == {"entretien.txt": "fr", "survey.csv": "en"}


def test_released_models_are_loaded_again_when_needed():
    """Issue 17: a large run unloads lingua after segmentation; a later detection still answers."""
    from synth.language import _lingua_detector, release_detector

    assert detect_language("Nadie contesta el teléfono") == "es"
    release_detector()
    assert _lingua_detector.cache_info().currsize == 0
    release_detector()  # nothing loaded: nothing to do
    assert detect_language("Nadie contesta el teléfono") == "es"
