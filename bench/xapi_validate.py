"""Benchmark of the statement validator: microseconds per statement, small and large.

    .venv/bin/python bench/xapi_validate.py
    .venv/bin/python bench/xapi_validate.py --number 50000 --json

"small" is what the platform writes for a lesson: account actor, verb, an
activity with a short definition, a timestamp. "large" is the long example of
the spec's Appendix A with a score, a choice interaction, context activities,
2.0 contextAgents and an attachment. "cold" gives every statement distinct
activity IRIs, so the validator's cache of known IRIs cannot help: the figure
for a stream of statements about activities it has never seen.
"""

import argparse
import copy
import json
import logging
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xapi.validation import validate_statement  # noqa: E402

log = logging.getLogger("bench.xapi_validate")

BASE = "https://campus.example.com"
COURSE = f"{BASE}/xapi/activities/course/welding-basics"

SMALL = {
    "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "actor": {"objectType": "Agent", "account": {"homePage": BASE, "name": "u-8f3a2c"}},
    "verb": {
        "id": "http://adlnet.gov/expapi/verbs/completed",
        "display": {"en": "completed", "de": "abgeschlossen"},
    },
    "object": {
        "objectType": "Activity",
        "id": f"{COURSE}/module/m1/lesson/l1",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/lesson",
            "name": {"de": "Sicherheit am Arbeitsplatz"},
        },
    },
    "timestamp": "2024-05-01T10:00:00.000Z",
}

LARGE = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {
        "objectType": "Group",
        "name": "Team PB",
        "mbox": "mailto:teampb@example.com",
        "member": [
            {"name": "Andrew Downes", "account": {"homePage": BASE, "name": "13936749"}},
            {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/"},
            {"name": "Ena Hills", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
        ],
    },
    "verb": {
        "id": "http://adlnet.gov/expapi/verbs/answered",
        "display": {"en-GB": "answered", "en-US": "answered", "de-DE": "beantwortet"},
    },
    "object": {
        "objectType": "Activity",
        "id": f"{COURSE}/module/m1/lesson/l3/question/q7",
        "definition": {
            "name": {"de": "Schutzgas", "en": "Shielding gas"},
            "description": {"de": "Welches Gas schützt das Schmelzbad?", "en": "Which gas?"},
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "moreInfo": f"{BASE}/courses/welding-basics",
            "interactionType": "choice",
            "correctResponsesPattern": ["argon[,]co2"],
            "choices": [
                {"id": "argon", "description": {"de": "Argon", "en": "Argon"}},
                {"id": "co2", "description": {"de": "Kohlendioxid", "en": "Carbon dioxide"}},
                {"id": "o2", "description": {"de": "Sauerstoff", "en": "Oxygen"}},
                {"id": "n2", "description": {"de": "Stickstoff", "en": "Nitrogen"}},
            ],
            "extensions": {f"{BASE}/xapi/extensions/points": 2},
        },
    },
    "result": {
        "score": {"scaled": 0.5, "raw": 1, "min": 0, "max": 2},
        "success": False,
        "completion": True,
        "response": "argon",
        "duration": "PT1M12.5S",
        "extensions": {f"{BASE}/xapi/extensions/attempt": 2},
    },
    "context": {
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "instructor": {"account": {"homePage": BASE, "name": "t-77"}},
        "contextActivities": {
            "parent": [{"id": f"{COURSE}/module/m1/lesson/l3", "objectType": "Activity"}],
            "grouping": [
                {"id": f"{COURSE}/module/m1", "objectType": "Activity"},
                {"id": COURSE, "objectType": "Activity"},
            ],
            "category": [
                {
                    "id": f"{BASE}/xapi/profile",
                    "definition": {"type": "http://adlnet.gov/expapi/activities/profile"},
                }
            ],
        },
        "contextAgents": [
            {
                "objectType": "contextAgent",
                "agent": {"account": {"homePage": BASE, "name": "t-77"}},
                "relevantTypes": ["https://w3id.org/xapi/cmi5/activitytype/instructor"],
            }
        ],
        "revision": "2024.2",
        "platform": "ATLAS Campus",
        "language": "de-DE",
        "statement": {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
        "extensions": {f"{BASE}/xapi/extensions/course-version": "7"},
    },
    "timestamp": "2024-05-01T10:00:00.000+02:00",
    "stored": "2024-05-01T08:00:00.123Z",
    "authority": {"objectType": "Agent", "account": {"homePage": BASE, "name": "lms"}},
    "version": "2.0.0",
    "attachments": [
        {
            "usageType": "http://id.tincanapi.com/attachment/certificate-of-completion",
            "display": {"de": "Zertifikat", "en": "Certificate"},
            "contentType": "application/pdf",
            "length": 48213,
            "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
            "fileUrl": f"{BASE}/certificates/abc.pdf",
        }
    ],
}


def per_statement_us(statement: dict, version: str, number: int) -> float:
    """Best of five timeit runs, in microseconds per validation."""
    runs = timeit.repeat(lambda: validate_statement(statement, version), number=number, repeat=5)
    return min(runs) / number * 1e6


def cold_us(template: dict, version: str, number: int) -> float:
    """Each statement about activities the validator has not seen before."""
    statements = []
    for index in range(number):
        statement = copy.deepcopy(template)
        statement["object"]["id"] = f"{COURSE}/module/m{index}/lesson/l{index}"
        statements.append(statement)
    timer = timeit.default_timer
    start = timer()
    for statement in statements:
        validate_statement(statement, version)
    return (timer() - start) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20000, help="validations per timing run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    figures = {}
    for version in ("1.0.3", "2.0.0"):
        log.info("timing xAPI %s rules, %d validations per run", version, args.number)
        figures[version] = {
            "small_us": per_statement_us(SMALL, version, args.number),
            "large_us": per_statement_us(LARGE, version, args.number // 4)
            if version == "2.0.0"
            else per_statement_us(_without_2_0(LARGE), version, args.number // 4),
            "small_cold_us": cold_us(SMALL, version, args.number),
        }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{'rules':8} {'small µs':>10} {'large µs':>10} {'small, cold µs':>16}")
    for version, values in figures.items():
        print(
            f"{version:8} {values['small_us']:10.1f} {values['large_us']:10.1f}"
            f" {values['small_cold_us']:16.1f}"
        )


def _without_2_0(statement: dict) -> dict:
    """The large statement as a 1.0.3 client would send it: no contextAgents, version 1.0.0."""
    older = copy.deepcopy(statement)
    del older["context"]["contextAgents"]
    older["version"] = "1.0.0"
    return older


if __name__ == "__main__":
    main()
