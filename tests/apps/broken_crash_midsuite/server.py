"""Healthy, then crashes after a few API requests (as a server with a fatal bug on some route does)."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CRASH_AFTER = int(os.environ.get("CRASH_AFTER", "3"))
served = 0


class Handler(BaseHTTPRequestHandler):
    def _answer(self):
        global served
        if self.path != "/api/health-check":
            served += 1
            if served > CRASH_AFTER:
                print(f"Segmentation fault after {CRASH_AFTER} requests", file=sys.stderr, flush=True)
                os._exit(139)
        body = json.dumps({"errors": {"body": ["not implemented"]}}).encode()
        self.send_response(200 if self.path == "/api/health-check" else 422)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
