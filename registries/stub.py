"""A local stub of the HTTP registries for tests, benchmarks and trying HTTP mode without
credentials: Bolagsverket's token endpoint and ``/organisationer``, and yente's ``/match``.

Run it in a thread::

    with StubServer(StubRegistry(latency=0.05, fault_rate=0.1)) as server:
        base = server.url  # http://127.0.0.1:PORT

URLs: ``{url}/oauth2/token``, ``{url}/vardefulla-datamangder/v1/organisationer``,
``{url}/match/{dataset}``. Default credentials: client ``stub-client`` / ``stub-secret``.

yente's ``/match`` answers Company queries (by registration number) and Person queries (by
name and birth date, ``stub_data.person_matches``; ``stub_data.person_truth`` tells who is
listed), up to any number of queries per call. ``registry.requests`` logs the last calls
(path, number of queries, schemas, whether an API key came) so tests can count batches; ``registry.stats`` counts calls
per path, ``registry.connections`` the client connections (to see that they are reused).

Faults, checked in this order:
* header ``X-Stub-Fault: KIND`` on a request;
* per identifier: ``registry.inject("5569012346", KIND, times=1)``, or for a person
  ``registry.inject(stub_data.person_key("Anna Andersson"), KIND)`` (any birth date);
* globally: ``fault_rate`` (0..1) picks one of ``fault_kinds`` at random (seeded).
KIND is one of ``429`` (with Retry-After), ``500``, ``503``, ``timeout`` (answers after
``timeout_sleep`` seconds), ``malformed`` (200 with broken JSON), ``partial`` (200 with failed
parts: in a yente batch the query of the injected identifier, else the first, gets its own
``status`` 500), ``401`` (token rejected) or ``latency:MS``.
"""
from __future__ import annotations

import io
import json
import random
import secrets
import sys
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from oversight import identifiers
from registries import stub_data

FAULT_KINDS = ("429", "500", "503", "timeout", "malformed", "partial")
BV_PREFIX = "/vardefulla-datamangder/v1"


