#!/usr/bin/env python3
# Manual check, not part of CI: drives headless chromium (Debian's `chromium`) through the real
# sign-in page of a running `elevated --demo` on 127.0.0.1:18471 over the DevTools protocol:
# user name and password, then the TOTP code, and checks that the browser lands on the
# loopback redirect with code and state (so the page's CSP form-action allows it) and that the
# code redeems with its PKCE verifier. Standard library only (a minimal WebSocket client).
#   elevated --demo --listen 127.0.0.1:18471 --database sqlite:/tmp/demo.db   (once, to seed; stop it)
#   elevated user totp alex --database sqlite:/tmp/demo.db                  (prints SECRET)
#   elevated --demo --listen 127.0.0.1:18471 --database sqlite:/tmp/demo.db &
#   scripts/chromium-sign-in-check.py SECRET
import base64, hashlib, hmac, http.server, json, os, socket, struct, subprocess, sys, threading, time, urllib.request

SECRET = sys.argv[1]
SERVER = "http://127.0.0.1:18471"
got = {}

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/cb"): got["path"] = self.path
        self.send_response(200); self.end_headers(); self.wfile.write(b"signed in")
    def log_message(self, *a): pass

httpd = http.server.HTTPServer(("127.0.0.1", 53682), H)
threading.Thread(target=httpd.serve_forever, daemon=True).start()

def totp(secret):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = int(time.time()) // 30
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o+4])[0] & 0x7fffffff) % 1000000)

class WS:
    def __init__(self, url):
        rest = url[len("ws://"):]; hostport, path = rest.split("/", 1)
        host, port = hostport.split(":")
        self.s = socket.create_connection((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, hostport, key)).encode())
        buf = b""
        while b"\r\n\r\n" not in buf: buf += self.s.recv(4096)
        self.buf = buf.split(b"\r\n\r\n", 1)[1]; self.id = 0
    def recvn(self, n):
        while len(self.buf) < n: self.buf += self.s.recv(65536)
        out, self.buf = self.buf[:n], self.buf[n:]; return out
    def send(self, method, params=None):
        self.id += 1
        data = json.dumps({"id": self.id, "method": method, "params": params or {}}).encode()
        mask = os.urandom(4); hdr = bytes([0x81])
        n = len(data)
        hdr += bytes([0x80 | n]) if n < 126 else (bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
        while True:
            b1, b2 = self.recvn(2); n = b2 & 127
            if n == 126: n = struct.unpack(">H", self.recvn(2))[0]
            elif n == 127: n = struct.unpack(">Q", self.recvn(8))[0]
            msg = json.loads(self.recvn(n))
            if msg.get("id") == self.id: return msg

chrome = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=9333",
                           "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(50):
        try:
            targets = json.load(urllib.request.urlopen("http://127.0.0.1:9333/json/list")); break
        except Exception: time.sleep(0.2)
    ws = WS([t for t in targets if t["type"] == "page"][0]["webSocketDebuggerUrl"])
    verifier = base64.urlsafe_b64encode(os.urandom(40)).rstrip(b"=")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
    url = (SERVER + "/organizations/oauth2/v2.0/authorize?client_id=elevate&response_type=code&redirect_uri="
           "http%3A%2F%2F127.0.0.1%3A53682%2Fcb&scope=openid%20offline_access&state=xyz&code_challenge="
           + challenge + "&code_challenge_method=S256")
    ws.send("Page.navigate", {"url": url}); time.sleep(1.5)
    ev = lambda js: ws.send("Runtime.evaluate", {"expression": js, "returnByValue": True})["result"]["result"].get("value")
    print("page 1:", ev("document.title"), "| labels:", ev("[...document.labels ? [] : document.querySelectorAll('label')].map(l=>l.textContent).join(', ')"))
    ev("document.getElementById('username').value='alex';document.getElementById('password').value='elevate-demo';document.forms[0].submit();")
    time.sleep(1.5)
    print("page 2:", ev("document.title"), "| field:", ev("document.getElementById('totp') && document.getElementById('totp').autocomplete"))
    ev("document.getElementById('totp').value='%s';document.forms[0].submit();" % totp(SECRET))
    time.sleep(1.5)
    print("browser now at:", ev("location.href"))
    print("loopback listener got:", got.get("path"))
    if not got.get("path", "").startswith("/cb?code=") or "state=xyz" not in got["path"]:
        sys.exit(1)
    code = got["path"].split("code=")[1].split("&")[0]
    body = ("grant_type=authorization_code&client_id=elevate&code=%s&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A53682%%2Fcb"
            "&code_verifier=%s" % (code, verifier.decode())).encode()
    tok = json.load(urllib.request.urlopen(urllib.request.Request(SERVER + "/organizations/oauth2/v2.0/token", body,
                    {"Content-Type": "application/x-www-form-urlencoded"})))
    print("token response keys:", sorted(tok.keys()))
finally:
    chrome.kill()
    httpd.shutdown()
