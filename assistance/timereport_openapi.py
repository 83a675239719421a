"""OpenAPI 3.1 description of the provider time-report API, served at /api/openapi.json."""
from __future__ import annotations

_LINE = {
    "type": "object", "required": ["assistant_id", "date", "start", "end"],
    "properties": {
        "assistant_id": {"type": "string", "description": "Assistentens person- eller "
                         "samordningsnummer (10 eller 12 siffror)", "example": "19900101-0017"},
        "date": {"type": "string", "format": "date", "description": "Dagen passet börjar"},
        "start": {"type": "string", "pattern": "^\\d{1,2}[:.]\\d{2}$", "example": "22:00"},
        "end": {"type": "string", "pattern": "^\\d{1,2}[:.]\\d{2}$", "example": "07:00",
                "description": "Ett slut vid eller före start betyder nästa dag; 24:00 = midnatt."},
        "kind": {"type": "string", "enum": ["ordinary", "on_call", "ordinarie", "jour"],
                 "default": "ordinary"},
        "end_date": {"type": "string", "format": "date",
                     "description": "Valfri: slutdatum när passet anges med datum."},
    },
}
_REPORT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "person_id": {"type": "string", "description": "Maskerat"},
        "month": {"type": "string", "example": "2026-03"}, "version": {"type": "integer"},
        "status": {"type": "string", "enum": ["submitted", "approved", "superseded"]},
        "lines": {"type": "integer"}, "user_approved": {"type": "boolean"},
        "approved_assistants": {"type": "array", "items": {"type": "string"}},
        "created": {"type": "boolean", "description": "false: samma innehåll fanns redan"},
    },
}
_PROBLEM = {
    "type": "object",
    "properties": {
        "status": {"type": "integer"}, "title": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "row": {"type": ["integer", "null"]}, "column": {"type": ["string", "null"]},
            "message": {"type": "string"}}}},
    },
}


def _problem(text: str) -> dict:
    return {"description": text,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tidrapporter för personlig assistans", "version": "1.0",
                 "description": "Anordnarens system lämnar en månadsrapport per assistansanvändare: "
                                "en rad per assistent och pass. Samma kontroller som webbformuläret "
                                "och filuppladdningen. Att skicka samma innehåll igen ger samma "
                                "rapport (idempotent)."},
        "components": {
            "securitySchemes": {"providerToken": {"type": "http", "scheme": "bearer",
                                                  "description": "API-nyckel per anordnare"}},
            "schemas": {"Line": _LINE, "Report": _REPORT, "Problem": _PROBLEM},
        },
        "security": [{"providerToken": []}],
        "paths": {
            "/api/v1/timereports": {"post": {
                "summary": "Lämna en månadsrapport",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["person_id", "month", "lines"],
                    "properties": {
                        "person_id": {"type": "string", "description": "Användarens personnummer"},
                        "month": {"type": "string", "example": "2026-03"},
                        "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
                        "correction_reason": {"type": "string", "description": "Krävs för att "
                                              "rätta en godkänd rapport (ny version)"}}}}}},
                "responses": {
                    "201": {"description": "Ny rapport eller ny version", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}},
                    "200": {"description": "Samma innehåll fanns redan", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}},
                    "400": _problem("Felaktig JSON"),
                    "401": _problem("Ogiltig eller saknad API-nyckel"),
                    "404": _problem("Användaren är inte anordnarens för månaden"),
                    "409": _problem("Godkänd rapport: rättelse kräver skäl"),
                    "422": _problem("Rader med fel (rad och kolumn anges)"),
                }}},
            "/api/v1/timereports/{id}": {"get": {
                "summary": "Läs en rapports status",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "Rapporten", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Report"}}}},
                    "401": _problem("Ogiltig eller saknad API-nyckel"),
                    "404": _problem("Finns inte eller är en annan anordnares"),
                }}},
        },
    }
