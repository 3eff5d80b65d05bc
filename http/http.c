/*
 * http.c - ordered TCP bytes in, HTTP/1.x transactions out (see http.h).
 *
 * Per connection: two directions, each with an llhttp parser once its role
 * is known (request parser client->server, response parser the other way),
 * a queue of requests waiting for their responses, and the response being
 * read.  Strings are copied into small per-transaction arenas as offsets
 * (the arena may move when it grows) and turned into pointers only when
 * tx_done is called.
 *
 * llhttp's on_message_complete returns HPE_PAUSED, so llhttp_execute stops
 * right after each message: that gives exact message boundaries (bytes on
 * the wire per message) and lets pairing, tunnels and CONNECT/Upgrade
 * hand-offs run outside llhttp's callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include <llhttp.h>

#include "http.h"
#include "../capture/rd.h"

#define DETECT_MAX        16          /* bytes needed to classify a message start */
#define MIDSTREAM_SCAN    65536       /* no SYN: bytes scanned for a message start */
#define ARENA_MAX         (2u << 20)  /* one message's copied strings */
#define ARENA_KEEP        32768       /* bigger arenas are freed, not reused */
#define HOLD_MAX          65536       /* client bytes held during CONNECT/Upgrade */
#define NAME_MAX_KEPT     24          /* longest header name we look for, with room */

enum { K_REQ = 1, K_RESP = 2, K_ANY = 3 };
enum { MATCH_NO, MATCH_NEED, MATCH_YES };
enum conn_state { CS_UNDECIDED, CS_HTTP, CS_NOT_HTTP };
enum dmode { M_DETECT, M_SCAN, M_PARSE, M_HOLD, M_DEAD };

enum fid {
	F_NONE, F_HOST, F_UA, F_REFERER, F_AUTHZ, F_PAUTHZ, F_XFF,
	F_WWW, F_PAUTHN, F_PERSIST, F_CONNECTION,
};

struct http_ctx;

struct arena {
	char *buf;
	size_t len, cap;     /* invariant: buf[len] == 0 whenever buf != NULL */
	struct http_ctx *h;  /* charged for cap */
};

struct fref {
	uint32_t off, len;
	bool set, open;      /* open: being appended, sits at the arena tail */
};

/*
 * What a slot collects of its http_tx: the scalars (same names as there).
 * Endpoints, ids and strings are filled in at emission, so a slot and the
 * connection that embeds one stay small and cheap to clear.
 */
struct tx_part {
	uint64_t req_ts_us, resp_ts_us, resp_end_ts_us;
	uint64_t req_body_bytes, resp_body_bytes;
	uint64_t req_bytes, resp_bytes;
	int status;
	unsigned anomalies;
	char method[HTTP_METHOD_MAX];
	char protocol[16];
	char resp_protocol[16];
};

/* one request and, once it comes, its response's scalars */
struct slot {
	struct tx_part tx;
	struct arena ar;     /* request strings */
	struct fref url, host, ua, referer, authz, pauthz, xff;
	bool req_done;       /* request message over (complete, cut or lost) */
	bool resp_final;     /* final response complete */
	bool upgrade;        /* CONNECT or Upgrade request: client side holds */
};

/* the response being read: strings of one response at a time */
struct resp_fields {
	struct arena ar;
	struct fref reason, www[HTTP_CHALLENGES_MAX], pauthn[HTTP_CHALLENGES_MAX];
	struct fref persist, conn;
	int n_www, n_pauthn;
};

struct http_conn;

struct hdir {
	struct http_conn *c;
	llhttp_t p;
	enum dmode mode;
	int role;                    /* 0 unknown, K_REQ or K_RESP */
	bool line_start;             /* scanning: next byte starts a line */
	bool seg_fresh;              /* scanning: next byte starts a segment */
	bool started;                /* a message start was found on this side */
	uint8_t pend[DETECT_MAX];    /* a possible message start cut by a segment end */
	size_t pend_len;
	uint64_t pend_ts;
	uint64_t scan_left;          /* undecided, no SYN: bytes left to scan */

	/* message being parsed */
	bool in_msg, in_body, in_chunk, msg_done;
	bool resp_chosen;            /* this response's owner is picked */
	bool req_taken;              /* this request is queued (method accepted) */
	char meth[HTTP_METHOD_MAX];  /* method bytes until then */
	size_t meth_len;
	uint64_t msg_ts;             /* time of the message's first byte */
	uint64_t msg_bytes;          /* bytes since the previous message's end */
	unsigned n_headers;
	uint64_t line_bytes;
	char name[NAME_MAX_KEPT];    /* a name split across buffers, copied */
	size_t name_len;
	const char *name_at;         /* a name whole in the buffer: not copied */
	bool in_field, name_whole;
	struct fref *val;            /* where the current header value goes */
	struct arena *val_ar;
	size_t val_cap;
	unsigned val_cut_bit;
	bool val_is_auth, val_cut, fold_ws, limit_flagged;

	/* the buffer llhttp is running over */
	const uint8_t *buf;
	size_t buf_len;
	uint8_t last_byte;           /* last byte of the previous buffer */
	uint64_t ts, last_ts;

	/* client bytes that follow a CONNECT/Upgrade request, until its answer */
	uint8_t *hold;
	size_t hold_len;
	uint64_t hold_ts;            /* time of the first held byte */
	size_t hold_gap_at;          /* a hole while holding: where, how long */
	uint64_t hold_gap_bytes, hold_ts2;
	bool hold_gapped;
	bool hold_dead;              /* a second hole or no room: the rest is lost */
	bool skip_upgrade;
};

struct http_ctx {
	struct http_callbacks cb;
	struct http_stats st;
	uint64_t memcap;
};

struct http_conn {
	struct http_ctx *h;
	void *user;
	struct flow_info fi;
	enum conn_state state;
	int req_dir;                 /* index in d[] of client->server */
	bool tunnel;
	struct hdir d[2];

	struct slot *q[HTTP_PIPELINE_MAX];
	unsigned q_head, q_len;
	struct slot *spare;
	struct slot scratch;         /* orphan and over-cap responses */
	uint64_t overflow;           /* requests beyond the queue, in order after it */
	uint64_t owed;               /* reported early (queue full): responses due first */

	struct slot *req_cur;        /* request being parsed, NULL when not kept */
	struct slot *resp_tgt;       /* owner of rf: response being read or waiting */
	bool resp_damaged;           /* resp_tgt lost bytes / failed to parse */
	bool resp_resync;            /* next response paired by the timing rule */
	struct slot *upgrade_slot;   /* CONNECT/Upgrade request awaiting its answer */
	struct resp_fields rf;
	uint32_t next_id;
	unsigned anom_sink;          /* anomalies of a request not kept */
};

static const llhttp_settings_t req_settings;
static const llhttp_settings_t resp_settings;

/* ---- small helpers ---------------------------------------------------- */

/* "HTTP/x.y" without printf on the per-message path */
static void fmt_proto(char out[16], unsigned major, unsigned minor)
{
	memcpy(out, "HTTP/", 5);
	out[5] = (char)('0' + major % 10);
	out[6] = '.';
	out[7] = (char)('0' + minor % 10);
	out[8] = 0;
}

static struct hdir *dir_of(llhttp_t *p)
{
	return p->data;
}

static struct hdir *req_d(struct http_conn *c)
{
	return &c->d[c->req_dir];
}

static struct hdir *resp_d(struct http_conn *c)
{
	return &c->d[!c->req_dir];
}

/*
 * Offset of a pointer llhttp hands back (a span start, the error
 * position) inside the buffer we gave it.  The one place such pointers
 * become offsets; anything outside the buffer maps to its end.
 */
static size_t buf_off(const struct hdir *d, const char *at)
{
	const uint8_t *u = (const uint8_t *)at;
	if (!at || !d->buf || u < d->buf || u > d->buf + d->buf_len)
		return d->buf_len;
	return (size_t)(u - d->buf);
}

/* every buffer http/ grows with traffic is charged here */
static bool mem_take(struct http_ctx *h, size_t n)
{
	if (h->st.mem_bytes + n > h->memcap) {
		h->st.mem_refused++;
		return false;
	}
	h->st.mem_bytes += n;
	return true;
}

static void mem_give(struct http_ctx *h, size_t n)
{
	h->st.mem_bytes -= n < h->st.mem_bytes ? n : h->st.mem_bytes;
}

