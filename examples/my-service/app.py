"""The seed-003 sample service: a tiny HTTP API over SQLite on EFS (standard library only).

GET /health answers 200 once the database opens; GET / counts visits in the database at DATABASE_PATH
(default /tmp/app.db). It writes only there, so it runs under the platform's default hardening: a non-root
user and a read-only root filesystem."""

from __future__ import annotations

import json
import os
import sqlite3
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DATABASE_PATH = os.environ.get("DATABASE_PATH", "/tmp/app.db")


def connect() -> sqlite3.Connection:
    db = sqlite3.connect(DATABASE_PATH, timeout=5)
    db.execute(
        "CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, at TEXT DEFAULT CURRENT_TIMESTAMP)"
    )
    return db


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            connect().close()
            self._send(200, {"status": "ok"})
        elif self.path == "/":
            with connect() as db:
                db.execute("INSERT INTO visits DEFAULT VALUES")
                (count,) = db.execute("SELECT COUNT(*) FROM visits").fetchone()
            self._send(200, {"visits": count})
        else:
            self._send(404, {"error": "not found"})

    def _send(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()


if __name__ == "__main__":
    main()
