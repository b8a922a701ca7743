"""Themes: similar units inside one (stage, kind), with short readable labels.

Units tagged with a kind are grouped by their stage and that kind, then clustered
by average-linkage on cosine distance. The number of themes comes from the data:
the cut of the tree with the best silhouette (or, for small groups, a fixed
distance cut); big groups cluster a seeded sample and assign the rest to its
centroids. A label is the one phrase that sets a theme apart from all the others
(class-based TF-IDF over runs of one to three content words, inside noun chunks
when a trained spaCy pipeline is installed), taken from the redacted quotes and
shown as participants said them. Ids are stable: `theme-<stage>-<kind>-<n>`,
numbered by size, then by first unit.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import chain
from typing import Mapping, Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.metrics import pairwise_distances_chunked, silhouette_score

from synth.clean import clean_for_model
from synth.nlp import pipe_docs
from synth.parallel import chunked, ordered_map
from synth.records import Tagging, Theme, Unit
from synth.threads import one_thread

SMALL_GROUP = 4  # below this, cut the tree at a fixed distance instead of by silhouette
SMALL_CUT = 0.5  # cosine distance
MIN_SILHOUETTE = 0.05
MAX_THEMES = 12
OWN_TASK = 100  # a (stage, kind) of this many units is clustered in a task of its own; smaller ones share one
TERMS_PER_CHUNK = 1000  # units whose label words are read per task in a worker process (synth.parallel)
LARGE_GROUP = 1500  # above this many units in one (stage, kind), cluster a sample and assign the rest
MAX_WORDS = 3  # per label phrase
MIN_SUPPORT = 2  # units a phrase must occur in (fewer only in themes that small)
COVERS = 0.6  # a longer phrase replaces a shorter one it contains when said in this share of its units
MULTIWORD = 1.2  # phrases name things better than single words
FILLERS = frozenset(  # spoken fillers, hedges and light verbs: they say nothing about a theme
    """yeah yep yup yes nope um umm uh uhm erm er hmm mm mhm oh ah okay ok alright right well basically honestly
    actually really just like kind sort thing stuff lot bit guess mean know think sure get got go going gonna wanna
    need want say tell maybe probably literally pretty quite little something anything everything nothing somebody
    anybody everybody cool fine great good nice thank thanks hi hello bye cheers laugh laughs laughter name
    obviously definitely totally exactly absolutely course whatever anyway usually normally generally slightly
    genuinely apparently deliberately especially certainly simply come feel use keep see look try make take put
    give let seem find start happen show bring leave ask throw turn mr mrs ms dr gon wan na ta dunno kinda sorta
    cos""".split()
)


@one_thread  # silhouettes and linkage: see synth/threads.py
def build_themes(
    units: Sequence[Unit], vectors: np.ndarray, taggings: Sequence[Tagging], nlp, *, seed: int = 0, processes: int | None = None
):
    """All themes, and for each unit id the ids of the themes it belongs to.

    The label words of the units and the clustering of each (stage, kind) run in `processes`
    forked workers when there are enough of them (`synth.parallel`); the result is the same."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, tagging in enumerate(taggings):
        stage = tagging.stage.id if tagging.stage else None
        for code in tagging.kinds:
            groups.setdefault((stage or "", code.id), []).append(i)
    grouped = sorted({i for members in groups.values() for i in members})
    quotes = [units[i].quote for i in grouped]  # labels are output: redacted words only
    state = ([_cleaned_quote(units[i]) for i in grouped], quotes, nlp)
    found = chain.from_iterable(ordered_map(_terms_of, state, chunked(len(quotes), TERMS_PER_CHUNK), processes=processes))
    terms = dict(zip(grouped, found))  # units with no kind are in no theme: their words are never read
    keys = sorted(groups)
    labelled = ordered_map(_cluster_group, (vectors, [groups[key] for key in keys], seed), _by_size(keys, groups), processes=processes)
    per_group = dict(chain.from_iterable(labelled))
    clusters: list[tuple[str, str | None, str, list[int]]] = []
    for g, (stage, kind) in enumerate(keys):
        for n, cluster in enumerate(_ordered(per_group[g], groups[(stage, kind)]), start=1):
            clusters.append((f"theme-{stage or 'none'}-{kind}-{n}", stage or None, kind, cluster))
    labels = label_clusters([[terms[i] for i in c] for *_, c in clusters])
    from synth.synthesize_evidence import theme_headline  # the persona quotes' filter, shared

    themes, per_unit = [], {}  # type: list[Theme], dict[str, list[str]]
    for (theme_id, stage_id, kind, cluster), label in zip(clusters, labels):
        headline = theme_headline([units[i] for i in cluster], vectors[cluster])
        themes.append(Theme(theme_id, stage_id, kind, label, tuple(units[i].id for i in cluster), headline))
        for i in cluster:
            per_unit.setdefault(units[i].id, []).append(theme_id)
    return themes, {k: tuple(v) for k, v in per_unit.items()}


