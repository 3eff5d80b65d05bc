#!/usr/bin/python3
"""Small NTLM HTTP client for the e2e rig (Debian python3 + python3-ntlm-auth).

Does what curl cannot be told to do: the Type 3 on a new connection, requests
pipelined after the handshake, SPNEGO-wrapped NTLM, several requests on one
keep-alive connection.  Speaks HTTP/1.1 on a raw socket so that what goes on
the wire is exactly what the scenario says.

Exit 0 when every response status matches --expect (comma list, in order of
responses), else 1 with the statuses seen on stderr.
"""
import argparse
import base64
import socket
import sys
import urllib.parse

from ntlm_auth.ntlm import NtlmContext


class Conn:
    """One TCP connection; responses are read with Content-Length framing."""

    def __init__(self, host, port):
        self.addr = (host, port)
        self.sock = socket.create_connection(self.addr, timeout=10)
        self.rfile = self.sock.makefile("rb")

    def reconnect(self):
        self.close()
        self.sock = socket.create_connection(self.addr, timeout=10)
        self.rfile = self.sock.makefile("rb")

    def send(self, data):
        self.sock.sendall(data)

    def read_response(self):
        line = self.rfile.readline()
        if not line:
            raise EOFError("connection closed before a response")
        status = int(line.split()[1])
        headers = []
        while True:
            h = self.rfile.readline()
            if h in (b"\r\n", b"\n", b""):
                break
            k, _, v = h.decode("latin-1").partition(":")
            headers.append((k.strip().lower(), v.strip()))
        length = 0
        for k, v in headers:
            if k == "content-length":
                length = int(v)
            if k == "transfer-encoding" and "chunked" in v.lower():
                raise ValueError("chunked response not expected here")
        if length:
            self.rfile.read(length)
        return status, headers

    def close(self):
        self.rfile.close()
        self.sock.close()


def request(method, target, host, ua, auth=None, auth_header="Authorization",
            body=b""):
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: %s" % host,
             "User-Agent: %s" % ua, "Accept: */*"]
    if auth:
        lines.append("%s: %s" % (auth_header, auth))
    if method in ("POST", "PUT"):
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def challenge(headers, scheme, proxy):
    name = "proxy-authenticate" if proxy else "www-authenticate"
    for k, v in headers:
        if k == name and v.split(" ")[0].lower() == scheme.lower() and " " in v:
            return base64.b64decode(v.split(" ", 1)[1].strip())
    raise ValueError("no %s %s challenge in response" % (name, scheme))


# SPNEGO (RFC 4178) wrapping, minimal DER: enough for gss-ntlmssp in SPNEGO
NTLMSSP_OID = bytes.fromhex("060a2b0601040182370202 0a".replace(" ", ""))
SPNEGO_OID = bytes.fromhex("06062b0601050502")


def der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + ln + body


def spnego_init(ntlm_token):
    mechs = der(0xA0, der(0x30, NTLMSSP_OID))
    tok = der(0xA2, der(0x04, ntlm_token))
    neg = der(0xA0, der(0x30, mechs + tok))
    return der(0x60, SPNEGO_OID + neg)


def spnego_resp(ntlm_token):
    return der(0xA1, der(0x30, der(0xA2, der(0x04, ntlm_token))))


def der_walk_octet(buf):
    """Return the first OCTET STRING's content in a SPNEGO NegTokenResp."""
    i = 0
    while i < len(buf):
        tag = buf[i]
        n = buf[i + 1]
        j = i + 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(buf[j:j + k], "big")
            j += k
        if tag == 0x04:
            return buf[j:j + n]
        if tag & 0x20:          # constructed: descend
            i = j
        else:
            i = j + n
    raise ValueError("no octet string in SPNEGO token")


