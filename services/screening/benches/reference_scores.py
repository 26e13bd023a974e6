"""Scores labelled name pairs with the reference engine, for the accuracy
bench (`cargo bench -p cdd-screening --bench accuracy`).

The reference is nomenklatura's LogicV2, the matcher yente serves. Each pair
becomes two FollowTheMoney entities of the pair's schema with one `name`
each; the score is `LogicV2.compare(query, listed, defaults).score`.

Reads JSON lines `{"kind": ..., "query": ..., "listed": ...}` on standard
input; writes one score a line, in order, then a final line
`# seconds_per_pair <s>` with the time spent comparing (loading excluded).
"""

import json
import sys
import time
import uuid

from followthemoney import model
from nomenklatura.matching import LogicV2
from nomenklatura.matching.types import ScoringConfig

SCHEMA = {
    "person": "Person",
    "organisation": "Company",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}


def entity(kind: str, name: str):
    e = model.make_entity(SCHEMA[kind])
    # A fresh id each time: the engine caches by id.
    e.id = uuid.uuid4().hex
    e.add("name", name)
    return e


def main() -> None:
    config = ScoringConfig.defaults()
    pairs = [json.loads(line) for line in sys.stdin if line.strip()]
    # The first comparison loads reference data: keep it out of the timing.
    LogicV2.compare(entity("person", "warm up"), entity("person", "warm up"), config)
    out = []
    started = time.perf_counter()
    for p in pairs:
        q = entity(p["kind"], p["query"])
        r = entity(p["kind"], p["listed"])
        out.append(LogicV2.compare(q, r, config).score)
    elapsed = time.perf_counter() - started
    for s in out:
        print(f"{s:.6f}")
    print(f"# seconds_per_pair {elapsed / max(len(pairs), 1):.9f}")


if __name__ == "__main__":
    main()