static bool __attribute__((noinline)) arena_grow(struct arena *a, size_t n)
{
	size_t need, ncap;
	char *nb;

	if (n > ARENA_MAX || a->len + n + 1 > ARENA_MAX)
		return false;
	need = a->len + n + 1;
	if (a->buf && need <= a->cap) {
		a->buf[a->len] = 0;
		return true;
	}
	ncap = a->cap ? a->cap : 256;
	while (ncap < need)
		ncap *= 2;
	if (ncap > ARENA_MAX)
		ncap = ARENA_MAX;
	if (!mem_take(a->h, ncap - a->cap))
		return false;
	nb = realloc(a->buf, ncap);
	if (!nb) {
		mem_give(a->h, ncap - a->cap);
		return false;
	}
	a->buf = nb;
	a->cap = ncap;
	a->buf[a->len] = 0;
	return true;
}

/* room for n more bytes and a NUL; the room is there most of the time */
static inline bool arena_reserve(struct arena *a, size_t n)
{
	/* len <= cap always (a closed value's NUL sits below cap) */
	if (a->buf && n < a->cap - a->len) {
		a->buf[a->len] = 0;    /* a committed NUL moved len past the old one */
		return true;
	}
	return arena_grow(a, n);
}

static void arena_reset(struct arena *a)
{
	if (a->cap > ARENA_KEEP) {
		mem_give(a->h, a->cap);
		free(a->buf);
		a->buf = NULL;
		a->cap = 0;
	}
	a->len = 0;
	if (a->buf)
		a->buf[0] = 0;
}

static void arena_free(struct arena *a)
{
	if (a->h)
		mem_give(a->h, a->cap);
	free(a->buf);
	a->buf = NULL;
	a->len = a->cap = 0;
}

static struct http_str fref_str(const struct arena *a, const struct fref *f)
{
	struct http_str s = { NULL, 0 };
	if (f->set && a->buf && (size_t)f->off + f->len < a->cap) {
		s.s = a->buf + f->off;
		s.len = f->len;
	}
	return s;
}

static unsigned *tx_anom(struct http_conn *c, struct hdir *d)
{
	if (d->role == K_REQ)
		return c->req_cur ? &c->req_cur->tx.anomalies : &c->anom_sink;
	return c->resp_tgt ? &c->resp_tgt->tx.anomalies : &c->anom_sink;
}

/* ---- copying header values ------------------------------------------- */

static void val_flag_cut(struct http_conn *c, struct hdir *d)
{
	if (d->val_cut)
		return;
	d->val_cut = true;
	*tx_anom(c, d) |= d->val_cut_bit;
	c->h->st.cut_fields++;
}

/* start value f at the arena tail */
static void val_start(struct hdir *d, struct arena *a, struct fref *f,
		      size_t cap, unsigned cut_bit, bool is_auth)
{
	if (!arena_reserve(a, 0)) {
		d->val = NULL;
		return;
	}
	f->off = (uint32_t)a->len;
	f->len = 0;
	f->set = true;
	f->open = true;
	d->val = f;
	d->val_ar = a;
	d->val_cap = cap;
	d->val_cut_bit = cut_bit;
	d->val_is_auth = is_auth;
	d->val_cut = false;
	d->fold_ws = false;
}

/* a list header seen again: reopen its value at the tail and add ", " */
static void val_join(struct hdir *d, struct arena *a, struct fref *f,
		     size_t cap, unsigned cut_bit)
{
	struct fref old = *f;

	if (old.off + old.len + 1 == a->len) {
		a->len--;                      /* it is last: drop its NUL */
	} else {
		if (!arena_reserve(a, old.len))
			return;
		memmove(a->buf + a->len, a->buf + old.off, old.len);
		f->off = (uint32_t)a->len;
		a->len += old.len;
		a->buf[a->len] = 0;
	}
	f->open = true;
	d->val = f;
	d->val_ar = a;
	d->val_cap = cap;
	d->val_cut_bit = cut_bit;
	d->val_is_auth = false;
	d->val_cut = false;
	d->fold_ws = true;     /* the next byte gets one separating space... */
	if (f->len + 1 <= cap && arena_reserve(a, 1)) {
		a->buf[a->len++] = ',';    /* ...after this comma */
		a->buf[a->len] = 0;
		f->len++;
	}
}

static void val_put(struct http_conn *c, struct hdir *d, uint8_t b)
{
	struct arena *a = d->val_ar;
	struct fref *f = d->val;

	if (f->len >= d->val_cap) {
		val_flag_cut(c, d);
		return;
	}
	if (!arena_reserve(a, 1)) {
		*tx_anom(c, d) |= HTTP_ANOM_HEADER_LIMIT;
		val_flag_cut(c, d);
		return;
	}
	a->buf[a->len++] = (char)b;
	a->buf[a->len] = 0;
	f->len++;
}

/* n bytes with no NUL among them, up to the value's cap */
static void val_run(struct http_conn *c, struct hdir *d, const uint8_t *p, size_t n)
{
	struct arena *a = d->val_ar;
	struct fref *f = d->val;
	size_t k = d->val_cap - f->len;

	if (k > n)
		k = n;
	if (k) {
		if (!arena_reserve(a, k)) {
			*tx_anom(c, d) |= HTTP_ANOM_HEADER_LIMIT;
			val_flag_cut(c, d);
			return;
		}
		memcpy(a->buf + a->len, p, k);
		a->len += k;
		a->buf[a->len] = 0;
		f->len += (uint32_t)k;
	}
	if (k < n)
		val_flag_cut(c, d);
}

/* bytes of the current value, NULs dropped (strings are C strings) */
static void val_bytes(struct http_conn *c, struct hdir *d, struct rd *r)
{
	while (rd_left(r) && !d->val_cut) {
		const uint8_t *base = rd_ptr(r), *z;
		size_t left = rd_left(r), run;
		z = memchr(base, 0, left);
		run = z ? (size_t)(z - base) : left;
		val_run(c, d, base, run);
		rd_skip(r, run);
		if (rd_left(r))
			rd_skip(r, 1);         /* the NUL */
	}
}

/* raw bytes of the current value (no folding: URL, reason) */
static void val_raw(struct http_conn *c, struct hdir *d, const char *at, size_t len)
{
	struct rd r = rd_init(at, len);

	if (!d->val || !d->val->open)
		return;
	val_bytes(c, d, &r);
}

static void val_trim(struct hdir *d)
{
	struct arena *a = d->val_ar;
	struct fref *f = d->val;

	while (f->len && (a->buf[a->len - 1] == ' ' || a->buf[a->len - 1] == '\t')) {
		a->len--;
		f->len--;
	}
	a->buf[a->len] = 0;
}

/* header value bytes: skip blanks after an obs-fold, emit one space */
static void val_header(struct http_conn *c, struct hdir *d, const char *at, size_t len)
{
	struct rd r = rd_init(at, len);

	if (!d->val || !d->val->open)
		return;
	if (d->fold_ws) {
		while (rd_left(&r)) {
			const uint8_t *b = rd_ptr(&r);
			if (*b != ' ' && *b != '\t')
				break;
			rd_skip(&r, 1);
		}
		if (!rd_left(&r))
			return;            /* still inside the fold's blanks */
		d->fold_ws = false;
		if (d->val->len)
			val_put(c, d, ' ');
	}
	val_bytes(c, d, &r);
}

static void val_close(struct hdir *d)
{
	if (d->val && d->val->open) {
		val_trim(d);
		d->val_ar->len++;      /* keep the NUL after the value */
		d->val->open = false;
	}
	d->val = NULL;
}

/* ---- message start detection ---------------------------------------- */

static const struct { const char *s; size_t len; } http_methods[] = {
#define XX(num, name, string) { #string, sizeof(#string) - 1 },
	HTTP_METHOD_MAP(XX)
#undef XX
};

/* the methods' first letters, in the same order */
static const char method_first[] = {
#define XX(num, name, string) #string[0],
	HTTP_METHOD_MAP(XX)
#undef XX
};

/* does lit (l bytes, + optional trailing space) match the bytes at p? */
static int match_lit(const uint8_t *p, size_t n, const char *lit, size_t l,
		     bool space)
{
	size_t want = l + (space ? 1 : 0), i;
	struct rd r = rd_init(p, n);

	for (i = 0; i < want; i++) {
		uint8_t b;
		if (!rd_left(&r))
			return MATCH_NEED;
		b = rd_u8(&r);
		if (b != (uint8_t)(i < l ? lit[i] : ' '))
			return MATCH_NO;
	}
	return MATCH_YES;
}

static int match_resp(const uint8_t *p, size_t n)
{
	return match_lit(p, n, "HTTP/1.", 7, false);
}

