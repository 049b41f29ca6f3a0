"""A local HTTP server that answers the few Stripe API calls Kramar makes, in Stripe's shapes.

It stands at the edge of the outside world (``stripe.api_base`` points at it) and keeps to
Stripe's documented protocol: form-encoded requests authenticated with a Bearer secret key,
JSON objects with ``id`` and ``object``, error bodies ``{"error": {"type", "message"}}``, and
idempotent POSTs: a repeated ``Idempotency-Key`` gets the first answer again, and the same key
with other parameters is refused with ``idempotency_error``.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from urllib.parse import parse_qsl


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.fail_with: tuple[int, dict] | None = None
        self._answers: dict[str, tuple[dict, int, dict]] = {}
        self._ids = count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeStripe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method: str, path: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method and r["path"] == path]

    # --- Stripe's side --------------------------------------------------------------------------

    def answer(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict]:
        if not headers.get("authorization", "").startswith("Bearer sk_"):
            return 401, _error("invalid_request_error", "Invalid API Key provided")
        if self.fail_with is not None:
            return self.fail_with
        key = headers.get("idempotency-key")
        if method == "POST" and key and key in self._answers:
            first_params, status, body = self._answers[key]
            if first_params != params:
                return 400, _error(
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same "
                    "parameters they were first used with.",
                )
            return status, body
        status, body = self._route(method, path, params)
        if method == "POST" and key:
            self._answers[key] = (params, status, body)
        return status, body

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/checkout/sessions":
            number = next(self._ids)
            session = {
                "id": f"cs_test_{number:04d}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/cs_test_{number:04d}",
                "status": "open",
                "payment_status": "unpaid",
                "payment_intent": None,
                "amount_total": int(params["line_items[0][price_data][unit_amount]"]),
                "currency": params["line_items[0][price_data][currency]"],
                "client_reference_id": params.get("client_reference_id"),
                "metadata": {
                    k[len("metadata[") : -1]: v
                    for k, v in params.items()
                    if k.startswith("metadata[")
                },
            }
            self.sessions[session["id"]] = session
            return 200, session
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return 404, _error("invalid_request_error", "No such checkout.session")
            return 200, session
        if method == "POST" and path == "/v1/refunds":
            number = next(self._ids)
            refund = {
                "id": f"re_test_{number:04d}",
                "object": "refund",
                "amount": int(params["amount"]),
                "payment_intent": params["payment_intent"],
                "status": "succeeded",
            }
            self.refunds[refund["id"]] = refund
            return 200, refund
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({path})")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                path, _, query = self.path.partition("?")
                params = dict(parse_qsl(raw or query, keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with fake._lock:
                    fake.requests.append(
                        {"method": self.command, "path": path, "params": params, "headers": headers}
                    )
                    status, body = fake.answer(self.command, path, params, headers)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_test")
                self.end_headers()
                self.wfile.write(data)

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def _error(kind: str, message: str) -> dict:
    return {"error": {"type": kind, "message": message}}
