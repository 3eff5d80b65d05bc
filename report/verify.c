/*
 * verify.c - the matcher: wire records against log entries.
 *
 * Keys: (kind, client address when the log has it, method, normalised
 * url).  Each key has the wire records sorted by the moment the log's
 * time stands for (request start for Apache %t, end for IIS/Squid), so a
 * log line's candidates are a short contiguous run found by binary
 * search; a per-key cursor skips what is already paired, which keeps
 * identical requests one to one and in order.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "verify.h"
#include "logparse_int.h"
#include "../http/http.h"

#define URLN_MAX   (HTTP_URL_MAX + 16)
#define DIFFS_MAX  (1u << 20)
#define SEC_US     1000000LL

static const char *const verdict_names[V__COUNT] = {
	"match", "challenge_leg", "user_mismatch", "user_not_on_wire",
	"user_not_logged", "missing_in_log", "missing_on_wire", "unverifiable",
};

const char *verify_verdict_name(enum verdict v)
{
	return (unsigned)v < V__COUNT ? verdict_names[v] : "?";
}

bool verify_is_finding(enum verdict v)
{
	return v != V_MATCH && v != V_CHALLENGE_LEG && v != V_UNVERIFIABLE;
}

/* ---- a set of 64-bit hashes ---- */

struct u64set {
	uint64_t *tab;
	size_t size, count;
};

static bool set_add(struct u64set *s, uint64_t h)
{
	if (!h)
		h = 1;
	if ((s->count + 1) * 2 > s->size) {
		size_t ns = s->size ? s->size * 2 : 64;
		uint64_t *nt = calloc(ns, sizeof(*nt));
		if (!nt)
			return false;
		for (size_t i = 0; i < s->size; i++) {
			if (!s->tab[i])
				continue;
			size_t j = s->tab[i] & (ns - 1);
			while (nt[j])
				j = (j + 1) & (ns - 1);
			nt[j] = s->tab[i];
		}
		free(s->tab);
		s->tab = nt;
		s->size = ns;
	}
	size_t j = h & (s->size - 1);
	while (s->tab[j]) {
		if (s->tab[j] == h)
			return true;
		j = (j + 1) & (s->size - 1);
	}
	s->tab[j] = h;
	s->count++;
	return true;
}