static int classify(const uint8_t *p, size_t n, int kinds, int *kind)
{
	int res = MATCH_NO, m;
	struct rd r = rd_init(p, n);
	uint8_t first;
	size_t i;

	if (!rd_left(&r))
		return kinds ? MATCH_NEED : MATCH_NO;
	first = rd_u8(&r);
	if (kinds & K_RESP) {
		m = match_resp(p, n);
		if (m == MATCH_YES) {
			*kind = K_RESP;
			return m;
		}
		if (m == MATCH_NEED)
			res = m;
	}
	if (kinds & K_REQ) {
		/* the first byte rules out all methods but a few */
		const char *f0 = method_first, *hit;
		size_t left = sizeof(method_first);

		while ((hit = memchr(f0, first, left)) != NULL) {
			i = (size_t)(hit - method_first);
			f0 = hit + 1;
			left = sizeof(method_first) - i - 1;
			m = match_lit(p, n, http_methods[i].s, http_methods[i].len, true);
			if (m == MATCH_YES) {
				*kind = K_REQ;
				return m;
			}
			if (m == MATCH_NEED)
				res = m;
		}
	}
	return res;
}

/* ---- queue of pending requests --------------------------------------- */

static struct slot *q_at(struct http_conn *c, unsigned i)
{
	return c->q[(c->q_head + i) % HTTP_PIPELINE_MAX];
}

static void slot_clear(struct slot *s)
{
	struct arena a = s->ar;
	memset(s, 0, sizeof(*s));
	arena_reset(&a);
	s->ar = a;
	s->tx.status = -1;
}

static struct slot *slot_get(struct http_conn *c)
{
	struct slot *s = c->spare;
	if (s) {
		c->spare = NULL;
		return s;
	}
	if (!mem_take(c->h, sizeof(*s)))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		mem_give(c->h, sizeof(*s));
		return NULL;
	}
	s->tx.status = -1;
	s->ar.h = c->h;
	return s;
}

static void slot_put_free(struct http_conn *c, struct slot *s)
{
	arena_free(&s->ar);
	mem_give(c->h, sizeof(*s));
	free(s);
}

static void slot_put(struct http_conn *c, struct slot *s)
{
	slot_clear(s);
	if (!c->spare) {
		c->spare = s;
		return;
	}
	slot_put_free(c, s);
}

/* www[] and pauthn[] are read only below n_www / n_pauthn, and each is
   set whole when taken: only the counts and the single fields are reset */
static void rf_reset(struct resp_fields *rf)
{
	static const struct fref unset;

	arena_reset(&rf->ar);
	rf->reason = unset;
	rf->persist = unset;
	rf->conn = unset;
	rf->n_www = 0;
	rf->n_pauthn = 0;
}

static void fill_endpoints(const struct http_conn *c, struct http_tx *t)
{
	const struct flow_info *fi = &c->fi;
	bool a_is_client = c->req_dir == DIR_A_TO_B;

	t->flow_id = fi->flow_id;
	t->family = fi->family;
	memcpy(t->cli_ip, a_is_client ? fi->a_ip : fi->b_ip, 16);
	memcpy(t->srv_ip, a_is_client ? fi->b_ip : fi->a_ip, 16);
	t->cli_port = a_is_client ? fi->a_port : fi->b_port;
	t->srv_port = a_is_client ? fi->b_port : fi->a_port;
}

static void dir_drop_hold(struct http_conn *c, struct hdir *d);

/* hand s to the caller, then forget it (s is the queue head or scratch) */
static void emit(struct http_conn *c, struct slot *s)
{
	struct http_tx t = {
		.req_ts_us = s->tx.req_ts_us,
		.resp_ts_us = s->tx.resp_ts_us,
		.resp_end_ts_us = s->tx.resp_end_ts_us,
		.status = s->tx.status,
		.req_body_bytes = s->tx.req_body_bytes,
		.resp_body_bytes = s->tx.resp_body_bytes,
		.req_bytes = s->tx.req_bytes,
		.resp_bytes = s->tx.resp_bytes,
		.anomalies = s->tx.anomalies,
	};
	struct resp_fields *rf = &c->rf;
	int i;

	memcpy(t.method, s->tx.method, sizeof(t.method));
	memcpy(t.protocol, s->tx.protocol, sizeof(t.protocol));
	memcpy(t.resp_protocol, s->tx.resp_protocol, sizeof(t.resp_protocol));
	fill_endpoints(c, &t);
	t.url = fref_str(&s->ar, &s->url);
	t.host = fref_str(&s->ar, &s->host);
	t.user_agent = fref_str(&s->ar, &s->ua);
	t.referer = fref_str(&s->ar, &s->referer);
	t.authorization = fref_str(&s->ar, &s->authz);
	t.proxy_authorization = fref_str(&s->ar, &s->pauthz);
	t.x_forwarded_for = fref_str(&s->ar, &s->xff);
	if (s == c->resp_tgt) {
		t.reason = fref_str(&rf->ar, &rf->reason);
		for (i = 0; i < rf->n_www; i++)
			t.www_authenticate[i] = fref_str(&rf->ar, &rf->www[i]);
		t.n_www_authenticate = rf->n_www;
		for (i = 0; i < rf->n_pauthn; i++)
			t.proxy_authenticate[i] = fref_str(&rf->ar, &rf->pauthn[i]);
		t.n_proxy_authenticate = rf->n_pauthn;
		t.persistent_auth = fref_str(&rf->ar, &rf->persist);
		t.connection_hdr = fref_str(&rf->ar, &rf->conn);
	}
	t.tx_id = c->next_id++;
	if (t.status < 0)
		c->h->st.unanswered++;
	if (c->h->cb.tx_done)
		c->h->cb.tx_done(c->h->cb.user, c->user, &t);

	if (s == c->resp_tgt) {
		c->resp_tgt = NULL;
		c->resp_damaged = false;
		rf_reset(rf);
		if (resp_d(c)->val_ar == &rf->ar)
			resp_d(c)->val = NULL;
	}
	if (s == c->req_cur) {
		c->req_cur = NULL;
		req_d(c)->val = NULL;
	}
	if (s == c->upgrade_slot) {
		/* answered without a verdict on the tunnel: parse the client on */
		c->upgrade_slot = NULL;
		dir_drop_hold(c, req_d(c));
	}
	if (s == &c->scratch) {
		slot_clear(s);
		return;
	}
	c->q[c->q_head] = NULL;
	c->q_head = (c->q_head + 1) % HTTP_PIPELINE_MAX;
	c->q_len--;
	slot_put(c, s);
}

/* emit from the head while transactions are complete, in request order */
static void try_emit(struct http_conn *c)
{
	while (c->q_len) {
		struct slot *s = q_at(c, 0);
		if (!s->req_done || !s->resp_final)
			break;
		emit(c, s);
	}
}

/* a request's first byte: queue it (or count it past the cap) */
static void req_begin(struct http_conn *c, struct hdir *d, unsigned anom)
{
	struct slot *s = NULL;

	c->req_cur = NULL;
	if (!c->overflow && c->q_len == HTTP_PIPELINE_MAX && q_at(c, 0) != c->resp_tgt) {
		/* queue full: report the oldest now (one-sided captures keep
		   every request) and owe its response to the FIFO */
		struct slot *old = q_at(c, 0);
		old->tx.anomalies |= HTTP_ANOM_PIPELINE_CAP;
		old->req_done = true;
		old->resp_final = true;
		emit(c, old);
		c->owed++;
	}
	if (!c->overflow && c->q_len < HTTP_PIPELINE_MAX)
		s = slot_get(c);
	if (!s) {
		c->overflow++;
		return;
	}
	s->tx.req_ts_us = d->ts;
	s->tx.anomalies |= anom;
	c->q[(c->q_head + c->q_len) % HTTP_PIPELINE_MAX] = s;
	c->q_len++;
	c->req_cur = s;
}

/*
 * The response whose first byte is at ts needs an owner.  See http.h for
 * the rule after a response-side gap.
 */
static void resp_choose(struct http_conn *c, uint64_t ts)
{
	struct slot *s;

	if (c->resp_tgt) {
		if (!c->resp_tgt->resp_final && !c->resp_damaged)
			return;                 /* final response after a 1xx */
		c->resp_tgt->req_done = true;
		c->resp_tgt->resp_final = true;
		emit(c, c->resp_tgt);
		try_emit(c);
	}
	rf_reset(&c->rf);
	if (c->resp_resync && c->q_len) {
		unsigned i, best = 0;
		bool found = false;
		for (i = 0; i < c->q_len; i++) {
			s = q_at(c, i);
			if (s->tx.req_ts_us > ts)
				break;
			if (!found || s->tx.req_ts_us > q_at(c, best)->tx.req_ts_us)
				best = i;
			found = true;
		}
		for (i = 0; found && i < best; i++) {
			s = q_at(c, 0);
			s->tx.anomalies |= HTTP_ANOM_GAP;
			emit(c, s);
		}
	}
	if (c->resp_resync)
		c->owed = 0;            /* their answers were in the hole, if anywhere */
	c->resp_resync = false;
	if (c->owed) {
		c->owed--;
		s = &c->scratch;
		s->tx.anomalies |= HTTP_ANOM_PIPELINE_CAP;
		s->req_done = true;
	} else if (c->q_len && q_at(c, 0)->tx.req_ts_us <= ts) {
		s = q_at(c, 0);
	} else if (!c->q_len && c->overflow) {
		c->overflow--;
		s = &c->scratch;
		s->tx.anomalies |= HTTP_ANOM_PIPELINE_CAP;
		s->req_done = true;
	} else {
		s = &c->scratch;
		s->tx.anomalies |= HTTP_ANOM_NO_REQUEST;
		s->req_done = true;
		c->h->st.orphan_responses++;
	}
	c->resp_tgt = s;
	c->resp_damaged = false;
}

