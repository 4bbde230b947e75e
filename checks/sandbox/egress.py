"""Install egress: the install step reaches the package registries and nothing else (standard library only).

The install step runs in a network namespace of its own with loopback only.
Its one way out is an HTTP forward proxy (`HTTPS_PROXY=http://127.0.0.1:PORT`):
a relay inside the namespace (`relay`) passes each connection over a unix
socket to the host side (`EgressProxy`), which accepts only `CONNECT` to port
443 of an allow-listed registry host (PyPI, npm, the indexes the host's
installers are configured for, `DECAYCHECK_EGRESS_ALLOW`), resolves the name
itself and refuses loopback, private, link-local, multicast and reserved
addresses, so not even an allow-listed name can lead to the host's own
services or a metadata address. Every refusal is kept, so the install log can
say what was stopped. When the host itself goes out through a proxy
(`HTTPS_PROXY` in decaycheck's own environment), allowed tunnels go through it.

Run as a script (`python egress.py proxy SOCKET` or `python egress.py relay
SOCKET PORT [-- COMMAND...]`) it serves the same roles inside containers.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import threading
import urllib.parse

REGISTRIES = ("pypi.org", "files.pythonhosted.org", "registry.npmjs.org", "registry.yarnpkg.com")
# Host settings naming the indexes the installers use; their hosts are allowed too.
INDEX_SETTINGS = (
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "UV_EXTRA_INDEX_URL",
    "UV_INDEX",
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "npm_config_registry",
    "NPM_CONFIG_REGISTRY",
)
PORTS = (443,)
RELAY_PORT = 3128
HEAD_CAP = 8192
BLOCKED = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    )
]


def allowed_hosts(environ: dict[str, str] | None = None) -> list[str]:
    """The registries, the hosts of the host's configured indexes, and `DECAYCHECK_EGRESS_ALLOW` (comma-separated)."""
    environ = dict(os.environ if environ is None else environ)
    hosts = list(REGISTRIES)
    for key in INDEX_SETTINGS:
        for url in (environ.get(key) or "").split():
            host = urllib.parse.urlsplit(url).hostname
            if host:
                hosts.append(host.lower())
    hosts += [h.strip().lower() for h in (environ.get("DECAYCHECK_EGRESS_ALLOW") or "").split(",") if h.strip()]
    return list(dict.fromkeys(hosts))


def blocked_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in BLOCKED if net.version == ip.version)