static bool set_has(const struct u64set *s, uint64_t h)
{
	if (!h)
		h = 1;
	if (!s->size)
		return false;
	size_t j = h & (s->size - 1);
	while (s->tab[j]) {
		if (s->tab[j] == h)
			return true;
		j = (j + 1) & (s->size - 1);
	}
	return false;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t ep_hash(int family, const uint8_t *ip, uint16_t port)
{
	uint64_t h = 1469598103934665603ull;
	uint8_t f = (uint8_t)family;
	h = mix(h, &f, 1);
	if (ip)
		h = mix(h, ip, family == AF_INET6 ? 16 : 4);
	h = mix(h, &port, sizeof(port));
	return h;
}

/* ---- keys ---- */

/*
 * Both sides reduce a URL to what both can see: the path and query of an
 * absolute URI, percent-decoding undone, blanks as '+' (IIS writes '+'
 * for a blank); an authority (CONNECT) lowercased.
 */
static size_t url_norm(const char *url, char *out, size_t cap, bool *absolute)
{
	size_t o = 0;
	*absolute = false;
	if (!url || cap < 2) {
		if (cap)
			out[0] = '\0';
		return 0;
	}
	const char *p = url;
	const char *colon = strstr(url, "://");
	if (colon) {
		bool scheme = colon > url;
		for (const char *q = url; q < colon; q++)
			if (!isalpha((unsigned char)*q) && *q != '+' && *q != '-' && *q != '.')
				scheme = false;
		if (scheme) {
			*absolute = true;
			p = strchr(colon + 3, '/');
			if (!p)
				p = "/";
		}
	}
	if (*p != '/' && *p != '*') {
		/* authority form */
		for (; *p && o + 1 < cap; p++)
			out[o++] = (char)tolower((unsigned char)*p);
		out[o] = '\0';
		*absolute = true;
		return o;
	}
	for (; *p && o + 1 < cap; p++) {
		char c = *p;
		if (c == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hx[3] = { p[1], p[2], 0 };
			c = (char)strtol(hx, NULL, 16);
			p += 2;
		}
		out[o++] = c == ' ' ? '+' : c;
	}
	out[o] = '\0';
	return o;
}

/* the host of an absolute URI ("http://Host:80/x" -> "Host"), or of an
   authority ("host:443"); false for origin-form */
static bool url_host(const char *url, const char **h, size_t *hl)
{
	if (!url)
		return false;
	const char *c = strstr(url, "://");
	const char *p;
	if (c && c > url && c - url < 16)
		p = c + 3;
	else if (url[0] != '/' && url[0] != '*')
		p = url;
	else
		return false;
	size_t n = strcspn(p, "/?#");
	const char *at = memchr(p, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	/* drop the port, keeping a bracketed v6 literal whole */
	size_t hn = n;
	if (p[0] == '[') {
		const char *rb = memchr(p, ']', n);
		if (rb)
			hn = (size_t)(rb - p) + 1;
	} else {
		const char *colon = memchr(p, ':', n);
		if (colon)
			hn = (size_t)(colon - p);
	}
	*h = p;
	*hl = hn;
	return true;
}

static bool host_eq(const char *a, size_t an, const char *b)
{
	size_t bn = strcspn(b, ":");
	if (b[0] == '[') {
		const char *rb = strchr(b, ']');
		bn = rb ? (size_t)(rb - b) + 1 : strlen(b);
	}
	return an == bn && strncasecmp(a, b, an) == 0;
}

/* the request part of a key: method and normalised URL */
static uint64_t req_hash(int kind, const char *method, const char *url)
{
	uint64_t h = 1469598103934665603ull;
	if (kind != LOG_KIND_REQUEST)
		return h;
	char auth[300];
	if (method && strcasecmp(method, "CONNECT") == 0 && url) {
		/* ProxySG logs CONNECT as "tcp://host:443/": the authority */
		const char *c = strstr(url, "://");
		if (c) {
			size_t n = strcspn(c + 3, "/?#");
			if (n < sizeof(auth)) {
				memcpy(auth, c + 3, n);
				auth[n] = '\0';
				url = auth;
			}
		}
	}
	for (const char *m = method ? method : ""; *m; m++) {
		uint8_t c = (uint8_t)toupper((unsigned char)*m);
		h = mix(h, &c, 1);
	}
	h = mix(h, "|", 1);
	char buf[URLN_MAX];
	bool abs;
	size_t n = url_norm(url, buf, sizeof(buf), &abs);
	return mix(h, buf, n);
}

/* kind, client address when used, and the request part */
static uint64_t key_hash(int kind, int family, const uint8_t *ip, uint64_t rh)
{
	uint64_t h = 1469598103934665603ull;
	uint8_t k = (uint8_t)kind;
	h = mix(h, &k, 1);
	if (ip) {
		uint8_t f = (uint8_t)family;
		h = mix(h, &f, 1);
		h = mix(h, ip, family == AF_INET6 ? 16 : 4);
	}
	h = mix(h, &rh, sizeof(rh));
	return h ? h : 1;
}

/* ---- the index ---- */

struct range {
	uint64_t hash;
	uint32_t start, count, cursor;
};

struct index {
	bool built;
	uint32_t *order;          /* wire indices sorted by (hash, moment) */
	struct range *tab;
	size_t tab_size;
};

struct verify {
	struct verify_opts o;
	verify_pair_cb cb;
	void *cb_user;
	const struct verify_usermap *umap;
	struct strpool *pool;
	struct wire_rec *w;
	size_t nw, capw;
	bool wire_done;
	int64_t wire_min_us, wire_max_us;
	int64_t *wtimes;          /* every wire time, sorted: for dateless logs */
	int64_t *days;            /* distinct UTC days of the capture */
	size_t ndays;
	struct index idx[2][2];   /* [with client][end moment] */
	/* pass 1 */
	int64_t *diffs, *near;
	size_t ndiffs, nnear;
	bool any_req, any_auth, any_auth_all, any_proxy, any_origin, any_origin_all;
	struct u64set srv_ipport, srv_ip, srv_port, proxy_clients, vhosts, matched_srv;
	int64_t log_min_us, log_max_us;
	bool log_span;
	/* pass 2 */
	int64_t offset_us;
	struct verify_summary sum;
};

static int64_t moment(const struct wire_rec *w, bool end)
{
	if (end && w->kind == LOG_KIND_REQUEST && w->end_us)
		return w->end_us;
	return w->time_us;
}

struct sort_ctx {
	const struct verify *v;
	bool cli, end;
};

static uint64_t wkey(const struct wire_rec *w, bool cli)
{
	return cli ? w->hash_cli : w->hash_any;
}

static int cmp_order(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct wire_rec *x = &c->v->w[*(const uint32_t *)a];
	const struct wire_rec *y = &c->v->w[*(const uint32_t *)b];
	uint64_t hx = wkey(x, c->cli), hy = wkey(y, c->cli);
	if (hx != hy)
		return hx < hy ? -1 : 1;
	int64_t mx = moment(x, c->end), my = moment(y, c->end);
	if (mx != my)
		return mx < my ? -1 : 1;
	/* same moment: keep capture order (flow, tx) */
	if (x->flow_id != y->flow_id)
		return x->flow_id < y->flow_id ? -1 : 1;
	return x->tx_id < y->tx_id ? -1 : x->tx_id > y->tx_id;
}

static struct index *get_index(struct verify *v, bool cli, bool end)
{
	struct index *ix = &v->idx[cli][end];
	if (ix->built)
		return ix;
	ix->built = true;
	if (!v->nw)
		return ix;
	ix->order = malloc(v->nw * sizeof(*ix->order));
	if (!ix->order)
		return ix;
	for (size_t i = 0; i < v->nw; i++)
		ix->order[i] = (uint32_t)i;
	struct sort_ctx c = { v, cli, end };
	qsort_r(ix->order, v->nw, sizeof(*ix->order), cmp_order, &c);
	/* the table holds one range per distinct key, not per record: sized
	   by the keys (half full at most) it takes half the memory or less */
	size_t nkeys = 0;
	for (size_t i = 0; i < v->nw; i++)
		if (!i || wkey(&v->w[ix->order[i]], cli) != wkey(&v->w[ix->order[i - 1]], cli))
			nkeys++;
	size_t ts = 64;
	while (ts < nkeys * 2)
		ts *= 2;
	ix->tab = calloc(ts, sizeof(*ix->tab));
	if (!ix->tab) {
		free(ix->order);
		ix->order = NULL;
		return ix;
	}
	ix->tab_size = ts;
	for (size_t i = 0; i < v->nw;) {
		uint64_t h = wkey(&v->w[ix->order[i]], cli);
		size_t j = i;
		while (j < v->nw && wkey(&v->w[ix->order[j]], cli) == h)
			j++;
		size_t s = h & (ts - 1);
		while (ix->tab[s].count)
			s = (s + 1) & (ts - 1);
		ix->tab[s] = (struct range){ h, (uint32_t)i, (uint32_t)(j - i), (uint32_t)i };
		i = j;
	}
	return ix;
}

static struct range *find_range(struct index *ix, uint64_t h)
{
	if (!ix->tab)
		return NULL;
	size_t s = h & (ix->tab_size - 1);
	while (ix->tab[s].count) {
		if (ix->tab[s].hash == h)
			return &ix->tab[s];
		s = (s + 1) & (ix->tab_size - 1);
	}
	return NULL;
}

/* first position in r whose moment is >= t */
static uint32_t lower_bound(const struct verify *v, const struct index *ix,
			    const struct range *r, bool end, int64_t t)
{
	uint32_t lo = r->start, hi = r->start + r->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (moment(&v->w[ix->order[mid]], end) < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- building ---- */

struct verify *verify_new(const struct verify_opts *o, verify_pair_cb cb, void *user)
{
	struct verify *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->o = *o;
	if (v->o.max_skew_us <= 0)
		v->o.max_skew_us = 300 * SEC_US;
	if (v->o.tol_us <= 0)
		v->o.tol_us = 2 * SEC_US;
	v->cb = cb;
	v->cb_user = user;
	v->pool = strpool_new();
	if (!v->pool) {
		free(v);
		return NULL;
	}
	return v;
}

void verify_free(struct verify *v)
{
	if (!v)
		return;
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++) {
			free(v->idx[a][b].order);
			free(v->idx[a][b].tab);
		}
	free(v->srv_ipport.tab);
	free(v->srv_ip.tab);
	free(v->srv_port.tab);
	free(v->proxy_clients.tab);
	free(v->vhosts.tab);
	free(v->matched_srv.tab);
	free(v->diffs);
	free(v->near);
	free(v->wtimes);
	free(v->days);
	free(v->w);
	strpool_free(v->pool);
	free(v);
}

void verify_set_usermap(struct verify *v, const struct verify_usermap *m)
{
	v->umap = m;
}

static bool proxy_form(const char *method, const char *url)
{
	if (method && strcasecmp(method, "CONNECT") == 0)
		return true;
	bool abs = false;
	if (url) {
		const char *c = strstr(url, "://");
		abs = c && c > url && c - url < 16;
	}
	return abs;
}

void verify_add_wire(struct verify *v, const struct wire_rec *src)
{
	if (v->wire_done || v->nw >= UINT32_MAX - 1)
		return;
	if (v->nw == v->capw) {
		size_t nc = v->capw ? v->capw * 2 : 1024;
		struct wire_rec *n = realloc(v->w, nc * sizeof(*n));
		if (!n)
			return;
		v->w = n;
		v->capw = nc;
	}
	struct wire_rec *w = &v->w[v->nw++];
	*w = *src;
	w->flags &= (uint8_t)~WR_MATCHED;
	w->method = strpool_str(v->pool, src->method);
	w->url = strpool_str(v->pool, src->url);
	w->host = strpool_str(v->pool, src->host);
	w->user = strpool_str(v->pool, src->user);
	w->domain = strpool_str(v->pool, src->domain);
	w->workstation = strpool_str(v->pool, src->workstation);
	w->scheme = strpool_str(v->pool, src->scheme);
	w->mech = strpool_str(v->pool, src->mech);
	w->result = strpool_str(v->pool, src->result);
	w->password_type = strpool_str(v->pool, src->password_type);
	if (w->kind == LOG_KIND_REQUEST && proxy_form(w->method, w->url))
		w->flags |= WR_PROXY_FORM;
	uint64_t rh = req_hash(w->kind, w->method, w->url);
	w->hash_cli = key_hash(w->kind, w->family, w->cli_ip, rh);
	w->hash_any = key_hash(w->kind, 0, NULL, rh);
}

/* the first address of X-Forwarded-For: the original client */
static bool xff_first(const struct http_str *x, int *family, uint8_t ip[16])
{
	if (!x->s || !x->len)
		return false;
	const char *p = x->s;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strcspn(p, ", \t");
	return lp_parse_ip(p, n, family, ip);
}

void verify_add_http(struct verify *v, const struct as_http *r)
{
	const struct http_tx *tx = r->tx;
	if (!tx)
		return;
	struct wire_rec w;
	memset(&w, 0, sizeof(w));
	w.kind = LOG_KIND_REQUEST;
	w.time_us = (int64_t)tx->req_ts_us;
	w.end_us = (int64_t)(tx->resp_end_ts_us ? tx->resp_end_ts_us : tx->resp_ts_us);
	w.flow_id = tx->flow_id;
	w.tx_id = tx->tx_id;
	w.status = (int16_t)(tx->status >= -1 && tx->status < 1000 ? tx->status : -1);
	w.family = (uint8_t)tx->family;
	memcpy(w.cli_ip, tx->cli_ip, 16);
	memcpy(w.srv_ip, tx->srv_ip, 16);
	w.cli_port = tx->cli_port;
	w.srv_port = tx->srv_port;
	int fam;
	uint8_t ip[16];
	if (v->o.client_ip_from_xff && xff_first(&tx->x_forwarded_for, &fam, ip)) {
		w.family = (uint8_t)fam;
		memcpy(w.cli_ip, ip, 16);
		w.cli_port = 0;
		w.flags |= WR_XFF;
	}
	w.method = tx->method;
	w.url = tx->url.s;
	w.host = tx->host.s;
	w.user = r->user;
	w.domain = r->domain;
	w.workstation = r->workstation;
	w.scheme = r->scheme;
	w.mech = r->mech;
	w.result = r->result;
	w.password_type = r->password_type;
	if (r->proxy)
		w.flags |= WR_PROXY;
	if (r->inherited)
		w.flags |= WR_INHERITED;
	if (r->credentials)
		w.flags |= WR_CREDENTIALS;
	if (tx->anomalies & (HTTP_ANOM_GAP | HTTP_ANOM_AUTH_CUT | HTTP_ANOM_PARSE_ERROR))
		w.flags |= WR_CUT;
	if ((tx->anomalies & HTTP_ANOM_NO_REQUEST) || !tx->req_ts_us) {
		w.flags |= WR_NO_REQUEST;
		if (!w.time_us)
			w.time_us = w.end_us;
	}
	verify_add_wire(v, &w);
}

void verify_add_auth(struct verify *v, const struct as_auth *a)
{
	struct wire_rec w;
	memset(&w, 0, sizeof(w));
	w.kind = LOG_KIND_AUTH;
	w.time_us = (int64_t)a->timestamp_us;
	w.flow_id = a->flow_id;
	w.tx_id = 0;
	w.status = (int16_t)(a->final_status >= -1 && a->final_status < 1000 ? a->final_status : -1);
	w.family = (uint8_t)a->family;
	memcpy(w.cli_ip, a->cli_ip, 16);
	memcpy(w.srv_ip, a->srv_ip, 16);
	w.cli_port = a->cli_port;
	w.srv_port = a->srv_port;
	w.method = a->method;
	w.url = a->url;
	w.host = a->hostname;
	w.user = a->user;
	w.domain = a->domain;
	w.workstation = a->workstation;
	w.scheme = a->scheme;
	w.mech = a->mech;
	w.result = a->result;
	w.password_type = a->password_type;
	if (a->proxy)
		w.flags |= WR_PROXY;
	w.flags |= WR_CREDENTIALS;
	verify_add_wire(v, &w);
}

#define DAY_US (86400LL * SEC_US)

static int cmp_i64(const void *a, const void *b);

static int64_t day_of(int64_t t)
{
	return t >= 0 ? t / DAY_US : (t - DAY_US + 1) / DAY_US;
}

/* the capture's days and times, to give dateless log lines a date */
static void build_days(struct verify *v)
{
	if (!v->nw || !(v->wtimes = malloc(v->nw * sizeof(*v->wtimes))))
		return;
	for (size_t i = 0; i < v->nw; i++)
		v->wtimes[i] = v->w[i].time_us;
	qsort(v->wtimes, v->nw, sizeof(*v->wtimes), cmp_i64);
	v->days = malloc(366 * sizeof(*v->days));
	for (size_t i = 0; v->days && i < v->nw && v->ndays < 366; i++) {
		int64_t d = day_of(v->wtimes[i]);
		if (!v->ndays || v->days[v->ndays - 1] != d)
			v->days[v->ndays++] = d;
	}
}

/* how far t is from the nearest wire record */
static int64_t wire_distance(const struct verify *v, int64_t t)
{
	size_t lo = 0, hi = v->nw;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->wtimes[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	int64_t best = INT64_MAX;
	if (lo < v->nw)
		best = v->wtimes[lo] - t;
	if (lo > 0 && t - v->wtimes[lo - 1] < best)
		best = t - v->wtimes[lo - 1];
	return best;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * A gate line has only a time of day, a syslog prefix no year: try each
 * day (year) the capture covers and keep the one nearest wire activity,
 * so a capture of several days, or two captures months apart, still work.
 */
static void resolve_date(const struct verify *v, struct log_entry *e)
{
	if (!v->wtimes || !v->ndays)
		return;
	int64_t best_t = 0, best_d = INT64_MAX;
	if (e->flags & LE_DATE_UNKNOWN) {
		int64_t tod = ((e->time_us % DAY_US) + DAY_US) % DAY_US;
		for (size_t i = 0; i < v->ndays; i++)
			for (int k = -1; k <= 1; k++) {
				int64_t t = (v->days[i] + k) * DAY_US + tod;
				int64_t d = wire_distance(v, t);
				if (d < best_d) {
					best_d = d;
					best_t = t;
				}
			}
	} else {
		/* parsed as 1970 (not a leap year): move to year y */
		int64_t day1970 = day_of(e->time_us);
		int64_t within = e->time_us - day1970 * DAY_US;
		int64_t last_year = INT64_MIN;
		for (size_t i = 0; i < v->ndays; i++) {
			int64_t y = 1970 + v->days[i] / 365;   /* close enough: try y-1..y+1 */
			if (y == last_year)
				continue;
			last_year = y;
			for (int64_t yy = y - 2; yy <= y + 1; yy++) {
				int64_t d0 = log_days_from_civil(yy, 1, 1);
				int64_t t = (d0 + day1970 + (is_leap(yy) && day1970 >= 59)) * DAY_US + within;
				int64_t d = wire_distance(v, t);
				if (d < best_d) {
					best_d = d;
					best_t = t;
				}
			}
		}
	}
	if (best_d == INT64_MAX)
		return;
	e->time_us = best_t;
	e->flags &= (uint16_t)~(LE_DATE_UNKNOWN | LE_YEAR_UNKNOWN);
}

size_t verify_wire_done(struct verify *v)
{
	v->wire_done = true;
	v->sum.wire_records = v->nw;
	for (size_t i = 0; i < v->nw; i++) {
		int64_t a = v->w[i].time_us, b = moment(&v->w[i], true);
		if (v->w[i].kind == LOG_KIND_AUTH)
			v->sum.wire_handshakes++;
		if (i == 0 || a < v->wire_min_us)
			v->wire_min_us = a;
		if (i == 0 || b > v->wire_max_us)
			v->wire_max_us = b;
	}
	v->sum.wire_bytes = v->capw * sizeof(*v->w) + strpool_bytes(v->pool);
	/* every wire string is in: the pool's lookup table is no longer needed
	   (a capture of a million requests: tens of MB) */
	strpool_seal(v->pool);
	build_days(v);
	return v->nw;
}

int64_t verify_wire_mid_us(const struct verify *v)
{
	if (!v->nw)
		return 0;
	return v->wire_min_us + (v->wire_max_us - v->wire_min_us) / 2;
}

/* ---- candidates ---- */

static bool is_end_log(const struct log_entry *e)
{
	return (e->flags & LE_TIME_END) && e->kind == LOG_KIND_REQUEST;
}

static bool has_time(const struct log_entry *e)
{
	return !(e->flags & (LE_NO_TIME | LE_DATE_UNKNOWN | LE_YEAR_UNKNOWN));
}

/* the wire moment a log time stands for, centred in its resolution */
static int64_t log_centre(const struct log_entry *e, int64_t offset)
{
	return e->time_us + (int64_t)e->res_us / 2 - offset;
}

static bool usable(const struct log_entry *e)
{
	if (e->kind == LOG_KIND_REQUEST)
		return e->method && e->url;
	return e->kind == LOG_KIND_AUTH;
}

static bool fits(const struct log_entry *e, const struct wire_rec *w)
{
	if (e->kind == LOG_KIND_REQUEST) {
		/* the URL's form: a proxy-form request is logged absolute;
		   an absolute URL names its host (Kemp builds it from Host) */
		const char *lh, *wh;
		size_t lhl, whl;
		bool labs = url_host(e->url, &lh, &lhl);
		if ((w->flags & WR_PROXY_FORM) && !labs)
			return false;
		if (labs) {
			if (url_host(w->url, &wh, &whl)) {
				if (lhl != whl || strncasecmp(lh, wh, lhl) != 0)
					return false;
			} else if (w->host && !host_eq(lh, lhl, w->host)) {
				return false;
			}
		}
	}
	if (e->status > 0 && w->status > 0 && e->status != w->status &&
	    e->kind == LOG_KIND_REQUEST)
		return false;
	if (e->cli_port && w->cli_port && !(w->flags & WR_XFF) && e->cli_port != w->cli_port)
		return false;
	/* a user-activity log (Kemp) has no line for a challenge leg */
	if ((e->flags & LE_USER_ONLY) && !w->user)
		return false;
	/* ...and "requested" is a request that got through; "attempted" failed */
	if ((e->flags & LE_USER_ONLY) && e->kind == LOG_KIND_REQUEST && e->action) {
		bool attempted = strcmp(e->action, "attempted") == 0;
		if (!attempted && w->status >= 400)
			return false;
		if (attempted && w->status > 0 && w->status < 400)
			return false;
	}
	return true;
}

/* the log names its server (s-ip, %A, Kemp's virtual service): a
   candidate to that server is the better one */
static bool srv_agrees(const struct log_entry *e, const struct wire_rec *w)
{
	if (e->srv_port && w->srv_port && e->srv_port != w->srv_port)
		return false;
	if ((e->flags & LE_HAS_SRV) && (e->srv_family != w->family ||
					memcmp(e->srv_ip, w->srv_ip,
					       w->family == AF_INET6 ? 16 : 4) != 0))
		return false;
	return true;
}

struct cand {
	struct index *ix;
	struct range *r;
	bool end;
};

static bool candidates(struct verify *v, const struct log_entry *e, struct cand *c)
{
	bool cli = (e->flags & LE_HAS_CLI) != 0;
	c->end = is_end_log(e);
	c->ix = get_index(v, cli, c->end);
	uint64_t rh = req_hash(e->kind, e->method, e->url);
	uint64_t h = cli ? key_hash(e->kind, e->family, e->cli_ip, rh)
			 : key_hash(e->kind, 0, NULL, rh);
	c->r = find_range(c->ix, h);
	return c->r != NULL;
}

/* ---- pass 1 ---- */

static void push(int64_t **arr, size_t *n, int64_t x)
{
	if (*n >= DIFFS_MAX)
		return;
	if ((*n & (*n - 1)) == 0 || *n == 0) {
		size_t nc = *n ? *n * 2 : 256;
		int64_t *a = realloc(*arr, nc * sizeof(**arr));
		if (!a)
			return;
		*arr = a;
	}
	(*arr)[(*n)++] = x;
}

static bool host_like(const char *s)
{
	return s && strchr(s, '.') && !strchr(s, ' ');
}

static uint64_t host_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)tolower((unsigned char)s[i]);
		h = mix(h, &c, 1);
	}
	return h;
}

static void scan_scope(struct verify *v, const struct log_entry *e)
{
	if (e->kind == LOG_KIND_AUTH) {
		v->any_auth = true;
		if (!(e->flags & LE_USER_ONLY))
			v->any_auth_all = true;
	} else {
		v->any_req = true;
	}
	if (e->flags & LE_PROXY) {
		v->any_proxy = true;
		if (e->flags & LE_HAS_CLI)
			set_add(&v->proxy_clients, ep_hash(e->family, e->cli_ip, 0));
	} else if (e->kind == LOG_KIND_REQUEST) {
		v->any_origin = true;
		if (!(e->flags & LE_USER_ONLY))
			v->any_origin_all = true;
	}
	if (e->flags & LE_HAS_SRV) {
		if (e->srv_port)
			set_add(&v->srv_ipport, ep_hash(e->srv_family, e->srv_ip, e->srv_port));
		else
			set_add(&v->srv_ip, ep_hash(e->srv_family, e->srv_ip, 0));
		v->sum.scope_named = true;
	} else if (e->srv_port) {
		set_add(&v->srv_port, ep_hash(0, NULL, e->srv_port));
		v->sum.scope_named = true;
	}
	if (host_like(e->vhost))
		set_add(&v->vhosts, host_hash(e->vhost, strcspn(e->vhost, ":")));
	if (has_time(e)) {
		if (e->res_us > v->sum.offset_res_us)
			v->sum.offset_res_us = e->res_us;
		if (!v->log_span || e->time_us < v->log_min_us)
			v->log_min_us = e->time_us;
		if (!v->log_span || e->time_us > v->log_max_us)
			v->log_max_us = e->time_us;
		v->log_span = true;
	}
}

void verify_log_scan(struct verify *v, const struct log_entry *e)
{
	struct log_entry dated;
	if (e->flags & (LE_DATE_UNKNOWN | LE_YEAR_UNKNOWN)) {
		dated = *e;
		resolve_date(v, &dated);
		e = &dated;
	}
	scan_scope(v, e);
	if (!usable(e) || !has_time(e))
		return;
	struct cand c;
	if (!candidates(v, e, &c))
		return;
	int64_t centre = log_centre(e, 0);
	int64_t span = v->o.max_skew_us + (int64_t)e->res_us / 2 + v->o.tol_us;
	uint32_t j = lower_bound(v, c.ix, c.r, c.end, centre - span);
	uint32_t end = c.r->start + c.r->count;
	int found = 0;
	int64_t best = 0, first = 0;
	for (; j < end && found < 3; j++) {
		const struct wire_rec *w = &v->w[c.ix->order[j]];
		int64_t m = moment(w, c.end);
		if (m > centre + span)
			break;
		if (!fits(e, w))
			continue;
		int64_t d = centre - m;
		if (!found || llabs(d) < llabs(best))
			best = d;
		if (!found)
			first = d;
		found++;
	}
	(void)first;
	if (found == 1)
		push(&v->diffs, &v->ndiffs, best);
	else if (found > 1)
		push(&v->near, &v->nnear, best);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

bool verify_offset_done(struct verify *v)
{
	int64_t *arr = v->ndiffs ? v->diffs : v->near;
	size_t n = v->ndiffs ? v->ndiffs : v->nnear;
	v->sum.offset_pairs = v->ndiffs;
	if (!n) {
		v->offset_us = 0;
		v->sum.offset_known = false;
		return true;
	}
	qsort(arr, n, sizeof(*arr), cmp_i64);
	int64_t med = arr[n / 2];
	v->sum.offset_evidence_us = med;
	if (llabs(med) > v->o.max_skew_us) {
		v->sum.offset_too_big = true;
		v->offset_us = 0;
		return false;
	}
	v->offset_us = med;
	v->sum.offset_us = med;
	v->sum.offset_known = true;
	return true;
}

/* ---- identities ---- */

struct umap_pair {
	char *wire, *log;
};

struct verify_usermap {
	struct umap_pair *p;
	size_t n;
};

static bool ieq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && strncasecmp(a, b, an) == 0;
}

static bool domain_eq(const char *a, size_t an, const char *b, size_t bn)
{
	if (ieq(a, an, b, bn))
		return true;
	/* NetBIOS "CORP" against DNS "corp.example.com": the first label */
	const char *da = memchr(a, '.', an), *db = memchr(b, '.', bn);
	size_t la = da ? (size_t)(da - a) : an, lb = db ? (size_t)(db - b) : bn;
	return ieq(a, la, b, lb);
}

static bool names_eq(const char *u1, size_t ul1, const char *d1, size_t dl1,
		     const char *u2, size_t ul2, const char *d2, size_t dl2)
{
	if (!ieq(u1, ul1, u2, ul2))
		return false;
	if (d1 && dl1 && d2 && dl2)
		return domain_eq(d1, dl1, d2, dl2);
	return true;
}

static bool wire_log_eq(const char *wire_user, const char *wire_domain,
			const char *log_user)
{
	const char *u1, *d1, *u2, *d2;
	size_t ul1, dl1, ul2, dl2;
	log_user_split(wire_user, &u1, &ul1, &d1, &dl1);
	if (!d1 && wire_domain && *wire_domain) {
		d1 = wire_domain;
		dl1 = strlen(wire_domain);
	}
	log_user_split(log_user, &u2, &ul2, &d2, &dl2);
	if (!u1 || !u2)
		return false;
	return names_eq(u1, ul1, d1, dl1, u2, ul2, d2, dl2);
}

bool verify_same_user(const struct verify_usermap *m, const char *wire_user,
		      const char *wire_domain, const char *log_user)
{
	if (!wire_user || !log_user)
		return false;
	if (wire_log_eq(wire_user, wire_domain, log_user))
		return true;
	for (size_t i = 0; m && i < m->n; i++)
		if (wire_log_eq(wire_user, wire_domain, m->p[i].wire) &&
		    wire_log_eq(m->p[i].log, NULL, log_user))
			return true;
	return false;
}

struct verify_usermap *verify_usermap_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read user map %s: %m", path);
		return NULL;
	}
	struct verify_usermap *m = calloc(1, sizeof(*m));
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	while (m && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || !*p)
			continue;
		char *a = strtok(p, " \t\r\n");
		char *b = strtok(NULL, " \t\r\n");
		if (!a || !b) {
			snprintf(err, errlen, "%s:%zu: want \"wire_name log_name\"", path, lineno);
			verify_usermap_free(m);
			m = NULL;
			break;
		}
		struct umap_pair *np = realloc(m->p, (m->n + 1) * sizeof(*np));
		if (!np)
			break;
		m->p = np;
		m->p[m->n].wire = strdup(a);
		m->p[m->n].log = strdup(b);
		m->n++;
	}
	free(line);
	fclose(f);
	if (!m && !err[0])
		snprintf(err, errlen, "out of memory");
	return m;
}

