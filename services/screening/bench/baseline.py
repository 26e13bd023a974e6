#!/usr/bin/env python3
"""Brute-force baseline for the screening bench.

For each query, scores EVERY listed name with rapidfuzz's Jaro-Winkler
(normalised similarity, names lower-cased) and keeps those >= 0.80: the naive
approach an index has to beat. Prints per-query latency p50/p99 and the
single-core query rate.

usage: baseline.py QUERIES.tsv NAMES.txt [--limit N]
  QUERIES.tsv: "<kind>\\t<name>" per line (written by `cargo bench --bench http`)
  NAMES.txt:   one listed name per line (primary names and aliases)
"""
import sys
import time

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler


def main() -> None:
    args = sys.argv[1:]
    limit = None
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    with open(args[0], encoding="utf-8") as f:
        queries = [line.rstrip("\n").split("\t", 1)[1] for line in f if "\t" in line]
    with open(args[1], encoding="utf-8") as f:
        names = [line.rstrip("\n").lower() for line in f if line.strip()]
    if limit:
        queries = queries[:limit]
    latencies = []
    hits = 0
    for q in queries:
        t = time.perf_counter()
        found = process.extract(
            q.lower(),
            names,
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=0.80,
            limit=None,
        )
        latencies.append(time.perf_counter() - t)
        hits += len(found)
    latencies.sort()
    p = lambda x: latencies[round((len(latencies) - 1) * x)] * 1e3
    total = sum(latencies)
    print(
        f"baseline (python rapidfuzz Jaro-Winkler over all {len(names)} listed names, brute force, 1 core): "
        f"{len(queries)} queries, p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, "
        f"{len(queries) / total:.0f} queries/s, {hits} names >= 0.80"
    )


if __name__ == "__main__":
    main()