/* ---- llhttp callbacks ------------------------------------------------ */

static void hdr_reset(struct hdir *d)
{
	val_close(d);
	d->n_headers = 0;
	d->line_bytes = 0;
	d->name_len = 0;
	d->in_field = false;
	d->name_whole = false;
	d->limit_flagged = false;
	d->in_body = false;
	d->in_chunk = false;
}

static void check_line(struct http_conn *c, struct hdir *d)
{
	if (d->line_bytes > HTTP_HEADER_LINE_MAX && !(d->val && d->val_is_auth))
		*tx_anom(c, d) |= HTTP_ANOM_HEADER_LIMIT;
}

static int cb_req_begin(llhttp_t *p)
{
	struct hdir *d = dir_of(p);
	hdr_reset(d);
	d->in_msg = true;
	d->msg_ts = d->ts;
	d->req_taken = false;
	d->meth_len = 0;
	d->c->req_cur = NULL;
	return 0;
}

/*
 * A request is queued once llhttp accepted its method: junk that only
 * looks like a message start fails before and takes no response.
 */
static void req_ensure(struct hdir *d)
{
	struct http_conn *c = d->c;
	uint64_t now = d->ts;

	if (d->role != K_REQ || !d->in_msg || d->req_taken)
		return;
	d->req_taken = true;
	c->h->st.requests++;
	d->ts = d->msg_ts;
	req_begin(c, d, 0);
	d->ts = now;
	if (c->req_cur) {
		memcpy(c->req_cur->tx.method, d->meth, d->meth_len);
		c->req_cur->tx.method[d->meth_len] = 0;
	}
}

static int cb_method_complete(llhttp_t *p)
{
	req_ensure(dir_of(p));
	return 0;
}

static int cb_resp_begin(llhttp_t *p)
{
	struct hdir *d = dir_of(p);
	struct http_conn *c = d->c;

	(void)c;
	hdr_reset(d);
	d->in_msg = true;
	d->msg_ts = d->ts;
	d->resp_chosen = false;
	return 0;
}

/*
 * The owner of a response is picked once llhttp has taken "HTTP/x.y NNN":
 * bytes that only look like a message start (junk after a body) then fail
 * without taking a request from the queue.
 */
static void resp_ensure(struct hdir *d)
{
	struct http_conn *c = d->c;

	if (d->role != K_RESP || !d->in_msg || d->resp_chosen)
		return;
	d->resp_chosen = true;
	resp_choose(c, d->msg_ts);
	if (!c->resp_tgt->tx.resp_ts_us)
		c->resp_tgt->tx.resp_ts_us = d->msg_ts;
}

static int cb_method(llhttp_t *p, const char *at, size_t len)
{
	struct hdir *d = dir_of(p);
	struct rd r = rd_init(at, len);

	while (rd_left(&r) && d->meth_len + 1 < sizeof(d->meth)) {
		uint8_t b = rd_u8(&r);
		if (b)
			d->meth[d->meth_len++] = (char)b;
	}
	return 0;
}

static int cb_url(llhttp_t *p, const char *at, size_t len)
{
	struct hdir *d = dir_of(p);
	struct slot *s;

	req_ensure(d);
	s = d->c->req_cur;
	if (!s)
		return 0;
	if (!s->url.set)
		val_start(d, &s->ar, &s->url, HTTP_URL_MAX, HTTP_ANOM_URL_CUT, false);
	val_raw(d->c, d, at, len);
	return 0;
}

static int cb_url_complete(llhttp_t *p)
{
	val_close(dir_of(p));
	return 0;
}

static int cb_status(llhttp_t *p, const char *at, size_t len)
{
	struct hdir *d = dir_of(p);
	struct resp_fields *rf = &d->c->rf;

	resp_ensure(d);
	if (!rf->reason.set)
		val_start(d, &rf->ar, &rf->reason, HTTP_FIELD_MAX, HTTP_ANOM_FIELD_CUT, false);
	val_raw(d->c, d, at, len);
	return 0;
}

static void set_status(struct hdir *d)
{
	struct slot *s = d->c->resp_tgt;
	if (!s)
		return;
	s->tx.status = d->p.status_code;
	fmt_proto(s->tx.resp_protocol, d->p.http_major, d->p.http_minor);
}

static int cb_status_complete(llhttp_t *p)
{
	struct hdir *d = dir_of(p);
	resp_ensure(d);
	val_close(d);
	set_status(d);
	return 0;
}

/* bounded copy of a name piece; too long a name can't be one of ours */
static void name_append(struct hdir *d, const char *at, size_t len)
{
	struct rd r = rd_init(at, len);
	size_t room = d->name_len < sizeof(d->name) ? sizeof(d->name) - d->name_len : 0;
	size_t n = rd_left(&r) < room ? rd_left(&r) : room;
	const uint8_t *src = rd_bytes(&r, n);

	if (src && n) {
		memcpy(d->name + d->name_len, src, n);
		d->name_len += n;
	}
	if (rd_left(&r))
		d->name_len = sizeof(d->name) + 1;
}

static void field_whole(struct hdir *d, const char *at, size_t len)
{
	d->in_field = true;
	d->line_bytes = len;
	d->name_at = at;
	d->name_len = len;
	d->name_whole = true;
}

/* cb_field's common case after a kept header: its value ends here */
static int __attribute__((noinline)) field_whole_after_value(struct hdir *d,
							     const char *at,
							     size_t len)
{
	val_close(d);
	field_whole(d, at, len);
	return 0;
}

/* everything but a whole name at the start of a header line (cb_field) */
static int __attribute__((noinline)) field_slow(struct hdir *d, const char *at,
						size_t len)
{
	if (d->in_body)
		return 0;                      /* trailers: not ours */
	if (!d->in_field && d->val)
		val_close(d);                  /* the previous header's value */
	/* each ensure only acts for its own role and once per message */
	if (d->role == K_RESP && !d->resp_chosen)
		resp_ensure(d);
	else if (d->role == K_REQ && !d->req_taken)
		req_ensure(d);
	if (!d->in_field) {
		d->in_field = true;
		d->line_bytes = len;
		d->name_len = 0;
		d->name_whole = false;
		if (buf_off(d, at) + len < d->buf_len)
			field_whole(d, at, len);
		else
			name_append(d, at, len);
	} else {
		d->line_bytes += len;
		if (d->name_whole) {
			/* cannot happen (see cb_field); never join to a pointer */
			d->name_whole = false;
			d->name_len = sizeof(d->name) + 1;
		}
		name_append(d, at, len);
	}
	check_line(d->c, d);
	return 0;
}

/*
 * Header name bytes.  A name that ends inside the buffer llhttp runs over
 * ended at its colon, and llhttp calls on_header_field_complete before it
 * returns: such a name is only pointed at.  A name running to the end of
 * the buffer may go on in the next one: that one is copied.  The common
 * case (whole name, message already owned, no value left open) is tested
 * first and touches nothing else.
 */
static int cb_field(llhttp_t *p, const char *at, size_t len)
{
	struct hdir *d = dir_of(p);

	if (!d->in_field && !d->in_body &&
	    (d->resp_chosen || d->req_taken) && len <= HTTP_HEADER_LINE_MAX &&
	    buf_off(d, at) + len < d->buf_len) {
		if (d->val)
			return field_whole_after_value(d, at, len);
		field_whole(d, at, len);
		return 0;
	}
	return field_slow(d, at, len);
}

#define NAME(s) { s }, sizeof(s) - 1
static const struct {
	char n[NAME_MAX_KEPT];       /* lower case, zero padded */
	size_t len;
	enum fid f;
	int role;
} kept_names[] = {
	{ NAME("host"), F_HOST, K_REQ },
	{ NAME("user-agent"), F_UA, K_REQ },
	{ NAME("referer"), F_REFERER, K_REQ },
	{ NAME("authorization"), F_AUTHZ, K_REQ },
	{ NAME("proxy-authorization"), F_PAUTHZ, K_REQ },
	{ NAME("x-forwarded-for"), F_XFF, K_REQ },
	{ NAME("www-authenticate"), F_WWW, K_RESP },
	{ NAME("proxy-authenticate"), F_PAUTHN, K_RESP },
	{ NAME("persistent-auth"), F_PERSIST, K_RESP },
	{ NAME("connection"), F_CONNECTION, K_RESP },
};
#undef NAME