class StubRegistry:
    def __init__(self, *, client_id: str = "stub-client", client_secret: str = "stub-secret",
                 latency: float = 0.0, fault_rate: float = 0.0, fault_kinds=FAULT_KINDS, seed: int | None = 1,
                 retry_after: int = 1, timeout_sleep: float = 3.0, token_lifetime: int = 3600):
        self.client_id, self.client_secret = client_id, client_secret
        self.latency, self.fault_rate, self.fault_kinds = latency, fault_rate, tuple(fault_kinds)
        self.retry_after, self.timeout_sleep, self.token_lifetime = retry_after, timeout_sleep, token_lifetime
        self.tokens: set[str] = set()
        self.stats: Counter = Counter()
        self.connections: set = set()  # (address, port) of each client connection seen
        self.requests: deque = deque(maxlen=10_000)  # {"path", "queries", "schemas"} per call
        self._faults: dict[str, list] = {}
        self._random = random.Random(seed)  # nosec B311  # seeded faults of the test stub, not security
        self._lock = threading.Lock()

    # --- control --------------------------------------------------------------------------
    def inject(self, identifier: str, kind: str, times: int | None = None) -> None:
        """Answer every request about ``identifier`` with a fault (``times`` requests, or all)."""
        key = identifier if identifier.startswith(stub_data.PERSON_KEY_PREFIX) else identifier.replace("-", "")
        with self._lock:
            self._faults[key] = [kind, times]

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def _fault(self, request: Request, identities: list[str]) -> str | None:
        return self._fault_for(request, identities)[0]

    def _fault_for(self, request: Request, identities: list[str]) -> tuple[str | None, str | None]:
        """(fault kind, the identity it was injected for or None)."""
        header = request.headers.get("X-Stub-Fault")
        if header:
            return header, None
        with self._lock:
            for identity in identities:
                entry = self._faults.get(identity)
                if entry and entry[1] != 0:
                    if entry[1] is not None:
                        entry[1] -= 1
                    return entry[0], identity
            if self.fault_rate and self._random.random() < self.fault_rate:
                return self._random.choice(self.fault_kinds), None
        return None, None

    # --- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        if self.latency:
            time.sleep(self.latency)
        path = request.path
        with self._lock:
            self.stats[path] += 1
            self.connections.add((environ.get("REMOTE_ADDR"), environ.get("REMOTE_PORT")))
        if path == "/oauth2/token" and request.method == "POST":
            response = self._token(request)
        elif path == BV_PREFIX + "/isalive":
            response = self._authorised(request) or Response("OK", content_type="text/plain")
        elif path == BV_PREFIX + "/organisationer" and request.method == "POST":
            response = self._organisationer(request)
        elif path.startswith("/match/") and request.method == "POST":
            response = self._match(request)
        elif path in ("/healthz", "/readyz"):
            response = _json({"status": "ok"})
        else:
            response = _problem(404, "Not Found", "Resursen finns inte.", "not.found")
        return response(environ, start_response)

    def _token(self, request: Request) -> Response:
        form = request.form
        client_id = form.get("client_id") or (request.authorization.username if request.authorization else None)
        secret = form.get("client_secret") or (request.authorization.password if request.authorization else None)
        if (form.get("grant_type") != "client_credentials"
                or (client_id, secret) != (self.client_id, self.client_secret)):
            return _json({"error": "invalid_client", "error_description": "Client authentication failed"}, 401)
        token = "stub-" + secrets.token_hex(16)
        self.tokens.add(token)
        return _json({"access_token": token, "scope": form.get("scope", ""), "token_type": "Bearer",  # nosec B105  # the OAuth token type, not a secret
                      "expires_in": self.token_lifetime})

    def _authorised(self, request: Request) -> Response | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return _problem(401, "Unauthorized", "Anroparen saknar giltiga autentiseringsuppgifter.", "auth.error",
                            "urn:bolagsverket:error:auth", request)
        return None

    def _organisationer(self, request: Request) -> Response:
        denied = self._authorised(request)
        if denied:
            return denied
        try:
            identity = str(json.loads(request.get_data())["identitetsbeteckning"])
        except (ValueError, KeyError, TypeError):
            return _problem(400, "Bad Request", "Begäran kunde inte tolkas.", "validation.client",
                            "urn:bolagsverket:error:validation", request)
        fault = self._fault(request, [identity])
        early = self._early_fault(fault, request)
        if early is not None:
            return early
        if not identity.isdigit() or not identifiers.validate("orgnr", identity).valid:
            return _problem(400, "Bad Request", "Identitetsbeteckning har ogiltig kontrollsiffra.",
                            "validation.client", "urn:bolagsverket:error:validation", request)
        body = stub_data.organisation(identity)
        if fault == "partial":
            body = stub_data.partly_failed(body)
        if fault == "malformed":
            return Response(json.dumps(body, ensure_ascii=False)[:-7], content_type="application/json")
        return _json(body)

    def _match(self, request: Request) -> Response:
        if request.headers.get("Authorization", "ApiKey x").split(" ", 1)[0] != "ApiKey":
            return _json({"detail": "Invalid API key"}, 403)
        try:
            queries = json.loads(request.get_data())["queries"]
            items = {qid: q for qid, q in queries.items()}
            identities = {qid: _identity(q) for qid, q in items.items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return _json({"detail": "Invalid query"}, 400)
        with self._lock:
            self.requests.append({"path": request.path, "queries": len(items),
                                  "schemas": sorted({str(q.get("schema")) for q in items.values()}),
                                  "api_key": request.headers.get("Authorization", "").startswith("ApiKey ")})
        fault, injected_for = self._fault_for(request, list(identities.values()))
        early = self._early_fault(fault, request)
        if early is not None:
            return early
        responses = {}
        for qid, query in items.items():
            properties = query.get("properties") or {}
            name = next(iter(properties.get("name") or []), None)
            if query.get("schema") == "Person":
                born = next(iter(properties.get("birthDate") or []), None)
                responses[qid] = stub_data.person_matches(name, born, query)
            else:
                responses[qid] = stub_data.matches(identities[qid], name, query)
        if fault == "partial" and responses:
            failing = next((qid for qid, ident in identities.items() if ident == injected_for),
                           next(iter(responses)))
            responses[failing] = {"status": 500, "results": [], "total": {"value": 0, "relation": "eq"},
                                  "query": items[failing]}
        body = {"responses": responses, "matcher": {}, "limit": 5}
        if fault == "malformed":
            return Response(json.dumps(body)[:-9], content_type="application/json")
        return _json(body)

    def _early_fault(self, fault: str | None, request: Request) -> Response | None:
        if not fault:
            return None
        if fault.startswith("latency:"):
            time.sleep(int(fault.split(":", 1)[1]) / 1000)
            return None
        if fault == "timeout":
            time.sleep(self.timeout_sleep)
            return None
        if fault == "429":
            response = _problem(429, "Too Many Requests", "För många anrop.", "client.error", request=request)
            response.headers["Retry-After"] = str(self.retry_after)
            return response
        if fault in ("500", "503"):
            return _problem(int(fault), "Internal Server Error", "Ett ohanterat fel har uppstått.", "server.error",
                            request=request)
        if fault == "401":
            return _problem(401, "Unauthorized", "Anroparen saknar giltiga autentiseringsuppgifter.", "auth.error",
                            "urn:bolagsverket:error:auth", request)
        return None


def _identity(query: dict) -> str:
    """A yente query's identity for faults and answers: the registration number's digits of a
    Company, ``stub_data.person_key(name)`` of a Person."""
    properties = query.get("properties") or {}
    if query.get("schema") == "Person":
        return stub_data.person_key(next(iter(properties.get("name") or []), ""))
    return next((str(n).replace("-", "") for n in properties.get("registrationNumber") or []), "")


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


def _problem(status: int, title: str, detail: str, instance: str, kind: str = "about:blank",
             request: Request | None = None) -> Response:
    return Response(json.dumps({
        "type": kind, "instance": instance, "status": status, "title": title, "detail": detail,
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "requestId": request.headers.get("X-Request-Id") if request else None}, ensure_ascii=False),
        status=status, content_type="application/problem+json")


class _KeepAliveHandler(BaseHTTPRequestHandler):
    """A small WSGI bridge that keeps HTTP/1.1 connections open, as the real registries do, so
    a client's connection pool is used as it would be in production (werkzeug's development
    server closes every connection). Bodies are read by Content-Length; no chunked requests."""

    protocol_version = "HTTP/1.1"
    quiet = True
    # Headers and body go out as two writes: with Nagle's algorithm on, the body waited for the
    # client's delayed ACK of the headers (about 40 ms a call on Linux), which no real registry
    # adds. TCP_NODELAY, as production servers set it.
    disable_nagle_algorithm = True

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):  # the client gave up (timeout faults)
            pass

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        if not self.quiet:
            super().log_message(format, *args)

    def _run(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        host, port = self.server.server_address[:2]
        environ = {
            "REQUEST_METHOD": self.command, "PATH_INFO": unquote(path), "QUERY_STRING": query,
            "SERVER_NAME": str(host), "SERVER_PORT": str(port), "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0], "REMOTE_PORT": self.client_address[1],
            "CONTENT_LENGTH": str(length), "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http", "wsgi.multithread": True, "wsgi.multiprocess": False,
            "wsgi.run_once": False}
        for key, value in self.headers.items():
            if key.lower() not in ("content-type", "content-length"):
                environ["HTTP_" + key.upper().replace("-", "_")] = value
        started: list = []

        def start_response(status, headers, exc_info=None):
            started[:] = [status, headers]
            return lambda data: None

        data = b"".join(self.server.app(environ, start_response))
        status, headers = started
        self.send_response(int(status.split(" ", 1)[0]), status.partition(" ")[2])
        for key, value in headers:
            if key.lower() not in ("content-length", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _run


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class StubServer:
    """The stub on 127.0.0.1 in a background thread (port 0 picks a free port)."""

    def __init__(self, app: StubRegistry | None = None, host: str = "127.0.0.1", port: int = 0, quiet: bool = True):
        self.app = app or StubRegistry()
        handler = type("Handler", (_KeepAliveHandler,), {"quiet": quiet})
        self._server = _Server((host, port), handler)
        self._server.app = self.app
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StubServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="registry-stub", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def config(self, **extra) -> dict:
        """App settings that point HTTP mode at this stub."""
        return {"REGISTRY_MODE": "http", "BOLAGSVERKET_BASE_URL": self.url + BV_PREFIX,
                "BOLAGSVERKET_TOKEN_URL": self.url + "/oauth2/token",
                "BOLAGSVERKET_CLIENT_ID": self.app.client_id, "BOLAGSVERKET_CLIENT_SECRET": self.app.client_secret,
                "YENTE_URL": self.url, **extra}
