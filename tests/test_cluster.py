"""Persona clustering on hand-built participants and units (deterministic hashing embedder)."""

from __future__ import annotations

import numpy as np
import pytest

from synth.cluster import cluster_participants
from synth.embed import HashingEmbedder
from synth.records import Label, Participant, Span, Tagging, TagResult, Unit
from synth.representativeness import representativeness

WEIGHTS = {"text": 1.0, "tags": 0.5, "attributes": 1.0}
TOPICS = {
    "price": ["the price was too high", "I compare prices on every shop", "discount codes save me money",
              "cheaper brands at the checkout", "price alerts tell me when it drops"],
    "delivery": ["the delivery van came late", "the courier left it at the door", "delivery slots were all full",
                 "tracking the parcel in the app", "the driver called before arriving"],
    "recipes": ["I plan meals with recipes", "the recipe ideas inspire dinners", "cooking for the family each week",
                "ingredients list for the recipe", "meal plans keep me organised"],
}


def make_study(per_group: int = 5, groups=("price", "delivery", "recipes"), shared_source: bool = False):
    """Participants who each talk about one topic; with `shared_source` they sit in one focus group."""
    participants, units = [], []
    for g, topic in enumerate(groups):
        for i in range(per_group):
            pid = f"P{g}{i}"
            source = "focus-group" if shared_source else f"s-{pid}"
            participants.append(Participant(pid, f"key-{pid}", (source,), {"segment": topic}))
            for j, sentence in enumerate(TOPICS[topic]):
                if j == i % 5:
                    continue  # everyone skips a different sentence: alike, not identical
                text = sentence
                units.append(Unit(f"u-{pid}-{j}", pid, source, text, text, text, (Span(j + 1, 0, len(text)),), f"line {j + 1}"))
    vectors = HashingEmbedder().encode([u.clean_text for u in units])
    return participants, units, vectors


def run(participants, units, vectors, *, k=None, seed=0, resamples=5, weights=WEIGHTS, tags=TagResult((), ())):
    return cluster_participants(participants, units, vectors, tags, k=k, seed=seed, weights=weights, resamples=resamples)


def groups_of(clustering) -> set[frozenset[str]]:
    found: dict[int, set[str]] = {}
    for pid, c in clustering.assignments.items():
        found.setdefault(c, set()).add(pid)
    return {frozenset(v) for c, v in found.items() if c >= 0}


def test_recovers_topic_groups_and_chooses_k():
    participants, units, vectors = make_study()
    clustering = run(participants, units, vectors, weights={"text": 1.0})
    assert clustering.k == 3
    expected = {frozenset(f"P{g}{i}" for i in range(5)) for g in range(3)}
    assert groups_of(clustering) == expected
    assert all(0.0 <= s <= 1.0 for s in clustering.stability)
    assert clustering.overall_stability > 0.6
    assert "spectral" in clustering.method


def test_same_inputs_and_seed_give_same_clustering():
    participants, units, vectors = make_study()
    first = run(participants, units, vectors, seed=7)
    second = run(list(participants), list(units), vectors.copy(), seed=7)
    assert first == second


def test_forced_k_is_used():
    participants, units, vectors = make_study()
    clustering = run(participants, units, vectors, k=2)
    assert clustering.k == 2
    assert set(clustering.assignments.values()) <= {-1, 0, 1}


@pytest.mark.parametrize("n", [1, 2, 3])
def test_one_to_three_participants_give_one_persona_and_a_warning(n):
    participants, units, vectors = make_study(per_group=1)
    keep = {p.id for p in participants[:n]}
    rows = [i for i, u in enumerate(units) if u.participant_id in keep]
    clustering = run(participants[:n], [units[i] for i in rows], vectors[rows], k=4)
    assert clustering.k == 1
    assert set(clustering.assignments.values()) == {0}
    assert any(f"only {n} participant" in w for w in clustering.warnings)


def test_identical_participants_do_not_crash():
    text = "the delivery was late again"
    participants = [Participant(f"P{i}", f"k{i}", (f"s{i}",)) for i in range(6)]
    units = [Unit(f"u{i}", f"P{i}", f"s{i}", text, text, text, (Span(1, 0, len(text)),), "line 1") for i in range(6)]
    vectors = HashingEmbedder().encode([text] * 6)
    clustering = run(participants, units, vectors)
    assert clustering.k == 1 and set(clustering.assignments.values()) == {0}
    assert any("identical" in w for w in clustering.warnings)


def test_participant_without_evidence_fits_no_persona():
    participants, units, vectors = make_study()
    participants.append(Participant("P99", "key-P99", ("s-P99",)))
    clustering = run(participants, units, vectors, weights={"text": 1.0})
    assert clustering.assignments["P99"] == -1
    assert any("no evidence" in w for w in clustering.warnings)


