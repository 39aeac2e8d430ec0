"""Locust users for `make load` (driven by bench/load.py; not part of `make test`).

Two user classes, picked by name on the locust command line:

* GuideReader -- only the cheap pages: the start page, the platform index and one
  guide per platform. Shows guide latency without PDFs competing for the CPU.
* MixedUser   -- a realistic mix: mostly guide pages, some plan submissions
  (POST /api/v1/plan), some platform letters (POST /api/v1/letters/platform)
  and some whole packs (POST /api/v1/letters/pack).

Every request is tagged with a group (guide, plan, letter, pack); the ``request``
listener keeps each response time so load.py can work out exact percentiles per
group, and writes them to $LOAD_SAMPLES as JSON when locust quits. A 503 or 429 with
Retry-After (the busy page, a rate limit) is counted as a clean refusal, apart from errors.

This file runs in .venv-load (locust), not in the app's virtualenv, so it does not
import takedown: load.py passes the platform slugs, and for each a link the app
recognises, in $LOAD_PLATFORMS. Only send this traffic to a server you started on
127.0.0.1: load.py refuses any other host.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter, defaultdict
from datetime import date, timedelta

from locust import FastHttpUser, between, events, task

# [{"slug": "instagram", "url": "https://instagram.com/p/..."|null}, ...]
PLATFORMS = json.loads(os.environ.get("LOAD_PLATFORMS") or "[]") or [
    {"slug": "instagram", "url": None}, {"slug": "snapchat", "url": None},
    {"slug": "tiktok", "url": None}, {"slug": "other", "url": None},
]
SLUGS = [p["slug"] for p in PLATFORMS]
WAIT_MIN = float(os.environ.get("LOAD_WAIT_MIN", "1"))
WAIT_MAX = float(os.environ.get("LOAD_WAIT_MAX", "3"))

JURISDICTIONS = ["england", "england", "england", "wales", "scotland", "northern-ireland",
                 "us", "eu", "australia"]
ROLES = ["parent", "parent", "parent", "school", "caseworker", "young-person"]
FIRST_NAMES = ["Sam", "Alex", "Priya", "Tomasz", "Aisha", "Gareth", "Mairead", "Chen", "Olu"]
SURNAMES = ["Carter", "Nowak", "Patel", "Jones", "Okafor", "Campbell", "Li", "Murphy"]
DESCRIPTIONS = ["Posted in a group chat of year 9 pupils", "Shared as a story, now deleted?",
                "Reposted by an account I don't know", "Sent to her by DM and screenshotted",
                None, None]


def _place(entry: dict) -> dict:
    """One place the image appears: by link (the app recognises the platform) or by choice."""
    place: dict = {}
    if entry.get("url") and random.random() < 0.6:
        place["url"] = entry["url"] + "/" + "".join(random.choices("abcdefghjkmnpqrstuvwxyz0123456789", k=10))
    else:
        place["platform"] = entry["slug"]
    if entry["slug"] == "other" and "url" not in place and random.random() < 0.7:
        place["url"] = "https://forum.example.net/t/" + str(random.randint(1000, 99999))
        place.pop("platform", None)
    description = random.choice(DESCRIPTIONS)
    if description:
        place["description"] = description
    if random.random() < 0.4:
        place["account"] = "@" + random.choice(["user", "anon", "throwaway"]) + str(random.randint(1, 9999))
    if not ("url" in place or "description" in place or "account" in place):
        # A letter needs something to find the place by; the plan asks for it first.
        place["account"] = "@user" + str(random.randint(1, 9999))
    if random.random() < 0.5:
        place["first_seen"] = (date.today() - timedelta(days=random.randint(0, 30))).isoformat()
    return place


def make_case(signed: bool, places: int | None = None) -> tuple[dict, list[str]]:
    """A realistic case (schema takedown-case/1) of 1-5 places, and its named platforms."""
    count = places or random.randint(1, 5)
    entries = random.sample(PLATFORMS, k=min(count, len(PLATFORMS)))
    age = random.choice([12, 13, 14, 15, 15, 16, 17])
    requester: dict = {"role": random.choice(ROLES)}
    if requester["role"] == "young-person":
        age = random.choice([15, 16, 17])
    if signed:
        first, last = random.choice(FIRST_NAMES), random.choice(SURNAMES)
        requester["name"] = f"{first} {last}"
        requester["email"] = f"{first.lower()}.{last.lower()}@example.com"
        if random.random() < 0.3:
            requester["phone"] = "01632 960 " + str(random.randint(100, 999))
    case = {
        "schema": "takedown-case/1",
        "jurisdiction": random.choice(JURISDICTIONS),
        "requester": requester,
        "person": {"age": age, "under_18": True},
        "concerns": {
            "immediate_danger": random.random() < 0.05,
            "threats": random.random() < 0.3,
            "adult_involved": random.random() < 0.15,
            "shared_at_school": random.random() < 0.5,
        },
        "locations": [_place(e) for e in entries],
    }
    if random.random() < 0.4:
        case["school"] = {"name": "Riverside Academy", "contact_name": "Ms Evans",
                          "email": "dsl@school.example"}
    return case, [e["slug"] for e in entries]


# --- per-group samples, written out when locust quits -------------------------------

_samples: dict[str, list[float]] = defaultdict(list)
_errors: Counter = Counter()
_error_kinds: Counter = Counter()
# Refusals that are answers, not errors: a 503 busy page or a 429, each with Retry-After.
_clean_refusals: Counter = Counter()
CLEAN = "clean refusal"


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, context=None, **_):
    group = (context or {}).get("group") or name.split(":", 1)[0]
    _samples[group].append(response_time)
    if exception is not None and str(exception).startswith(CLEAN):
        _clean_refusals[group] += 1
    elif exception is not None:
        _errors[group] += 1
        _error_kinds[f"{group} {request_type} {name}: {str(exception)[:160]}"] += 1


@events.quitting.add_listener
def _write_samples(environment, **_):
    path = os.environ.get("LOAD_SAMPLES")
    if not path:
        return
    total = environment.stats.total
    with open(path, "w", encoding="utf-8") as out:
        json.dump({
            "samples_ms": _samples,
            "errors": _errors,
            "error_kinds": dict(_error_kinds.most_common(20)),
            "clean_refusals": _clean_refusals,
            "total_requests": total.num_requests,
            "total_failures": total.num_failures,
            "total_rps": total.total_rps,
            "written_at": time.time(),
        }, out)


# --- the users ----------------------------------------------------------------------


class _Base(FastHttpUser):
    abstract = True
    wait_time = between(WAIT_MIN, WAIT_MAX)
    network_timeout = 40.0   # above nginx's 30 s wait for an answer
    connection_timeout = 10.0

    @staticmethod
    def refused_cleanly(response) -> bool:
        """A 503 or 429 that says when to come back: counted apart from errors."""
        if response.status_code in (503, 429) and response.headers.get("Retry-After"):
            response.failure(f"{CLEAN}: HTTP {response.status_code}")
            return True
        return False

    def get_page(self, path: str, name: str):
        with self.client.get(path, name=name, context={"group": "guide"},
                             catch_response=True) as response:
            if self.refused_cleanly(response):
                return
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "text/html" not in (response.headers.get("Content-Type") or ""):
                response.failure("not HTML")
            else:
                response.success()

    def page_guide(self):
        self.get_page(f"/platforms/{random.choice(SLUGS)}", "guide: /platforms/[slug]")

    def page_index(self):
        self.get_page("/platforms", "guide: /platforms")

    def page_start(self):
        self.get_page("/", "guide: /")


class GuideReader(_Base):
    """Someone reading the guides: no forms, no PDFs."""

    @task(8)
    def read_guide(self):
        self.page_guide()

    @task(1)
    def read_index(self):
        self.page_index()

    @task(1)
    def read_start(self):
        self.page_start()


class MixedUser(_Base):
    """The whole site: guides, plans, letters and packs."""

    @task(8)
    def read_guide(self):
        self.page_guide()

    @task(2)
    def read_index(self):
        self.page_index()

    @task(2)
    def read_start(self):
        self.page_start()

    @task(3)
    def plan(self):
        case, _ = make_case(signed=random.random() < 0.5)
        with self.client.post("/api/v1/plan", json=case, name="plan: POST /api/v1/plan",
                              context={"group": "plan"}, catch_response=True) as response:
            if self.refused_cleanly(response):
                return
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:200] if response.text else ''}")
                return
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON")
                return
            if not isinstance(body, dict) or "plan" not in body:
                response.failure("no plan in the answer")
            else:
                response.success()

    def _pdf(self, path: str, name: str, group: str, case: dict):
        with self.client.post(path, json=case, name=name, context={"group": group},
                              catch_response=True) as response:
            kind = response.headers.get("Content-Type") or ""
            if self.refused_cleanly(response):
                return
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:200] if response.text else ''}")
            elif not kind.startswith("application/pdf") or not (response.content or b"").startswith(b"%PDF"):
                response.failure(f"not a PDF ({kind})")
            else:
                response.success()

    @task(2)
    def platform_letter(self):
        case, slugs = make_case(signed=True)
        # The person is under 18, so an unknown website ("other") goes to the IWF, not a letter.
        letterable = [s for s in slugs if s != "other"]
        if not letterable:
            case, slugs = make_case(signed=True, places=1)
            case["locations"] = [{"platform": "instagram", "account": "@user1"}]
            letterable = ["instagram"]
        slug = random.choice(letterable)
        self._pdf(f"/api/v1/letters/platform?platform={slug}",
                  "letter: POST /api/v1/letters/platform", "letter", case)

    @task(1)
    def pack(self):
        case, _ = make_case(signed=True)
        self._pdf("/api/v1/letters/pack", "pack: POST /api/v1/letters/pack", "pack", case)