def _splice(a: socket.socket, b: socket.socket) -> None:
    """Copy both ways until either side closes."""

    def one_way(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    back = threading.Thread(target=one_way, args=(b, a), daemon=True)
    back.start()
    one_way(a, b)
    back.join()
    a.close()
    b.close()


def _read_head(conn: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head and len(head) < HEAD_CAP:
        chunk = conn.recv(HEAD_CAP - len(head))
        if not chunk:
            break
        head += chunk
    return head


class EgressProxy:
    """The host side: a CONNECT-only proxy on a unix socket, for allow-listed registry hosts on port 443."""

    def __init__(
        self, path: str, allow: list[str] | None = None, upstream: str | None = None, *, echo: bool = False
    ) -> None:
        self.path, self.echo = path, echo
        self.allow = allow if allow is not None else allowed_hosts()
        upstream = upstream if upstream is not None else os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
        parts = urllib.parse.urlsplit(upstream) if upstream else None
        self.upstream = (parts.hostname, parts.port or 3128) if parts and parts.hostname else None
        self.refused: list[str] = []
        self.tunnels = 0
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(path)
        os.chmod(path, 0o777)  # the sandbox's uid connects through the relay
        self._server.listen(64)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> EgressProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        try:
            self._server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._server.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def note(self) -> str:
        return refusal_note(self.refused)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == a or (a.startswith(".") and host.endswith(a)) for a in self.allow)

    def _refuse(self, conn: socket.socket, target: str, why: str) -> None:
        self.refused.append(target[:200])
        if self.echo:
            print(f"{REFUSED} {target[:200]!r}", flush=True)
        body = f"decaycheck: install egress to {target[:200]} refused: {why}\n".encode()
        try:
            conn.sendall(
                b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
        except OSError:
            pass
        conn.close()

    def _handle(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            head = _read_head(conn)
            line = head.split(b"\r\n", 1)[0].decode("latin-1", "replace")
            parts = line.split()
            if len(parts) != 3 or parts[0].upper() != "CONNECT":
                target = parts[1] if len(parts) > 1 else line
                return self._refuse(conn, target, "only CONNECT to a package registry is allowed")
            target = parts[1]
            host, _, port_text = target.rpartition(":")
            host = host.strip("[]")
            if not port_text.isdigit() or int(port_text) not in PORTS:
                return self._refuse(conn, target, "only port 443 is allowed")
            if not self._allowed(host):
                return self._refuse(conn, target, "not a package registry")
            remote = self._connect(host, int(port_text))
            if remote is None:
                return self._refuse(conn, target, "it resolves to a loopback, private or reserved address")
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            conn.settimeout(None)
            remote.settimeout(None)
            self.tunnels += 1
            _splice(conn, remote)
        except OSError:
            conn.close()

    def _connect(self, host: str, port: int) -> socket.socket | None:
        if self.upstream is not None:
            remote = socket.create_connection(self.upstream, timeout=30)
            remote.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            answer = _read_head(remote)
            if answer.split(b"\r\n", 1)[0].split(b" ")[1:2] != [b"200"]:
                remote.close()
                raise OSError("the upstream proxy refused the tunnel")
            return remote
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        if not infos or any(blocked_address(str(info[4][0])) for info in infos):
            return None
        last: OSError | None = None
        for family, kind, proto, _, address in infos:
            remote = socket.socket(family, kind, proto)
            remote.settimeout(30)
            try:
                remote.connect(address)
                return remote
            except OSError as exc:
                remote.close()
                last = exc
        raise last or OSError("no address")


REFUSED = "egress refused"


def refusal_note(refused: list[str]) -> str:
    """One line for the install log: what was refused (empty when nothing was)."""
    if not refused:
        return ""
    shown = ", ".join(list(dict.fromkeys(refused))[:20])
    return f"[install egress refused {len(refused)} connection(s), only package registries are reachable: {shown}]"


def refusals_in(log: str) -> list[str]:
    """The targets a proxy run as a script (`echo`) refused, from its output."""
    return [line[len(REFUSED) + 1 :].strip("'\"") for line in log.splitlines() if line.startswith(REFUSED + " ")]


def relay(path: str, port: int = RELAY_PORT) -> socket.socket:
    """The sandbox side: 127.0.0.1:`port` inside the namespace, each connection passed to the unix socket."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                upstream.connect(path)
            except OSError:
                conn.close()
                continue
            threading.Thread(target=_splice, args=(conn, upstream), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return server


def proxy_environment(port: int = RELAY_PORT) -> dict[str, str]:
    """What the install step is told: every installer's proxy setting names the relay; nothing bypasses it."""
    url = f"http://127.0.0.1:{port}"
    return {
        "HTTPS_PROXY": url,
        "https_proxy": url,
        "HTTP_PROXY": url,
        "http_proxy": url,
        "ALL_PROXY": url,
        "npm_config_https_proxy": url,
        "npm_config_proxy": url,
        "NO_PROXY": "",
        "no_proxy": "",
    }


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "proxy":
        EgressProxy(argv[1], echo=True).start()
        print("egress proxy ready", flush=True)
        threading.Event().wait()
    if len(argv) >= 3 and argv[0] == "relay":
        relay(argv[1], int(argv[2]))
        command = argv[argv.index("--") + 1 :] if "--" in argv else []
        if not command:
            print("egress relay ready", flush=True)
            threading.Event().wait()
        return subprocess.call(command)
    print("usage: egress.py proxy SOCKET | relay SOCKET PORT [-- COMMAND...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
