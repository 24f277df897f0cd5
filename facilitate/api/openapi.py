"""The OpenAPI 3.1 description of REST API v1, served at ``/api/v1/openapi.json``."""

from flask import current_app

from ..analysis import openapi as analysis
from ..sessions.operations import ACTIONS

API_VERSION = "1"

_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


_SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every error. `error` is a stable code; `message` is for people, in the "
        "language of the request (`Accept-Language`, Swedish by default).",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "examples": ["invalid_payload", "session_ended"]},
            "message": {"type": "string"},
        },
    },
    "ImportResult": {
        "type": "object",
        "required": ["sessions"],
        "properties": {
            "sessions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["uid", "status"],
                    "properties": {
                        "uid": {"type": "string", "format": "uuid"},
                        "status": {"enum": ["imported", "unchanged", "updated"]},
                    },
                },
            }
        },
    },
    "ImportError": {
        "type": "object",
        "description": "An import refused: `detail` says where in the document and what, in "
        "English.",
        "required": ["error", "message", "detail"],
        "properties": {
            "error": {"type": "string", "examples": ["schema_violation"]},
            "message": {"type": "string"},
            "detail": {"type": "string", "examples": ["sessions/0/uid: 'x' does not match"]},
        },
    },
    "Module": {
        "type": "object",
        "required": ["id", "title", "parts"],
        "properties": {
            "id": _ID,
            "kind": {"type": "string", "examples": ["study-circle", "dialogue"]},
            "title": {"type": "string"},
            "parts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title"],
                    "properties": {"id": _ID, "title": {"type": "string"}},
                },
            },
        },
    },
    "NewSession": {
        "type": "object",
        "required": ["module", "part"],
        "additionalProperties": False,
        "properties": {
            "module": {**_ID, "description": "A module id from `GET /modules`."},
            "part": {**_ID, "description": "A part id of that module."},
            "circle": {
                "type": ["string", "null"],
                "maxLength": 128,
                "description": "The id of the study circle this session is a meeting of, as a "
                "string of digits; the token's user must lead the circle (admins any), and it "
                "must follow `module`. Else `unknown_circle`, `forbidden` or "
                "`circle_module_mismatch`.",
            },
            "municipality": {
                "type": ["string", "null"],
                "maxLength": 128,
                "description": "Where a one-off session is held: one of Norrbotten's 14 "
                "municipalities, by id (`lulea`), name or SCB code; else `unknown_municipality`. "
                "A circle's meeting is in the circle's municipality whatever is given here.",
            },
        },
    },
    "CreatedSession": {
        "type": "object",
        "required": ["id", "code", "join_url", "status"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string", "pattern": "^[0-9]+$"},
            "join_url": {"type": "string", "format": "uri"},
            "status": {"const": "lobby"},
        },
    },
    "Session": {
        "type": "object",
        "required": ["id", "code", "status", "current_step", "steps"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string", "pattern": "^[0-9]+$"},
            "join_url": {"type": "string", "format": "uri"},
            "status": {"enum": ["lobby", "running", "ended"]},
            "module": _ID,
            "part": _ID,
            "municipality": {
                "type": ["string", "null"],
                "description": "The municipality's id (`lulea`) where the session is held.",
            },
            "title": {"type": ["string", "null"], "description": "The part's title."},
            "current_step": {
                "type": ["string", "null"],
                "description": "The step shown; null in the lobby.",
            },
            "open": {"type": "boolean", "description": "Whether answers are accepted."},
            "revealed": {"type": "boolean", "description": "Whether results are shown."},
            "participant_count": {"type": "integer", "minimum": 0},
            "time_left": {
                "type": ["number", "null"],
                "description": "Seconds until answering closes by itself; null without a timer.",
            },
            "settings": _ref("Settings"),
            "steps": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {
                        "id": _ID,
                        "kind": {"type": "string", "examples": ["info", "quiz", "poll"]},
                        "answerable": {"type": "boolean"},
                    },
                },
            },
        },
    },
    "Control": {
        "type": "object",
        "required": ["action"],
        "additionalProperties": False,
        # Without them the action is `invalid_payload`, like any body that does not fit.
        "allOf": [
            {
                "if": {"properties": {"action": {"const": "goto"}}, "required": ["action"]},
                "then": {"required": ["step"]},
            },
            {
                "if": {"properties": {"action": {"const": "extend_timer"}}, "required": ["action"]},
                "then": {"required": ["seconds"]},
            },
        ],
        "properties": {
            "action": {"enum": list(ACTIONS)},
            "step": {**_ID, "description": "The step to show; required for `goto`."},
            "seconds": {
                "type": "integer",
                "minimum": 1,
                "maximum": 600,
                "description": "Seconds to add; required for `extend_timer`. Like every integer "
                "here, a whole number such as `30.0` counts (as in JSON Schema).",
            },
        },
    },
    "Settings": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "competitive": {"type": "boolean", "description": "Points and a leaderboard."},
            "speed_bonus": {"type": "boolean", "description": "Extra points for fast answers."},
            "team_mode": {
                "type": "boolean",
                "description": "One phone per table group; only before the start.",
            },
            "premoderation": {
                "type": "boolean",
                "description": "Open contributions reach the room only once approved.",
            },
            "joins_locked": {
                "type": "boolean",
                "description": "No new participants may join; members may still come back.",
            },
            "hide_live_results": {
                "type": "boolean",
                "description": "Results of non-quiz steps reach the room only once revealed.",
            },
            "locale": {
                "type": "string",
                "description": "The big screen's language (sv, en, fi).",
            },
            "second_locale": {
                "type": ["string", "null"],
                "description": "A second language the big screen shows beside the first.",
            },
            "timer_seconds": {
                "type": ["integer", "null"],
                "minimum": 10,
                "maximum": 3600,
                "description": "A time limit for every quiz question without its own.",
            },
            "extra_time": {
                "enum": [1, 1.5, 2, 3],
                "description": "Every time limit is multiplied by this (WCAG 2.2.1).",
            },
        },
    },
    "Participant": {
        "type": "object",
        "required": ["id", "number", "name", "proxy"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "number": {
                "type": "integer",
                "minimum": 1,
                "description": "Their place in joining order (the default name "
                '"Deltagare 4" on the console).',
            },
            "name": {"type": ["string", "null"], "description": "As they gave it, if at all."},
            "proxy": {
                "type": "boolean",
                "description": "Someone without a phone the leader answers for.",
            },
        },
    },
    "StepResult": {
        "type": "object",
        "required": ["step", "kind", "responses", "results"],
        "properties": {
            "step": _ID,
            "kind": {"type": "string"},
            "responses": {
                "type": "integer",
                "minimum": 0,
                "description": "Every response stored, resends with a new submission id included.",
            },
            "results": {
                "type": "object",
                "description": "By kind: poll `{respondents, counts}`, scale "
                "`{respondents, counts, mean}`, open `{respondents, texts}`, info `{}`.",
            },
        },
    },
}