void verify_usermap_free(struct verify_usermap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->p[i].wire);
		free(m->p[i].log);
	}
	free(m->p);
	free(m);
}

/* ---- verdicts ---- */

static bool is_kerberos(const struct wire_rec *w)
{
	if (w->mech && strcasecmp(w->mech, "Kerberos") == 0)
		return true;
	/* Negotiate whose token we could not place */
	return w->scheme && strcasecmp(w->scheme, "Negotiate") == 0 && !w->mech &&
	       (w->flags & WR_CREDENTIALS);
}

static bool str_is(const char *s, const char *w)
{
	return s && strcmp(s, w) == 0;
}

static enum verdict decide(const struct verify *v, const struct log_entry *e,
			   const struct wire_rec *w, const char **why)
{
	int st = e->status > 0 ? e->status : w->status;
	bool chal = st == 401 || st == 407;
	if (e->kind == LOG_KIND_AUTH && (e->flags & LE_AUTH_FAILED))
		chal = true;
	if (!e->user) {
		if (!w->user) {
			*why = chal ? "challenge leg: no identity yet on either side"
				    : "anonymous on both sides";
			return chal ? V_CHALLENGE_LEG : V_MATCH;
		}
		if (chal || str_is(w->result, "pending") || str_is(w->result, "failure")) {
			*why = chal ? "handshake leg the server refused: no user is logged"
				    : "the handshake did not succeed: no user is logged";
			return chal ? V_CHALLENGE_LEG : V_MATCH;
		}
		*why = "the wire authenticated a user the log does not name";
		return V_USER_NOT_LOGGED;
	}
	if (!w->user) {
		if (is_kerberos(w)) {
			*why = "Kerberos without a keytab: the wire cannot name the user";
			return V_UNVERIFIABLE;
		}
		if (w->flags & WR_CUT) {
			*why = "the capture lost part of this request (gap or cut header)";
			return V_UNVERIFIABLE;
		}
		*why = "the log names a user, the wire carried no identity";
		return V_USER_NOT_ON_WIRE;
	}
	if (verify_same_user(v->umap, w->user, w->domain, e->user)) {
		*why = "same user";
		return V_MATCH;
	}
	*why = "the log names another user than the wire";
	return V_USER_MISMATCH;
}

