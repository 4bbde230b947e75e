"""Run by the install step: every connection it should not be able to make, and one it should."""

import json
import os
import socket
import urllib.parse

targets = json.load(open("targets.json"))
proxy = urllib.parse.urlsplit(os.environ.get("HTTPS_PROXY") or "http://127.0.0.1:1")


def direct(host, port, payload=b""):
    try:
        with socket.create_connection((host, port), timeout=3) as s:
            s.sendall(payload)
            return "connected"
    except OSError as exc:
        return type(exc).__name__


def through_proxy(request_line):
    """The proxy's status line for one request (a CONNECT, or a plain GET of an absolute URL)."""
    try:
        with socket.create_connection((proxy.hostname, proxy.port), timeout=10) as s:
            s.sendall(f"{request_line} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            return s.recv(200).split(b"\r\n", 1)[0].decode()
    except OSError as exc:
        return type(exc).__name__


def tunnel(target):
    return through_proxy(f"CONNECT {target}")


key = targets["redis_key"]
results = {
    "direct forbidden": direct("127.0.0.1", targets["port"], b"GET / HTTP/1.0\r\n\r\n"),
    "direct redis": direct("127.0.0.1", 6379, f"SET {key} planted\r\n".encode()),
    "direct postgres": direct("127.0.0.1", 5432),
    "direct metadata": direct("169.254.169.254", 80),
    "direct private": direct("10.0.0.1", 80),
    "tunnel forbidden": tunnel(f"127.0.0.1:{targets['port']}"),
    "tunnel redis": tunnel("localhost:6379"),
    "tunnel metadata": tunnel("169.254.169.254:443"),
    "tunnel registry port 80": tunnel("pypi.org:80"),
    "get forbidden": through_proxy(f"GET http://127.0.0.1:{targets['port']}/"),
    "tunnel registry": tunnel("pypi.org:443"),
}
print("EGRESS " + json.dumps(results), flush=True)
