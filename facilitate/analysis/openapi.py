"""The analysis endpoints' part of the OpenAPI document (merged in by
:func:`facilitate.api.openapi.document`)."""


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
_PEOPLE = {
    "type": ["integer", "null"],
    "minimum": 0,
    "description": "null when fewer than `EXPORT_MIN_GROUP_SIZE` people.",
}

SCHEMAS = {
    "Themes": {
        "type": "object",
        "required": ["filter", "contributions", "themes", "method"],
        "properties": {
            "filter": {"type": "object", "description": "The filter's set values."},
            "contributions": {"type": "integer", "minimum": 0},
            "method": {"type": "string", "description": "How themes are found, in words."},
            "themes": {
                "type": "array",
                "description": "Leader-set themes first, then those found (largest first), "
                "then `other` (contributions that fit no theme).",
                "items": _ref("Theme"),
            },
        },
    },
    "Theme": {
        "type": "object",
        "required": ["key", "source", "name", "terms", "count", "people", "quotes"],
        "properties": {
            "key": {"type": "string", "description": "Stable for the same contributions."},
            "source": {"enum": ["leader", "found", "other"]},
            "name": {"type": "string", "description": "The leader's label or the top terms."},
            "terms": {"type": "array", "items": {"type": "string"}},
            "count": {"type": "integer", "description": "Contributions, merged ones included."},
            "people": _PEOPLE,
            "quotes": {
                "type": "array",
                "maxItems": 3,
                "items": {"type": "string"},
                "description": "The contributions' text only; hidden, unapproved and "
                "withdrawn ones never.",
            },
            "suggested_tag": {
                "type": ["object", "null"],
                "properties": {
                    "id": {"type": "string"},
                    "label": {"type": "string"},
                    "applies_to": {"type": "integer"},
                    "of": {"type": "integer"},
                    "accepted": {"type": "boolean"},
                },
            },
        },
    },
    "Opinions": {
        "type": "object",
        "required": ["filter", "method", "steps"],
        "properties": {
            "filter": {"type": "object"},
            "method": {"type": "string"},
            "steps": {"type": "array", "items": _ref("StepOpinions")},
        },
    },
    "StepOpinions": {
        "type": "object",
        "required": ["module", "part", "step", "groups", "consensus", "points", "summary"],
        "properties": {
            "module": {"type": "string"},
            "part": {"type": "string"},
            "step": {"type": "string"},
            "prompt": {"type": "string"},
            "participants": _PEOPLE,
            "left_out": {**_PEOPLE, "description": "People in groups too small to be shown."},
            "explained_variance": _SHARE,
            "silhouette": {"type": ["number", "null"]},
            "summary": {"type": "string"},
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["group", "size", "centre", "distinguishing", "explanation"],
                    "properties": {
                        "group": {"enum": ["A", "B", "C", "D", "E"]},
                        "size": {"type": "integer"},
                        "centre": {"type": "array", "items": {"type": "number"}},
                        "distinguishing": {"type": "array", "items": _ref("OpinionFinding")},
                        "explanation": {"type": "string"},
                    },
                },
            },
            "consensus": {"type": "array", "items": _ref("OpinionFinding")},
            "points": {
                "type": "array",
                "description": "`[x, y, group]` per person of a shown group (the map).",
                "items": {"type": "array", "prefixItems": [{"type": "number"}] * 2},
            },
        },
    },
    "OpinionFinding": {
        "type": "object",
        "required": ["statement", "text", "direction", "share", "explanation"],
        "properties": {
            "statement": {"type": "string"},
            "text": {"type": "string"},
            "direction": {"enum": ["agree", "disagree"]},
            "share": _SHARE,
            "rest_share": _SHARE,
            "explanation": {"type": "string"},
        },
    },
}


def paths(filter_parameters: list[dict]) -> dict:
    """The analysis paths; ``filter_parameters`` are the export's filter parameters."""
    common = {
        "401": _error("Unauthorized"),
        "403": _error("Forbidden"),
        "404": _error("NotFound"),
        "503": _error("Unavailable"),
    }
    bad = {
        "description": "A filter that cannot be used (the export's codes: `unknown_filter`, "
        "`unknown_module`, `invalid_date`, `empty_filter`, ...).",
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    step = {
        "name": "step",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Only this statements step (its id); else every one of the selection.",
    }
    return {
        "/analysis/themes": {
            "get": {
                "summary": "Themes of open input across sessions",
                "operationId": "analysisThemes",
                "description": "Open and word-cloud contributions of the selection grouped by "
                "content (Snowball stems, TF-IDF, k-means with the number of themes by "
                "silhouette), as the analyst page shows them, in the request's language. "
                "Hidden and unapproved contributions are never included (`include_hidden` is "
                "ignored). Analysts and admins only.",
                "parameters": filter_parameters,
                "responses": {
                    "200": {
                        "description": "The themes.",
                        "content": {"application/json": {"schema": _ref("Themes")}},
                    },
                    "400": bad,
                    **common,
                },
            }
        },
        "/analysis/opinions": {
            "get": {
                "summary": "Opinion groups of statements steps",
                "operationId": "analysisOpinions",
                "description": "Per statements step: PCA of the participant × statement "
                "matrix, k-means groups (k from 2 to 5 by silhouette, fixed seed), groups of "
                "at least `EXPORT_MIN_GROUP_SIZE` people only, the statements that set each "
                "apart and those all agree on, explained in words. Analysts and admins only.",
                "parameters": [*filter_parameters, step],
                "responses": {
                    "200": {
                        "description": "The opinion groups.",
                        "content": {"application/json": {"schema": _ref("Opinions")}},
                    },
                    "400": {
                        **bad,
                        "description": bad["description"]
                        + " `unknown_statements_step`: no statements step with that id.",
                    },
                    **common,
                },
            }
        },
    }
