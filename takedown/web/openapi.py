"""The OpenAPI 3.1 description of the JSON API (``/api/v1/openapi.json``).

Built in code so the enumerations (platform slugs, letter kinds, jurisdictions,
roles) always match the directory and the case model in use. It must describe
exactly what ``takedown/web/views/api.py`` does: every status code each operation
can return, and the shape of every body. No Flask here.
"""

from __future__ import annotations

from takedown import case as case_model
from takedown import deadlines, platforms
from takedown.declare import DATE_PATTERN
from takedown.letters import KINDS

VERSION = "1.0.0"
SECTION_IDS = ("urgent", "first", "not-to-do", "report", "stop-sharing", "school", "support")
_DATE = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
_URL = {"type": "string", "format": "uri"}
_MOMENT = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(properties: dict, required=None, description: str | None = None) -> dict:
    """A closed object; ``required`` defaults to every property."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else list(required),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _sourced(properties: dict, description: str | None = None) -> dict:
    """A fact from the directory, with the address it was checked against and when."""
    return _obj({**properties, "source": {**_URL, "description": "The https address the fact "
                                          "was checked against."},
                 "source_kind": {"type": "string", "enum": ["primary", "secondary"],
                                 "description": "primary: the platform's, regulator's or "
                                 "law's own page; secondary: someone else describing it."},
                 "last_checked": {**_DATE, "description": "When it was last checked."},
                 "read_in_copy": _nullable({**_URL, "description": "The copy actually read, "
                                            "when the page at source itself was not."}),
                 "source_date": _nullable({**_DATE, "description": "The date of the copy "
                                           "read (an archived or dated copy)."}),
                 "why_secondary": _nullable({"type": "string", "description": "For a "
                                             "secondary source: why no primary page was "
                                             "read."})},
                description=description)


def schemas() -> dict:
    slugs = [p.slug for p in platforms.all_platforms()]
    slug = {"type": "string", "enum": slugs}
    kinds = list(KINDS)
    return {
        "Error": _obj({"error": {"type": "string", "description": "The HTTP status, in words."},
                       "message": {"type": "string", "description": "What went wrong."}}),
        "FieldError": _obj({
            "field": {"type": "string", "minLength": 1, "description": (
                "Where the problem is: a dotted path into the body such as "
                "'requester.email' or 'locations[0].url', or 'platform' for the ?platform query "
                "parameter of a letter.")},
            "message": {"type": "string", "minLength": 1},
        }),
        "FieldErrors": _obj({"errors": {"type": "array", "minItems": 1,
                                        "items": _ref("FieldError")}}),
        **case_model.case_schemas(),
        "IdentifyRequest": _obj({"url": {"type": "string", "maxLength": case_model.MAX_URL}}),
        "IdentifyResult": _obj({"platform": _nullable(slug)}),
        "PlatformSummary": _platform_summary(),
        "Steps": _sourced({"title": {"type": "string"},
                           "steps": {"type": "array", "items": {"type": "string"}}}),
        "Platform": _obj({
            **_platform_summary()["properties"],
            "domains": _nullable(_sourced({
                "domains": {"type": "array", "items": {"type": "string"}, "description":
                            "Hosts recognised with all their subdomains."},
                "hosts": {"type": "array", "items": {"type": "string"}, "description":
                          "Hosts recognised only exactly."},
            })),
            "in_app": _nullable(_ref("Steps")),
            "web_forms": {"type": "array", "items": _sourced({
                "title": {"type": "string"},
                "url": _URL,
                "account_needed": _nullable({"type": "boolean"}),
                "audiences": {"type": "array",
                              "items": {"type": "string", "enum": list(platforms.AUDIENCES)}},
            })},
            "after_report": _nullable(_ref("Steps")),
            "entities": {"type": "array", "items": _sourced({
                "name": {"type": "string"},
                "address": _nullable({"type": "string"}),
                "serves": {"type": "array", "minItems": 1,
                           "items": {"type": "string", "enum": list(platforms.serves_values(
                               platforms.DATA_FILE.read_text(encoding="utf-8")))},
                           "description": "Whom the terms name it for: regions (uk, eu, us, "
                                          "australia, canada), uk-eu, rest-of-world, or "
                                          "worldwide (everyone not named elsewhere)."},
            }, description="A company that runs the service for some users.")},
            "hash_lists": {"type": "array", "items": _sourced({
                "name": {"type": "string", "enum": list(platforms.HASH_LISTS)},
                "title": {"type": "string"},
                "participates": {"type": "boolean"},
            })},
            "notes": {"type": "array", "items": _sourced({"text": {"type": "string"}})},
        }, description="A directory entry. A fact that could not be confirmed is null or absent "
                       "from its list, never guessed."),
        "Link": _obj({"label": {"type": "string"}, "url": _URL}),
        "PlanLocation": _obj({
            "platform": {"type": "string"}, "url": _nullable({"type": "string"}),
            "description": _nullable({"type": "string"}), "account": _nullable({"type": "string"}),
            "first_seen": _nullable(_DATE),
            "reports": {"type": "array", "items": _ref("Report")},
        }),
        "Step": _obj({
            "id": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "array", "items": {"type": "string"}},
            "items_title": _nullable({"type": "string"}),
            "items": {"type": "array", "items": {"type": "string"},
                      "description": "Steps to follow in order, such as a platform's in-app "
                                     "reporting steps, headed by items_title."},
            "links": {"type": "array", "items": _ref("Link")},
            "places": {"type": "array", "items": _ref("PlanLocation"),
                       "description": "The places in the case this step is about."},
            "platform": _nullable({"type": "string"}),
            "phone": _nullable({"type": "string"}),
        }),
        "Section": _obj({
            "id": {"type": "string", "enum": list(SECTION_IDS)},
            "title": {"type": "string"},
            "steps": {"type": "array", "minItems": 1, "items": _ref("Step")},
        }),
        "LetterOption": _obj({
            "kind": {"type": "string", "enum": kinds},
            "platform": _nullable({"type": "string"}),
            "title": {"type": "string"},
        }),
        "Plan": _obj({
            "reference": {"type": "string", "pattern": case_model.REFERENCE_PATTERN},
            "urgent": {"type": "boolean", "description": "Someone is in danger, there are "
                       "threats, or an adult is involved: do the 'urgent' section first."},
            "sections": {"type": "array", "items": _ref("Section"),
                         "description": "In the order to do them; empty sections are left out."},
            "letters": {"type": "array", "items": _ref("LetterOption")},
        }),
        "PlanResult": _obj({"case": _ref("Case"), "plan": _ref("Plan")}),
        "PlaceProgress": _obj({
            "place": {"type": "integer", "minimum": 0, "description": "Index in locations."},
            "platform": {"type": "string"},
            "state": {"type": "string", "enum": list(deadlines.STATES)},
            "due_at": _nullable({**_MOMENT, "description": "When the next step is due (UTC)."}),
            "hours_passed": _nullable({"type": "integer", "minimum": 0, "description":
                                       "Hours since the first report to the platform."}),
            "hours_left": _nullable({"type": "integer", "minimum": 0}),
            "next_step": {"type": "string"},
            "rule": _nullable(_obj({
                "slug": {"type": "string"},
                "basis": {"type": "string", "enum": list(deadlines.BASES), "description": (
                    "law: the law sets the time; practice: a service's own advice; ours: "
                    "no law sets a time, the time is our own suggestion.")},
                "says": {"type": "string"},
                "source": _URL,
                "last_checked": _DATE,
            })),
            "letter": _nullable({"type": "string", "enum": list(deadlines.LETTERS)}),
            "routes": {"type": "array", "items": _obj({
                "slug": {"type": "string"}, "name": {"type": "string"}, "url": _URL})},
        }),
        "ProgressResult": _obj({"case": _ref("Case"), "now": _MOMENT,
                                "progress": {"type": "array", "items": _ref("PlaceProgress")}}),
        "PlatformList": _obj({"platforms": {"type": "array", "items": _ref("PlatformSummary")}}),
    }


def _platform_summary() -> dict:
    return _obj({
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": list(platforms.KINDS)},
        "summary": {"type": "string"},
        "last_checked": _nullable({**_DATE, "description": "The latest date any fact about "
                                   "this platform was checked."}),
    })


_NO_STORE = {"Cache-Control": {"$ref": "#/components/headers/CacheControl"}}
_LIMITED = {**_NO_STORE, "Retry-After": {"$ref": "#/components/headers/RetryAfter"}}


def _json(description: str, schema: str, headers: dict = _NO_STORE) -> dict:
    return {"description": description, "headers": dict(headers),
            "content": {"application/json": {"schema": _ref(schema)}}}


def _error(code: int) -> dict:
    return {"$ref": f"#/components/responses/{code}"}


# Examples for the request bodies: a parent in England, an Instagram link and threats.
EXAMPLE_CASE = {
    "schema": case_model.SCHEMA,
    "jurisdiction": "england",
    "requester": {"role": "parent", "name": "Alex Example", "email": "alex@example.org"},
    "person": {"age": 14},
    "concerns": {"threats": True, "threat_account": "fake.account.22"},
    "locations": [{"url": "https://www.instagram.com/p/C0ffee123/", "account": "sam.leaks"}],
}
_EXAMPLES = {
    "Case": {"parent-threats": {"summary": "A parent, an Instagram post, threats",
                                "value": EXAMPLE_CASE}},
    "IdentifyRequest": {"instagram": {"summary": "A pasted link, never fetched",
                                      "value": {"url": "instagram.com/p/C0ffee123"}}},
}


def _json_body(schema: str, description: str) -> dict:
    content = {"schema": _ref(schema)}
    if schema in _EXAMPLES:
        content["examples"] = _EXAMPLES[schema]
    return {"required": True, "description": description + (
        " Content-Type application/json or any application/*+json type, in UTF-8 (a charset "
        "parameter other than utf-8 is refused with 415)."),
        "content": {"application/json": content}}


def document(rate_limited: bool = False, max_content_length: int | None = None) -> dict:
    """Return the OpenAPI 3.1 document.

    ``rate_limited``: whether a rate limiter is on, so every operation can answer 429.
    """
    limit = ("" if max_content_length is None
             else f" The limit is {max_content_length:,} bytes.")
    posted = {"400": _error(400), "413": _error(413), "415": _error(415), "422": _error(422)}
    slug_param = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    kinds = list(KINDS)
    paths = {
        "/api/v1/platforms": {"get": {
            "operationId": "listPlatforms",
            "summary": "The platform directory, in the order the site lists it",
            "responses": {"200": _json("Every platform.", "PlatformList")},
        }},
        "/api/v1/platforms/{slug}": {"get": {
            "operationId": "getPlatform",
            "summary": "One platform: how to report, who runs it, and the source of every fact",
            "parameters": [slug_param],
            "responses": {"200": _json("The platform.", "Platform"), "404": _error(404)},
        }},
        "/api/v1/identify": {"post": {
            "operationId": "identifyLink",
            "summary": "Which platform a link belongs to. The link is never fetched",
            "requestBody": _json_body("IdentifyRequest", "A link, as typed or pasted."),
            "responses": {"200": _json("The platform's slug, or null if we do not list it.",
                                       "IdentifyResult"), **posted},
        }},
        "/api/v1/plan": {"post": {
            "operationId": "makePlan",
            "summary": "The action plan for a case",
            "requestBody": _json_body("Case", "The case. Nothing in it is kept."),
            "responses": {"200": _json("The normalised case and its plan.", "PlanResult"),
                          **posted},
        }},
        "/api/v1/progress": {"post": {
            "operationId": "getProgress",
            "summary": "Each place's state after its logged reports, and what is due next",
            "requestBody": _json_body("Case", "The case, with its report log. Nothing in it "
                                      "is kept."),
            "responses": {"200": _json("Per place: its state, the next step and when it is "
                                       "due, with the rule and its source.", "ProgressResult"),
                          **posted},
        }},
        "/api/v1/calendar": {"post": {
            "operationId": "getCalendar",
            "summary": ("A calendar file (RFC 5545): the next morning at 09:00 for what is "
                        "due now, each chase-by time, none at night"),
            "description": "Neutral text only: the case reference and 'Check on report'.",
            "requestBody": _json_body("Case", "The case, with its report log. Nothing in it "
                                      "is kept."),
            "responses": {"200": {"description": "The calendar file.",
                                  "headers": dict(_NO_STORE),
                                  "content": {"text/calendar": {}}}, **posted},
        }},
        "/api/v1/letters/{kind}": {"post": {
            "operationId": "makeLetter",
            "summary": "A letter or record for the case, as a PDF",
            "description": (
                "Platform letters and the pack need requester.name and one of requester.email, "
                "requester.phone or requester.address; the school letter needs requester.name. "
                "School and IWF letters are only for a person under 18. Anything missing is a "
                "422 naming the fields."),
            "parameters": [
                {"name": "kind", "in": "path", "required": True,
                 "description": "Any other kind is a 404.",
                 "schema": {"type": "string", "enum": kinds}},
                {"name": "platform", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": (
                     "For kinds 'platform', 'follow-up' and 'escalation' only, and then "
                     "required: the slug of a platform in the case (for 'follow-up' and "
                     "'escalation', one with a logged report). Missing, unknown, not in the "
                     "case, or given for another kind: 422 with field 'platform'.")},
                {"name": "letterhead", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["true", "false"]},
                 "description": ("true: leave the top 45 mm of the first page blank for "
                                 "printed letterhead; the sender's details print in the "
                                 "signature block. PDF only.")},
            ],
            "requestBody": _json_body("Case", "The case. Nothing in it is kept."),
            "responses": {
                "200": {
                    "description": ("The PDF, to save or print (the default); or, when Accept "
                                    "prefers text/plain, the letter as UTF-8 text."),
                    "headers": {
                        **_NO_STORE,
                        "Content-Disposition": {
                            "description": "attachment; filename=\"takedown-<kind>[-<platform>]-"
                                           "<reference>.pdf\" (.txt for text)",
                            "schema": {"type": "string", "pattern": (
                                r'^attachment; filename="takedown-[A-Za-z0-9-]+\.(pdf|txt)"$')},
                        },
                    },
                    "content": {"application/pdf": {},
                                "text/plain": {"schema": {
                                    "type": "string",
                                    "description": ("With Accept: text/plain, the same letter as "
                                                    "UTF-8 text, made from the same content.")}}},
                },
                "404": _error(404),
                "503": _error(503),
                **posted,
            },
        }},
        "/api/v1/openapi.json": {"get": {
            "operationId": "getOpenAPI",
            "summary": "This document",
            "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                                  "headers": dict(_NO_STORE),
                                  "content": {"application/json": {"schema": {"type": "object"}}}}},
        }},
    }
    if rate_limited:
        for item in paths.values():
            for operation in item.values():
                operation["responses"]["429"] = _error(429)
    responses = {
        "400": {"description": "The body is not a JSON object: not valid UTF-8, not valid "
                               "JSON, empty, or another JSON value.",
                "headers": dict(_NO_STORE),
                "content": {"application/json": {"schema": _ref("Error")}}},
        "404": _json("Not found.", "Error"),
        "413": _json("The body is too large." + limit, "Error"),
        "415": _json("The body is not JSON (see the Content-Type rules).", "Error"),
        "422": _json("The JSON is well-formed but something in it is wrong; each error names "
                     "its field.", "FieldErrors"),
    }
    if rate_limited:
        responses["429"] = _json("Too many requests: wait Retry-After seconds.", "Error", _LIMITED)
    responses["503"] = _json("Too many letters are being made right now: wait Retry-After "
                             "seconds and send the same request again.", "Error", _LIMITED)
    headers = {
        "CacheControl": {"description": "Always no-store: responses can hold a case.",
                         "schema": {"type": "string", "const": "no-store"}},
        "RetryAfter": {"description": "Seconds to wait before trying again.",
                       "schema": {"type": "string"}},
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Takedown API",
            "version": VERSION,
            "summary": "Help to get a child's shared sexual image removed.",
            "description": (
                "Takedown stores nothing, takes no images and never fetches a link it is given. "
                "Every request carries the whole case; nothing is kept or logged. Every response "
                "has Cache-Control: no-store. Errors are JSON: {\"error\", \"message\"}, or "
                "{\"errors\": [{\"field\", \"message\"}]} for 422. A method a path does not "
                "list (including OPTIONS) gets 405 with an Allow header, and a path not listed "
                "gets 404."),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas(), "responses": responses, "headers": headers},
    }
