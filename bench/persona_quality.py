"""How well persona clustering recovers known groups in real third-party data. Prints tables; asserts nothing.

    .venv/bin/python bench/persona_quality.py [--model all-MiniLM-L6-v2|static] [--seeds 5] [--tags] [--only-run] [--work DIR]

0. `synth run` itself, with its defaults (auto-K, the default weights and model), on the AMI meetings: all 20,
   the dev meetings (ES2004, ES2011, IS1003: the feature constants were chosen on these) and the held-out test
   meetings (TS3004, TS3011), and on the Autistica form. Prints the k it chose, ARI against role (AMI) or
   against the Q2 answer (the form), unassigned participants and Cramér's V. Run folders go to --work.

1. AMI product-design meetings (../shared/data/qmsum-ami-product-meetings): 20 meetings x 4 speakers, each
   speaker label is their role (Project Manager, Marketing, Industrial Designer, User Interface). The role
   is read only to score: adjusted Rand index (ARI) of K=4 personas against role, for two baselines and for
   synth's clustering, over several seeds. `--tags` adds the real tagger's tag profiles at weight 0.1 (slow; the
   default weight is 0).
2. Autistica citizen-science Google Form (../shared/data/autistica-citsci/google-form): personas against
   the multi-select answer "Q2: Do you have a personal connection to autism?", as a crosstab with ARI/NMI.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth import cluster_features  # noqa: E402
from synth.cluster import cluster_participants  # noqa: E402
from synth.config import DEFAULT_WEIGHTS  # noqa: E402
from synth.records import TagResult  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
AMI = DATA / "qmsum-ami-product-meetings"
FORM = DATA / "autistica-citsci" / "google-form"
NO_TAGS = TagResult((), ())


def read_study(paths):
    """Sources, participants and units exactly as `synth run` builds them (redaction on)."""
    from synth.ingest import read_inputs
    from synth.nlp import get_nlp
    from synth.redact import Redactor
    from synth.segment import build_participants, segment_sources

    sources, _ = read_inputs(paths)
    evidence = [s for s in sources if s.kind != "participants"]
    participants = build_participants(evidence, {})
    nlp = get_nlp()
    redactor = Redactor.from_sources(evidence, participants, enabled=True, nlp=nlp, roster={})
    return evidence, participants, segment_sources(evidence, participants, redactor=redactor, nlp=nlp)


def embed(units, model: str):
    from synth.embed import CachingEmbedder, EmbeddingCache, make_embedder

    embedder = CachingEmbedder(make_embedder(model, models_dir=ROOT / "models"), EmbeddingCache(ROOT / "outputs" / ".cache" / "embeddings"))
    return embedder, embedder.encode([u.clean_text for u in units])


def speaker_roles(sources, participants) -> dict[str, str]:
    """Participant id -> AMI role (the speaker label), read only for scoring."""
    from synth.segment import participant_key

    role = {participant_key(s.path, sp.name): sp.name for s in sources for sp in s.speakers}
    return {p.id: role[p.key] for p in participants}


def plain_baselines(participants, units, vectors, seed: int) -> dict[str, np.ndarray]:
    """K-means (K=4) on each participant's mean embedding: as is, and with each meeting's mean removed."""
    from sklearn.cluster import KMeans

    rows = {p.id: [i for i, u in enumerate(units) if u.participant_id == p.id] for p in participants}
    profile = cluster_features.normalise_rows(np.stack([vectors[rows[p.id]].mean(axis=0) for p in participants]))
    centred = profile.copy()
    for source in sorted({p.source_ids[0] for p in participants}):
        members = [i for i, p in enumerate(participants) if p.source_ids[0] == source]
        centred[members] -= profile[members].mean(axis=0)
    fit = lambda x: KMeans(4, n_init=10, random_state=seed).fit_predict(cluster_features.normalise_rows(x))  # noqa: E731
    return {"plain mean embedding, k-means": fit(profile), "meeting mean removed, k-means": fit(centred)}


def ours(participants, units, vectors, tags, *, k, seed, weights=None, resamples=20):
    clustering = cluster_participants(
        participants, units, vectors, tags, k=k, seed=seed, weights=weights or dict(DEFAULT_WEIGHTS), resamples=resamples
    )
    return clustering, np.array([clustering.assignments[p.id] for p in participants])


def ami(model: str, seeds: int, with_tags: bool) -> None:
    from sklearn.metrics import adjusted_rand_score

    sources, participants, units = read_study((AMI,))
    embedder, vectors = embed(units, model)
    truth = speaker_roles(sources, participants)
    y = [truth[p.id] for p in participants]
    print(f"\n## AMI meetings: {len(sources)} meetings, {len(participants)} speakers, {len(units)} units, model {embedder.model_id}")
    print(f"roles: {dict(sorted(Counter(y).items()))}")
    scores: dict[str, list[float]] = {}
    notes = []
    tags = _tags(units, vectors, embedder) if with_tags else NO_TAGS
    for seed in range(seeds):
        for name, labels in plain_baselines(participants, units, vectors, seed).items():
            scores.setdefault(name, []).append(adjusted_rand_score(y, labels))
        clustering, labels = ours(participants, units, vectors, NO_TAGS, k=4, seed=seed)
        scores.setdefault("synth, K=4 (text)", []).append(adjusted_rand_score(y, labels))
        notes.append((clustering.overall_stability, int(np.sum(labels == -1))))
        if with_tags:
            tagged = {**DEFAULT_WEIGHTS, "tags": 0.1}  # the default is 0: this row shows what tags at 0.1 cost
            scores.setdefault("synth, K=4 (text + real tags at weight 0.1)", []).append(
                adjusted_rand_score(y, ours(participants, units, vectors, tags, k=4, seed=seed, weights=tagged)[1])
            )
        auto, labels = ours(participants, units, vectors, NO_TAGS, k=None, seed=seed)
        scores.setdefault(f"synth, k chosen (seed {seed}: k={auto.k})", []).append(adjusted_rand_score(y, labels))
    print("\n| method | ARI vs role, mean | min | max |\n|---|---|---|---|")
    for name, values in scores.items():
        print(f"| {name} | {np.mean(values):.3f} | {min(values):.3f} | {max(values):.3f} |")
    print(
        f"\nsynth K=4: overall stability {np.mean([n[0] for n in notes]):.2f}; unassigned (-1, scored as a group of its own) {[n[1] for n in notes]}"
    )
    _sensitivity(participants, units, vectors, y)


def _tags(units, vectors, embedder):
    from synth.nlp import get_nlp
    from synth.tag import tag_units
    from synth.tag.codebook import load_codebook

    return tag_units(units, vectors, load_codebook(None), embedder, nlp=get_nlp(), training=[], seed=0)


def _sensitivity(participants, units, vectors, y) -> None:
    """How much the figure depends on the two tuned constants (seed 0)."""
    from sklearn.metrics import adjusted_rand_score

    saved = (cluster_features.EMBEDDING_SCALE, cluster_features.MIN_WORD_SHARE)
    print(
        "\nsensitivity (seed 0, K=4): embedding scale x minimum word share\n\n| embedding scale | 0.03 | 0.05 | 0.10 |\n|---|---|---|---|"
    )
    for scale in (0.0, 0.3, 0.5, 1.0):
        row = []
        for share in (0.03, 0.05, 0.10):
            cluster_features.EMBEDDING_SCALE, cluster_features.MIN_WORD_SHARE = scale, share
            row.append(f"{adjusted_rand_score(y, ours(participants, units, vectors, NO_TAGS, k=4, seed=0, resamples=0)[1]):.3f}")
        print(f"| {scale} | " + " | ".join(row) + " |")
    cluster_features.EMBEDDING_SCALE, cluster_features.MIN_WORD_SHARE = saved


def form(model: str) -> None:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    csv = sorted(FORM.glob("*.csv"))[0]
    sources, participants, units = read_study((csv,))
    _, vectors = embed(units, model)
    question = next(n for n in sorted({n for p in participants for n in p.attributes}) if "personal connection" in n.lower())
    answer = [participants_answer(p, question) for p in participants]
    print(f"\n## Autistica Google Form: {len(participants)} respondents with an open answer, {len(units)} units")
    for title, weights in (
        ("default weights (the Q2 answer is itself a feature)", None),
        ("text and tags only (attributes weight 0)", {"text": 1.0, "tags": 0.5, "attributes": 0.0}),
    ):
        clustering, labels = ours(participants, units, vectors, NO_TAGS, k=None, seed=0, weights=weights)
        print(
            f"\n### {title}: k={clustering.k}, stability {clustering.overall_stability:.2f}, "
            f"ARI {adjusted_rand_score(answer, labels):.3f}, NMI {normalized_mutual_info_score(answer, labels):.3f}"
        )
        _crosstab(answer, labels)


def participants_answer(participant, question: str) -> str:
    return participant.attributes.get(question, "").strip() or "(no answer)"


def _crosstab(answer, labels) -> None:
    personas = sorted(set(labels.tolist()))
    heads = [f"persona {c + 1}" if c >= 0 else "none" for c in personas]
    print("\n| Q2 answer | " + " | ".join(heads) + " |\n|---|" + "---|" * len(heads))
    for value in sorted(set(answer)):
        counts = [sum(1 for a, got in zip(answer, labels) if a == value and got == c) for c in personas]
        print(f"| {value[:100]} | " + " | ".join(str(c) for c in counts) + " |")


AMI_SPLITS = {"all 20": ("ES", "IS", "TS"), "dev (ES2004, ES2011, IS1003)": ("ES", "IS"), "test (TS3004, TS3011)": ("TS",)}
AMI_ROLES = ("Project Manager", "Marketing", "Industrial Designer", "User Interface")


def synth_run(files: list[Path], out: Path) -> tuple[dict, dict]:
    """`synth run FILES -o OUT` as a user runs it (defaults; a fresh run, not a warm start): map.json and run.json."""
    import json
    import subprocess

    if (out / "map.draft.json").exists():
        (out / "map.draft.json").unlink()  # a fresh run each time, not a warm start from the last one
    subprocess.run(
        [str(Path(sys.executable).parent / "synth"), "run", *map(str, files), "-o", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads((out / "map.json").read_text()), json.loads((out / "run.json").read_text())


def synth_run_table(work: Path) -> None:
    """Run `synth run` on each AMI split and on the Autistica form, and score the personas in map.json."""
    import hashlib

    from sklearn.metrics import adjusted_rand_score

    print(
        "\n## `synth run` with defaults (auto-K)\n\n| data | participants | k chosen | ARI | unassigned | Cramér's V | note |\n|---|---|---|---|---|---|---|"
    )
    rows = []
    if AMI.exists():
        for title, prefixes in AMI_SPLITS.items():
            meetings = [m for m in sorted(AMI.glob("*.json")) if m.name.startswith(prefixes)]  # files, not links:
            # synth reads no link that leaves its input folder
            doc, manifest = synth_run(meetings, work / ("out-" + "-".join(prefixes)))
            key = {hashlib.sha1(f"{s['path']}\0{r}".encode()).hexdigest()[:12]: r for s in doc["sources"] for r in AMI_ROLES}
            truth = {p["key"]: key[p["key"]] for p in doc["participants"] if p["key"] in key}
            rows.append((f"AMI {title}, vs role", doc, manifest, truth))
    if FORM.exists():
        doc, manifest = synth_run(sorted(FORM.glob("*.csv"))[:1], work / "out-autistica-form")
        question = next((n for p in doc["participants"] for n in p["attributes"] if "personal connection" in n.lower()), "")
        truth = {p["key"]: str(p["attributes"].get(question, "")).strip() or "(no answer)" for p in doc["participants"]}
        rows.append(("Autistica form, vs Q2 answer", doc, manifest, truth))
    for title, doc, manifest, truth in rows:
        pairs = [(truth[p["key"]], p.get("persona_id") or "none") for p in doc["participants"] if p["key"] in truth]
        ari = adjusted_rand_score([a for a, _ in pairs], [b for _, b in pairs])
        block = manifest.get("personas", {})
        split = [w for w in manifest.get("warnings", []) if "no stable split" in w or "unstable" in w]
        print(
            f"| {title} | {len(pairs)} | {len(doc['personas'])} | {ari:.3f} | {len(block.get('unassigned', []))} | "
            f"{block.get('source_kind_cramers_v')} | {'; '.join(w.split(':')[0] for w in split)} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--tags", action="store_true", help="also cluster with the real tagger's tag profiles (slow)")
    parser.add_argument("--only-run", action="store_true", help="only the `synth run` table")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "synth-bench-persona-quality",
        help="folder for the run folders (not the repo)",
    )
    args = parser.parse_args()
    synth_run_table(args.work)
    if args.only_run:
        return
    if AMI.exists():
        ami(args.model, args.seeds, args.tags)
    else:
        print("AMI: skipped, ../shared/data/qmsum-ami-product-meetings not present")
    if FORM.exists():
        form(args.model)
    else:
        print("Autistica form: skipped, ../shared/data/autistica-citsci/google-form not present")


if __name__ == "__main__":
    main()
