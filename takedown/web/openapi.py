"""The OpenAPI 3.1 description of the JSON API (``/api/v1/openapi.json``).

Built in code so the enumerations (platform slugs, letter kinds, jurisdictions,
roles) always match the directory and the case model in use. The operations and their
status codes are written here, and must match ``takedown/web/views/api.py``; every body's
schema comes from its one declaration (the case in ``takedown/case.py``, each response in
``takedown/web/serialize.py``). No Flask here.
"""

from __future__ import annotations

from takedown import case as case_model
from takedown import jurisdictions, letterkinds
from takedown.web import serialize

VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def schemas() -> dict:
    """Every body's schema: the responses' shapes (serialize.py), the case, and the one
    request that is not a case."""
    return {**serialize.schemas(),
            "IdentifyRequest": {"type": "object",
                                "properties": {"url": {"type": "string",
                                                       "maxLength": case_model.MAX_URL}},
                                "required": ["url"], "additionalProperties": False}}


_NO_STORE = {"Cache-Control": {"$ref": "#/components/headers/CacheControl"}}
_LIMITED = {**_NO_STORE, "Retry-After": {"$ref": "#/components/headers/RetryAfter"}}


def _json(description: str, schema: str, headers: dict = _NO_STORE) -> dict:
    return {"description": description, "headers": dict(headers),
            "content": {"application/json": {"schema": _ref(schema)}}}


def _error(code: int) -> dict:
    return {"$ref": f"#/components/responses/{code}"}


# Examples for the request bodies: a parent where the question lists first, an Instagram link
# and threats.
EXAMPLE_CASE = {
    "schema": case_model.SCHEMA,
    "jurisdiction": next(iter(jurisdictions.JURISDICTIONS)),
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


def _kinds(kinds) -> str:
    """'a', 'b' and 'c'."""
    quoted = [f"'{kind.slug}'" for kind in kinds]
    return " and ".join(quoted) if len(quoted) < 3 else (
        ", ".join(quoted[:-1]) + " and " + quoted[-1])


def _letters_description() -> str:
    """Who may have which letter and what each needs, from the letter kinds."""
    signed = [kind for kind in letterkinds.KINDS if kind.signed]
    limits = {}
    for kind in letterkinds.KINDS:
        if kind.who is not letterkinds.ANYONE:
            limits.setdefault(kind.who.words, []).append(kind)
    return " ".join([
        f"Kinds {_kinds(signed)} are signed: they need requester.name and one of "
        "requester.email, requester.phone or requester.address; the others need at most "
        "requester.name.",
        *(f"Kinds {_kinds(kinds)} are {words}." for words, kinds in limits.items()),
        "Anything missing is a 422 naming the fields."])


def _platform_parameter() -> str:
    takes = [kind for kind in letterkinds.KINDS if kind.takes_platform]
    from_log = [kind for kind in takes if kind.from_log]
    return (f"For kinds {_kinds(takes)} only, and then required: the slug of a platform in "
            f"the case (for {_kinds(from_log)}, one with a logged report). Missing, unknown, "
            "not in the case, or given for another kind: 422 with field 'platform'.")


def document(rate_limited: bool = False, max_content_length: int | None = None) -> dict:
    """Return the OpenAPI 3.1 document.

    ``rate_limited``: whether a rate limiter is on, so every operation can answer 429.
    """
    limit = ("" if max_content_length is None
             else f" The limit is {max_content_length:,} bytes.")
    posted = {"400": _error(400), "413": _error(413), "415": _error(415), "422": _error(422)}
    slug_param = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    kinds = list(letterkinds.SLUGS)
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
            "description": _letters_description(),
            "parameters": [
                {"name": "kind", "in": "path", "required": True,
                 "description": "Any other kind is a 404.",
                 "schema": {"type": "string", "enum": kinds}},
                {"name": "platform", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": _platform_parameter()},
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