static void emit(struct verify *v, enum verdict vd, const struct log_entry *e,
		 const char *file, const struct wire_rec *w, const char *why,
		 int64_t delta)
{
	v->sum.counts[vd]++;
	if (!v->cb)
		return;
	struct verify_pair p = { vd, e, file, w, why, delta };
	v->cb(v->cb_user, &p);
}

/* ---- scope ---- */

static bool server_opt_match(const struct verify *v, int family, const uint8_t *ip,
			     uint16_t port)
{
	for (int i = 0; i < v->o.nservers; i++) {
		const struct verify_server *s = &v->o.servers[i];
		if (s->port && s->port != port)
			continue;
		if (s->family && (s->family != family ||
				  memcmp(s->ip, ip, family == AF_INET6 ? 16 : 4) != 0))
			continue;
		return true;
	}
	return false;
}

static bool wire_in_scope(const struct verify *v, const struct wire_rec *w)
{
	/* the log's period, in capture time, with the matching slack */
	if (v->log_span) {
		int64_t slack = 2 * v->o.tol_us + 2 * SEC_US;
		int64_t m = moment(w, true);
		if (m + v->offset_us < v->log_min_us - slack ||
		    w->time_us + v->offset_us > v->log_max_us + slack)
			return false;
	}
	if (v->o.nservers) {
		/* --server names the servers, not what the log records: a log of
		   requests still says nothing of handshakes, nor an auth-event
		   log of requests */
		if (w->kind == LOG_KIND_AUTH ? !v->any_auth || (!v->any_auth_all && !w->user)
					     : !v->any_req)
			return false;
		return server_opt_match(v, w->family, w->srv_ip, w->srv_port);
	}
	if (w->kind == LOG_KIND_AUTH) {
		if (!v->any_auth || (!v->any_auth_all && !w->user))
			return false;
	} else if (w->flags & WR_PROXY_FORM) {
		/* a forward proxy logs the client-to-proxy leg of named clients */
		return v->any_proxy &&
		       set_has(&v->proxy_clients, ep_hash(w->family, w->cli_ip, 0));
	} else if (!v->any_origin) {
		return false;
	} else if (!v->any_origin_all && (!w->user || w->status == 401 || w->status == 407)) {
		/* a log of user activity only (Kemp) says nothing of the rest */
		return false;
	}
	if (set_has(&v->matched_srv, ep_hash(w->family, w->srv_ip, w->srv_port)))
		return true;
	if (set_has(&v->srv_ipport, ep_hash(w->family, w->srv_ip, w->srv_port)) ||
	    set_has(&v->srv_ip, ep_hash(w->family, w->srv_ip, 0)) ||
	    set_has(&v->srv_port, ep_hash(0, NULL, w->srv_port)))
		return true;
	if (w->host && set_has(&v->vhosts, host_hash(w->host, strcspn(w->host, ":"))))
		return true;
	return false;
}

