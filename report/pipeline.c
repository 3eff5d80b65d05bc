/*
 * pipeline.c - wire capture/ -> http/ -> ntlm/ together (see pipeline.h).
 *
 * The per-flow glue is one small struct holding the http/ and ntlm/
 * halves of a connection; every callback is a direct hand-over.
 *
 * A "core" is one complete chain (capture flow table, http/, ntlm/ and a
 * keytab handle): one for a single worker, N for --workers N.  With
 * files and N workers the calling thread reads (capture's merge, with
 * raw_packet set) and is itself worker 0: a packet whose address pair
 * hashes to core 0 is fed to it at once, any other is appended to the
 * batch of its worker; full batches go through a small bounded ring per
 * worker thread (mutex + condition variables, taken once per batch of
 * hundreds of packets).  So N workers are N threads, not N + 1.  Live,
 * every core opens the interface and joins
 * one PACKET_FANOUT group: the kernel splits the flows.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pipeline.h"
#include "../http/http.h"
#include "../ntlm/handshake.h"
#include "../ntlm/krbtkt.h"

#define PL_MAX_WORKERS   64
/* what http/ and ntlm/ hold per open connection before any message
   (struct http_conn with its two parsers, hs_conn, pl_conn), charged to
   --memcap through cap_config.flow_user_bytes: tests/hostile measured
   ~2.6 KiB of RSS per idle connection, ~3.6 KiB with a partial request
   (without the charge a 1M SYN flood at 256M peaked at 2.6 GB) */
#define PL_FLOW_USER_BYTES 4096
#define PL_BATCH_BYTES   (512u << 10)
#define PL_RING_SLOTS    8
#define PL_PROGRESS_NS   250000000ll    /* at most 4 progress lines a second */

/* one packet in a batch; its bytes follow, padded to 8 */
struct pl_pkt {
	uint64_t ts_us;
	uint64_t clock_us;       /* newest time the reader saw before it */
	uint32_t caplen, wirelen;
	int32_t dlt;
	uint32_t pad;
};

struct pl_batch {
	size_t used;
	unsigned char data[PL_BATCH_BYTES];
};

struct pl_ring {
	struct pl_batch *slot[PL_RING_SLOTS];
	unsigned head, tail;             /* head: published; tail: consumed */
	bool eof;
	uint64_t final_clock_us;
	pthread_mutex_t m;
	pthread_cond_t not_empty, not_full;
};

/* records marked by a limit (tests/hostile): counted from the anomaly
   names on the http records, so each layer's limit is counted once where
   it reaches the output */
struct pl_limits {
	uint64_t header_limit;           /* header line too long / too many */
	uint64_t pipeline_cap;           /* too many pending requests */
	uint64_t auth_cut;               /* auth header over HTTP_AUTH_MAX */
	uint64_t url_cut, field_cut;
	uint64_t der_too_deep;           /* DER nesting over DER_MAX_DEPTH */
	uint64_t gap;                    /* bytes lost inside the transaction */
};

struct pl_stats {
	struct cap_stats cs;
	struct http_stats hs;
	struct hs_stats as;
	uint64_t alloc_failures;
	struct pl_limits limits;
};

struct pl_core {
	struct pipeline *p;
	int index;
	struct capture *cap;
	struct http_ctx *http;
	struct hs_ctx *hs;
	struct krbtkt *kt;
	/* the two layers' live mem_bytes counters (their get_stats return
	   a pointer into the context), read on every data segment */
	const uint64_t *http_mem, *hs_mem;
	uint64_t alloc_failures;
	struct pl_limits limits;
	/* worker thread */
	bool inited;                     /* locks initialised */
	bool threaded;                   /* runs outside the calling thread */
	pthread_t th;
	bool started;
	struct pl_ring ring;             /* files: packets from the reader */
	struct pl_batch *fill;           /* reader side: batch being filled */
	int rc;
	char err[256];
	pthread_mutex_t snap_lock;       /* stats as of the last batch */
	struct pl_stats snap;
};

struct pl_conn {
	struct http_conn *http;
	struct hs_conn *hs;
};

struct pipeline {
	struct pipeline_opts opts;
	struct pipeline_sink sink;
	int ncores;
	struct pl_core *core;
	struct capture *reader;          /* files with workers: the reader */
	pthread_mutex_t out_lock;
	bool running;                    /* worker threads are up */
	uint64_t clock_us;               /* reader: newest packet time */
	/* progress */
	uint64_t total_bytes;
	struct timespec t0, t_last;
	bool progress_shown;
};

