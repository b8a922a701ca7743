"""Build synth/resources/first_names.txt, the first-name gazetteer the redactor uses.

Source: the `names-dataset` package (Philippe Remy, Apache-2.0; names and their
popularity rank per country, from a public Facebook dump). The full package is
not a run-time dependency: loading its first names alone takes 6.3 s and 880 MB
(measured on this machine), its surnames more; a run needs only the names
people commonly carry. This script keeps every first name ranked in the top
`--rank` of any country, written in Latin letters, 2 to 20 characters, one a
line, lowercase, sorted. Run it with names-dataset installed:

    pip install names-dataset && python scripts/build_name_gazetteer.py
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import re
import importlib.util
from pathlib import Path

LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-ž][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’-]{1,19}$")
OUT = Path(__file__).resolve().parent.parent / "synth" / "resources" / "first_names.txt"


def popular(first_names: dict, max_rank: int) -> list[str]:
    kept = set()
    for name, info in first_names.items():
        ranks = (info or {}).get("rank") or {}
        if ranks and min(ranks.values()) <= max_rank and LATIN.match(name):
            kept.add(name.lower())
    return sorted(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rank", type=int, default=1000, help="keep names ranked this high in any country")
    args = parser.parse_args()
    spec = importlib.util.find_spec("names_dataset")  # the data only: the package itself imports pycountry
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("names-dataset is not installed: pip install names-dataset")
    data = Path(list(spec.submodule_search_locations)[0]) / "v3" / "first_names.pkl.gz"
    with gzip.open(data) as handle:
        names = popular(pickle.load(handle), args.rank)
    header = f"# first names ranked in the top {args.rank} of any country; from names-dataset (its LICENSE file: Apache-2.0)\n"
    OUT.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main()