def test_outlier_is_left_out_not_forced_in():
    participants, units, vectors = make_study(per_group=6)
    odd = "quantum chromodynamics lattice gauge theory renormalisation"
    participants.append(Participant("PX", "key-PX", ("s-PX",)))
    units.append(Unit("u-PX", "PX", "s-PX", odd, odd, odd, (Span(1, 0, len(odd)),), "line 1"))
    vectors = np.vstack([vectors, HashingEmbedder().encode([odd])])
    clustering = run(participants, units, vectors, k=3, weights={"text": 1.0})
    assert clustering.assignments["PX"] == -1


def test_shared_source_content_is_removed():
    """In one focus group everyone repeats the moderator's topic; people still split by what differs."""
    participants, units, vectors = make_study(shared_source=True)
    shared = "the focus group question about the new shopping app today"
    extra = [Unit(f"x-{p.id}-{j}", p.id, "focus-group", shared, shared, shared, (Span(99, 0, len(shared)),), "line 99")
             for p in participants for j in range(4)]
    units = units + extra
    vectors = np.vstack([vectors, HashingEmbedder().encode([shared] * len(extra))])
    clustering = run(participants, units, vectors, k=3, weights={"text": 1.0})
    expected = {frozenset(f"P{g}{i}" for i in range(5)) for g in range(3)}
    assert groups_of(clustering) == expected


def test_attributes_and_tags_shape_the_groups():
    """With text switched off, closed answers alone separate the groups."""
    participants, units, vectors = make_study()
    clustering = run(participants, units, vectors, k=3, weights={"attributes": 1.0})
    expected = {frozenset(f"P{g}{i}" for i in range(5)) for g in range(3)}
    assert groups_of(clustering) == expected
    stage = {"price": "purchase", "delivery": "delivery", "recipes": "planning"}
    tags = TagResult(tuple(Tagging(u.id, Label(stage[p.attributes["segment"]], 0.9, "test")) for p in participants
                           for u in units if u.participant_id == p.id), ())
    clustering = run(participants, units, vectors, k=3, weights={"tags": 1.0}, tags=tags)
    assert groups_of(clustering) == expected


def test_progress_advances_once_per_resample():
    participants, units, vectors = make_study()
    ticks = []
    cluster_participants(participants, units, vectors, TagResult((), ()), k=3, seed=0, weights=WEIGHTS, resamples=4,
                         progress=lambda n=1: ticks.append(n))
    assert sum(ticks) == 4


def test_representativeness_is_cosine_to_persona_centroid():
    participants, units, vectors = make_study()
    clustering = run(participants, units, vectors, k=3, weights={"text": 1.0})
    rep = representativeness(units, vectors, clustering)
    assert set(rep) == {u.id for u in units}
    assert all(-1.0 <= v <= 1.0 for v in rep.values())
    on_topic = [rep[u.id] for u in units if "price" in u.text and u.participant_id.startswith("P0")]
    assert np.mean(on_topic) > 0.2


def test_a_large_study_chooses_k_on_a_sample_and_places_everyone(monkeypatch):
    """Above CHOOSE_ON participants k is chosen on a seeded sample, the partition is fitted on everyone."""
    import synth.cluster as cluster

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(3, 12)) * 4
    matrix = np.vstack([c + rng.normal(size=(200, 12)) for c in centres])  # three clear groups of 200
    monkeypatch.setattr(cluster, "LARGE", 100)  # k-means, as for a large survey
    whole, k_whole, how_whole, _ = cluster._choose_partition(matrix, None, seed=0)
    monkeypatch.setattr(cluster, "CHOOSE_ON", 150)
    sampled, k_sampled, how, _ = cluster._choose_partition(matrix, None, seed=0)
    assert k_whole == k_sampled == 3
    assert "drawn at random" in how and "drawn at random" not in how_whole
    assert len(sampled) == 600 and np.array_equal(sampled, whole)  # the same people in the same personas
    again = cluster._choose_partition(matrix, None, seed=0)[0]
    assert np.array_equal(again, sampled)


def test_one_line_answers_group_by_meaning_not_by_a_few_shared_words():
    """A survey of one-line answers: what people mean (the embedding) splits them in three, while two
    common words ("card", "money") cut across the groups. A respondent who used one or two of the
    word profile's words must not be placed by those words alone (Banking77 at 10,000: one persona)."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 32))
    lines = ["my card", "the money", "my card and the money", "thanks"]
    participants, units, rows = [], [], []
    for i in range(90):
        group, pid, text = i % 3, f"R{i:03d}", lines[(i // 3) % 4]
        participants.append(Participant(pid, f"key-{pid}", ("survey",), {}))
        units.append(Unit(f"u-{pid}", pid, "survey", text, text, text, (Span(i + 2, 0, len(text)),), f"row {i + 2}"))
        rows.append(centres[group] + rng.normal(scale=0.3, size=32))
    vectors = np.array(rows) / np.linalg.norm(rows, axis=1, keepdims=True)
    clustering = run(participants, units, vectors, k=3, weights={"text": 1.0})
    expected = {frozenset(f"R{i:03d}" for i in range(90) if i % 3 == g) for g in range(3)}
    assert groups_of(clustering) == expected