/* ids unique across workers: worker k of N numbers k+1, k+1+N... */
static uint64_t spread_id(const struct pl_core *k, uint64_t id)
{
	if (!id || k->p->ncores <= 1)
		return id;
	return (id - 1) * (uint64_t)k->p->ncores + (uint64_t)k->index + 1;
}

static void *pl_flow_open(void *user, const struct flow_info *fi)
{
	struct pl_core *k = user;
	/* malloc, not calloc: glibc's calloc skips the thread cache, and
	   both fields are set below */
	struct pl_conn *c = malloc(sizeof(*c));
	struct flow_info f2 = *fi;

	if (!c) {
		k->alloc_failures++;
		return NULL;
	}
	f2.flow_id = spread_id(k, fi->flow_id);
	c->hs = hs_conn_new(k->hs, f2.flow_id);
	c->http = http_conn_new(k->http, &f2, c);
	if (!c->hs || !c->http) {
		k->alloc_failures++;
		if (c->http)
			http_conn_close(c->http, fi->first_ts_us);
		hs_conn_close(c->hs);
		free(c);
		return NULL;
	}
	return c;
}

static void pl_flow_data(void *user, void *flow_user, enum cap_dir dir,
			 const uint8_t *data, size_t len, uint64_t ts_us)
{
	struct pl_conn *c = flow_user;
	(void)user;
	if (c)
		http_conn_data(c->http, dir, data, len, ts_us);
}

static void pl_flow_gap(void *user, void *flow_user, enum cap_dir dir,
			uint64_t gap_bytes, uint64_t ts_us)
{
	struct pl_conn *c = flow_user;
	(void)user;
	if (c)
		http_conn_gap(c->http, dir, gap_bytes, ts_us);
}

static void pl_flow_close(void *user, void *flow_user,
			  enum cap_close_reason why, uint64_t ts_us)
{
	struct pl_conn *c = flow_user;
	(void)user;
	(void)why;
	if (!c)
		return;
	/* http/ flushes its unanswered requests into hs/ first */
	http_conn_close(c->http, ts_us);
	hs_conn_close(c->hs);
	free(c);
}

static void pl_tx_done(void *user, void *conn_user, const struct http_tx *tx)
{
	struct pl_conn *c = conn_user;
	(void)user;
	hs_conn_tx(c->hs, tx);
}

/* capture/ counts http/'s copies and ntlm/'s kept names when it makes
   room (capture.h) */
static uint64_t pl_user_mem_bytes(void *user)
{
	const struct pl_core *k = user;
	return *k->http_mem + *k->hs_mem;
}

/* name is one of the comma-separated names in list */
static bool anom_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *q = list; q && (q = strstr(q, name)); q += n)
		if ((q == list || q[-1] == ',') && (q[n] == ',' || q[n] == '\0'))
			return true;
	return false;
}

/* http/'s limits are bits on the transaction, ntlm/'s are names */
static void count_limits(struct pl_limits *l, const struct as_http *r)
{
	unsigned a = r->tx ? r->tx->anomalies : 0;

	l->header_limit += !!(a & HTTP_ANOM_HEADER_LIMIT);
	l->pipeline_cap += !!(a & HTTP_ANOM_PIPELINE_CAP);
	l->auth_cut += !!(a & HTTP_ANOM_AUTH_CUT);
	l->url_cut += !!(a & HTTP_ANOM_URL_CUT);
	l->field_cut += !!(a & HTTP_ANOM_FIELD_CUT);
	l->gap += !!(a & HTTP_ANOM_GAP);
	l->der_too_deep += anom_has(r->anomaly, "der_too_deep");
}

static void pl_on_http(void *user, const struct as_http *r)
{
	struct pl_core *k = user;
	struct pipeline *p = k->p;
	struct as_http r2;

	count_limits(&k->limits, r);
	if (!p->sink.on_http)
		return;
	if (p->ncores <= 1) {
		p->sink.on_http(p->sink.user, r);
		return;
	}
	r2 = *r;
	r2.handshake_id = spread_id(k, r->handshake_id);
	pthread_mutex_lock(&p->out_lock);
	p->sink.on_http(p->sink.user, &r2);
	pthread_mutex_unlock(&p->out_lock);
}