static bool log_in_scope(const struct verify *v, const struct log_entry *e)
{
	if (v->o.nservers && (e->flags & LE_HAS_SRV) &&
	    !server_opt_match(v, e->srv_family, e->srv_ip, e->srv_port) &&
	    !server_opt_match(v, 0, NULL, e->srv_port))
		return false;
	if (!has_time(e) || !v->nw)
		return true;
	/* outside the capture's period the wire cannot speak */
	int64_t c = log_centre(e, v->offset_us);
	int64_t slack = (int64_t)e->res_us + 2 * v->o.tol_us +
			(e->duration_us > 0 ? e->duration_us : 0);
	return c >= v->wire_min_us - slack && c <= v->wire_max_us + slack;
}

/* ---- pass 2 ---- */

void verify_log_match(struct verify *v, const struct log_entry *e, const char *file)
{
	struct log_entry dated;
	if (e->flags & (LE_DATE_UNKNOWN | LE_YEAR_UNKNOWN)) {
		dated = *e;
		resolve_date(v, &dated);
		e = &dated;
	}
	v->sum.log_entries++;
	if (!log_in_scope(v, e)) {
		v->sum.log_out_of_scope++;
		return;
	}
	struct cand c;
	if (!usable(e)) {
		/* nothing to pair on: shown, but not a finding */
		emit(v, V_UNVERIFIABLE, e, file, NULL, "the line names no method and URL", 0);
		return;
	}
	if (!candidates(v, e, &c)) {
		emit(v, V_MISSING_ON_WIRE, e, file, NULL, "no request like this on the wire", 0);
		return;
	}
	bool timed = has_time(e);
	int64_t centre = log_centre(e, v->offset_us);
	int64_t half = (int64_t)e->res_us / 2 + v->o.tol_us;
	uint32_t end = c.r->start + c.r->count;
	uint32_t j = c.r->cursor;
	if (timed) {
		uint32_t lb = lower_bound(v, c.ix, c.r, c.end, centre - half);
		if (lb > j)
			j = lb;
	}
	/*
	 * The earliest unpaired candidate, unless the window holds several and
	 * a later one agrees better with the line: the server the line names,
	 * same status (an unanswered request fits any), an identity that
	 * agrees (a log of whole seconds cannot order two connections of one
	 * client).  Each wire record still pairs once, so a changed user still
	 * shows as a mismatch.
	 */
	struct wire_rec *pick = NULL;
	int best = -1;
	for (; j < end && best < 7; j++) {
		struct wire_rec *w = &v->w[c.ix->order[j]];
		if (w->flags & WR_MATCHED)
			continue;
		int64_t m = moment(w, c.end);
		if (timed && m > centre + half)
			break;
		if (!fits(e, w))
			continue;
		const char *why;
		/* the server the line names first (an address is a fact, while
		   an unanswered request fits any status), then the same status
		   (a real answer before an unanswered request) */
		int score = (srv_agrees(e, w) ? 4 : 0) +
			    (e->status == w->status ? 2 : 0) +
			    (verify_is_finding(decide(v, e, w, &why)) ? 0 : 1);
		if (score > best) {
			best = score;
			pick = w;
		}
		if (!timed)
			break;
	}
	if (pick) {
		struct wire_rec *w = pick;
		int64_t m = moment(w, c.end);
		w->flags |= WR_MATCHED;
		while (c.r->cursor < end && (v->w[c.ix->order[c.r->cursor]].flags & WR_MATCHED))
			c.r->cursor++;
		set_add(&v->matched_srv, ep_hash(w->family, w->srv_ip, w->srv_port));
		const char *why = "";
		enum verdict vd = decide(v, e, w, &why);
		emit(v, vd, e, file, w, why, timed ? centre - m : 0);
		return;
	}
	emit(v, V_MISSING_ON_WIRE, e, file, NULL,
	     "no unpaired request like this on the wire at that time", 0);
}

void verify_finish(struct verify *v)
{
	for (size_t i = 0; i < v->nw; i++) {
		struct wire_rec *w = &v->w[i];
		if (w->flags & WR_MATCHED)
			continue;
		/* a log of requests does not speak for auth events, and back;
		   a response whose request was never seen cannot be named */
		if (!wire_in_scope(v, w) || (w->flags & WR_NO_REQUEST)) {
			v->sum.wire_out_of_scope++;
			continue;
		}
		emit(v, V_MISSING_IN_LOG, NULL, NULL, w,
		     "the log speaks for this server but has no line for it", 0);
	}
}

const struct verify_summary *verify_get_summary(const struct verify *v)
{
	return &v->sum;
}
