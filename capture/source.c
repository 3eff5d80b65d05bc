/*
 * source.c - packet sources and the public entry points of capture.h.
 *
 * libpcap opens every saved file.  A regular classic pcap file is then
 * read by pcapfile.c (records straight out of a large read() buffer, a
 * third of libpcap's cost per record); pcapng, stdin and unusual formats
 * are read by libpcap with pcap_dispatch.  Several files are merged by
 * always taking the earliest packet read ahead from each (each reader
 * keeps one buffer per file, so one packet per file can wait).  A damaged
 * file stops that file only, with its byte offset: for classic pcap we
 * count record sizes ourselves (no ftell per packet), for pcapng we ask
 * the stdio stream where libpcap stopped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cap_int.h"
#include "pcapfile.h"

static void cfg_defaults(struct cap_config *cfg)
{
	if (!cfg->memcap_bytes)
		cfg->memcap_bytes = CAP_DEFAULT_MEMCAP_BYTES;
	if (!cfg->flow_ooo_cap_bytes)
		cfg->flow_ooo_cap_bytes = CAP_DEFAULT_OOO_CAP_BYTES;
	if (!cfg->idle_timeout_us)
		cfg->idle_timeout_us = CAP_DEFAULT_IDLE_US;
	if (cfg->snaplen <= 0)
		cfg->snaplen = CAP_DEFAULT_SNAPLEN;
}

struct capture *cap_new(const struct cap_config *cfg, const struct cap_callbacks *cb)
{
	struct capture *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (cfg)
		c->cfg = *cfg;
	cfg_defaults(&c->cfg);
	if (cb)
		c->cb = *cb;
	if (!cap_flows_init(c)) {
		free(c);
		return NULL;
	}
	return c;
}

void cap_feed(struct capture *c, int dlt, const uint8_t *pkt, size_t caplen,
	      size_t wirelen, uint64_t ts_us)
{
	(void)wirelen;                         /* IP lengths tell what was cut */
	c->st.packets++;
	c->st.bytes += caplen;
	if (c->cb.raw_packet) {                /* a reader feeding workers */
		c->cb.raw_packet(c->cb.user, dlt, pkt, caplen, wirelen, ts_us);
		return;
	}
	if (ts_us > c->now_us) {
		/* time moves only forward: merged files may step back a little */
		c->now_us = ts_us;
		cap_flows_expire(c);
		if (c->frags.count)
			cap_frag_expire(c);
	}
	cap_decode_packet(c, dlt, pkt, caplen, ts_us);
}

static uint64_t hdr_ts_us(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)user;
	struct cap_src *s = c->cur;
	s->offset += 16 + (uint64_t)h->caplen;
	cap_feed(c, s->dlt, data, h->caplen, h->len, hdr_ts_us(h));
}

/* compiled once, for pf when it reads the file, else for libpcap */
static bool set_filter(pcap_t *p, struct pcapfile *pf, const char *bpf,
		       const char *what, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (!bpf || !*bpf)
		return true;
	if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "%s: bad filter '%s': %s", what, bpf, pcap_geterr(p));
		return false;
	}
	if (pf) {
		pcapfile_filter(pf, &prog);
		return true;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot set filter: %s", what, pcap_geterr(p));
		return false;
	}
	return true;
}

/* pcapng starts with a Section Header Block, 0x0A0D0D0A in any byte order */
static bool file_is_pcapng(FILE *fp)
{
	uint8_t m[4];
	bool ng = fread(m, 1, 4, fp) == 4 && m[0] == 0x0a && m[1] == 0x0d &&
		  m[2] == 0x0d && m[3] == 0x0a;
	rewind(fp);
	return ng;
}

static bool src_open_file(struct cap_src *s, const char *path, const char *bpf,
			  char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	if (strcmp(path, "-") == 0) {
		/* stdin, as tcpdump -r -: a pipe cannot be peeked and rewound */
		s->p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, perr);
		if (!s->p) {
			snprintf(err, errlen, "stdin: %s", perr);
			return false;
		}
		s->pcapng = pcap_major_version(s->p) == 1;   /* libpcap's pcapng marker */
	} else {
		FILE *fp = fopen(path, "rb");
		if (!fp) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return false;
		}
		s->pcapng = file_is_pcapng(fp);
		s->p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, perr);
		if (!s->p) {
			fclose(fp);
			snprintf(err, errlen, "%s: %s", path, perr);
			return false;
		}
	}
	s->path = path;
	s->dlt = pcap_datalink(s->p);
	s->offset = 24;                        /* classic pcap file header */
	if (!s->pcapng && strcmp(path, "-") != 0)
		s->pf = pcapfile_open(s->p);
	return set_filter(s->p, s->pf, bpf, path, err, errlen);
}