static void pl_on_auth(void *user, const struct as_auth *a)
{
	struct pl_core *k = user;
	struct pipeline *p = k->p;
	struct as_auth a2;

	if (!p->sink.on_auth)
		return;
	if (p->ncores <= 1) {
		p->sink.on_auth(p->sink.user, a);
		return;
	}
	a2 = *a;
	a2.handshake_id = spread_id(k, a->handshake_id);
	/* flow_id came from pl_flow_open already spread */
	pthread_mutex_lock(&p->out_lock);
	p->sink.on_auth(p->sink.user, &a2);
	pthread_mutex_unlock(&p->out_lock);
}

/* ---- statistics ---- */

static void core_stats_now(struct pl_core *k, struct pl_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (k->cap)
		s->cs = *cap_get_stats(k->cap);
	if (k->http)
		s->hs = *http_get_stats(k->http);
	if (k->hs)
		s->as = *hs_get_stats(k->hs);
	s->alloc_failures = k->alloc_failures;
	s->limits = k->limits;
}

/* a worker publishes its counters for the calling thread to read */
static void core_snapshot(struct pl_core *k)
{
	struct pl_stats s;
	core_stats_now(k, &s);
	pthread_mutex_lock(&k->snap_lock);
	k->snap = s;
	pthread_mutex_unlock(&k->snap_lock);
}

/* every counter struct is a run of uint64_t: add them field by field */
#define SUM_U64(dst, src) do {                                           \
		_Static_assert(sizeof(*(dst)) % sizeof(uint64_t) == 0,   \
			       "counters are uint64_t");                 \
		uint64_t *d_ = (uint64_t *)(void *)(dst);                \
		const uint64_t *s_ = (const uint64_t *)(const void *)(src); \
		for (size_t i_ = 0; i_ < sizeof(*(dst)) / sizeof(uint64_t); i_++) \
			d_[i_] += s_[i_];                                \
	} while (0)

static void pl_stats_sum(const struct pipeline *p, struct pl_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < p->ncores; i++) {
		struct pl_core *k = &p->core[i];
		struct pl_stats s;
		if (p->running && k->threaded) {
			pthread_mutex_lock(&k->snap_lock);
			s = k->snap;
			pthread_mutex_unlock(&k->snap_lock);
		} else {
			core_stats_now(k, &s);
		}
		SUM_U64(&sum->cs, &s.cs);
		SUM_U64(&sum->hs, &s.hs);
		SUM_U64(&sum->as, &s.as);
		sum->alloc_failures += s.alloc_failures;
		SUM_U64(&sum->limits, &s.limits);
	}
}

/* ---- progress (files, stderr is a terminal) ---- */

static double secs_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_line(struct pipeline *p, bool final)
{
	struct timespec now;
	const struct cap_stats *cs;
	uint64_t done;
	double el, mbs, left;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && p->progress_shown && (now.tv_sec - p->t_last.tv_sec) * 1000000000ll +
		      (now.tv_nsec - p->t_last.tv_nsec) < PL_PROGRESS_NS)
		return;
	p->t_last = now;
	/* the reading capture runs in this thread: its counters are ours */
	cs = cap_get_stats(p->reader ? p->reader : p->core[0].cap);
	/* file bytes: a 24-byte file header, 16 bytes per record header */
	done = cs->bytes + 16 * cs->packets + 24 * (uint64_t)p->opts.nfiles;
	if (final || done > p->total_bytes)
		done = p->total_bytes;
	el = secs_between(&p->t0, &now);
	mbs = el > 0 ? (double)done / 1e6 / el : 0;
	left = mbs > 0 ? (double)(p->total_bytes - done) / 1e6 / mbs : 0;
	fprintf(stderr, "\rauthscope: %.1f of %.1f MB (%.0f%%), %.1f MB/s, %d:%02d left ",
		(double)done / 1e6, (double)p->total_bytes / 1e6,
		p->total_bytes ? 100.0 * (double)done / (double)p->total_bytes : 100.0,
		mbs, (int)left / 60, (int)left % 60);
	if (final)
		fputc('\n', stderr);
	p->progress_shown = true;
}

static void pl_tick(void *user)
{
	struct pipeline *p = user;
	if (p->opts.progress)
		progress_line(p, false);
	if (p->opts.tick)
		p->opts.tick(p->opts.tick_user);
}

/* pl_tick's user is the pipeline; the capture's tick user is the core */
static void pl_core_tick(void *user)
{
	struct pl_core *k = user;
	pl_tick(k->p);
}

/* a worker's capture loop (live, other threads): publish counters */
static void pl_worker_tick(void *user)
{
	core_snapshot(user);
}