/* per role every kept name has its own length: one candidate at most */
static int name_cand(const struct hdir *d)
{
	int i;

	switch (d->name_len) {
	case 4:  i = 0; break;
	case 10: i = d->role == K_REQ ? 1 : 9; break;
	case 7:  i = 2; break;
	case 13: i = 3; break;
	case 19: i = 4; break;
	case 15: i = d->role == K_REQ ? 5 : 8; break;
	case 16: i = 6; break;
	case 18: i = 7; break;
	default: return -1;
	}
	return kept_names[i].role == d->role ? i : -1;
}

/*
 * The name (pointed at or copied) is candidate i's, without case?  Its
 * length is the candidate's (name_cand).  Compared a word at a time on a
 * zero-padded copy: 0x20 (lower case) is or-ed in only where the kept name
 * has a letter, so '-' and the padding must match as they are.
 */
static bool name_is(const struct hdir *d, int i)
{
	uint8_t a[NAME_MAX_KEPT] = { 0 };
	struct rd r = rd_init(d->name, d->name_len);
	const uint8_t *src;
	uint64_t x, y, diff = 0;
	size_t k;

	if (d->name_whole) {
		/* still inside the buffer being parsed (see cb_field) */
		r = rd_init(d->buf, d->buf_len);
		rd_seek(&r, buf_off(d, d->name_at));
	}
	src = rd_bytes(&r, kept_names[i].len);
	if (!src)
		return false;
	memcpy(a, src, kept_names[i].len);
	for (k = 0; k < NAME_MAX_KEPT; k += 8) {
		memcpy(&x, a + k, 8);
		memcpy(&y, kept_names[i].n + k, 8);
		diff |= (x | ((y & 0x4040404040404040ull) >> 1)) ^ y;
	}
	return diff == 0;
}

/* a single-valued header: the first one counts */
static void val_single(struct hdir *d, struct arena *a, struct fref *f,
		       size_t cap, unsigned cut_bit, bool is_auth)
{
	if (!f->set)
		val_start(d, a, f, cap, cut_bit, is_auth);
}

static void val_list(struct hdir *d, struct arena *a, struct fref *f, size_t cap)
{
	if (f->set)
		val_join(d, a, f, cap, HTTP_ANOM_FIELD_CUT);
	else
		val_start(d, a, f, cap, HTTP_ANOM_FIELD_CUT, false);
}

static void challenge_start(struct http_conn *c, struct hdir *d,
			    struct fref *arr, int *n)
{
	if (*n >= HTTP_CHALLENGES_MAX) {
		*tx_anom(c, d) |= HTTP_ANOM_AUTH_CUT;
		c->h->st.cut_fields++;
		return;
	}
	val_start(d, &c->rf.ar, &arr[*n], HTTP_AUTH_MAX, HTTP_ANOM_AUTH_CUT, true);
	(*n)++;
}

static void __attribute__((noinline)) header_limit(struct hdir *d)
{
	*tx_anom(d->c, d) |= HTTP_ANOM_HEADER_LIMIT;
}

/* a kept header's name: where its value goes */
static void __attribute__((noinline)) field_keep(struct hdir *d, enum fid f)
{
	struct http_conn *c = d->c;
	struct slot *s = c->req_cur;
	struct resp_fields *rf = &c->rf;

	switch (f) {
	case F_NONE:
		break;
	case F_HOST:
		if (s)
			val_single(d, &s->ar, &s->host, HTTP_FIELD_MAX, HTTP_ANOM_FIELD_CUT, false);
		break;
	case F_UA:
		if (s)
			val_single(d, &s->ar, &s->ua, HTTP_FIELD_MAX, HTTP_ANOM_FIELD_CUT, false);
		break;
	case F_REFERER:
		if (s)
			val_single(d, &s->ar, &s->referer, HTTP_FIELD_MAX, HTTP_ANOM_FIELD_CUT, false);
		break;
	case F_AUTHZ:
		if (s)
			val_single(d, &s->ar, &s->authz, HTTP_AUTH_MAX, HTTP_ANOM_AUTH_CUT, true);
		break;
	case F_PAUTHZ:
		if (s)
			val_single(d, &s->ar, &s->pauthz, HTTP_AUTH_MAX, HTTP_ANOM_AUTH_CUT, true);
		break;
	case F_XFF:
		if (s)
			val_list(d, &s->ar, &s->xff, HTTP_FIELD_MAX);
		break;
	case F_WWW:
		challenge_start(c, d, rf->www, &rf->n_www);
		break;
	case F_PAUTHN:
		challenge_start(c, d, rf->pauthn, &rf->n_pauthn);
		break;
	case F_PERSIST:
		val_single(d, &rf->ar, &rf->persist, HTTP_FIELD_MAX, HTTP_ANOM_FIELD_CUT, false);
		break;
	case F_CONNECTION:
		val_list(d, &rf->ar, &rf->conn, HTTP_FIELD_MAX);
		break;
	}
}

/* a name of a kept name's length: is it that one? */
static int __attribute__((noinline)) field_named(struct hdir *d, int i)
{
	if (name_is(d, i))
		field_keep(d, kept_names[i].f);
	return 0;
}

static int cb_field_complete(llhttp_t *p)
{
	struct hdir *d = dir_of(p);
	int i;

	if (d->in_body)
		return 0;
	d->in_field = false;
	d->val = NULL;
	if (++d->n_headers > HTTP_HEADERS_MAX)
		header_limit(d);
	i = name_cand(d);
	if (i < 0)
		return 0;
	return field_named(d, i);
}

static int __attribute__((noinline)) value_slow(struct hdir *d, const char *at,
						size_t len)
{
	size_t off;
	uint8_t prev;

	if (d->in_body)
		return 0;
	d->line_bytes += len;
	if (d->line_bytes > HTTP_HEADER_LINE_MAX)
		check_line(d->c, d);
	if (!d->val)
		return 0;
	/* a span right after a line feed is an obs-fold continuation line */
	off = buf_off(d, at);
	if (off == 0) {
		prev = d->last_byte;
	} else {
		struct rd r = rd_init(d->buf, d->buf_len);
		rd_seek(&r, off - 1);
		prev = rd_u8(&r);
	}
	if (prev == '\n' && d->val->open) {
		val_trim(d);
		d->fold_ws = true;
	}
	val_header(d->c, d, at, len);
	return 0;
}

/* header value bytes; most values are not kept and only counted */
static int cb_value(llhttp_t *p, const char *at, size_t len)
{
	struct hdir *d = dir_of(p);

	if (!d->val && !d->in_body && d->line_bytes + len <= HTTP_HEADER_LINE_MAX) {
		d->line_bytes += len;
		return 0;
	}
	return value_slow(d, at, len);
}

static int cb_req_headers(llhttp_t *p)
{
	struct hdir *d = dir_of(p);
	struct slot *s;

	val_close(d);
	req_ensure(d);
	s = d->c->req_cur;
	d->in_body = true;
	if (s)
		fmt_proto(s->tx.protocol, p->http_major, p->http_minor);
	return 0;
}

/*
 * Return values per llhttp: 1 = no body, 2 = no body and the rest of the
 * connection is another protocol.
 */
static int cb_resp_headers(llhttp_t *p)
{
	struct hdir *d = dir_of(p);
	struct slot *s;
	int st = p->status_code;

	val_close(d);
	resp_ensure(d);
	s = d->c->resp_tgt;
	d->in_body = true;
	set_status(d);
	if (st == 101)
		return 2;
	if (s && !strcmp(s->tx.method, "CONNECT") && st >= 200 && st < 300)
		return 2;
	/* never a body, whatever Content-Length says (llhttp would read it) */
	if ((st >= 100 && st < 200) || st == 204 || st == 304)
		return 1;
	if (s && !strcmp(s->tx.method, "HEAD"))
		return 1;
	return 0;
}

static int cb_body(llhttp_t *p, const char *at, size_t len)
{
	struct hdir *d = dir_of(p);
	struct http_conn *c = d->c;
	(void)at;
	if (d->role == K_REQ) {
		if (c->req_cur)
			c->req_cur->tx.req_body_bytes += len;
	} else if (c->resp_tgt) {
		c->resp_tgt->tx.resp_body_bytes += len;
	}
	return 0;
}

static int cb_chunk_header(llhttp_t *p)
{
	dir_of(p)->in_chunk = p->content_length > 0;
	return 0;
}

static int cb_chunk_complete(llhttp_t *p)
{
	dir_of(p)->in_chunk = false;
	return 0;
}

static int cb_msg_complete(llhttp_t *p)
{
	dir_of(p)->msg_done = true;
	return HPE_PAUSED;
}