struct capture *cap_open_files(const char *const *paths, int npaths,
			       const struct cap_config *cfg,
			       const struct cap_callbacks *cb,
			       char *err, size_t errlen)
{
	if (npaths <= 0) {
		snprintf(err, errlen, "no capture file given");
		return NULL;
	}
	struct capture *c = cap_new(cfg, cb);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->src = calloc((size_t)npaths, sizeof(*c->src));
	if (!c->src) {
		snprintf(err, errlen, "out of memory");
		cap_close(c);
		return NULL;
	}
	for (int i = 0; i < npaths; i++) {
		c->nsrc = i + 1;
		if (!src_open_file(&c->src[i], paths[i], c->cfg.bpf, err, errlen)) {
			cap_close(c);
			return NULL;
		}
	}
	return c;
}

struct capture *cap_open_live(const char *iface, const struct cap_config *cfg,
			      const struct cap_callbacks *cb,
			      char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = cap_new(cfg, cb);
	if (!c || !(c->src = calloc(1, sizeof(*c->src)))) {
		snprintf(err, errlen, "out of memory");
		cap_close(c);
		return NULL;
	}
	c->live = true;
	c->nsrc = 1;
	struct cap_src *s = &c->src[0];
	s->p = pcap_create(iface, perr);
	if (!s->p) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		cap_close(c);
		return NULL;
	}
	pcap_set_snaplen(s->p, c->cfg.snaplen);
	pcap_set_promisc(s->p, 1);
	pcap_set_timeout(s->p, 100);           /* wake up to notice cap_break */
	if (c->cfg.immediate)
		pcap_set_immediate_mode(s->p, 1);
	if (c->cfg.buffer_kib > 0)
		pcap_set_buffer_size(s->p, c->cfg.buffer_kib * 1024);
	int rc = pcap_activate(s->p);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s: %s", iface, pcap_statustostr(rc),
			 pcap_geterr(s->p));
		cap_close(c);
		return NULL;
	}
	s->dlt = pcap_datalink(s->p);
	if (!set_filter(s->p, NULL, c->cfg.bpf, iface, err, errlen)) {
		cap_close(c);
		return NULL;
	}
	return c;
}

/*
 * pcapng: libpcap reads a block's 8-byte header, then the rest; its message
 * says how much of the failed read it got, so the block began that much
 * (plus the header) before where the stream stopped.
 */
static uint64_t pcapng_damage_offset(struct cap_src *s, const char *msg)
{
	long pos = ftell(pcap_file(s->p));
	const char *t = strstr(msg, "tried to read ");
	const char *g = strstr(msg, "only got ");
	unsigned long want, got;
	if (pos < 0)
		return UINT64_MAX;             /* a pipe: no position to tell */
	if (!t || !g || sscanf(t, "tried to read %lu", &want) != 1 ||
	    sscanf(g, "only got %lu", &got) != 1)
		return (uint64_t)pos;
	uint64_t back = got + (want == 8 ? 0 : 8);
	return back <= (uint64_t)pos ? (uint64_t)pos - back : (uint64_t)pos;
}

/* the message for a read error: where in the file the damage starts */
static void src_error(struct cap_src *s, char *err, size_t errlen)
{
	const char *msg = s->pf ? pcapfile_error(s->pf) : pcap_geterr(s->p);
	uint64_t off = s->offset;
	if (s->pcapng)
		off = pcapng_damage_offset(s, msg);
	const char *what = strstr(msg, "truncated") ? "truncated" : "damaged";
	if (off == UINT64_MAX)
		snprintf(err, errlen, "%s: %s at an unknown byte offset (%s)",
			 s->path, what, msg);
	else
		snprintf(err, errlen, "%s: %s at byte offset %llu (%s)",
			 s->path, what, (unsigned long long)off, msg);
	s->done = true;
}

static void live_stats(struct capture *c)
{
	struct pcap_stat ps;
	if (pcap_stats(c->src[0].p, &ps) == 0) {
		c->st.kernel_drops = ps.ps_drop;
		c->st.iface_drops = ps.ps_ifdrop;
	}
}