/* ---- rings: reader -> worker ---- */

static struct pl_batch *ring_acquire(struct pl_ring *r)
{
	struct pl_batch *b;
	pthread_mutex_lock(&r->m);
	while (r->head - r->tail >= PL_RING_SLOTS)
		pthread_cond_wait(&r->not_full, &r->m);
	b = r->slot[r->head % PL_RING_SLOTS];
	pthread_mutex_unlock(&r->m);
	b->used = 0;
	return b;
}

static void ring_publish(struct pl_ring *r)
{
	pthread_mutex_lock(&r->m);
	r->head++;
	pthread_cond_signal(&r->not_empty);
	pthread_mutex_unlock(&r->m);
}

static void ring_close(struct pl_ring *r, uint64_t clock_us)
{
	pthread_mutex_lock(&r->m);
	r->eof = true;
	r->final_clock_us = clock_us;
	pthread_cond_signal(&r->not_empty);
	pthread_mutex_unlock(&r->m);
}

static void reader_flush(struct pl_core *k)
{
	if (k->fill && k->fill->used) {
		ring_publish(&k->ring);
		k->fill = NULL;
	}
}

/* a copy of the packet at the end of worker k's batch */
static void batch_append(struct pl_core *k, uint64_t clock_us, int dlt, const uint8_t *pkt,
			 size_t caplen, size_t wirelen, uint64_t ts_us)
{
	size_t room = PL_BATCH_BYTES - sizeof(struct pl_pkt);
	struct pl_pkt hdr;

	if (caplen > room)
		caplen = room;                 /* beyond any libpcap snaplen */
	size_t need = sizeof(hdr) + ((caplen + 7) & ~(size_t)7);
	if (k->fill && PL_BATCH_BYTES - k->fill->used < need)
		reader_flush(k);
	if (!k->fill)
		k->fill = ring_acquire(&k->ring);
	hdr.ts_us = ts_us;
	hdr.clock_us = clock_us;
	hdr.caplen = (uint32_t)caplen;
	hdr.wirelen = (uint32_t)wirelen;
	hdr.dlt = dlt;
	hdr.pad = 0;
	memcpy(k->fill->data + k->fill->used, &hdr, sizeof(hdr));
	if (caplen)
		memcpy(k->fill->data + k->fill->used + sizeof(hdr), pkt, caplen);
	k->fill->used += need;
}

static void reader_packet(void *user, int dlt, const uint8_t *pkt, size_t caplen,
			  size_t wirelen, uint64_t ts_us)
{
	struct pipeline *p = user;
	uint32_t h = cap_packet_hash(dlt, pkt, caplen);
	struct pl_core *k = &p->core[((uint64_t)h * (uint64_t)p->ncores) >> 32];

	if (k->threaded) {
		batch_append(k, p->clock_us, dlt, pkt, caplen, wirelen, ts_us);
	} else {
		/* worker 0 is this thread: no copy, same clock as a batch */
		cap_advance(k->cap, p->clock_us);
		cap_feed(k->cap, dlt, pkt, caplen, wirelen, ts_us);
	}
	if (ts_us > p->clock_us)
		p->clock_us = ts_us;
}

static void worker_batch(struct pl_core *k, const struct pl_batch *b)
{
	size_t off = 0;
	while (off + sizeof(struct pl_pkt) <= b->used) {
		struct pl_pkt h;
		memcpy(&h, b->data + off, sizeof(h));
		off += sizeof(h);
		/* the clock as one worker would have it: packets of other
		   workers moved it (idle expiry at the same moments) */
		cap_advance(k->cap, h.clock_us);
		cap_feed(k->cap, h.dlt, b->data + off, h.caplen, h.wirelen, h.ts_us);
		off += ((size_t)h.caplen + 7) & ~(size_t)7;
	}
}

static void *worker_files(void *arg)
{
	struct pl_core *k = arg;
	struct pl_ring *r = &k->ring;

	for (;;) {
		struct pl_batch *b;
		pthread_mutex_lock(&r->m);
		while (r->head == r->tail && !r->eof)
			pthread_cond_wait(&r->not_empty, &r->m);
		if (r->head == r->tail) {
			pthread_mutex_unlock(&r->m);
			break;
		}
		b = r->slot[r->tail % PL_RING_SLOTS];
		pthread_mutex_unlock(&r->m);
		worker_batch(k, b);
		core_snapshot(k);
		pthread_mutex_lock(&r->m);
		r->tail++;
		pthread_cond_signal(&r->not_full);
		pthread_mutex_unlock(&r->m);
	}
	cap_advance(k->cap, r->final_clock_us);
	cap_flush(k->cap);
	core_snapshot(k);
	return NULL;
}

