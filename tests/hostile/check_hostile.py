#!/usr/bin/env python3
"""check_hostile.py - the assertions of t_hostile.sh for one case.

usage: check_hostile.py CASE PCAP STDOUT STDERR RC RSSFILE MEMCAP_BYTES
                        OVERHEAD_KB SAN GENLINE

STDOUT is authscope's json output with --stats.  Prints one figures line
(peak RSS, memcap, counters) and exits 1 with the reasons on failure.
"""
import json
import re
import struct
import sys

GOOD_USER = 'alice'


def pcap_cut_records(path):
    """records whose captured length is below the wire length"""
    with open(path, 'rb') as f:
        data = f.read()
    off, cut = 24, 0
    while off + 16 <= len(data):
        incl, orig = struct.unpack('<II', data[off + 8:off + 16])
        cut += incl < orig
        off += 16 + incl
    return cut


def main():
    (case, pcap, out_path, err_path, rc, rss_path, memcap, overhead_kb,
     san, genline) = sys.argv[1:11]
    rc, memcap, overhead_kb = int(rc), int(memcap), int(overhead_kb)
    gen = dict(kv.split('=') for kv in genline.split())
    errs = []

    def want(cond, msg):
        if not cond:
            errs.append(msg)

    recs, stats = [], None
    with open(out_path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            try:
                r = json.loads(line)
            except ValueError:
                errs.append('line %d is not JSON: %r' % (n, line[:200]))
                continue
            if r.get('event_type') == 'stats':
                stats = r
            else:
                recs.append(r)
    with open(err_path, encoding='utf-8', errors='replace') as f:
        err = f.read()
    with open(rss_path) as f:
        rss_kb = int(f.read().split('=')[1])

    want(stats is not None, 'no stats record')
    if stats is None:
        stats = {'capture': {}, 'tcp': {}, 'http': {}, 'auth': {}}
    http = [r for r in recs if r.get('event_type') == 'http']
    auths = [r for r in recs if r.get('event_type') == 'auth']

    def by_url(prefix):
        return [r for r in http if (r['http'].get('url') or '').startswith(prefix)]

    # the good handshakes: every copy reported, nobody else named
    copies = {'synflood': 3, 'halfopen': 3, 'cut': 3, 'snaplen': 0}.get(case, 2)
    good = [a for a in auths if a['auth'].get('user') == GOOD_USER and
            a['auth'].get('result') == 'success']
    want(len(good) == copies, 'good handshakes reported: %d, want %d' % (len(good), copies))
    want(len({a['flow_id'] for a in good}) == len(good), 'good handshakes not on distinct flows')
    big = '\u4e00' * 7500                   # bignames: the hand-built Type 3's user
    for r in http + auths:
        u = r['auth'].get('user')
        want(u in (None, GOOD_USER) or (case == 'bignames' and u == big),
             'a user %r appeared (flow %s)' % ((u or '')[:40], r.get('flow_id')))

    # exit status and the memory bound
    want(rc == (2 if case == 'cut' else 0), 'exit status %d' % rc)
    limit_kb = memcap // 1024 + overhead_kb
    if san == '1':
        rss_note = 'not asserted (ASan shadow memory and quarantine)'
    else:
        rss_note = '<= %d KiB' % limit_kb
        want(rss_kb <= limit_kb, 'peak RSS %d KiB over memcap + overhead = %d KiB' % (rss_kb, limit_kb))

    tcp, hs, cap = stats['tcp'], stats['http'], stats['capture']
    lim = stats.get('limits', {})
    want('limits' in stats, 'no limits counters in the stats record')
    flows = int(gen['flows'])
    if case in ('synflood', 'halfopen', 'pipeauth', 'bignames'):
        want(tcp.get('flows') == flows, 'flows %s, want %d' % (tcp.get('flows'), flows))
    if case in ('synflood', 'halfopen'):
        # the layers above are charged 4 KiB per open flow (report/pipeline.c)
        held_max = memcap // 4096
        want(tcp.get('flows_evicted', 0) >= flows - held_max,
             'evicted %s, want >= %d (flows - memcap/4KiB)' % (tcp.get('flows_evicted'), flows - held_max))
    if case == 'halfopen':
        half = by_url('/half-open')
        want(len(half) == flows - 3, 'partial requests reported: %d, want %d' % (len(half), flows - 3))
        want(all(r['http']['status'] is None for r in half), 'a partial request has a status')
        want(hs.get('unanswered') == flows - 3, 'unanswered %s' % hs.get('unanswered'))
    if case == 'overlap':
        want(tcp.get('overlap_conflict', 0) >= 1, 'overlap_conflict not counted')
        # bytes 10.. came first (first copy wins); 0..9 only in the second
        want([r['http']['url'] for r in by_url('/SECON')] == ['/SECON-copy-wins'],
             'overlap url: %r' % [r['http']['url'] for r in http])
    if case in ('longline', 'manyhdrs'):
        rs = by_url('/' + case)
        want(len(rs) == 1 and 'header_limit' in (rs[0].get('anomaly') or ''),
             '%s: record not marked header_limit: %r' % (case, [r.get('anomaly') for r in rs]))
        want(len(rs) == 1 and rs[0]['http']['status'] == 401, '%s: response not paired' % case)
        want(lim.get('header_limit') == 1, 'limits.header_limit %r, want 1' % lim.get('header_limit'))
    if case == 'bigauth':
        rs = by_url('/bigauth')
        want(len(rs) == 1 and 'auth_cut' in (rs[0].get('anomaly') or ''),
             'bigauth: not marked auth_cut: %r' % [r.get('anomaly') for r in rs])
        want(hs.get('cut_fields', 0) >= 1, 'cut_fields not counted')
        want(lim.get('auth_cut') == 1, 'limits.auth_cut %r, want 1' % lim.get('auth_cut'))
    if case == 'badntlm':
        for u in ('/bad1', '/bad3'):
            rs = by_url(u)
            want(len(rs) == 1 and 'ntlm_bad_offset' in (rs[0].get('anomaly') or ''),
                 '%s: not marked ntlm_bad_offset: %r' % (u, [r.get('anomaly') for r in rs]))
    if case == 'deepspnego':
        rs = by_url('/deep')
        want(len(rs) == 1 and 'der_too_deep' in (rs[0].get('anomaly') or ''),
             'deepspnego: not marked: %r' % [r.get('anomaly') for r in rs])
        want(lim.get('der_too_deep') == 1, 'limits.der_too_deep %r, want 1' % lim.get('der_too_deep'))
    if case == 'pipeline':
        rs = by_url('/pipe/')
        want(sorted(r['http']['url'] for r in rs) == sorted('/pipe/%d' % k for k in range(100)),
             'pipelined requests reported whole: %d of 100' % len(rs))
        capped = [r for r in rs if 'pipeline_cap' in (r.get('anomaly') or '')]
        want(len(capped) >= 100 - 32, 'pipeline_cap marked on %d records, want >= 68' % len(capped))
        want(lim.get('pipeline_cap') == len(capped), 'limits.pipeline_cap %r, want %d'
             % (lim.get('pipeline_cap'), len(capped)))
    if case == 'pipeauth':
        # http/'s copies count against --memcap: idle flows are evicted
        # (counted), and every request is still written
        want(tcp.get('flows_evicted', 0) >= 1, 'no flow evicted under http/ pressure')
        n_req = (flows - 2) * 40
        want(len(by_url('/pa')) + sum(1 for r in http if r['http']['url'] is None) >= n_req,
             'pipelined requests written: %d, want %d' % (len(by_url('/pa')), n_req))
        want(hs.get('unanswered') == n_req, 'unanswered %s, want %d' % (hs.get('unanswered'), n_req))
    if case == 'bignames':
        # ntlm/'s kept names count against --memcap: idle flows evicted,
        # every identity still reported whole
        want(tcp.get('flows_evicted', 0) >= 1, 'no flow evicted under ntlm/ pressure')
        named = [a for a in auths if a['auth'].get('user') == big]
        want(len(named) == flows - 2, 'big identities reported: %d, want %d' % (len(named), flows - 2))
    if case == 'ooo':
        want(tcp.get('ooo_dropped', 0) >= 1, 'ooo_dropped not counted')
        want(tcp.get('gaps', 0) >= 1, 'the hole is not a gap')
    if case == 'snaplen':
        ncut = pcap_cut_records(pcap)
        want(ncut > 0 and cap.get('truncated') == ncut,
             'truncated %s, want %d' % (cap.get('truncated'), ncut))
    if case == 'cut':
        off = gen['cut_offset']
        want(pcap in err and re.search(r'\boffset %s\b' % off, err) is not None,
             'error does not name %s and offset %s: %r' % (pcap, off, err[-300:]))

    print('%-10s memcap=%d MiB peak_rss=%d KiB (%s) flows=%s evicted=%s records=%d good=%d' %
          (case, memcap >> 20, rss_kb, rss_note, tcp.get('flows'), tcp.get('flows_evicted'),
           len(recs), len(good)))
    for e in errs:
        print('  FAIL %s: %s' % (case, e))
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main())