/* one classic pcap file through pcapfile.c: batches of 4096 as dispatch */
static int run_pcapfile(struct capture *c, struct cap_src *s, char *err, size_t errlen)
{
	struct pcap_pkthdr h;
	const uint8_t *data;
	int rc = 1;
	while (!c->brk && rc == 1) {
		for (int i = 0; i < 4096; i++) {
			rc = pcapfile_next(s->pf, &h, &data, &s->offset);
			if (rc != 1)
				break;
			cap_feed(c, s->dlt, data, h.caplen, h.len, hdr_ts_us(&h));
			if (c->brk)
				break;
		}
		if (c->cb.tick)
			c->cb.tick(c->cb.user);
	}
	if (rc < 0) {
		src_error(s, err, errlen);
		return -1;
	}
	return 0;
}

static int run_one(struct capture *c, struct cap_src *s, char *err, size_t errlen)
{
	c->cur = s;
	if (s->pf)
		return run_pcapfile(c, s, err, errlen);
	while (!c->brk) {
		int n = pcap_dispatch(s->p, 4096, on_packet, (u_char *)c);
		if (c->live)
			live_stats(c);
		if (c->cb.tick)
			c->cb.tick(c->cb.user);
		if (n == PCAP_ERROR_BREAK && !c->brk && c->live)
			continue;              /* cap_wakeup: the tick has run */
		if (n == PCAP_ERROR_BREAK)
			return 0;
		if (n == PCAP_ERROR) {
			if (c->live) {
				snprintf(err, errlen, "read error: %s", pcap_geterr(s->p));
				return -1;
			}
			src_error(s, err, errlen);
			return -1;
		}
		if (n == 0 && !c->live)
			return 0;              /* end of file */
	}
	return 0;
}

/* read ahead one packet from s; false at its end (or damage, noted in err) */
static bool src_next(struct cap_src *s, char *err, size_t errlen, bool *failed)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	if (s->done)
		return false;
	int rc;
	if (s->pf) {
		uint64_t off;
		rc = pcapfile_next(s->pf, &s->hdr, &s->data, &off);
		if (rc == 1) {
			s->ts_us = hdr_ts_us(&s->hdr);
			s->have = true;
			return true;
		}
		s->offset = off;
		if (rc == 0)
			rc = PCAP_ERROR_BREAK;
	} else {
		rc = pcap_next_ex(s->p, &h, &data);
	}
	if (rc == 1) {
		s->hdr = *h;
		s->data = data;
		s->ts_us = hdr_ts_us(h);
		s->have = true;
		return true;
	}
	if (rc == PCAP_ERROR && !*failed) {
		src_error(s, err, errlen);
		*failed = true;
	}
	s->done = true;
	return false;
}

static int run_merge(struct capture *c, char *err, size_t errlen)
{
	bool failed = false;
	for (int i = 0; i < c->nsrc; i++)
		src_next(&c->src[i], err, errlen, &failed);
	while (!c->brk) {
		struct cap_src *best = NULL;
		for (int i = 0; i < c->nsrc; i++) {
			struct cap_src *s = &c->src[i];
			if (s->have && (!best || s->ts_us < best->ts_us))
				best = s;
		}
		if (!best)
			break;
		best->have = false;
		best->offset += 16 + (uint64_t)best->hdr.caplen;
		cap_feed(c, best->dlt, best->data, best->hdr.caplen, best->hdr.len,
			 best->ts_us);
		src_next(best, err, errlen, &failed);
		if (c->cb.tick && (c->st.packets & 4095) == 0)
			c->cb.tick(c->cb.user);
	}
	return failed ? -1 : 0;
}

int cap_run(struct capture *c, char *err, size_t errlen)
{
	if (!c->src || c->nsrc == 0) {
		snprintf(err, errlen, "no packet source");
		return -1;
	}
	if (c->nsrc == 1)
		return run_one(c, &c->src[0], err, errlen);
	return run_merge(c, err, errlen);
}

void cap_break(struct capture *c)
{
	c->brk = 1;
	for (int i = 0; i < c->nsrc; i++)
		if (c->src[i].p)
			pcap_breakloop(c->src[i].p);
}

void cap_flush(struct capture *c)
{
	cap_flows_flush(c);
}

const struct cap_stats *cap_get_stats(struct capture *c)
{
	if (c->live && c->src && c->src[0].p)
		live_stats(c);
	return &c->st;
}

void cap_close(struct capture *c)
{
	if (!c)
		return;
	cap_flows_flush(c);
	cap_frag_free_all(c);
	cap_flows_free(c);
	for (int i = 0; i < c->nsrc; i++) {
		pcapfile_close(c->src[i].pf);
		if (c->src[i].p)
			pcap_close(c->src[i].p);
	}
	free(c->src);
	free(c);
}