static void *worker_live(void *arg)
{
	struct pl_core *k = arg;
	k->rc = cap_run(k->cap, k->err, sizeof(k->err));
	cap_flush(k->cap);
	core_snapshot(k);
	return NULL;
}

/* ---- set-up ---- */

static bool core_init(struct pipeline *p, struct pl_core *k, int index,
		      char *err, size_t errlen)
{
	const struct pipeline_opts *o = &p->opts;
	struct cap_callbacks cb = {
		.flow_open = pl_flow_open, .flow_data = pl_flow_data,
		.flow_gap = pl_flow_gap, .flow_close = pl_flow_close,
	};
	struct http_callbacks hcb = { .tx_done = pl_tx_done };
	struct hs_sink hsink = { .on_http = pl_on_http, .on_auth = pl_on_auth };
	struct cap_config cfg = o->cap;

	k->p = p;
	k->index = index;
	k->threaded = p->ncores > 1 && index > 0;   /* 0: the calling thread */
	pthread_mutex_init(&k->snap_lock, NULL);
	pthread_mutex_init(&k->ring.m, NULL);
	pthread_cond_init(&k->ring.not_empty, NULL);
	pthread_cond_init(&k->ring.not_full, NULL);
	k->inited = true;
	cb.user = hcb.user = hsink.user = k;
	if (o->nkeytabs > 0) {
		/* one per worker: a krb5 context is not shared across threads */
		k->kt = krbtkt_open(o->keytabs, o->nkeytabs, err, errlen);
		if (!k->kt)
			return false;
	}
	k->http = http_ctx_new(&hcb);
	k->hs = hs_ctx_new(&hsink, k->kt);
	if (!k->http || !k->hs) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	k->http_mem = &http_get_stats(k->http)->mem_bytes;
	k->hs_mem = &hs_get_stats(k->hs)->mem_bytes;
	if (!cfg.flow_user_bytes)
		cfg.flow_user_bytes = PL_FLOW_USER_BYTES;
	/* one --memcap (split across workers) for everything that grows
	   with traffic: before each data segment and each new flow,
	   capture/ evicts the idlest flows until its own bytes, the per-flow
	   charge above and what http/ holds (copied fields, queued requests,
	   holds) fit; http/ refuses (marked, counted) past it within one
	   segment (tests/hostile: pipeauth) */
	if (!cfg.memcap_bytes)
		cfg.memcap_bytes = 256ull << 20;
	cfg.memcap_bytes /= (uint64_t)p->ncores;
	http_set_memcap(k->http, cfg.memcap_bytes);
	cb.user_mem_bytes = pl_user_mem_bytes;
	if (p->ncores > 1)
		cb.tick = pl_worker_tick;
	if (p->ncores <= 1 || (o->iface && index == 0))
		cb.tick = pl_core_tick;
	if (o->iface)
		k->cap = cap_open_live(o->iface, &cfg, &cb, err, errlen);
	else if (p->ncores <= 1)
		k->cap = cap_open_files(o->files, o->nfiles, &cfg, &cb, err, errlen);
	else
		k->cap = cap_new(&cfg, &cb);
	if (!k->cap) {
		if (!o->iface && p->ncores > 1)
			snprintf(err, errlen, "out of memory");
		return false;
	}
	if (o->iface && p->ncores > 1 &&
	    cap_live_fanout(k->cap, (int)(getpid() & 0xffff), err, errlen) != 0)
		return false;
	if (!o->iface && k->threaded) {
		for (int i = 0; i < PL_RING_SLOTS; i++) {
			k->ring.slot[i] = malloc(sizeof(struct pl_batch));
			if (!k->ring.slot[i]) {
				snprintf(err, errlen, "out of memory");
				return false;
			}
		}
	}
	return true;
}

static void total_file_bytes(struct pipeline *p)
{
	for (int i = 0; i < p->opts.nfiles; i++) {
		struct stat st;
		if (stat(p->opts.files[i], &st) == 0)
			p->total_bytes += (uint64_t)st.st_size;
	}
}