def handshake(a, c, user, password, seen, target, path, hosthdr, scheme,
              hname, proxy, body):
    """Type 1, then Type 3 (on c, or on c reconnected with --type3-new-conn);
    appends the statuses to seen; False when the Type 1 got no challenge."""
    ctx = NtlmContext(user, password, a.domain or None, a.workstation,
                      ntlm_compatibility=a.compat)
    t1 = ctx.step()
    tok = spnego_init(t1) if a.spnego else t1
    c.send(request(a.method, target(path), hosthdr, a.ua,
                   "%s %s" % (scheme, base64.b64encode(tok).decode()), hname, body))
    st, hd = c.read_response()
    seen.append(st)
    try:
        t2 = challenge(hd, scheme, proxy)
    except ValueError:
        return False        # refused without a challenge: the scenario says

    if a.spnego:
        t2 = der_walk_octet(t2)
    t3 = ctx.step(t2)
    tok = spnego_resp(t3) if a.spnego else t3
    if a.type3_new_conn:
        c.reconnect()
    c.send(request(a.method, target(path), hosthdr, a.ua,
                   "%s %s" % (scheme, base64.b64encode(tok).decode()), hname, body))
    seen.append(c.read_response()[0])
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--proxy", help="host:port: send absolute-form requests "
                    "to this proxy and authenticate with Proxy-Authorization")
    ap.add_argument("--user", required=True)
    ap.add_argument("--domain", default="")
    ap.add_argument("--password", required=True)
    ap.add_argument("--workstation", default="E2ECLIENT")
    ap.add_argument("--ua", default="authscope-e2e")
    ap.add_argument("--spnego", action="store_true",
                    help="Authorization: Negotiate with SPNEGO-wrapped NTLM")
    ap.add_argument("--no-anonymous", action="store_true",
                    help="start with the Type 1 (no unauthenticated request)")
    ap.add_argument("--type3-new-conn", action="store_true",
                    help="send the Type 3 on a new connection")
    ap.add_argument("--more", default="",
                    help="comma list of paths requested after the handshake "
                    "on the same connection, one at a time")
    ap.add_argument("--pipeline", default="",
                    help="comma list of paths written back to back after the "
                    "handshake before reading any response")
    ap.add_argument("--method", default="GET",
                    help="method of the handshake requests (POST/PUT send --body)")
    ap.add_argument("--body", default="", help="request body for POST/PUT")
    ap.add_argument("--compat", type=int, default=3,
                    help="LM compatibility level: 0 LM+NTLMv1, 1-2 NTLMv1 "
                    "(with extended session security), 3 NTLMv2")
    ap.add_argument("--reauth", default="",
                    help="user:password: after everything else, a second "
                    "NTLM handshake (Type 1, Type 3) on the same connection")
    ap.add_argument("--more-after", default="",
                    help="like --more, after the --reauth handshake")
    ap.add_argument("--expect", default="", help="comma list of statuses")
    a = ap.parse_args()

    u = urllib.parse.urlsplit(a.url)
    host, port = u.hostname, u.port or 80
    hosthdr = u.netloc
    proxy = bool(a.proxy)
    if proxy:
        chost, cport = a.proxy.rsplit(":", 1)
        cport = int(cport)
        def target(p): return "%s://%s%s" % (u.scheme, u.netloc, p)
    else:
        chost, cport = "127.0.0.1", port
        def target(p): return p
    hname = "Proxy-Authorization" if proxy else "Authorization"
    scheme = "Negotiate" if a.spnego else "NTLM"
    path = u.path or "/"
    body = a.body.encode("latin-1")

    seen = []
    c = Conn(chost, cport)
    if not a.no_anonymous:
        c.send(request(a.method, target(path), hosthdr, a.ua, body=body))
        seen.append(c.read_response()[0])

    if not handshake(a, c, a.user, a.password, seen, target, path, hosthdr,
                     scheme, hname, proxy, body):
        return finish(a, seen)
    for p in [x for x in a.more.split(",") if x]:
        c.send(request("GET", target(p), hosthdr, a.ua))
        seen.append(c.read_response()[0])
    pipe = [x for x in a.pipeline.split(",") if x]
    if pipe:
        c.send(b"".join(request("GET", target(p), hosthdr, a.ua) for p in pipe))
        for _ in pipe:
            seen.append(c.read_response()[0])
    if a.reauth:
        u2, _, p2 = a.reauth.partition(":")
        if not handshake(a, c, u2, p2, seen, target, path, hosthdr, scheme,
                         hname, proxy, body):
            return finish(a, seen)
        for p in [x for x in a.more_after.split(",") if x]:
            c.send(request("GET", target(p), hosthdr, a.ua))
            seen.append(c.read_response()[0])
    c.close()
    return finish(a, seen)


def finish(a, seen):
    want = [int(x) for x in a.expect.split(",") if x]
    print("statuses:", ",".join(map(str, seen)))
    if want and want != seen:
        print("expected %s, got %s" % (want, seen), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
