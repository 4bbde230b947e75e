"""The healthy server every hostile app that must start runs as its main.py (copied in by the tests)."""

import http.server
import os


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health-check" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


print("hostile app serving", flush=True)
http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