/*
 * No on_header_value_complete: a value is closed (trimmed, NUL kept) when
 * the next name starts, when the headers end, or on a resync, all before
 * anything reads it; llhttp runs one callback fewer per header line.
 */
static const llhttp_settings_t req_settings = {
	.on_message_begin = cb_req_begin,
	.on_method = cb_method,
	.on_method_complete = cb_method_complete,
	.on_url = cb_url,
	.on_url_complete = cb_url_complete,
	.on_header_field = cb_field,
	.on_header_field_complete = cb_field_complete,
	.on_header_value = cb_value,
	.on_headers_complete = cb_req_headers,
	.on_body = cb_body,
	.on_chunk_header = cb_chunk_header,
	.on_chunk_complete = cb_chunk_complete,
	.on_message_complete = cb_msg_complete,
};

static const llhttp_settings_t resp_settings = {
	.on_message_begin = cb_resp_begin,
	.on_status = cb_status,
	.on_status_complete = cb_status_complete,
	.on_header_field = cb_field,
	.on_header_field_complete = cb_field_complete,
	.on_header_value = cb_value,
	.on_headers_complete = cb_resp_headers,
	.on_body = cb_body,
	.on_chunk_header = cb_chunk_header,
	.on_chunk_complete = cb_chunk_complete,
	.on_message_complete = cb_msg_complete,
};

/* ---- per-direction driving ------------------------------------------- */

static void dir_input(struct http_conn *c, struct hdir *d, const uint8_t *data,
		      size_t len, uint64_t ts);
static void dir_resync(struct http_conn *c, struct hdir *d, unsigned anom,
		       bool lost_bytes, bool at_boundary);
static void dir_gap(struct http_conn *c, struct hdir *d, uint64_t gap_bytes,
		    uint64_t ts_us);

static void parser_restart(struct hdir *d)
{
	llhttp_init(&d->p, d->role == K_REQ ? HTTP_REQUEST : HTTP_RESPONSE,
		    d->role == K_REQ ? &req_settings : &resp_settings);
	d->p.data = d;
	/* an observer must follow what the endpoints accepted, not police it */
	llhttp_set_lenient_headers(&d->p, 1);
	llhttp_set_lenient_keep_alive(&d->p, 1);
	llhttp_set_lenient_chunked_length(&d->p, 1);
	llhttp_set_lenient_transfer_encoding(&d->p, 1);
	hdr_reset(d);
	d->in_msg = false;
	d->msg_done = false;
	d->msg_bytes = 0;
	d->last_byte = 0;
	d->skip_upgrade = false;
}

static void hold_free(struct http_conn *c, struct hdir *d)
{
	if (d->hold) {
		mem_give(c->h, HOLD_MAX);
		free(d->hold);
	}
	d->hold = NULL;
	d->hold_len = 0;
	d->hold_gapped = false;
	d->hold_dead = false;
}

static void conn_tunnel(struct http_conn *c)
{
	int i;
	c->tunnel = true;
	c->h->st.tunnels++;
	for (i = 0; i < 2; i++) {
		c->d[i].mode = M_DEAD;
		hold_free(c, &c->d[i]);
	}
}

/*
 * The answer to a CONNECT/Upgrade was no tunnel: replay what the client
 * sent meanwhile, in order: bytes, the hole if one came, bytes after it.
 */
static void hold_release(struct http_conn *c)
{
	struct hdir *d = req_d(c);
	struct hdir h = *d;              /* the hold, detached: replay may hold again */
	struct rd r = rd_init(h.hold, h.hold_len);
	size_t first = h.hold_gapped ? h.hold_gap_at : h.hold_len;

	c->upgrade_slot = NULL;
	if (d->mode != M_HOLD) {
		d->skip_upgrade = true;
		return;
	}
	d->hold = NULL;
	d->hold_len = 0;
	d->hold_gapped = false;
	d->hold_dead = false;
	llhttp_resume_after_upgrade(&d->p);
	d->mode = M_PARSE;
	if (first)
		dir_input(c, d, rd_bytes(&r, first), first, h.hold_ts);
	if (h.hold_gapped) {
		d->last_ts = h.hold_ts;      /* a lost request came after these bytes */
		dir_gap(c, d, h.hold_gap_bytes, h.hold_ts2);
		if (rd_left(&r))
			dir_input(c, d, rd_ptr(&r), rd_left(&r), h.hold_ts2);
	}
	if (h.hold_dead)
		dir_gap(c, d, 1, h.hold_ts2 ? h.hold_ts2 : h.hold_ts);
	if (h.hold) {
		mem_give(c->h, HOLD_MAX);
		free(h.hold);
	}
}

/* emit()'s way out of a hold: no verdict, so resync the client side */
static void dir_drop_hold(struct http_conn *c, struct hdir *d)
{
	if (d->mode != M_HOLD)
		return;
	hold_free(c, d);
	parser_restart(d);
	d->mode = M_SCAN;
	d->line_start = true;
	c->h->st.resyncs++;
}

static void req_msg_done(struct http_conn *c, struct hdir *d)
{
	struct slot *s;

	req_ensure(d);
	s = c->req_cur;
	d->in_msg = false;
	d->in_body = false;
	if (s) {
		s->tx.req_bytes += d->msg_bytes;
		s->req_done = true;
		c->req_cur = NULL;
		if (d->p.upgrade) {
			if (s->resp_final)
				d->skip_upgrade = true;
			else
				c->upgrade_slot = s;
		}
		try_emit(c);
	} else if (d->p.upgrade) {
		d->skip_upgrade = true;    /* request not kept: cannot wait for it */
	}
	d->msg_bytes = 0;
}

static void resp_msg_done(struct http_conn *c, struct hdir *d)
{
	struct slot *s;
	int st = d->p.status_code;
	bool tunnel;

	resp_ensure(d);
	s = c->resp_tgt;
	d->in_msg = false;
	d->in_body = false;
	if (!s) {
		d->msg_bytes = 0;
		return;
	}
	s->tx.resp_bytes += d->msg_bytes;
	d->msg_bytes = 0;
	if (st >= 100 && st < 200 && st != 101) {
		rf_reset(&c->rf);           /* interim: the final answer follows */
		s->tx.status = -1;
		s->tx.resp_protocol[0] = 0;
		return;
	}
	s->tx.resp_end_ts_us = d->ts;
	s->resp_final = true;
	c->h->st.responses++;
	tunnel = st == 101 ||
		 (!strcmp(s->tx.method, "CONNECT") && st >= 200 && st < 300);
	if (tunnel)
		conn_tunnel(c);
	else if (s == c->upgrade_slot)
		hold_release(c);
	if (s == &c->scratch)
		emit(c, s);
	else
		try_emit(c);
}

static void conn_decide(struct http_conn *c, struct hdir *d, int kind);

/*
 * The direction lost its place (gap or parse error): close what it was
 * reading and look for the next message start.  at_boundary: the bytes
 * were lost between two messages (a lost request/response start).
 */
static void dir_resync(struct http_conn *c, struct hdir *d, unsigned anom,
		       bool lost_bytes, bool at_boundary)
{
	val_close(d);              /* before anything it points into is emitted */
	if (d->role == K_REQ) {
		struct slot *s = c->req_cur;
		if (s) {
			s->tx.anomalies |= anom;
			s->tx.req_bytes += d->msg_bytes;
			s->req_done = true;
			c->req_cur = NULL;
		} else if (at_boundary && lost_bytes) {
			/* lost between requests: most likely a whole request */
			uint64_t save = d->ts;
			d->ts = d->last_ts ? d->last_ts : c->fi.first_ts_us;
			req_begin(c, d, anom);
			if (c->req_cur) {
				c->req_cur->req_done = true;
				c->req_cur = NULL;
			}
			d->ts = save;
		}
		try_emit(c);
	} else {
		struct slot *s = c->resp_tgt;
		if (s && !s->resp_final) {
			s->tx.resp_bytes += d->msg_bytes;
			s->tx.anomalies |= anom;
			c->resp_damaged = true;
		} else if (lost_bytes && !s && c->q_len) {
			/* the head's response started in the hole */
			q_at(c, 0)->tx.anomalies |= anom;
			c->resp_tgt = q_at(c, 0);
			rf_reset(&c->rf);
			c->resp_damaged = true;
		}
		if (lost_bytes)
			c->resp_resync = true;
	}
	c->h->st.resyncs++;
	parser_restart(d);
	d->mode = M_SCAN;
	/* after a hole the next segment often starts a message; after a
	   parse error we are inside a line */
	d->line_start = lost_bytes;
	d->pend_len = 0;
}