def _cleaned_quote(unit: Unit) -> str | None:
    """`clean_for_model(unit.quote)`: the unit's clean text where nothing was redacted (a unit's
    `clean_text` is `clean_for_model(text)`, see synth.rerun), else None (cleaned in `_terms_of`).
    Cleaning again was 11% of tagging 20,000 answers."""
    return unit.clean_text if unit.quote == unit.text else None


def _terms_of(state: tuple[list[str | None], list[str], object], chunk: range) -> list[dict[str, str]]:
    cleaned, quotes, nlp = state
    return _unit_terms([cleaned[i] or clean_for_model(quotes[i]) for i in chunk], nlp)


def _by_size(keys: list, groups: Mapping) -> list[list[int]]:
    """Group numbers in tasks of about equal work, biggest groups first: clustering is up to
    quadratic in a group's size (LARGE_GROUP caps it), so two workers finish together."""
    order = sorted(range(len(keys)), key=lambda g: (-len(groups[keys[g]]), g))
    return [[g] for g in order if len(groups[keys[g]]) >= OWN_TASK] + [[g for g in order if len(groups[keys[g]]) < OWN_TASK]]


def _cluster_group(state: tuple[np.ndarray, list[list[int]], int], chunk: list[int]) -> list[tuple[int, np.ndarray]]:
    vectors, members, seed = state
    return [(g, cluster_members(vectors[members[g]], seed)) for g in chunk]