_RESPONSES = {
    "BadRequest": _json(
        _ref("Error"),
        "Bad input: `invalid_payload` (not a JSON object, wrong types, unknown fields, too "
        "large, `goto` without `step`, `extend_timer` without `seconds`), `unknown_module`, "
        "`unknown_part`, `unknown_action`, `unknown_step` (a step the part does not have), "
        "`unknown_circle`, `circle_module_mismatch`, `unknown_language`.",
    ),
    "Unauthorized": {
        **_json(_ref("Error"), "`not_authenticated`: no token, or an unknown one."),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    "Forbidden": _json(
        _ref("Error"), "`forbidden`: not this leader's session, or a role that may not do this."
    ),
    "NotFound": _json(_ref("Error"), "`not_found`: no such session."),
    "Unavailable": _json(
        _ref("Error"),
        "`unavailable`: the database failed; nothing was changed. Try again. "
        "`analysis_unavailable`: an analysis could not be made (its worker failed or ran "
        "longer than `ANALYSIS_TIMEOUT`); try again, or with a smaller selection.",
    ),
    "Conflict": _json(
        _ref("Error"),
        "Not possible in the session's state: `already_started`, `session_not_started`, "
        "`session_ended`, `no_such_step`, `not_answerable`.",
    ),
}

_EXPORT_PARAMETERS = [
    {
        "name": "format",
        "in": "query",
        "required": True,
        "schema": {"enum": ["csv", "xlsx", "json", "docx"]},
    },
    *(
        {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
        for name, schema, text in (
            ("session", {"type": "integer", "minimum": 1}, "One session."),
            ("circle", {"type": "integer", "minimum": 1}, "The meetings of one circle."),
            ("module", _ID, "A module id from `GET /modules`."),
            ("part", _ID, "A part id (of `module`, when given)."),
            (
                "municipality",
                {"type": "string", "minLength": 1},
                "One of Norrbotten's 14 municipalities: its id (`lulea`), name or SCB code.",
            ),
            (
                "organiser",
                {"type": "string", "minLength": 1},
                "A circle organiser, as circles name it.",
            ),
            ("since", {"type": "string", "format": "date"}, "First day (local time)."),
            ("until", {"type": "string", "format": "date"}, "Last day, inclusive."),
            (
                "tag",
                {"type": "string", "minLength": 1},
                "An action-plan tag id, e.g. `focus.public-health`.",
            ),
            (
                "include_hidden",
                {"enum": ["0", "1", "true", "false"]},
                "Include contributions the leader hid or did not approve.",
            ),
            (
                "language",
                None,  # the app's languages: filled in by document()
                "The language of the file's words and content texts: one of the app's "
                "`LANGUAGES` (`sv`, `en`, `fi`); Swedish when not given.",
            ),
        )
    ),
]


def _links(session_id: str) -> dict:
    """What a client can do next with the session ``session_id`` (a runtime expression)."""
    by_path = {"session_id": session_id}
    return {
        "GetSession": {"operationId": "getSession", "parameters": by_path},
        "ControlSession": {"operationId": "controlSession", "parameters": by_path},
        "ChangeSettings": {"operationId": "changeSettings", "parameters": by_path},
        "SessionResults": {"operationId": "sessionResults", "parameters": by_path},
        "ListParticipants": {"operationId": "listParticipants", "parameters": by_path},
        "DeleteSession": {"operationId": "deleteSession", "parameters": by_path},
        "ExportSession": {
            "operationId": "exportResults",
            "parameters": {"session": session_id, "format": "json"},
        },
    }


_SESSION_ID = {
    "name": "session_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


_PARTICIPANT_ID = {
    "name": "participant_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def _export_parameters() -> list[dict]:
    languages = list(current_app.config["LANGUAGES"])
    return [
        {**p, "schema": {"enum": languages}} if p["name"] == "language" else p
        for p in _EXPORT_PARAMETERS
    ]


def _schemas() -> dict:
    """The schemas, with the app's languages where a language is asked for."""
    languages = list(current_app.config["LANGUAGES"])
    settings = _SCHEMAS["Settings"]["properties"]
    return {
        **_SCHEMAS,
        "Settings": {
            **_SCHEMAS["Settings"],
            "properties": {
                **settings,
                "locale": {**settings["locale"], "enum": languages},
                "second_locale": {**settings["second_locale"], "enum": [*languages, None]},
            },
        },
    }


def document() -> dict:
    """The OpenAPI document, ready to be sent as JSON."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "facilitate REST API",
            "version": API_VERSION,
            "description": "Start and run live study-circle and dialogue sessions, and read "
            "their results. Tokens come from `facilitate tokens create EMAIL`. Live updates "
            "travel over the Socket.IO namespace `/live` (docs/protocol.md).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            **analysis.paths(
                [p for p in _EXPORT_PARAMETERS if p["name"] not in ("format", "language")]
            ),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {"200": {"description": "The OpenAPI document."}},
                }
            },
            "/modules": {
                "get": {
                    "summary": "Modules and their parts",
                    "operationId": "listModules",
                    "description": "Titles in the request's language, Swedish as fallback.",
                    "responses": {
                        "200": _json({"type": "array", "items": _ref("Module")}, "The modules."),
                        "401": _error("Unauthorized"),
                        "503": _error("Unavailable"),
                    },
                }
            },
            "/sessions": {
                "post": {
                    "summary": "Create a session in the lobby",
                    "operationId": "createSession",
                    "description": "Leaders and admins only.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("NewSession")}},
                    },
                    "responses": {
                        "201": {
                            **_json(_ref("CreatedSession"), "The new session."),
                            "headers": {"Location": {"schema": {"type": "string"}}},
                            "links": _links("$response.body#/id"),
                        },
                        "400": _error("BadRequest"),
                        "401": _error("Unauthorized"),
                        "503": _error("Unavailable"),
                        "403": _error("Forbidden"),
                    },
                }
            },
            "/sessions/{session_id}": {
                "parameters": [_SESSION_ID],
                "get": {
                    "summary": "A session's state and steps",
                    "operationId": "getSession",
                    "description": "Its leader, admins and analysts.",
                    "responses": {
                        "200": {
                            **_json(_ref("Session"), "The session."),
                            "links": _links("$response.body#/id"),
                        },
                        "401": _error("Unauthorized"),
                        "503": _error("Unavailable"),
                        "403": _error("Forbidden"),
                        "404": _error("NotFound"),
                    },
                },
                "delete": {
                    "summary": "Delete a session with all its data",
                    "operationId": "deleteSession",
                    "description": "Participants, responses, votes and proposed statements go "
                    "with it, for good; a running session is ended first and its phones told. "
                    "Its leader and admins only.",
                    "responses": {
                        "204": {"description": "Deleted."},
                        "401": _error("Unauthorized"),
                        "503": _error("Unavailable"),
                        "403": _error("Forbidden"),
                        "404": _error("NotFound"),
                    },
                },
            },
            "/sessions/{session_id}/control": {
                "parameters": [_SESSION_ID],
                "post": {
                    "summary": "A leader action",
                    "operationId": "controlSession",
                    "description": "As the `control` event of `/live`, with the same error "
                    "codes; every connected client gets its new snapshot. Its leader and "
                    "admins only.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Control")}},
                    },
                    "responses": {
                        "200": {
                            **_json(_ref("Session"), "The session after the action."),
                            "links": _links("$response.body#/id"),
                        },
                        "400": _error("BadRequest"),
                        "401": _error("Unauthorized"),
                        "503": _error("Unavailable"),
                        "403": _error("Forbidden"),
                        "404": _error("NotFound"),
                        "409": _error("Conflict"),
                    },
                },
            },
            "/sessions/{session_id}/settings": {
                "parameters": [_SESSION_ID],
                "post": {
                    "summary": "Change session settings",
                    "operationId": "changeSettings",
                    "description": "As the `settings` event of `/live`. Its leader and admins "
                    "only.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Settings")}},
                    },
                    "responses": {
                        "200": _json(_ref("Session"), "The session with its new settings."),
                        "400": _error("BadRequest"),
                        "401": _error("Unauthorized"),
                        "403": _error("Forbidden"),
                        "404": _error("NotFound"),
                        "409": _error("Conflict"),
                        "503": _error("Unavailable"),
                    },
                },
            },
            "/sessions/{session_id}/participants": {
                "parameters": [_SESSION_ID],
                "get": {
                    "summary": "The session's participants",
                    "operationId": "listParticipants",
                    "description": "In joining order, as the leader's console lists them. Its "
                    "leader and admins only (names are not for analysts).",
                    "responses": {
                        "200": {
                            **_json(
                                {"type": "array", "items": _ref("Participant")}, "Participants."
                            ),
                            "links": {
                                "RemoveParticipant": {
                                    "operationId": "removeParticipant",
                                    "parameters": {
                                        "session_id": "$request.path.session_id",
                                        "participant_id": "$response.body#/0/id",
                                    },
                                }
                            },
                        },
                        "401": _error("Unauthorized"),
                        "403": _error("Forbidden"),
                        "404": _error("NotFound"),
                        "503": _error("Unavailable"),
                    },
                },
            },
            "/sessions/{session_id}/participants/{participant_id}": {
                "parameters": [_SESSION_ID, _PARTICIPANT_ID],
                "delete": {
                    "summary": "Remove a participant",
                    "operationId": "removeParticipant",
                    "description": "As the `remove` event of `/live`: the participant, their "
                    "answers, votes and proposed statements are deleted; their phone is told "
                    "(`removed`) and can neither answer nor resume (a new join is a new "
                    "participant; lock the session to new joins with `joins_locked` in "
                    "settings). Its leader and admins only.",
                    "responses": {
                        "204": {"description": "Removed."},
                        "401": _error("Unauthorized"),
                        "403": _error("Forbidden"),
                        "404": _json(
                            _ref("Error"),
                            "`not_found`: no such session; `unknown_participant`: no such "
                            "participant in this session (perhaps already removed).",
                        ),
                        "503": _error("Unavailable"),
                    },
                },
            },
            "/sessions/{session_id}/results": {
                "parameters": [_SESSION_ID],
                "get": {
                    "summary": "Results per step",
                    "operationId": "sessionResults",
                    "description": "Every step of the part, in order. Its leader, admins and "
                    "analysts.",
                    "responses": {
                        "200": _json({"type": "array", "items": _ref("StepResult")}, "Results."),
                        "401": _error("Unauthorized"),
                        "503": _error("Unavailable"),
                        "403": _error("Forbidden"),
                        "404": _error("NotFound"),
                    },
                },
            },
            "/export": {
                "get": {
                    "summary": "Export results across sessions",
                    "operationId": "exportResults",
                    "description": "The sessions that have started and match every given "
                    "filter, as a file (docs/export-format.md): CSV (one row per response), "
                    "XLSX (summary, a sheet and chart per question, all responses), JSON (the "
                    "whole structure, with `version`) or DOCX (the report *Underlag till "
                    "beredningsgruppen*). No names, tokens or addresses; counts from fewer "
                    "than `EXPORT_MIN_GROUP_SIZE` people are suppressed in summaries. Each "
                    "export is logged. Analysts and admins only.",
                    "parameters": _export_parameters(),
                    "responses": {
                        "200": {
                            "description": "The file, as an attachment.",
                            "content": {
                                "text/csv": {"schema": {"type": "string"}},
                                "application/vnd.openxmlformats-officedocument"
                                ".spreadsheetml.sheet": {
                                    "schema": {"type": "string", "format": "binary"}
                                },
                                "application/json": {"schema": {"type": "object"}},
                                "application/vnd.openxmlformats-officedocument"
                                ".wordprocessingml.document": {
                                    "schema": {"type": "string", "format": "binary"}
                                },
                            },
                        },
                        "400": _json(
                            _ref("Error"),
                            "A filter that cannot be used: `unknown_format`, `unknown_filter`, "
                            "`empty_filter` (a filter given with an empty value, such as "
                            "`circle=`), `unknown_circle`, `unknown_module`, `unknown_part`, "
                            "`unknown_municipality`, `unknown_organiser`, `unknown_tag`, "
                            "`invalid_date`, `inverted_dates`, `invalid_flag`, "
                            "`unknown_language`.",
                        ),
                        "401": _error("Unauthorized"),
                        "403": _error("Forbidden"),
                        "404": _json(
                            _ref("Error"),
                            "`unknown_session`: `session` names no session; "
                            "`no_matching_sessions`: no session that has started matches.",
                        ),
                        "503": _error("Unavailable"),
                    },
                }
            },
            "/imports": {
                "post": {
                    "summary": "Import sessions from another server",
                    "operationId": "importSessions",
                    "description": "A transfer document (docs/export-format.md: a JSON export "
                    "of version 2 with `transfer: true` and each session's `record`), as made "
                    "by `facilitate sync push` or the console's download for transfer. One "
                    "transaction: every session is stored, or on any error none. A session is "
                    "known by its `uid`: the same snapshot again is `unchanged`; a newer one "
                    "(`generated_at`) replaces it whole (`updated`); an older one never does "
                    "(`unchanged`). A leader imports into their own account and cannot replace "
                    "another account's session or circle; analysts and admins may import any. "
                    "At most `IMPORT_MAX_BYTES` (20 MiB).",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": {
                        "200": _json(_ref("ImportResult"), "What became of each session."),
                        "400": _json(
                            _ref("ImportError"),
                            "A document that cannot be imported; nothing was stored: "
                            "`not_json`, `wrong_format`, `unsupported_version`, "
                            "`schema_violation`, `not_transfer`, `no_sessions`, "
                            "`module_hash_mismatch`, `invalid_module`, "
                            "`unknown_module_version`, `unknown_part`, `unknown_municipality`, "
                            "`session_not_ended`, `inconsistent_document`. `detail` names the "
                            "place in the document (a JSON path) and what is wrong.",
                        ),
                        "401": _error("Unauthorized"),
                        "403": _json(
                            _ref("ImportError"),
                            "`forbidden`: a leader's document holds a session or circle "
                            "imported into another account.",
                        ),
                        "409": _json(
                            _ref("ImportError"),
                            "`local_session`: a session run on this server has that uid.",
                        ),
                        "413": _json(_ref("ImportError"), "`too_large`: over the size limit."),
                        "503": _error("Unavailable"),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "`Authorization: Bearer fct_...`",
                }
            },
            "schemas": {**_schemas(), **analysis.SCHEMAS},
            "responses": _RESPONSES,
        },
    }
