"""The SMS-gateway adapter against a real HTTP endpoint on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from hall_server.services.case_notifier import SmsGatewayNotifier


def gateway(status: int):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(
                (self.headers.get("Authorization"), json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            )
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b'{"id": "m-1"}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def test_sms_gateway_receives_the_phone_and_text():
    server, received = gateway(200)
    try:
        result = SmsGatewayNotifier(f"http://127.0.0.1:{server.server_port}/sms", "k1").send("13800001234", "已办结")
    finally:
        server.shutdown()
    assert result.status == "sent"
    assert received == [("Bearer k1", {"phone": "13800001234", "text": "已办结"})]


def test_a_gateway_error_is_kept_as_failed_not_raised():
    server, _ = gateway(503)
    try:
        result = SmsGatewayNotifier(f"http://127.0.0.1:{server.server_port}/sms").send("13800001234", "x")
    finally:
        server.shutdown()
    assert result.status == "failed" and "503" in result.detail
    down = SmsGatewayNotifier("http://127.0.0.1:9/sms", timeout=2).send("13800001234", "x")
    assert down.status == "failed"