/* a gap inside a body of known extent: skip it and keep the framing */
static bool dir_absorb_gap(struct http_conn *c, struct hdir *d, uint64_t n,
			   uint64_t ts)
{
	static const uint8_t zero[1];
	struct slot *s = d->role == K_REQ ? c->req_cur : c->resp_tgt;
	uint64_t *body;

	if (!d->in_msg || !d->in_body || n == 0)
		return false;
	if (d->role == K_RESP && llhttp_message_needs_eof(&d->p)) {
		if (s)
			s->tx.resp_body_bytes += n;
		d->msg_bytes += n;
		*tx_anom(c, d) |= HTTP_ANOM_GAP;
		return true;
	}
	if ((d->p.flags & F_CHUNKED) ? !d->in_chunk : !(d->p.flags & F_CONTENT_LENGTH))
		return false;
	if (d->p.content_length < n)
		return false;
	*tx_anom(c, d) |= HTTP_ANOM_GAP;
	/* llhttp counts down content_length: take n-1 off, feed one stand-in */
	d->p.content_length -= n - 1;
	d->msg_bytes += n - 1;
	body = s ? (d->role == K_REQ ? &s->tx.req_body_bytes : &s->tx.resp_body_bytes) : NULL;
	if (body)
		*body += n - 1;
	dir_input(c, d, zero, 1, ts);
	return true;
}

/* feed llhttp; returns bytes consumed (stops after each message) */
static size_t dir_parse(struct http_conn *c, struct hdir *d, const uint8_t *p,
			size_t n, uint64_t ts)
{
	llhttp_errno_t err;
	size_t used;
	enum dmode mode_before = d->mode;

	d->buf = p;
	d->buf_len = n;
	d->ts = ts;
	d->seg_fresh = false;
	err = llhttp_execute(&d->p, (const char *)p, n);
	switch (err) {
	case HPE_OK:
		used = n;
		d->msg_bytes += n;
		break;
	case HPE_PAUSED:
		used = buf_off(d, llhttp_get_error_pos(&d->p));
		d->msg_bytes += used;
		llhttp_resume(&d->p);
		if (d->msg_done) {
			d->msg_done = false;
			if (d->role == K_REQ)
				req_msg_done(c, d);
			else
				resp_msg_done(c, d);
		}
		break;
	case HPE_PAUSED_UPGRADE:
		used = buf_off(d, llhttp_get_error_pos(&d->p));
		d->msg_bytes += used;
		if (d->role == K_RESP || d->skip_upgrade) {
			/* not a tunnel after all (those stop in resp_msg_done) */
			d->skip_upgrade = false;
			llhttp_resume_after_upgrade(&d->p);
		} else {
			d->mode = M_HOLD;
		}
		break;
	default:
		used = buf_off(d, llhttp_get_error_pos(&d->p));
		c->h->st.parse_errors++;
		if (d->role == K_REQ && c->req_cur)
			c->req_cur->tx.anomalies |= HTTP_ANOM_PARSE_ERROR;
		dir_resync(c, d, HTTP_ANOM_PARSE_ERROR, false, false);
		break;
	}
	if (used > n)
		used = n;
	if (used) {
		struct rd r = rd_init(p, n);
		rd_seek(&r, used - 1);
		d->last_byte = rd_u8(&r);
	}
	d->buf = NULL;
	d->buf_len = 0;
	if (used == 0 && d->mode == mode_before && err != HPE_PAUSED &&
	    err != HPE_PAUSED_UPGRADE)
		used = n;          /* never spin on a parser that will not move */
	return used;
}

/* the first bytes of a connection were not HTTP, or this side went wrong */
static void detect_fail(struct http_conn *c, struct hdir *d)
{
	int i;

	if (c->state == CS_UNDECIDED) {
		c->state = CS_NOT_HTTP;
		c->h->st.conns_not_http++;
		for (i = 0; i < 2; i++)
			c->d[i].mode = M_DEAD;
		return;
	}
	/* HTTP connection, this side does not start with its kind of message */
	c->h->st.parse_errors++;
	if (d->role == K_RESP) {
		if (!c->resp_tgt && c->q_len) {
			c->resp_tgt = q_at(c, 0);
			rf_reset(&c->rf);
		}
		if (c->resp_tgt && !c->resp_tgt->resp_final) {
			c->resp_tgt->tx.anomalies |= HTTP_ANOM_PARSE_ERROR;
			c->resp_damaged = true;
		}
	}
	c->h->st.resyncs++;
	d->mode = M_SCAN;
	d->line_start = false;
	d->pend_len = 0;
}

/* a message start was found at the current position: parse from here */
static void start_parse(struct http_conn *c, struct hdir *d, int kind)
{
	uint8_t tmp[DETECT_MAX];
	size_t n = d->pend_len;

	if (c->state == CS_UNDECIDED)
		conn_decide(c, d, kind);
	parser_restart(d);
	d->mode = M_PARSE;
	d->started = true;
	if (n) {
		memcpy(tmp, d->pend, n);
		d->pend_len = 0;
		dir_parse(c, d, tmp, n, d->pend_ts);
	}
}

static void conn_decide(struct http_conn *c, struct hdir *d, int kind)
{
	int self = d == &c->d[0] ? 0 : 1;
	struct hdir *o;

	c->state = CS_HTTP;
	c->h->st.conns_http++;
	c->req_dir = kind == K_REQ ? self : !self;
	c->d[c->req_dir].role = K_REQ;
	c->d[!c->req_dir].role = K_RESP;
	o = &c->d[!self];
	if (o->mode == M_DEAD) {       /* gave up scanning before: try again */
		o->mode = M_SCAN;
		o->line_start = false;
	}
	parser_restart(o);
}

static void scan_budget(struct http_conn *c, struct hdir *d, size_t n)
{
	if (c->state != CS_UNDECIDED || d->mode != M_SCAN)
		return;
	if (d->scan_left > n) {
		d->scan_left -= n;
		return;
	}
	d->scan_left = 0;
	d->mode = M_DEAD;
	if (c->d[0].mode == M_DEAD && c->d[1].mode == M_DEAD) {
		c->state = CS_NOT_HTTP;
		c->h->st.conns_not_http++;
	}
}

/* next line start at or after pos (past a '\n'), or n when none */
static size_t next_line(const uint8_t *p, size_t n, size_t pos)
{
	struct rd r = rd_init(p, n);
	const uint8_t *base, *nl;

	rd_seek(&r, pos);
	base = rd_ptr(&r);
	if (!base || !rd_left(&r))
		return n;
	nl = memchr(base, '\n', rd_left(&r));
	return nl ? pos + (size_t)(nl - base) + 1 : n;
}

/*
 * Next place a message may start after pos (pos itself rejected): a line
 * start, and on a known response side any "HTTP/1." (junk before a status
 * line on the same line, e.g. a body longer than its Content-Length).
 */
static size_t next_cand(const uint8_t *p, size_t n, size_t pos, int kinds)
{
	size_t best = next_line(p, n, pos);
	struct rd r = rd_init(p, n);
	const uint8_t *base, *m;

	if (kinds != K_RESP || pos + 1 >= n)
		return best;
	rd_seek(&r, pos + 1);
	base = rd_ptr(&r);
	m = memmem(base, rd_left(&r), "HTTP/1.", 7);
	if (m && pos + 1 + (size_t)(m - base) < best)
		best = pos + 1 + (size_t)(m - base);
	return best;
}

/*
 * Response bytes skipped before this side's first status line, with no
 * response being read: the tail of a response whose start we never saw
 * (mid-stream pick-up).  If the oldest pending request was sent before them, that
 * response is most likely its own: close it like a gap would.
 */
static void scan_skipped(struct http_conn *c, struct hdir *d, size_t n,
			 uint64_t ts)
{
	struct slot *head;

	if (!n || d->role != K_RESP || d->started || c->state != CS_HTTP ||
	    c->resp_tgt || !c->q_len)
		return;
	head = q_at(c, 0);
	if (head->tx.req_ts_us > ts)
		return;
	head->tx.anomalies |= HTTP_ANOM_GAP;
	c->resp_tgt = head;
	rf_reset(&c->rf);
	c->resp_damaged = true;
	c->resp_resync = true;
}

/*
 * Look for a message start; returns bytes consumed.  M_DETECT looks only
 * at the very first byte of the direction, M_SCAN at every line start.
 * Rare next to parsing: kept out of line so that the parse loop
 * (dir_input) stays small.
 */
