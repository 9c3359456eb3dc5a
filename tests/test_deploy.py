"""The shipped nginx configuration, run by a real nginx in front of two stand-in app processes: the
health check answers through the proxy, a browser stays on one process (sticky), websocket headers pass,
plain HTTP is sent to HTTPS.  In CI a missing nginx is a failure."""

from __future__ import annotations

import http.server
import os
import shutil
import ssl
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import free_port

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx" / "planner.conf"


class _Backend(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = f"{self.server.name}|{self.path}|{self.headers.get('Upgrade', '')}|{self.headers.get('Connection', '')}"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def _backend(name: str) -> tuple[http.server.ThreadingHTTPServer, int]:
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Backend)
    server.name = name
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing: the deployment configuration cannot be checked")
        pytest.skip("nginx not installed (outside CI)")
    tmp = tmp_path_factory.mktemp("nginx")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")], check=True, capture_output=True)
    (a, pa), (b, pb) = _backend("A"), _backend("B")
    http_port, https_port = free_port(), free_port()
    site = (CONF.read_text().replace("127.0.0.1:8501", f"127.0.0.1:{pa}").replace("127.0.0.1:8502", f"127.0.0.1:{pb}")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
            .replace("/etc/ssl/certs/planner.haiphong.gov.vn.pem", str(tmp / "cert.pem"))
            .replace("/etc/ssl/private/planner.haiphong.gov.vn.key", str(tmp / "key.pem")))
    assert site.count(str(pa)) == 1 and str(https_port) in site  # every placeholder was found
    (tmp / "planner.conf").write_text(site)
    (tmp / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\nerror_log {tmp}/error.log;\npid {tmp}/nginx.pid;\n"
        "events { worker_connections 64; }\n"
        f"http {{ access_log off; client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;\n"
        f"  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;\n"
        f"  include {tmp}/planner.conf; }}\n")
    check = subprocess.run([nginx, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf")], stderr=subprocess.PIPE)
    base = f"https://127.0.0.1:{https_port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            _get(f"{base}/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield {"https": base, "http": f"http://127.0.0.1:{http_port}"}
    proc.terminate()
    proc.wait(10)
    a.shutdown()
    b.shutdown()


def _get(url: str, headers: dict | None = None) -> str:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5, context=context) as resp:
        return resp.read().decode()


def test_the_health_check_answers_through_the_proxy(proxy) -> None:
    name, path, _, _ = _get(f"{proxy['https']}/healthz").split("|")
    assert name in ("A", "B") and path == "/_stcore/health"
    assert _get(f"{proxy['http']}/healthz").split("|")[1] == "/_stcore/health"  # plain HTTP too, for the checker


def test_one_browser_stays_on_one_process_and_websockets_pass(proxy) -> None:
    seen = {_get(f"{proxy['https']}/gia-dinh?i={i}").split("|")[0] for i in range(20)}
    assert len(seen) == 1  # sticky: the session's state lives in that process
    _, _, upgrade, connection = _get(f"{proxy['https']}/_stcore/stream", {"Upgrade": "websocket",
                                                                        "Connection": "Upgrade"}).split("|")
    assert upgrade == "websocket" and connection.lower() == "upgrade"


def test_plain_http_is_sent_to_https(proxy) -> None:
    import http.client

    host, port = proxy["http"].removeprefix("http://").split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=5)
    con.request("GET", "/tong-quan")
    resp = con.getresponse()
    assert resp.status == 301 and resp.getheader("Location").startswith("https://")
