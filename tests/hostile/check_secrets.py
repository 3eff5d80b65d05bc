#!/usr/bin/env python3
"""check_secrets.py - no output of authscope carries a secret by default.

usage: check_secrets.py AUTHSCOPE KEYTAB CAPTURE... -- TOKENFILE...

Secrets are collected independently of authscope, from the inputs:
  - the e2e rig's passwords (PW_*='...' in tests/e2e/rig.sh);
  - every Basic credential's password in the captures and token files;
  - from every NTLMSSP Type 3 (bare or inside SPNEGO): the LM and NT
    responses, their first 16 bytes (the NTProofStr / LMv2 HMAC, the
    crackable part) and the encrypted session key; each as hex (any case)
    and base64.
Then authscope runs on every capture in every -F format (with --stats,
and again with --keytab), and `decode` / `decode --text` on every header
value found; no output may contain any secret.  Control: `decode
--secrets` must show the NT responses, so a search that finds nothing
because it is broken fails too.
Header values are found by scanning the raw capture bytes (the captures'
headers each sit in one segment); Kerberos session keys are sealed in the
ticket and not collected here.
"""
import base64
import binascii
import re
import struct
import subprocess
import sys

HDR = re.compile(rb'(?im)^(?:proxy-)?(?:authorization|www-authenticate|proxy-authenticate):[ \t]*([^\r\n]+)')


def header_values(blob):
    return [m.group(1).strip() for m in HDR.finditer(blob)]


def b64(s):
    s = re.sub(rb'[^A-Za-z0-9+/=]', b'', s)
    s += b'=' * (-len(s) % 4)
    try:
        return base64.b64decode(s)
    except (binascii.Error, ValueError):
        return b''


def ntlm_type3_secrets(tok):
    """the response fields of every Type 3 inside tok"""
    out = []
    start = 0
    while True:
        i = tok.find(b'NTLMSSP\x00', start)
        if i < 0:
            return out
        start = i + 8
        m = tok[i:]
        if len(m) < 60 or struct.unpack('<I', m[8:12])[0] != 3:
            continue
        for field in (12, 20, 52):          # LM, NT, session key
            ln, _, off = struct.unpack('<HHI', m[field:field + 8])
            if ln < 8 or off + ln > len(m):
                continue
            val = m[off:off + ln]
            out.append(val)
            if field != 52 and ln > 16:
                out.append(val[:16])
    return out


def secret_strings(raw):
    """hex (lower; matched case-insensitively) and base64 spellings"""
    return [raw.hex(), base64.b64encode(raw).decode().rstrip('=')]


def main():
    args = sys.argv[1:]
    sep = args.index('--')
    prog, keytab, caps, tokfiles = args[0], args[1], args[2:sep], args[sep + 1:]

    passwords = set()
    with open('tests/e2e/rig.sh', encoding='utf-8') as f:
        passwords.update(re.findall(r"^PW_\w+='([^']+)'", f.read(), re.M))
    values = []
    for path in caps + tokfiles:
        with open(path, 'rb') as f:
            blob = f.read()
        if path in tokfiles:
            values += [ln.strip() for ln in blob.splitlines() if ln.strip()]
        else:
            values += header_values(blob)
    values = list(dict.fromkeys(v for v in values if len(v) < 65536))

    raw_secrets, nt_responses = set(), set()
    for v in values:
        scheme, _, rest = v.partition(b' ')
        if scheme.lower() == b'basic':
            user, sep2, pw = b64(rest).partition(b':')
            if sep2 and len(pw) >= 4:
                passwords.add(pw.decode('utf-8', 'replace'))
        elif scheme.lower() in (b'ntlm', b'negotiate') or v.startswith(b'TlRM') or v.startswith(b'YI'):
            for s in ntlm_type3_secrets(b64(rest if rest else v)):
                raw_secrets.add(s)
                if len(s) > 24:
                    nt_responses.add(s)
    needles = set(passwords)
    for s in raw_secrets:
        needles.update(secret_strings(s))
    needles = sorted(n for n in needles if len(n) >= 8)
    low = [n.lower() for n in needles]
    print('check_secrets: %d captures, %d token files, %d header values, %d passwords, '
          '%d NTLM secret fields -> %d strings to look for' %
          (len(caps), len(tokfiles), len(values), len(passwords), len(raw_secrets), len(needles)))
    if not passwords or not raw_secrets:
        print('FAIL: found no secrets to look for: the collection is broken')
        return 1

    helptext = subprocess.run([prog, '-h'], capture_output=True, text=True).stdout
    m = re.search(r'default json\):\s*(.*?)\n\s+-o', helptext, re.S)
    formats = m.group(1).split() if m else []
    if 'json' not in formats or len(formats) < 5:
        print('FAIL: cannot read the format list from %s -h' % prog)
        return 1

    fails = []

    def scan(what, data):
        text = data.decode('utf-8', 'replace')
        tl = text.lower()
        for n, nl in zip(needles, low):
            if nl in tl:
                fails.append('%s: contains %r' % (what, n))

    runs = 0
    for cap in caps:
        for fmt in formats:
            for extra in ([], ['--keytab', keytab]):
                r = subprocess.run([prog, '-F', fmt, '--stats'] + extra + ['-r', cap],
                                   capture_output=True)
                runs += 1
                if r.returncode != 0:
                    fails.append('%s -F %s %s: exit %d' % (cap, fmt, ' '.join(extra), r.returncode))
                scan('%s -F %s %s' % (cap, fmt, ' '.join(extra)), r.stdout + r.stderr)
    stdin = b'\n'.join(values) + b'\n'
    for flags in ([], ['--text']):
        r = subprocess.run([prog, 'decode'] + flags + ['-'], input=stdin, capture_output=True)
        runs += 1
        scan('decode %s' % ' '.join(flags), r.stdout + r.stderr)
    # control: the flag that asks for secrets shows them, so the search works
    r = subprocess.run([prog, 'decode', '--secrets', '-'], input=stdin, capture_output=True)
    shown = r.stdout.decode('utf-8', 'replace').lower()
    missing = [s.hex() for s in nt_responses if s.hex() not in shown]
    if not nt_responses or missing:
        fails.append('control: decode --secrets does not show %d of %d NT responses'
                     % (len(missing), len(nt_responses)))
    print('check_secrets: %d runs (%d formats x 2 x %d captures, decode, decode --text)'
          % (runs, len(formats), len(caps)))
    for f in fails[:40]:
        print('FAIL ' + f)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
