import numpy as np
from collections import Counter

from synth.tag.themes import cluster_members, label_clusters


def _vectors(groups):
    """Unit vectors around well-separated directions, `groups` = sizes."""
    rng = np.random.default_rng(0)
    rows = []
    for g, size in enumerate(groups):
        centre = np.zeros(16)
        centre[g] = 1.0
        for _ in range(size):
            v = centre + rng.normal(0, 0.05, 16)
            rows.append(v / np.linalg.norm(v))
    return np.array(rows, dtype=np.float32)


def test_number_of_themes_comes_from_the_data():
    assert len(set(cluster_members(_vectors([4, 4, 4])))) == 3
    assert len(set(cluster_members(_vectors([5, 5])))) == 2
    assert len(set(cluster_members(_vectors([1])))) == 1


def test_labels_are_what_sets_a_theme_apart():
    clusters = [
        [Counter({"delivery": 1, "late": 1, "delivery slot": 1}), Counter({"delivery": 1, "late": 1})],
        [Counter({"price": 1, "expensive": 1}), Counter({"price": 1, "high": 1})],
    ]
    labels = label_clusters(clusters)
    assert labels[0].startswith("delivery") or labels[0].startswith("late")
    assert "price" in labels[1]