def cluster_members(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    """Cluster labels (1..k) for a group's vectors; k chosen from the data.

    Above LARGE_GROUP units, average linkage (quadratic memory and time) runs on a
    seeded sample of LARGE_GROUP units and every unit joins the nearest centroid
    of the sample's clusters: linear in the group size, same seed same result.
    """
    n = len(vectors)
    if n > LARGE_GROUP:
        sample = np.sort(np.random.default_rng(seed).choice(n, LARGE_GROUP, replace=False))
        labels = cluster_members(vectors[sample])
        ids = np.unique(labels)
        centroids = np.array([vectors[sample][labels == k].mean(axis=0) for k in ids])
        return ids[np.argmax(vectors @ centroids.T, axis=1)]
    if n == 1:
        return np.ones(1, dtype=int)
    tree = linkage(vectors.astype(np.float64), method="average", metric="cosine")
    if n < SMALL_GROUP:
        return fcluster(tree, SMALL_CUT, criterion="distance")
    best, best_labels = MIN_SILHOUETTE, np.ones(n, dtype=int)
    distances = _silhouette_distances(vectors)
    for k in range(2, min(MAX_THEMES, n - 1) + 1):
        labels = fcluster(tree, k, criterion="maxclust")
        if len(set(labels)) < 2:
            continue
        quality = _silhouette(vectors, distances, labels)
        if quality > best + 1e-9:
            best, best_labels = quality, labels
    return best_labels


def _silhouette_distances(vectors: np.ndarray) -> np.ndarray | None:
    """The cosine distances `silhouette_score(vectors, metric="cosine")` computes, computed once.

    Up to 11 cuts of one tree are scored on the same vectors; scikit-learn would
    compute the same (n, n) matrix for each (5.7 of 9 s of silhouettes at 10,000
    answers). The chunks are scikit-learn's own, so every value is bit-identical.
    None when the diagonal is not ~0 (a zero vector), which "precomputed" refuses.
    """
    matrix = np.vstack(list(pairwise_distances_chunked(vectors, metric="cosine")))
    if np.abs(matrix.diagonal()).max(initial=0.0) > np.finfo(matrix.dtype).eps * 100:
        return None
    return matrix


def _silhouette(vectors: np.ndarray, distances: np.ndarray | None, labels: np.ndarray) -> float:
    if distances is None:
        return float(silhouette_score(vectors, labels, metric="cosine"))
    return float(silhouette_score(distances, labels, metric="precomputed"))


def _ordered(labels: np.ndarray, members: list[int]) -> list[list[int]]:
    """Clusters as lists of unit indices, biggest first, ties by first unit."""
    clusters: dict[int, list[int]] = {}
    for label, index in zip(labels, members):
        clusters.setdefault(int(label), []).append(index)
    return sorted(clusters.values(), key=lambda c: (-len(c), c[0]))


def _unit_terms(texts: Sequence[str], nlp) -> list[dict[str, str]]:
    """Candidate label phrases per unit: lemma key -> surface form as the participant said it.

    Candidates are contiguous 1-3 word runs free of stop words, fillers and numbers, so a
    label never reads "sure, eat" or "kind of" and never cuts a phrase mid-way. With a trained
    pipeline, runs are taken inside noun chunks only (labels then name things).
    """
    out = []
    unused = [name for name in ("sentencizer",) if name in nlp.pipe_names]  # labels never look at sentences
    for doc in pipe_docs(nlp, [t.lower() for t in texts], batch_size=256, disable=unused):
        spans = list(doc.noun_chunks) if doc.has_annotation("DEP") else [doc]
        phrases: dict[str, str] = {}
        for span in spans:
            for run in _runs(span):
                for key, surface in _ngrams(run):
                    phrases.setdefault(key, surface)
        out.append(phrases)
    return out


class _Word:
    """One whitespace word (hyphenated compounds kept whole), with what labelling needs to know."""

    __slots__ = ("surface", "key", "strong")

    def __init__(self, tokens) -> None:
        self.surface = "".join(t.text + t.whitespace_ for t in tokens).strip()
        self.key = "-".join(t.lemma_.lower() or t.lower_ for t in tokens if t.is_alpha)
        parts = [t for t in tokens if t.is_alpha]
        self.strong = bool(parts) and not any(_weak(t) for t in parts) and (len(parts) > 1 or len(parts[0]) > 2)


def _weak(token) -> bool:
    """Words a label must not contain: stop words, fillers, light verbs, numbers."""
    return token.is_stop or token.like_num or token.lower_ in FILLERS or token.lemma_.lower() in FILLERS


def _runs(span) -> list[list[_Word]]:
    """Runs of words not broken by punctuation (a hyphen between letters joins a compound)."""
    runs: list[list[_Word]] = [[]]
    tokens = list(span)
    i = 0
    while i < len(tokens):
        j = i
        while j + 2 < len(tokens) and tokens[j + 1].text == "-" and not tokens[j].whitespace_ \
                and not tokens[j + 1].whitespace_ and tokens[j + 2].is_alpha and tokens[j].is_alpha:  # fmt: skip
            j += 2
        if tokens[i].is_alpha and not _placeholder(tokens, i):
            runs[-1].append(_Word(tokens[i : j + 1]))
        elif runs[-1]:
            runs.append([])
        i = j + 1
    return [r for r in runs if r]


def _placeholder(tokens, i: int) -> bool:
    """ "[name]"-style redaction markers are not the participant's words."""
    return 0 < i < len(tokens) - 1 and tokens[i - 1].text in "[{" and tokens[i + 1].text in "]}"


def _ngrams(run: list[_Word]):
    """(key, surface) for every window of 1-3 strong words."""
    for size in range(1, MAX_WORDS + 1):
        for start in range(len(run) - size + 1):
            window = run[start : start + size]
            if all(w.strong for w in window):
                yield " ".join(w.key for w in window), " ".join(w.surface for w in window)


def label_clusters(clusters: list[list[Mapping[str, str]]]) -> list[str]:
    """A short label per cluster from class-based TF-IDF: what its units share and the others don't.

    `clusters` holds, per cluster, each unit's candidate phrases (from `_unit_terms`).
    """
    counts = [Counter(key for unit in members for key in unit) for members in clusters]
    totals: Counter = Counter()
    for c in counts:
        totals.update(c)
    average = sum(totals.values()) / max(1, len(clusters))  # phrases per cluster, as in c-TF-IDF
    labels = []
    for members, present in zip(clusters, counts):
        surfaces = Counter((key, surface) for unit in members for key, surface in unit.items())
        labels.append(_label(present, totals, average, len(members), surfaces))
    return labels


def _label(counts: Counter, totals: Counter, average: float, size: int, surfaces: Counter) -> str:
    """Best phrase, grown to a longer one that covers most of its uses.

    One phrase only: two unrelated top words joined by a slash ("report / rang")
    read as noise to a researcher, so a mixed theme is named by what most of it says.
    """
    support = min(MIN_SUPPORT, size, max(counts.values(), default=0))
    scores = {t: counts[t] * math.log(1 + average / totals[t]) * (MULTIWORD if " " in t else 1.0) for t in counts if counts[t] >= support}
    if not scores:
        return "other"
    ranked = sorted(scores, key=lambda t: (-scores[t], -len(t.split()), t))
    return _surface(_grow(ranked[0], counts), surfaces)


def _grow(term: str, counts: Counter) -> str:
    """The longest phrase containing `term` that is said in most of the units `term` is."""
    while True:
        longer = [
            t for t in counts if len(t.split()) > len(term.split()) and f" {term} " in f" {t} " and counts[t] >= COVERS * counts[term]
        ]
        if not longer:
            return term
        term = min(longer, key=lambda t: (-counts[t], len(t.split()), t))


def _surface(key: str, surfaces: Counter) -> str:
    """The phrase as participants said it most often (ties: alphabetical)."""
    forms = [(n, s) for (k, s), n in surfaces.items() if k == key]
    return min(forms, key=lambda f: (-f[0], f[1]))[1] if forms else key
