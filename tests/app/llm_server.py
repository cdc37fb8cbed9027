"""A scripted language-model server for tests, over real HTTP on 127.0.0.1.

It speaks the two protocols the assistant uses: OpenAI-compatible
(``POST /v1/chat/completions`` and ``/v1/completions``, JSON or SSE stream)
and Ollama (``POST /api/chat``, JSON or NDJSON stream). Every test sets the
reply it wants (the pieces to stream, an HTTP status, a delay) and can read the
requests the server received.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the server answers: ``pieces`` streamed one by one (or joined), with this status and delay."""

    pieces: list[str] = field(default_factory=lambda: ["Hallo."])
    status: int = 200
    delay: float = 0.0  # seconds before answering
    garbage: bool = False  # answer 200 with a body that is not the protocol

    @property
    def text(self) -> str:
        return "".join(self.pieces)


class ModelServer:
    """A threaded HTTP server on a free port; use as a context manager."""

    def __init__(self) -> None:
        self.script = Script()
        self.responder: Callable[[str], str] | None = None  # a reply made from each prompt, instead of the script
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def ollama_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reply(self, *pieces: str, status: int = 200, delay: float = 0.0, garbage: bool = False) -> None:
        self.script = Script(list(pieces), status, delay, garbage)

    def prompts(self) -> list[str]:
        """The last message of every request received (the prompt), in order."""
        found = []
        for request in self.requests:
            body = request["body"]
            found.append(body["messages"][-1]["content"] if "messages" in body else body.get("prompt", ""))
        return found

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    """A local port that nothing listens on (free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            server.requests.append({"path": self.path, "body": body})
            script = server.script
            if server.responder is not None:
                script = Script([server.responder(server.prompts()[-1])])
            time.sleep(script.delay)
            if script.garbage:
                self._start(200, "text/event-stream" if body.get("stream") else "application/json")
                self._write("data: {niet-json\n\n")
            elif script.status != 200:
                ollama = self.path.startswith("/api/")
                error = "scripted failure" if ollama else {"message": "scripted failure", "type": "server_error"}
                self._json(script.status, {"error": error})
            elif self.path == "/v1/chat/completions":
                self._openai(body, script, chat=True)
            elif self.path == "/v1/completions":
                self._openai(body, script, chat=False)
            elif self.path == "/api/chat":
                self._ollama(body, script)
            else:
                self._json(404, {"error": {"message": f"no route {self.path}"}})

        def _openai(self, body: dict[str, Any], script: Script, *, chat: bool) -> None:
            model = body.get("model", "")
            if not body.get("stream"):
                choice: dict[str, Any] = {"index": 0, "finish_reason": "stop"}
                if chat:
                    choice["message"] = {"role": "assistant", "content": script.text}
                else:
                    choice["text"] = script.text
                kind = "chat.completion" if chat else "text_completion"
                usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
                self._json(200, {"id": "x1", "object": kind, "created": 0, "model": model, "choices": [choice],
                                 "usage": usage})  # fmt: skip
                return
            self._start(200, "text/event-stream")
            for piece in [*script.pieces, None]:
                part: dict[str, Any] = {"index": 0, "finish_reason": None if piece is not None else "stop"}
                if chat:
                    part["delta"] = {"role": "assistant", "content": piece} if piece is not None else {}
                else:
                    part["text"] = piece or ""
                kind = "chat.completion.chunk" if chat else "text_completion"
                chunk = {"id": "x1", "object": kind, "created": 0, "model": model, "choices": [part]}
                self._write(f"data: {json.dumps(chunk)}\n\n")
            self._write("data: [DONE]\n\n")

        def _ollama(self, body: dict[str, Any], script: Script) -> None:
            base = {"model": body.get("model", ""), "created_at": "2025-01-01T00:00:00Z"}
            done = {**base, "done": True, "done_reason": "stop", "prompt_eval_count": 1, "eval_count": 1}
            if body.get("stream") is False:
                self._json(200, {**done, "message": {"role": "assistant", "content": script.text}})
                return
            self._start(200, "application/x-ndjson")
            for piece in script.pieces:
                line = {**base, "message": {"role": "assistant", "content": piece}, "done": False}
                self._write(json.dumps(line) + "\n")
            self._write(json.dumps({**done, "message": {"role": "assistant", "content": ""}}) + "\n")

        def _json(self, status: int, data: dict[str, Any]) -> None:
            payload = json.dumps(data).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _start(self, status: int, content_type: str) -> None:
            self.send_response(status)  # HTTP/1.0: the body ends when the connection closes
            self.send_header("Content-Type", content_type)
            self.end_headers()

        def _write(self, text: str) -> None:
            self.wfile.write(text.encode("utf-8"))
            self.wfile.flush()

    return Handler