struct pipeline *pipeline_new(const struct pipeline_opts *o,
			      const struct pipeline_sink *sink,
			      char *err, size_t errlen)
{
	struct pipeline *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->opts = *o;
	p->sink = *sink;
	pthread_mutex_init(&p->out_lock, NULL);
	p->ncores = o->workers > 1 ? o->workers : 1;
	if (p->ncores > PL_MAX_WORKERS) {
		snprintf(err, errlen, "--workers: at most %d", PL_MAX_WORKERS);
		free(p);
		return NULL;
	}
	p->core = calloc((size_t)p->ncores, sizeof(*p->core));
	if (!p->core) {
		snprintf(err, errlen, "out of memory");
		free(p);
		return NULL;
	}
	for (int i = 0; i < p->ncores; i++) {
		p->core[i].p = p;
		if (!core_init(p, &p->core[i], i, err, errlen)) {
			pipeline_free(p);
			return NULL;
		}
		core_snapshot(&p->core[i]);
	}
	if (!o->iface && p->ncores > 1) {
		struct cap_callbacks rcb = { .user = p, .tick = pl_tick,
					     .raw_packet = reader_packet };
		p->reader = cap_open_files(o->files, o->nfiles, &o->cap, &rcb, err, errlen);
		if (!p->reader) {
			pipeline_free(p);
			return NULL;
		}
	}
	if (o->progress)
		total_file_bytes(p);
	return p;
}

static void join_workers(struct pipeline *p)
{
	for (int i = 0; i < p->ncores; i++) {
		struct pl_core *k = &p->core[i];
		if (k->started)
			pthread_join(k->th, NULL);
		k->started = false;
	}
	p->running = false;
}

static bool start_workers(struct pipeline *p, void *(*fn)(void *),
			  char *err, size_t errlen)
{
	sigset_t all, old;

	/* signals go to the calling thread: its loop acts on them */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	p->running = true;
	for (int i = 0; i < p->ncores; i++) {
		struct pl_core *k = &p->core[i];
		if (!k->threaded)
			continue;
		if (pthread_create(&k->th, NULL, fn, k) != 0) {
			snprintf(err, errlen, "cannot start worker %d: %s", i, strerror(errno));
			break;
		}
		k->started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (int i = 0; i < p->ncores; i++)
		if (p->core[i].threaded && !p->core[i].started)
			return false;
	return true;
}

static int run_files_workers(struct pipeline *p, char *err, size_t errlen)
{
	int rc = 0;

	if (!start_workers(p, worker_files, err, errlen))
		rc = -1;
	else
		rc = cap_run(p->reader, err, errlen);
	for (int i = 1; i < p->ncores; i++) {
		reader_flush(&p->core[i]);
		ring_close(&p->core[i].ring, p->clock_us);
	}
	cap_advance(p->core[0].cap, p->clock_us);
	cap_flush(p->core[0].cap);
	join_workers(p);
	return rc;
}

static int run_live_workers(struct pipeline *p, char *err, size_t errlen)
{
	int rc = 0;

	if (!start_workers(p, worker_live, err, errlen)) {
		for (int i = 0; i < p->ncores; i++)
			cap_break(p->core[i].cap);
		rc = -1;
	} else {
		rc = cap_run(p->core[0].cap, err, errlen);
	}
	/* one worker ending (error) ends all */
	for (int i = 0; i < p->ncores; i++)
		cap_break(p->core[i].cap);
	cap_flush(p->core[0].cap);
	join_workers(p);
	for (int i = 1; i < p->ncores; i++)
		if (p->core[i].rc != 0 && rc == 0) {
			snprintf(err, errlen, "worker %d: %s", i, p->core[i].err);
			rc = -1;
		}
	return rc;
}

int pipeline_run(struct pipeline *p, char *err, size_t errlen)
{
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	p->t_last = p->t0;
	if (p->ncores <= 1) {
		rc = cap_run(p->core[0].cap, err, errlen);
		cap_flush(p->core[0].cap);
	} else if (p->opts.iface) {
		rc = run_live_workers(p, err, errlen);
	} else {
		rc = run_files_workers(p, err, errlen);
	}
	if (p->opts.progress && p->progress_shown)
		progress_line(p, true);
	return rc;
}

void pipeline_break(struct pipeline *p)
{
	if (!p)
		return;
	if (p->reader)
		cap_break(p->reader);
	for (int i = 0; i < p->ncores; i++)
		if (p->core[i].cap)
			cap_break(p->core[i].cap);
}

void pipeline_wakeup(struct pipeline *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->ncores; i++)
		if (p->core[i].cap)
			cap_wakeup(p->core[i].cap);
}

