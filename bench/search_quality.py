"""How well `dprkrel search` answers the questions of tests/data/search_questions.yaml.

Usage (with the Python of the environment dprkrel is installed in):

    .venv/bin/python bench/search_quality.py [--verbose]

Prints the share of questions with an answer first and in the top 3, and every question
whose answer is not first (its rank, or "-" when missing from the top 10). The test
tests/test_search.py asserts the thresholds: at least 90 % in the top 3, 70 % first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "search_questions.yaml"


def ranks(path: Path = QUESTIONS) -> list[tuple[str, list[str], int | None, list[str]]]:
    """(question, answers, rank of the first answer from 1 or None, ids returned) per question."""
    import yaml

    from dprkrel.core.paths import builtin_fact_paths
    from dprkrel.core.reading import load
    from dprkrel.core.search import search

    base = load(builtin_fact_paths())
    rows = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        found = [hit.record.id for hit in search(base, str(item["q"]), limit=10)]
        rank = next((number for number, id_ in enumerate(found, 1) if id_ in item["answers"]), None)
        rows.append((str(item["q"]), list(item["answers"]), rank, found))
    return rows


def rates(rows: list[tuple[str, list[str], int | None, list[str]]]) -> tuple[float, float]:
    """The shares of questions answered first and in the top 3."""
    first = sum(1 for row in rows if row[2] == 1) / len(rows)
    top3 = sum(1 for row in rows if row[2] is not None and row[2] <= 3) / len(rows)
    return first, top3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="also show what came first for each miss")
    options = parser.parse_args(argv)
    rows = ranks()
    first, top3 = rates(rows)
    print(f"{len(rows)} questions: answer first {first:.0%}, in the top 3 {top3:.0%} (targets 70 %, 90 %)")
    for question, answers, rank, found in rows:
        if rank != 1:
            print(f"  rank {rank or '-':>2}: {question!r} -> {', '.join(answers)}")
            if options.verbose:
                print(f"           got {', '.join(found[:3]) or 'nothing'}")
    return 0 if first >= 0.7 and top3 >= 0.9 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into head
        sys.exit(0)