static size_t __attribute__((noinline)) dir_scan(struct http_conn *c, struct hdir *d,
						 const uint8_t *p, size_t n, uint64_t ts)
{
	int kinds = d->role ? d->role : K_ANY, kind = 0, m;
	size_t pos = 0;
	struct rd r = rd_init(p, n);

	if (d->pend_len) {
		uint8_t tmp[2 * DETECT_MAX];
		size_t take = n < DETECT_MAX ? n : DETECT_MAX;
		memcpy(tmp, d->pend, d->pend_len);
		memcpy(tmp + d->pend_len, p, take);
		m = classify(tmp, d->pend_len + take, kinds, &kind);
		if (m == MATCH_YES) {
			start_parse(c, d, kind);
			return 0;
		}
		if (m == MATCH_NEED && d->pend_len + n < DETECT_MAX) {
			memcpy(d->pend + d->pend_len, p, n);
			d->pend_len += n;
			return n;
		}
		d->pend_len = 0;
		if (d->mode == M_DETECT) {
			detect_fail(c, d);
			return 0;
		}
		d->line_start = false;
	}
	if (d->mode == M_DETECT && !d->line_start) {
		detect_fail(c, d);
		return 0;
	}
	/* a segment start is a candidate too: after a hole the previous byte
	   (a body's last) is rarely a line feed, yet servers write each
	   response from a new segment */
	if (!d->line_start && !d->seg_fresh &&
	    (kinds != K_RESP || match_resp(p, n) != MATCH_YES))
		pos = next_cand(p, n, 0, kinds);
	d->seg_fresh = false;
	while (pos < n) {
		struct rd v = rd_init(p, n);
		rd_seek(&v, pos);
		m = classify(rd_ptr(&v), rd_left(&v), kinds, &kind);
		if (m == MATCH_YES) {
			scan_budget(c, d, pos);
			if (d->mode == M_DEAD)
				return n;
			scan_skipped(c, d, pos, ts);
			start_parse(c, d, kind);
			return pos;
		}
		if (m == MATCH_NEED && n - pos < DETECT_MAX) {
			scan_skipped(c, d, pos, ts);
			d->pend_len = n - pos;
			memcpy(d->pend, rd_ptr(&v), d->pend_len);
			d->pend_ts = ts;
			scan_budget(c, d, n);
			return n;
		}
		if (d->mode == M_DETECT) {
			detect_fail(c, d);
			return 0;
		}
		pos = next_cand(p, n, pos, kinds);
	}
	rd_seek(&r, n - 1);
	d->line_start = rd_u8(&r) == '\n';
	scan_skipped(c, d, n, ts);
	scan_budget(c, d, n);
	return n;
}

static void __attribute__((noinline)) hold_add(struct http_conn *c,
					       struct hdir *d, const uint8_t *p,
					       size_t n, uint64_t ts)
{
	size_t room;

	if (d->hold_dead)
		return;
	if (!d->hold_len && !d->hold_gapped)
		d->hold_ts = ts;
	if (d->hold_gapped && d->hold_len == d->hold_gap_at)
		d->hold_ts2 = ts;
	if (!d->hold) {
		d->hold = mem_take(c->h, HOLD_MAX) ? malloc(HOLD_MAX) : NULL;
		if (!d->hold) {
			d->hold_dead = true;
			return;
		}
	}
	room = HOLD_MAX - d->hold_len;
	if (n > room) {
		d->hold_dead = true;
		n = room;
	}
	if (n) {
		memcpy(d->hold + d->hold_len, p, n);
		d->hold_len += n;
	}
}

static void dir_input(struct http_conn *c, struct hdir *d, const uint8_t *data,
		      size_t len, uint64_t ts)
{
	struct rd r = rd_init(data, len);

	while (rd_left(&r)) {
		const uint8_t *p = rd_ptr(&r);
		size_t n = rd_left(&r), used;
		enum dmode before = d->mode;

		switch (d->mode) {
		case M_DEAD:
			return;
		case M_HOLD:
			hold_add(c, d, p, n, ts);
			used = n;
			break;
		case M_PARSE:
			used = dir_parse(c, d, p, n, ts);
			break;
		default:
			used = dir_scan(c, d, p, n, ts);
			break;
		}
		if (used == 0 && d->mode == before && before != M_PARSE)
			used = n;      /* defensive: every round must move */
		rd_skip(&r, used);
	}
}

/* ---- public API ------------------------------------------------------- */

struct http_ctx *http_ctx_new(const struct http_callbacks *cb)
{
	struct http_ctx *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	if (cb)
		h->cb = *cb;
	h->memcap = HTTP_MEMCAP_DEFAULT;
	return h;
}

void http_ctx_free(struct http_ctx *h)
{
	free(h);
}

void http_set_memcap(struct http_ctx *h, uint64_t bytes)
{
	h->memcap = bytes ? bytes : HTTP_MEMCAP_DEFAULT;
}

const struct http_stats *http_get_stats(const struct http_ctx *h)
{
	return &h->st;
}

struct http_conn *http_conn_new(struct http_ctx *h, const struct flow_info *fi,
				void *conn_user)
{
	struct http_conn *c = calloc(1, sizeof(*c));
	int i;

	if (!c)
		return NULL;
	c->h = h;
	c->user = conn_user;
	c->scratch.ar.h = h;
	c->rf.ar.h = h;
	if (fi)
		c->fi = *fi;
	c->scratch.tx.status = -1;
	for (i = 0; i < 2; i++) {
		struct hdir *d = &c->d[i];
		d->c = c;
		d->line_start = true;
		if (c->fi.syn_seen) {
			d->mode = M_DETECT;
		} else {
			d->mode = M_SCAN;
			d->scan_left = MIDSTREAM_SCAN;
		}
	}
	h->st.conns++;
	return c;
}

void http_conn_data(struct http_conn *c, enum cap_dir dir,
		    const uint8_t *data, size_t len, uint64_t ts_us)
{
	struct hdir *d;

	if (!c || !data || !len || c->state == CS_NOT_HTTP || c->tunnel)
		return;
	d = &c->d[dir == DIR_B_TO_A];
	d->seg_fresh = true;
	dir_input(c, d, data, len, ts_us);
	d->seg_fresh = false;
	d->last_ts = ts_us;
}

static void dir_gap(struct http_conn *c, struct hdir *d, uint64_t gap_bytes,
		    uint64_t ts_us)
{
	if (!gap_bytes || c->state == CS_NOT_HTTP || c->tunnel)
		return;
	switch (d->mode) {
	case M_DEAD:
		return;
	case M_DETECT:
	case M_SCAN:
		if (c->state == CS_HTTP) {
			dir_resync(c, d, HTTP_ANOM_GAP, true, d->mode == M_DETECT);
			return;
		}
		if (d->mode == M_DETECT)   /* the start is gone: scan like mid-stream */
			d->scan_left = MIDSTREAM_SCAN;
		d->mode = M_SCAN;
		d->pend_len = 0;
		d->line_start = true;
		return;
	case M_HOLD:
		if (d->hold_gapped) {
			d->hold_dead = true;
		} else {
			d->hold_gapped = true;
			d->hold_gap_at = d->hold_len;
			d->hold_gap_bytes = gap_bytes;
			d->hold_ts2 = ts_us;
		}
		return;
	case M_PARSE:
		break;
	}
	if (dir_absorb_gap(c, d, gap_bytes, ts_us))
		return;
	dir_resync(c, d, HTTP_ANOM_GAP, true,
		   !d->in_msg || (d->role == K_REQ && !d->req_taken));
}

void http_conn_gap(struct http_conn *c, enum cap_dir dir, uint64_t gap_bytes,
		   uint64_t ts_us)
{
	if (c)
		dir_gap(c, &c->d[dir == DIR_B_TO_A], gap_bytes, ts_us);
}

void http_conn_close(struct http_conn *c, uint64_t ts_us)
{
	int i;

	if (!c)
		return;
	if (c->state == CS_HTTP && !c->tunnel) {
		/* a body that runs to the close ends now */
		struct hdir *d = resp_d(c);
		if (d->mode == M_PARSE && d->in_msg) {
			d->ts = ts_us;
			llhttp_finish(&d->p);
			if (d->msg_done) {
				d->msg_done = false;
				resp_msg_done(c, d);
			}
		}
	}
	if (c->state == CS_HTTP) {
		if (c->resp_tgt) {
			c->resp_tgt->req_done = true;
			c->resp_tgt->resp_final = true;
			emit(c, c->resp_tgt);
		}
		while (c->q_len) {
			struct slot *s = q_at(c, 0);
			if (c->resp_resync)
				s->tx.anomalies |= HTTP_ANOM_GAP;
			s->req_done = true;
			s->resp_final = true;
			emit(c, s);
		}
		while (c->overflow) {
			c->overflow--;
			c->scratch.tx.anomalies |= HTTP_ANOM_PIPELINE_CAP;
			emit(c, &c->scratch);
		}
	} else if (c->state == CS_UNDECIDED) {
		c->h->st.conns_not_http++;
	}
	for (i = 0; i < 2; i++)
		hold_free(c, &c->d[i]);
	if (c->spare)
		slot_put_free(c, c->spare);
	arena_free(&c->scratch.ar);
	arena_free(&c->rf.ar);
	free(c);
}