void pipeline_output_lock(struct pipeline *p)
{
	if (p && p->ncores > 1)
		pthread_mutex_lock(&p->out_lock);
}

void pipeline_output_unlock(struct pipeline *p)
{
	if (p && p->ncores > 1)
		pthread_mutex_unlock(&p->out_lock);
}

int pipeline_workers(const struct pipeline *p)
{
	return p ? p->ncores : 0;
}

void pipeline_print_stats(const struct pipeline *p, FILE *f)
{
	struct pl_stats sum;
	const struct cap_stats *cs = &sum.cs;
	const struct http_stats *hs = &sum.hs;
	const struct hs_stats *as = &sum.as;

	pl_stats_sum(p, &sum);
	fprintf(f, "authscope: %llu packets (%llu bytes), %llu TCP connections\n",
		(unsigned long long)cs->packets, (unsigned long long)cs->bytes,
		(unsigned long long)cs->flows);
	if (p->ncores > 1)
		fprintf(f, "  workers: %d\n", p->ncores);
	fprintf(f, "  skipped: %llu not IP, %llu not TCP, %llu truncated, %llu bad link type\n",
		(unsigned long long)cs->not_ip, (unsigned long long)cs->not_tcp,
		(unsigned long long)cs->truncated, (unsigned long long)cs->bad_link);
	fprintf(f, "  ip: %llu tunnelled, %llu fragments, %llu reassembled, %llu fragments dropped\n",
		(unsigned long long)cs->tunnels, (unsigned long long)cs->ip_fragments,
		(unsigned long long)cs->ip_reassembled, (unsigned long long)cs->ip_frag_dropped);
	fprintf(f, "  tcp: %llu gaps (%llu bytes), %llu retransmitted, %llu conflicting overlaps, "
		   "%llu out-of-order dropped, %llu flows timed out, %llu evicted\n",
		(unsigned long long)cs->tcp_gaps, (unsigned long long)cs->tcp_gap_bytes,
		(unsigned long long)cs->tcp_retransmit, (unsigned long long)cs->tcp_overlap_conflict,
		(unsigned long long)cs->tcp_ooo_dropped, (unsigned long long)cs->flows_timed_out,
		(unsigned long long)cs->flows_evicted);
	if (cs->kernel_drops || cs->iface_drops || p->opts.iface)
		fprintf(f, "  live: %llu dropped by the kernel, %llu by the interface\n",
			(unsigned long long)cs->kernel_drops, (unsigned long long)cs->iface_drops);
	fprintf(f, "  http: %llu connections, %llu requests, %llu responses, %llu unanswered, "
		   "%llu orphan responses, %llu parse errors, %llu resyncs, %llu tunnels, %llu not HTTP\n",
		(unsigned long long)hs->conns_http, (unsigned long long)hs->requests,
		(unsigned long long)hs->responses, (unsigned long long)hs->unanswered,
		(unsigned long long)hs->orphan_responses, (unsigned long long)hs->parse_errors,
		(unsigned long long)hs->resyncs, (unsigned long long)hs->tunnels,
		(unsigned long long)hs->conns_not_http);
	fprintf(f, "  auth: %llu handshakes, %llu success, %llu failure, %llu incomplete, "
		   "%llu inherited requests, %llu bad tokens, %llu Type 3 without its challenge\n",
		(unsigned long long)as->handshakes, (unsigned long long)as->success,
		(unsigned long long)as->failure, (unsigned long long)as->incomplete,
		(unsigned long long)as->inherited, (unsigned long long)as->tokens_bad,
		(unsigned long long)(as->challenge_not_seen + as->challenge_other_conn));
	fprintf(f, "  limits (records marked): %llu header_limit, %llu pipeline_cap, %llu auth_cut, "
		   "%llu url_cut, %llu field_cut, %llu der_too_deep, %llu gap\n",
		(unsigned long long)sum.limits.header_limit, (unsigned long long)sum.limits.pipeline_cap,
		(unsigned long long)sum.limits.auth_cut, (unsigned long long)sum.limits.url_cut,
		(unsigned long long)sum.limits.field_cut, (unsigned long long)sum.limits.der_too_deep,
		(unsigned long long)sum.limits.gap);
	if (sum.alloc_failures)
		fprintf(f, "  %llu connections not followed: out of memory\n",
			(unsigned long long)sum.alloc_failures);
}

#define J(obj, key, v) json_object_set_new(obj, key, json_integer((json_int_t)(v)))

json_t *pipeline_stats_json(const struct pipeline *p)
{
	struct pl_stats sum;
	const struct cap_stats *cs = &sum.cs;
	const struct http_stats *hs = &sum.hs;
	const struct hs_stats *as = &sum.as;
	json_t *o = json_object(), *c = json_object(), *t = json_object(),
	       *h = json_object(), *a = json_object();

	pl_stats_sum(p, &sum);
	J(c, "packets", cs->packets); J(c, "bytes", cs->bytes);
	J(c, "not_ip", cs->not_ip); J(c, "not_tcp", cs->not_tcp);
	J(c, "truncated", cs->truncated); J(c, "bad_link", cs->bad_link);
	J(c, "tunnels", cs->tunnels); J(c, "ip_fragments", cs->ip_fragments);
	J(c, "ip_reassembled", cs->ip_reassembled); J(c, "ip_frag_dropped", cs->ip_frag_dropped);
	J(c, "kernel_drops", cs->kernel_drops); J(c, "iface_drops", cs->iface_drops);
	J(t, "flows", cs->flows); J(t, "flows_timed_out", cs->flows_timed_out);
	J(t, "flows_evicted", cs->flows_evicted); J(t, "retransmit", cs->tcp_retransmit);
	J(t, "overlap_conflict", cs->tcp_overlap_conflict); J(t, "ooo_held", cs->tcp_ooo_held);
	J(t, "ooo_dropped", cs->tcp_ooo_dropped); J(t, "gaps", cs->tcp_gaps);
	J(t, "gap_bytes", cs->tcp_gap_bytes);
	J(h, "conns", hs->conns); J(h, "conns_http", hs->conns_http);
	J(h, "conns_not_http", hs->conns_not_http); J(h, "requests", hs->requests);
	J(h, "responses", hs->responses); J(h, "unanswered", hs->unanswered);
	J(h, "orphan_responses", hs->orphan_responses); J(h, "parse_errors", hs->parse_errors);
	J(h, "resyncs", hs->resyncs); J(h, "tunnels", hs->tunnels); J(h, "cut_fields", hs->cut_fields);
	J(h, "mem_refused", hs->mem_refused);
	J(a, "handshakes", as->handshakes); J(a, "success", as->success);
	J(a, "failure", as->failure); J(a, "incomplete", as->incomplete);
	J(a, "inherited", as->inherited); J(a, "tokens_bad", as->tokens_bad);
	J(a, "challenge_not_seen", as->challenge_not_seen);
	J(a, "challenge_other_conn", as->challenge_other_conn);
	J(a, "krb_decrypted", as->krb_decrypted); J(a, "krb_undecrypted", as->krb_undecrypted);
	json_object_set_new(o, "event_type", json_string("stats"));
	json_object_set_new(o, "capture", c);
	json_object_set_new(o, "tcp", t);
	json_object_set_new(o, "http", h);
	json_object_set_new(o, "auth", a);
	J(o, "alloc_failures", sum.alloc_failures);
	json_t *l = json_object();
	J(l, "header_limit", sum.limits.header_limit);
	J(l, "pipeline_cap", sum.limits.pipeline_cap);
	J(l, "auth_cut", sum.limits.auth_cut);
	J(l, "url_cut", sum.limits.url_cut);
	J(l, "field_cut", sum.limits.field_cut);
	J(l, "der_too_deep", sum.limits.der_too_deep);
	J(l, "gap", sum.limits.gap);
	json_object_set_new(o, "limits", l);
	if (p->ncores > 1)
		J(o, "workers", p->ncores);
	return o;
}

void pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	if (p->reader)
		cap_close(p->reader);
	for (int i = 0; p->core && i < p->ncores; i++) {
		struct pl_core *k = &p->core[i];
		/* closing the capture flushes into http/ and hs/: free them after */
		if (k->cap)
			cap_close(k->cap);
		if (k->http)
			http_ctx_free(k->http);
		if (k->hs)
			hs_ctx_free(k->hs);
		if (k->kt)
			krbtkt_close(k->kt);
		for (int j = 0; j < PL_RING_SLOTS; j++)
			free(k->ring.slot[j]);
		if (k->inited) {
			pthread_mutex_destroy(&k->snap_lock);
			pthread_mutex_destroy(&k->ring.m);
			pthread_cond_destroy(&k->ring.not_empty);
			pthread_cond_destroy(&k->ring.not_full);
		}
	}
	free(p->core);
	pthread_mutex_destroy(&p->out_lock);
	free(p);
}
