/*
 * test_http.c - http/ driven directly with byte streams.
 *
 * Every HTTP message below is hand-built for the test (no capture), fed
 * through http_conn_data/http_conn_gap/http_conn_close with a fake
 * flow_info; tx_done calls are recorded (deep copies) and checked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "http/http.h"

#define A DIR_A_TO_B
#define B DIR_B_TO_A

struct rtx {
	struct http_tx t;            /* scalars; string pointers cleared */
	char *url, *host, *ua, *referer, *authz, *pauthz, *xff, *persist, *conn, *reason;
	size_t authz_len;
	char *www[HTTP_CHALLENGES_MAX], *pauthn[HTTP_CHALLENGES_MAX];
};

struct rec {
	struct rtx *tx;
	int n, cap;
	void *conn_user_seen;
};

static char *dup_str(struct http_str s)
{
	char *p;
	if (!s.s)
		return NULL;
	assert_int_equal(strlen(s.s), s.len);    /* NUL-terminated at len */
	p = malloc(s.len + 1);
	memcpy(p, s.s, s.len + 1);
	return p;
}

static void on_tx(void *user, void *conn_user, const struct http_tx *t)
{
	struct rec *r = user;
	struct rtx *x;
	int i;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->tx = realloc(r->tx, (size_t)r->cap * sizeof(*r->tx));
	}
	x = &r->tx[r->n++];
	memset(x, 0, sizeof(*x));
	x->t = *t;
	r->conn_user_seen = conn_user;
	x->url = dup_str(t->url);
	x->host = dup_str(t->host);
	x->ua = dup_str(t->user_agent);
	x->referer = dup_str(t->referer);
	x->authz = dup_str(t->authorization);
	x->authz_len = t->authorization.len;
	x->pauthz = dup_str(t->proxy_authorization);
	x->xff = dup_str(t->x_forwarded_for);
	x->persist = dup_str(t->persistent_auth);
	x->conn = dup_str(t->connection_hdr);
	x->reason = dup_str(t->reason);
	for (i = 0; i < t->n_www_authenticate; i++)
		x->www[i] = dup_str(t->www_authenticate[i]);
	for (i = 0; i < t->n_proxy_authenticate; i++)
		x->pauthn[i] = dup_str(t->proxy_authenticate[i]);
}

static void rec_clear(struct rec *r)
{
	int i, j;
	for (i = 0; i < r->n; i++) {
		struct rtx *x = &r->tx[i];
		free(x->url); free(x->host); free(x->ua); free(x->referer);
		free(x->authz); free(x->pauthz); free(x->xff); free(x->persist);
		free(x->conn); free(x->reason);
		for (j = 0; j < HTTP_CHALLENGES_MAX; j++) {
			free(x->www[j]);
			free(x->pauthn[j]);
		}
	}
	free(r->tx);
	memset(r, 0, sizeof(*r));
}

struct fx {
	struct http_ctx *h;
	struct rec r;
	struct http_conn *c;
	int conn_user;
};

static void fx_open(struct fx *f, bool syn)
{
	struct http_callbacks cb = { &f->r, on_tx };
	struct flow_info fi;

	memset(f, 0, sizeof(*f));
	f->h = http_ctx_new(&cb);
	assert_non_null(f->h);
	memset(&fi, 0, sizeof(fi));
	fi.flow_id = 7;
	fi.family = AF_INET;
	memcpy(fi.a_ip, "\x0a\x00\x00\x01", 4);
	memcpy(fi.b_ip, "\x0a\x00\x00\x02", 4);
	fi.a_port = 40000;
	fi.b_port = 80;
	fi.syn_seen = syn;
	fi.first_ts_us = 1000;
	f->c = http_conn_new(f->h, &fi, &f->conn_user);
	assert_non_null(f->c);
}

static void fx_close(struct fx *f, uint64_t ts)
{
	if (f->c)
		http_conn_close(f->c, ts);
	f->c = NULL;
}

static void fx_free(struct fx *f)
{
	fx_close(f, 999999);
	rec_clear(&f->r);
	http_ctx_free(f->h);
}

static void put(struct fx *f, enum cap_dir d, const char *s, uint64_t ts)
{
	http_conn_data(f->c, d, (const uint8_t *)s, strlen(s), ts);
}

static const struct http_stats *st(struct fx *f)
{
	return http_get_stats(f->h);
}

/* ---- basics ----------------------------------------------------------- */

static void test_simple_get(void **state)
{
	struct fx f;
	const char *req = "GET /index.html?a=1 HTTP/1.1\r\nHost: web.example\r\n"
			  "User-Agent: curl/8\r\nReferer: http://r/\r\n\r\n";
	const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	(void)state;
	fx_open(&f, true);
	put(&f, A, req, 2000);
	assert_int_equal(f.r.n, 0);
	put(&f, B, resp, 3000);
	assert_int_equal(f.r.n, 1);
	assert_ptr_equal(f.r.conn_user_seen, &f.conn_user);
	struct rtx *x = &f.r.tx[0];
	assert_int_equal(x->t.tx_id, 0);
	assert_int_equal(x->t.flow_id, 7);
	assert_string_equal(x->t.method, "GET");
	assert_string_equal(x->url, "/index.html?a=1");
	assert_string_equal(x->host, "web.example");
	assert_string_equal(x->ua, "curl/8");
	assert_string_equal(x->referer, "http://r/");
	assert_string_equal(x->t.protocol, "HTTP/1.1");
	assert_string_equal(x->t.resp_protocol, "HTTP/1.1");
	assert_int_equal(x->t.status, 200);
	assert_string_equal(x->reason, "OK");
	assert_null(x->authz);
	assert_int_equal(x->t.req_ts_us, 2000);
	assert_int_equal(x->t.resp_ts_us, 3000);
	assert_int_equal(x->t.resp_end_ts_us, 3000);
	assert_int_equal(x->t.req_bytes, strlen(req));
	assert_int_equal(x->t.resp_bytes, strlen(resp));
	assert_int_equal(x->t.resp_body_bytes, 5);
	assert_int_equal(x->t.req_body_bytes, 0);
	assert_int_equal(x->t.anomalies, 0);
	assert_int_equal(x->t.cli_port, 40000);
	assert_int_equal(x->t.srv_port, 80);
	assert_memory_equal(x->t.cli_ip, "\x0a\x00\x00\x01", 4);
	assert_memory_equal(x->t.srv_ip, "\x0a\x00\x00\x02", 4);
	fx_close(&f, 4000);
	assert_int_equal(f.r.n, 1);
	assert_int_equal(st(&f)->conns, 1);
	assert_int_equal(st(&f)->conns_http, 1);
	assert_int_equal(st(&f)->requests, 1);
	assert_int_equal(st(&f)->responses, 1);
	assert_int_equal(st(&f)->unanswered, 0);
	fx_free(&f);
}

static void test_keepalive_three(void **state)
{
	struct fx f;
	int i;
	char buf[128];
	(void)state;
	fx_open(&f, true);
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "GET /%d HTTP/1.1\r\nHost: h\r\n\r\n", i);
		put(&f, A, buf, 100 + 10 * i);
		snprintf(buf, sizeof(buf), "HTTP/1.1 %d X\r\nContent-Length: 2\r\n\r\nok", 200 + i);
		put(&f, B, buf, 105 + 10 * i);
		assert_int_equal(f.r.n, i + 1);
	}
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "/%d", i);
		assert_int_equal(f.r.tx[i].t.tx_id, i);
		assert_string_equal(f.r.tx[i].url, buf);
		assert_int_equal(f.r.tx[i].t.status, 200 + i);
		assert_int_equal(f.r.tx[i].t.req_ts_us, 100 + 10 * i);
		assert_int_equal(f.r.tx[i].t.resp_ts_us, 105 + 10 * i);
	}
	fx_free(&f);
}

static void test_pipelining(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
		   "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"
		   "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz", 10);
	assert_int_equal(f.r.n, 0);
	put(&f, B, "HTTP/1.1 200 A\r\nContent-Length: 1\r\n\r\na"
		   "HTTP/1.1 404 B\r\nContent-Length: 0\r\n\r\n"
		   "HTTP/1.1 201 C\r\nContent-Length: 2\r\n\r\ncc", 20);
	assert_int_equal(f.r.n, 3);
	assert_string_equal(f.r.tx[0].url, "/a");
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_string_equal(f.r.tx[1].url, "/b");
	assert_int_equal(f.r.tx[1].t.status, 404);
	assert_string_equal(f.r.tx[2].url, "/c");
	assert_string_equal(f.r.tx[2].t.method, "POST");
	assert_int_equal(f.r.tx[2].t.status, 201);
	assert_int_equal(f.r.tx[2].t.req_body_bytes, 3);
	assert_int_equal(f.r.tx[2].t.resp_body_bytes, 2);
	assert_int_equal(f.r.tx[0].t.req_bytes, strlen("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
	fx_free(&f);
}

/* ---- splitting at every byte ------------------------------------------ */

static const char split_req[] =
	"POST /path/x?q=1 HTTP/1.1\r\n"
	"hOsT: split.example\r\n"
	"User-Agent: Mozilla/5.0 (X11)\r\n"
	"Authorization: NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==\r\n"
	"X-Folded: a\r\n"
	"  b\r\n"
	"Content-Length: 4\r\n"
	"\r\n"
	"body";

static void check_split_req(const struct rtx *x)
{
	assert_string_equal(x->t.method, "POST");
	assert_string_equal(x->url, "/path/x?q=1");
	assert_string_equal(x->host, "split.example");
	assert_string_equal(x->ua, "Mozilla/5.0 (X11)");
	assert_string_equal(x->authz, "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==");
	assert_int_equal(x->t.req_body_bytes, 4);
	assert_int_equal(x->t.req_bytes, strlen(split_req));
	assert_int_equal(x->t.status, 401);
	assert_int_equal(x->t.anomalies, 0);
}

static void test_request_split_every_offset(void **state)
{
	size_t len = strlen(split_req), k;
	(void)state;
	for (k = 1; k < len; k++) {
		struct fx f;
		fx_open(&f, k % 2 == 0);     /* with and without a SYN seen */
		http_conn_data(f.c, A, (const uint8_t *)split_req, k, 100);
		http_conn_data(f.c, A, (const uint8_t *)split_req + k, len - k, 101);
		put(&f, B, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", 200);
		assert_int_equal(f.r.n, 1);
		check_split_req(&f.r.tx[0]);
		assert_int_equal(f.r.tx[0].t.req_ts_us, 100);
		fx_free(&f);
	}
}

/* the same request one byte per segment */
static void test_request_byte_by_byte(void **state)
{
	size_t len = strlen(split_req), k;
	struct fx f;
	(void)state;
	fx_open(&f, true);
	for (k = 0; k < len; k++)
		http_conn_data(f.c, A, (const uint8_t *)split_req + k, 1, 100 + k);
	put(&f, B, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", 5000);
	assert_int_equal(f.r.n, 1);
	check_split_req(&f.r.tx[0]);
	assert_int_equal(f.r.tx[0].t.req_ts_us, 100);
	fx_free(&f);
}

static const char split_resp[] =
	"HTTP/1.1 401 Unauthorized\r\n"
	"www-authenticate: Negotiate\r\n"
	"WWW-Authenticate: NTLM TlRMTVNTUAACAAAADAAMADgAAAAFgoqi\r\n"
	"Persistent-Auth: true\r\n"
	"Connection: keep-alive\r\n"
	"Content-Length: 3\r\n"
	"\r\n"
	"abc";

static void test_response_split_every_offset(void **state)
{
	size_t len = strlen(split_resp), k;
	(void)state;
	for (k = 1; k < len; k++) {
		struct fx f;
		struct rtx *x;
		fx_open(&f, true);
		put(&f, A, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 100);
		http_conn_data(f.c, B, (const uint8_t *)split_resp, k, 200);
		http_conn_data(f.c, B, (const uint8_t *)split_resp + k, len - k, 201);
		assert_int_equal(f.r.n, 1);
		x = &f.r.tx[0];
		assert_int_equal(x->t.status, 401);
		assert_string_equal(x->reason, "Unauthorized");
		assert_int_equal(x->t.n_www_authenticate, 2);
		assert_string_equal(x->www[0], "Negotiate");
		assert_string_equal(x->www[1], "NTLM TlRMTVNTUAACAAAADAAMADgAAAAFgoqi");
		assert_string_equal(x->persist, "true");
		assert_string_equal(x->conn, "keep-alive");
		assert_int_equal(x->t.resp_body_bytes, 3);
		assert_int_equal(x->t.resp_bytes, len);
		assert_int_equal(x->t.resp_ts_us, 200);
		assert_int_equal(x->t.resp_end_ts_us, 201);
		assert_int_equal(x->t.anomalies, 0);
		fx_free(&f);
	}
}

/* ---- header handling -------------------------------------------------- */

static void test_two_www_authenticate(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\n"
		   "Server: x\r\nWWW-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	assert_int_equal(f.r.tx[0].t.n_www_authenticate, 2);
	assert_string_equal(f.r.tx[0].www[0], "Negotiate");
	assert_string_equal(f.r.tx[0].www[1], "NTLM");
	assert_int_equal(f.r.tx[0].t.n_proxy_authenticate, 0);
	fx_free(&f);
}

static void test_case_insensitive_and_repeats(void **state)
{
	struct fx f;
	struct rtx *x;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\nHOST: first\r\nhost: second\r\n"
		   "PROXY-AUTHORIZATION: Basic dTpw\r\nx-forwarded-for: 1.1.1.1\r\n"
		   "X-Forwarded-For: 2.2.2.2 \r\nuser-AGENT:   spaced  \r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 407 Proxy Authentication Required\r\n"
		   "proxy-authenticate: NTLM\r\nPROXY-AUTHENTICATE: Basic realm=\"x\"\r\n"
		   "CONNECTION: close\r\nconnection: Proxy-Support\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	x = &f.r.tx[0];
	assert_string_equal(x->host, "first");
	assert_string_equal(x->pauthz, "Basic dTpw");
	assert_string_equal(x->xff, "1.1.1.1, 2.2.2.2");
	assert_string_equal(x->ua, "spaced");
	assert_int_equal(x->t.n_proxy_authenticate, 2);
	assert_string_equal(x->pauthn[0], "NTLM");
	assert_string_equal(x->pauthn[1], "Basic realm=\"x\"");
	assert_string_equal(x->conn, "close, Proxy-Support");
	assert_int_equal(x->t.status, 407);
	fx_free(&f);
}

/*
 * Names one byte off a kept name of the same length are not kept; a name
 * cut at a segment end (copied) is matched like a whole one (pointed at);
 * the last header's value is closed (trimmed) by the end of the headers.
 */
static void test_kept_names_exact(void **state)
{
	struct fx f;
	struct rtx *x;

	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\nUser_Agent: no\r\nHosT: h\r\nReferer: r  \r\n"
		   "X-Forwarded-For", 1);
	put(&f, A, ": 1.1.1.1\r\nUSER-AGENT: yes\r\nAuthorizatio", 2);
	put(&f, A, "n: NTLM abc \r\n\r\n", 3);
	put(&f, B, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n"
		   "WWW-Authenticatf: x\r\nContent-Length: 0\r\nPersistent-Auth: true \r\n\r\n", 4);
	assert_int_equal(f.r.n, 1);
	x = &f.r.tx[0];
	assert_string_equal(x->ua, "yes");
	assert_string_equal(x->host, "h");
	assert_string_equal(x->referer, "r");
	assert_string_equal(x->xff, "1.1.1.1");
	assert_string_equal(x->authz, "NTLM abc");
	assert_int_equal(x->t.status, 401);
	assert_int_equal(x->t.n_www_authenticate, 1);
	assert_string_equal(x->www[0], "NTLM");
	assert_string_equal(x->persist, "true");
	assert_int_equal(x->t.anomalies, 0);
	fx_free(&f);
}

static void test_obs_fold(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Negotiate   \r\n"
		   "   YIIabc\r\n\tdef  \r\nUser-Agent:\r\n  folded-only\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 200 OK\r\nWWW-Authenticate: Negotiate\r\n oRsw\r\n"
		   "Content-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	assert_string_equal(f.r.tx[0].authz, "Negotiate YIIabc def");
	assert_string_equal(f.r.tx[0].ua, "folded-only");
	assert_string_equal(f.r.tx[0].www[0], "Negotiate oRsw");
	assert_int_equal(f.r.tx[0].t.anomalies, 0);
	fx_free(&f);
}

/* a split inside a value is not a fold, even right before a space */
static void test_value_split_before_space(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\nAuthorization: NTLM", 1);
	put(&f, A, " abc\r\n\r\n", 2);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3);
	assert_int_equal(f.r.n, 1);
	assert_string_equal(f.r.tx[0].authz, "NTLM abc");
	fx_free(&f);
}

/*
 * Regression (found by fuzz_http): a value still open and empty when the
 * transaction is handed over, in an arena reused from an earlier response,
 * was not NUL-terminated.
 */
static void test_empty_value_in_reused_arena(void **state)
{
	struct fx f;
	char big[300];
	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 401 U\r\nWWW-Authenticate: ", 2);
	put(&f, B, big, 2);
	put(&f, B, "\r\nContent-Length: 0\r\n\r\n", 2);
	/* the connection ends right after the name: the value is still open */
	put(&f, B, "HTTP/1.1 401 U\r\nWWW-Authenticate: a\r\nConnection:", 3);
	fx_close(&f, 4);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[1].www[0], "a");
	assert_non_null(f.r.tx[1].conn);
	assert_string_equal(f.r.tx[1].conn, "");
	fx_free(&f);
}

/* ---- message framing ---------------------------------------------------- */

static void test_100_continue(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
		   "Content-Length: 4\r\n\r\n", 10);
	put(&f, B, "HTTP/1.1 100 Continue\r\n\r\n", 20);
	assert_int_equal(f.r.n, 0);
	put(&f, A, "data", 30);
	assert_int_equal(f.r.n, 0);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 40);
	assert_int_equal(f.r.n, 1);
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_string_equal(f.r.tx[0].reason, "OK");
	assert_int_equal(f.r.tx[0].t.req_body_bytes, 4);
	assert_int_equal(f.r.tx[0].t.resp_ts_us, 20);
	assert_int_equal(f.r.tx[0].t.resp_end_ts_us, 40);
	assert_int_equal(f.r.tx[0].t.resp_bytes,
			 strlen("HTTP/1.1 100 Continue\r\n\r\n") +
			 strlen("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
	assert_int_equal(st(&f)->responses, 1);
	fx_free(&f);
}

static void test_head_no_body(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "HEAD /big HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 12345\r\n\r\n"
		   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 2);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[0].t.method, "HEAD");
	assert_int_equal(f.r.tx[0].t.resp_body_bytes, 0);
	assert_string_equal(f.r.tx[1].url, "/next");
	assert_int_equal(f.r.tx[1].t.status, 200);
	assert_int_equal(f.r.tx[1].t.resp_body_bytes, 2);
	assert_int_equal(f.r.tx[1].t.anomalies, 0);
	fx_free(&f);
}

static void test_204_304(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\nGET /y HTTP/1.1\r\n"
		   "If-None-Match: \"e\"\r\n\r\nGET /z HTTP/1.1\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 204 No Content\r\n\r\n"
		   "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
		   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", 2);
	assert_int_equal(f.r.n, 3);
	assert_int_equal(f.r.tx[0].t.status, 204);
	assert_int_equal(f.r.tx[1].t.status, 304);
	assert_int_equal(f.r.tx[1].t.resp_body_bytes, 0);
	assert_int_equal(f.r.tx[2].t.status, 200);
	assert_string_equal(f.r.tx[2].url, "/z");
	fx_free(&f);
}

static void test_chunked_trailers(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		   "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n"
		   "WWW-Authenticate: trailer-not-kept\r\nX-T: 1\r\n\r\n", 2);
	put(&f, A, "GET /d HTTP/1.1\r\n\r\n", 3);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4);
	assert_int_equal(f.r.n, 2);
	assert_int_equal(f.r.tx[0].t.resp_body_bytes, 11);
	assert_int_equal(f.r.tx[0].t.n_www_authenticate, 0);
	assert_string_equal(f.r.tx[1].url, "/d");
	fx_free(&f);
}

static void test_until_close(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /old HTTP/1.0\r\n\r\n", 1);
	put(&f, B, "HTTP/1.0 200 OK\r\nServer: s\r\n\r\nsome body ", 2);
	put(&f, B, "more body", 3);
	assert_int_equal(f.r.n, 0);
	fx_close(&f, 9);
	assert_int_equal(f.r.n, 1);
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_string_equal(f.r.tx[0].t.protocol, "HTTP/1.0");
	assert_int_equal(f.r.tx[0].t.resp_body_bytes, 19);
	assert_int_equal(f.r.tx[0].t.resp_end_ts_us, 9);
	assert_int_equal(f.r.tx[0].t.anomalies, 0);
	assert_int_equal(st(&f)->unanswered, 0);
	fx_free(&f);
}

/* ---- tunnels ------------------------------------------------------------ */

static void test_connect_tunnel(void **state)
{
	struct fx f;
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x00, 0x05, 'G', 'E', 'T', ' ', '\n' };
	(void)state;
	fx_open(&f, true);
	/* first CONNECT refused with 407, then retried with credentials */
	put(&f, A, "CONNECT site:443 HTTP/1.1\r\nHost: site:443\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 407 Proxy Authentication Required\r\n"
		   "Proxy-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	put(&f, A, "CONNECT site:443 HTTP/1.1\r\nProxy-Authorization: NTLM abc\r\n\r\n", 3);
	put(&f, B, "HTTP/1.1 200 Connection established\r\n\r\n", 4);
	assert_int_equal(f.r.n, 2);
	/* binary both ways, including bytes that look like HTTP */
	http_conn_data(f.c, A, tls, sizeof(tls), 5);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 6);
	put(&f, A, "GET / HTTP/1.1\r\n\r\n", 7);
	fx_close(&f, 8);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[0].t.method, "CONNECT");
	assert_string_equal(f.r.tx[0].url, "site:443");
	assert_int_equal(f.r.tx[0].t.status, 407);
	assert_string_equal(f.r.tx[0].pauthn[0], "NTLM");
	assert_string_equal(f.r.tx[1].pauthz, "NTLM abc");
	assert_int_equal(f.r.tx[1].t.status, 200);
	assert_int_equal(st(&f)->tunnels, 1);
	assert_int_equal(st(&f)->requests, 2);
	assert_int_equal(st(&f)->parse_errors, 0);
	fx_free(&f);
}

/* the client sends tunnel bytes before the proxy's 200 arrives */
static void test_connect_optimistic_bytes(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "CONNECT s:443 HTTP/1.1\r\n\r\n\x16\x03\x01garbage", 1);
	put(&f, B, "HTTP/1.1 200 OK\r\n\r\n", 2);
	fx_close(&f, 3);
	assert_int_equal(f.r.n, 1);
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_int_equal(st(&f)->parse_errors, 0);
	assert_int_equal(st(&f)->tunnels, 1);
	fx_free(&f);
}

static void test_upgrade_101(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
		   "Upgrade: websocket\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
		   "Connection: Upgrade\r\n\r\n\x81\x05hello", 2);
	put(&f, A, "\x81\x85masked", 3);
	put(&f, B, "HTTP/1.1 200 OK\r\n\r\n", 4);
	fx_close(&f, 5);
	assert_int_equal(f.r.n, 1);
	assert_int_equal(f.r.tx[0].t.status, 101);
	assert_string_equal(f.r.tx[0].conn, "Upgrade");
	assert_int_equal(st(&f)->tunnels, 1);
	assert_int_equal(st(&f)->parse_errors, 0);
	fx_free(&f);
}

/*
 * A hole in the client's bytes held behind a CONNECT that is then refused:
 * replayed in wire order, the hole standing for one lost request.
 */
static void test_connect_hold_lost(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "CONNECT s:443 HTTP/1.1\r\n\r\n", 1);
	put(&f, A, "GET /held HTTP/1.1\r\n\r\n", 2);     /* held: CONNECT unanswered */
	http_conn_gap(f.c, A, 50, 3);
	put(&f, A, "GET /after HTTP/1.1\r\n\r\n", 3);
	put(&f, B, "HTTP/1.1 407 P\r\nContent-Length: 0\r\n\r\n", 4);
	put(&f, B, "HTTP/1.1 404 NF\r\nContent-Length: 0\r\n\r\n", 5);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 6);
	put(&f, B, "HTTP/1.1 204 N\r\n\r\n", 7);
	fx_close(&f, 9);
	assert_int_equal(f.r.n, 4);
	assert_int_equal(f.r.tx[0].t.status, 407);
	assert_string_equal(f.r.tx[1].url, "/held");
	assert_int_equal(f.r.tx[1].t.status, 404);
	assert_int_equal(f.r.tx[1].t.req_ts_us, 2);
	assert_string_equal(f.r.tx[2].t.method, "");
	assert_true(f.r.tx[2].t.anomalies & HTTP_ANOM_GAP);
	assert_int_equal(f.r.tx[2].t.status, 200);
	assert_int_equal(f.r.tx[2].t.req_ts_us, 2);
	assert_string_equal(f.r.tx[3].url, "/after");
	assert_int_equal(f.r.tx[3].t.status, 204);
	assert_int_equal(f.r.tx[3].t.req_ts_us, 3);
	assert_int_equal(st(&f)->tunnels, 0);
	fx_free(&f);
}

/* more client bytes behind an unanswered CONNECT than are held: bounded */
static void test_connect_hold_overflow(void **state)
{
	struct fx f;
	char *junk = malloc(70001);
	(void)state;
	memset(junk, 'j', 70000);
	junk[70000] = 0;
	fx_open(&f, true);
	put(&f, A, "CONNECT s:443 HTTP/1.1\r\n\r\n", 1);
	put(&f, A, junk, 2);
	assert_true(st(&f)->mem_bytes <= 70000);
	put(&f, B, "HTTP/1.1 407 P\r\nContent-Length: 0\r\n\r\n", 3);
	put(&f, A, "GET /x HTTP/1.1\r\n\r\n", 4);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 5);
	fx_close(&f, 6);
	assert_true(f.r.n >= 2);
	assert_int_equal(f.r.tx[0].t.status, 407);
	assert_string_equal(f.r.tx[f.r.n - 1].url, "/x");
	assert_int_equal(f.r.tx[f.r.n - 1].t.status, 200);
	assert_int_equal(st(&f)->mem_bytes, 0);
	fx_free(&f);
	free(junk);
}

/* Upgrade asked, refused with a plain 200: the connection stays HTTP */
static void test_upgrade_refused(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /a HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
		   "GET /b HTTP/1.1\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", 2);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb", 3);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[0].url, "/a");
	assert_string_equal(f.r.tx[1].url, "/b");
	assert_int_equal(f.r.tx[1].t.req_ts_us, 1);
	assert_int_equal(st(&f)->tunnels, 0);
	fx_free(&f);
}

/* ---- close, gaps, errors ------------------------------------------------ */

static void test_unanswered_at_close(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	fx_close(&f, 3);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_int_equal(f.r.tx[1].t.status, -1);
	assert_int_equal(f.r.tx[1].t.tx_id, 1);
	assert_int_equal(f.r.tx[1].t.resp_ts_us, 0);
	assert_int_equal(st(&f)->unanswered, 1);
	fx_free(&f);
}

/* a lost segment inside a Content-Length body: framing is kept */
static void test_gap_in_response_body(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\n", 10);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", 20);
	http_conn_gap(f.c, B, 5, 21);
	put(&f, B, "hij", 21);
	assert_int_equal(f.r.n, 1);
	put(&f, A, "GET /2 HTTP/1.1\r\n\r\n", 30);
	put(&f, B, "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", 40);
	assert_int_equal(f.r.n, 2);
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_int_equal(f.r.tx[0].t.anomalies, HTTP_ANOM_GAP);
	assert_int_equal(f.r.tx[0].t.resp_body_bytes, 10);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_int_equal(f.r.tx[1].t.status, 302);
	assert_int_equal(f.r.tx[1].t.anomalies, 0);
	assert_int_equal(st(&f)->resyncs, 0);
	fx_free(&f);
}

/* the gap runs past the body's end: resync on the next status line */
static void test_gap_past_response_end(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\n", 10);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", 20);
	put(&f, A, "GET /2 HTTP/1.1\r\n\r\n", 30);
	http_conn_gap(f.c, B, 500, 40);
	put(&f, B, "y\r\nmore lost tail\r\n", 40);
	put(&f, B, "HTTP/1.1 401 No\r\nContent-Length: 0\r\n\r\n", 41);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[0].url, "/1");
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_GAP);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_int_equal(f.r.tx[1].t.status, 401);
	assert_int_equal(st(&f)->resyncs, 1);
	fx_free(&f);
}

/*
 * After a hole the next response starts a segment whose previous byte is
 * body (no line feed): the segment start is tried as a message start.
 */
static void test_resync_at_segment_start(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\n", 10);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", 11);
	put(&f, A, "GET /2 HTTP/1.1\r\n\r\n", 20);
	http_conn_gap(f.c, B, 4000, 21);
	put(&f, B, "GIF89a binary tail without a line feed", 21);
	put(&f, B, "HTTP/1.1 404 NF\r\nContent-Length: 3\r\n\r\nabc", 22);
	put(&f, A, "GET /3 HTTP/1.1\r\n\r\n", 30);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 31);
	assert_int_equal(f.r.n, 3);
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_GAP);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_int_equal(f.r.tx[1].t.status, 404);
	assert_int_equal(f.r.tx[1].t.anomalies, 0);
	assert_string_equal(f.r.tx[2].url, "/3");
	assert_int_equal(f.r.tx[2].t.status, 200);
	fx_free(&f);
}

/*
 * A server writes more body than its Content-Length said: the junk fails to
 * parse without taking a request, and the status line right behind it (same
 * line, same segment) still answers the next request.
 */
static void test_junk_after_body(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n", 10);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA BYTES"
		   "HTTP/1.1 404 NF\r\nContent-Length: 0\r\n\r\n", 20);
	put(&f, B, "garbage line\r\nHTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", 21);
	fx_close(&f, 30);
	assert_int_equal(f.r.n, 3);
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_int_equal(f.r.tx[0].t.anomalies, 0);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_int_equal(f.r.tx[1].t.status, 404);
	assert_string_equal(f.r.tx[2].url, "/3");
	assert_int_equal(f.r.tx[2].t.status, 302);
	assert_int_equal(st(&f)->orphan_responses, 0);
	assert_int_equal(st(&f)->parse_errors, 2);
	fx_free(&f);
}

/*
 * Keep-alive without pipelining, two whole responses lost: the response
 * seen next belongs to the latest request sent before it started.
 */
static void test_gap_loses_whole_responses(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\n", 10);
	put(&f, A, "GET /2 HTTP/1.1\r\n\r\n", 30);
	put(&f, A, "GET /3 HTTP/1.1\r\n\r\n", 50);
	http_conn_gap(f.c, B, 300, 60);
	put(&f, B, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", 60);
	assert_int_equal(f.r.n, 3);
	assert_string_equal(f.r.tx[0].url, "/1");
	assert_int_equal(f.r.tx[0].t.status, -1);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_GAP);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_int_equal(f.r.tx[1].t.status, -1);
	assert_true(f.r.tx[1].t.anomalies & HTTP_ANOM_GAP);
	assert_string_equal(f.r.tx[2].url, "/3");
	assert_int_equal(f.r.tx[2].t.status, 403);
	assert_int_equal(f.r.tx[2].t.anomalies, 0);
	/* and pairing goes on FIFO afterwards */
	put(&f, A, "GET /4 HTTP/1.1\r\n\r\n", 70);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 80);
	assert_int_equal(f.r.n, 4);
	assert_string_equal(f.r.tx[3].url, "/4");
	assert_int_equal(f.r.tx[3].t.status, 200);
	fx_free(&f);
}

/* pipelined in one segment, the head's response cut in its headers */
static void test_gap_pipelined_same_segment(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n", 10);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Le", 20);
	http_conn_gap(f.c, B, 40, 21);
	put(&f, B, "HTTP/1.1 202 Two\r\nContent-Length: 0\r\n\r\n"
		   "HTTP/1.1 203 Three\r\nContent-Length: 0\r\n\r\n", 21);
	assert_int_equal(f.r.n, 3);
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_GAP);
	assert_int_equal(f.r.tx[1].t.status, 202);
	assert_int_equal(f.r.tx[2].t.status, 203);
	fx_free(&f);
}

static void test_gap_in_request(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\nHost: h\r\nUser-Ag", 10);
	http_conn_gap(f.c, A, 100, 11);
	put(&f, A, "t-garbage\r\nMore: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: h2\r\n\r\n", 11);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 20);
	put(&f, B, "HTTP/1.1 404 NF\r\nContent-Length: 0\r\n\r\n", 21);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[0].url, "/1");
	assert_string_equal(f.r.tx[0].host, "h");
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_GAP);
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_string_equal(f.r.tx[1].host, "h2");
	assert_int_equal(f.r.tx[1].t.status, 404);
	assert_int_equal(f.r.tx[1].t.anomalies, 0);
	assert_int_equal(st(&f)->resyncs, 1);
	fx_free(&f);
}

/* a whole request lost between two others: its response still pairs */
static void test_gap_between_requests(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\n", 10);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 11);
	http_conn_gap(f.c, A, 30, 30);
	put(&f, B, "HTTP/1.1 201 Lost\r\nContent-Length: 0\r\n\r\n", 21);
	put(&f, A, "GET /3 HTTP/1.1\r\n\r\n", 30);
	put(&f, B, "HTTP/1.1 202 Three\r\nContent-Length: 0\r\n\r\n", 31);
	assert_int_equal(f.r.n, 3);
	assert_string_equal(f.r.tx[0].url, "/1");
	assert_string_equal(f.r.tx[1].t.method, "");
	assert_null(f.r.tx[1].url);
	assert_int_equal(f.r.tx[1].t.status, 201);
	assert_true(f.r.tx[1].t.anomalies & HTTP_ANOM_GAP);
	assert_string_equal(f.r.tx[2].url, "/3");
	assert_int_equal(f.r.tx[2].t.status, 202);
	fx_free(&f);
}

static void test_parse_error_resync(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\nBad\x01Name: x\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n"
		   "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 2);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_PARSE_ERROR);
	assert_int_equal(f.r.tx[0].t.status, 400);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_int_equal(f.r.tx[1].t.status, 200);
	assert_int_equal(st(&f)->parse_errors, 1);
	fx_free(&f);
}

/* ---- roles and detection ------------------------------------------------ */

static void test_roles_swapped(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, false);     /* mid-stream: A is only a guess, and wrong */
	put(&f, B, "GET /s HTTP/1.1\r\nHost: h\r\n\r\n", 1);
	put(&f, A, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
	fx_close(&f, 3);
	assert_int_equal(f.r.n, 1);
	assert_string_equal(f.r.tx[0].url, "/s");
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_int_equal(f.r.tx[0].t.cli_port, 80);
	assert_int_equal(f.r.tx[0].t.srv_port, 40000);
	assert_memory_equal(f.r.tx[0].t.cli_ip, "\x0a\x00\x00\x02", 4);
	fx_free(&f);
}

/*
 * Mid-stream: the server's first bytes are the tail of the response to the
 * request just seen; the next status line answers the next request.
 */
static void test_midstream_response_tail(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, false);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\n", 10);
	put(&f, B, "tail of a response whose start was not captured", 11);
	put(&f, A, "GET /2 HTTP/1.1\r\n\r\n", 12);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 20);
	fx_close(&f, 30);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[0].url, "/1");
	assert_int_equal(f.r.tx[0].t.status, -1);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_GAP);
	assert_string_equal(f.r.tx[1].url, "/2");
	assert_int_equal(f.r.tx[1].t.status, 200);
	fx_free(&f);
}

/* the response side talks first (request missed): roles still right */
static void test_response_first_orphan(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, false);
	put(&f, A, "lo body of a response we joined late\r\n"
		   "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n"
		   "Content-Length: 0\r\n\r\n", 1);
	put(&f, B, "GET /x HTTP/1.1\r\n\r\n", 2);
	put(&f, A, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3);
	fx_close(&f, 4);
	assert_int_equal(f.r.n, 2);
	assert_string_equal(f.r.tx[0].t.method, "");
	assert_int_equal(f.r.tx[0].t.status, 401);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_NO_REQUEST);
	assert_string_equal(f.r.tx[0].www[0], "NTLM");
	assert_int_equal(f.r.tx[0].t.srv_port, 40000);
	assert_string_equal(f.r.tx[1].url, "/x");
	assert_int_equal(f.r.tx[1].t.tx_id, 1);
	assert_int_equal(st(&f)->orphan_responses, 1);
	fx_free(&f);
}

static void test_not_http(void **state)
{
	struct fx f;
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00 };
	(void)state;
	fx_open(&f, true);
	http_conn_data(f.c, A, tls, sizeof(tls), 1);
	put(&f, B, "HTTP/1.1 200 OK\r\n\r\n", 2);
	put(&f, A, "\nGET / HTTP/1.1\r\n\r\n", 3);
	fx_close(&f, 4);
	assert_int_equal(f.r.n, 0);
	assert_int_equal(st(&f)->conns_not_http, 1);
	assert_int_equal(st(&f)->conns_http, 0);
	assert_int_equal(st(&f)->requests, 0);
	fx_free(&f);
}

/* an SMTP-like server banner: the server talks first, not HTTP */
static void test_not_http_banner(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, B, "220 mail ESMTP\r\n", 1);
	put(&f, A, "EHLO x\r\n", 2);
	fx_close(&f, 3);
	assert_int_equal(f.r.n, 0);
	assert_int_equal(st(&f)->conns_not_http, 1);
	fx_free(&f);
}

/* ---- limits ------------------------------------------------------------ */

static void test_huge_header_line(void **state)
{
	struct fx f;
	size_t big = 1u << 20, i;
	char *v = malloc(big + 1);
	(void)state;
	memset(v, 'a', big);
	v[big] = 0;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\nHost: h\r\nX-Big: ", 1);
	for (i = 0; i < big; i += 1000)
		http_conn_data(f.c, A, (const uint8_t *)v + i, big - i < 1000 ? big - i : 1000, 2);
	put(&f, A, "\r\nUser-Agent: ", 3);
	put(&f, A, v + big - 5000, 4);      /* 5000-byte UA: cut at HTTP_FIELD_MAX */
	put(&f, A, "\r\n\r\n", 5);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 6);
	assert_int_equal(f.r.n, 1);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_HEADER_LIMIT);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_FIELD_CUT);
	assert_int_equal(strlen(f.r.tx[0].ua), HTTP_FIELD_MAX);
	assert_string_equal(f.r.tx[0].host, "h");
	assert_int_equal(f.r.tx[0].t.status, 200);
	assert_true(st(&f)->cut_fields >= 1);
	fx_free(&f);
	free(v);
}

static void test_ten_thousand_headers(void **state)
{
	struct fx f;
	char line[64];
	int i;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\n", 1);
	for (i = 0; i < 10000; i++) {
		snprintf(line, sizeof(line), "X-H%d: v%d\r\n", i, i);
		put(&f, A, line, 1);
	}
	put(&f, A, "Authorization: Basic eDp5\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_HEADER_LIMIT);
	assert_string_equal(f.r.tx[0].authz, "Basic eDp5");
	assert_int_equal(f.r.tx[0].t.status, 200);
	fx_free(&f);
}

static void auth_of_size(size_t n, bool *cut, size_t *kept)
{
	struct fx f;
	char *v = malloc(n + 1);
	(void)v;
	memset(v, 'Q', n);
	memcpy(v, "NTLM ", 5);
	v[n] = 0;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\nAuthorization: ", 1);
	put(&f, A, v, 1);
	put(&f, A, "\r\nHost: after\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 200 OK\r\nWWW-Authenticate: ", 2);
	put(&f, B, v, 2);
	put(&f, B, "\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	*cut = (f.r.tx[0].t.anomalies & HTTP_ANOM_AUTH_CUT) != 0;
	*kept = f.r.tx[0].authz_len;
	assert_int_equal(strlen(f.r.tx[0].www[0]), *kept);
	assert_memory_equal(f.r.tx[0].authz, v, *kept);
	assert_string_equal(f.r.tx[0].host, "after");
	assert_false(f.r.tx[0].t.anomalies & HTTP_ANOM_HEADER_LIMIT);
	fx_free(&f);
	free(v);
}

static void test_auth_64k(void **state)
{
	bool cut;
	size_t kept;
	(void)state;
	auth_of_size(HTTP_AUTH_MAX, &cut, &kept);
	assert_false(cut);
	assert_int_equal(kept, HTTP_AUTH_MAX);
	auth_of_size(HTTP_AUTH_MAX + 1, &cut, &kept);
	assert_true(cut);
	assert_int_equal(kept, HTTP_AUTH_MAX);
}

static void test_url_cut(void **state)
{
	struct fx f;
	char *u = malloc(HTTP_URL_MAX + 101);
	(void)state;
	memset(u, 'u', HTTP_URL_MAX + 100);
	u[0] = '/';
	u[HTTP_URL_MAX + 100] = 0;
	fx_open(&f, true);
	put(&f, A, "GET ", 1);
	put(&f, A, u, 1);
	put(&f, A, " HTTP/1.1\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 414 Too Long\r\nContent-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	assert_int_equal(strlen(f.r.tx[0].url), HTTP_URL_MAX);
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_URL_CUT);
	fx_free(&f);
	free(u);
}

static void test_too_many_challenges(void **state)
{
	struct fx f;
	int i;
	char line[64];
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\n\r\n", 1);
	put(&f, B, "HTTP/1.1 401 U\r\n", 2);
	for (i = 0; i < HTTP_CHALLENGES_MAX + 3; i++) {
		snprintf(line, sizeof(line), "WWW-Authenticate: S%d\r\n", i);
		put(&f, B, line, 2);
	}
	put(&f, B, "Content-Length: 0\r\n\r\n", 2);
	assert_int_equal(f.r.n, 1);
	assert_int_equal(f.r.tx[0].t.n_www_authenticate, HTTP_CHALLENGES_MAX);
	assert_string_equal(f.r.tx[0].www[HTTP_CHALLENGES_MAX - 1], "S7");
	assert_true(f.r.tx[0].t.anomalies & HTTP_ANOM_AUTH_CUT);
	fx_free(&f);
}

/*
 * More pending requests than the queue keeps: the oldest are reported
 * early with their fields, their responses on their own, pairing intact.
 */
static void test_pipeline_cap(void **state)
{
	struct fx f;
	int i, n = HTTP_PIPELINE_MAX + 5, early = 5;
	char buf[64];
	(void)state;
	fx_open(&f, true);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "GET /%d HTTP/1.1\r\n\r\n", i);
		put(&f, A, buf, 10);
	}
	assert_int_equal(f.r.n, early);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "HTTP/1.1 %d R\r\nContent-Length: 0\r\n\r\n", 200 + i);
		put(&f, B, buf, 20);
	}
	assert_int_equal(f.r.n, n + early);
	for (i = 0; i < n + early; i++)
		assert_int_equal(f.r.tx[i].t.tx_id, i);
	for (i = 0; i < early; i++) {           /* reported when the queue overflowed */
		snprintf(buf, sizeof(buf), "/%d", i);
		assert_string_equal(f.r.tx[i].url, buf);
		assert_int_equal(f.r.tx[i].t.status, -1);
		assert_true(f.r.tx[i].t.anomalies & HTTP_ANOM_PIPELINE_CAP);
	}
	for (i = 0; i < early; i++) {           /* their responses, on their own */
		assert_string_equal(f.r.tx[early + i].t.method, "");
		assert_int_equal(f.r.tx[early + i].t.status, 200 + i);
		assert_true(f.r.tx[early + i].t.anomalies & HTTP_ANOM_PIPELINE_CAP);
	}
	for (i = early; i < n; i++) {           /* the rest pair normally */
		snprintf(buf, sizeof(buf), "/%d", i);
		assert_string_equal(f.r.tx[early + i].url, buf);
		assert_int_equal(f.r.tx[early + i].t.status, 200 + i);
		assert_int_equal(f.r.tx[early + i].t.anomalies, 0);
	}
	fx_free(&f);
}

/* only the client side captured: every request is reported whole */
static void test_one_sided_capture(void **state)
{
	struct fx f;
	int i, n = 300;
	char buf[64];
	(void)state;
	fx_open(&f, true);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "GET /%d HTTP/1.1\r\nHost: h\r\n\r\n", i);
		put(&f, A, buf, 10 + i);
	}
	fx_close(&f, 1000);
	assert_int_equal(f.r.n, n);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "/%d", i);
		assert_string_equal(f.r.tx[i].url, buf);
		assert_string_equal(f.r.tx[i].host, "h");
		assert_int_equal(f.r.tx[i].t.status, -1);
		assert_int_equal(f.r.tx[i].t.req_ts_us, 10 + i);
	}
	assert_int_equal(st(&f)->unanswered, n);
	fx_free(&f);
}

/* what http/ holds is accounted, and all of it is given back */
static void test_mem_accounting(void **state)
{
	struct fx f;
	char *v = malloc(20001);
	(void)state;
	memset(v, 'Z', 20000);
	v[20000] = 0;
	fx_open(&f, true);
	put(&f, A, "GET / HTTP/1.1\r\nAuthorization: Negotiate ", 1);
	put(&f, A, v, 1);
	put(&f, A, "\r\n\r\nCONNECT x:443 HTTP/1.1\r\n\r\nearly tunnel bytes", 1);
	assert_true(st(&f)->mem_bytes >= 20000);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2);
	fx_close(&f, 3);
	assert_int_equal(f.r.n, 2);
	assert_int_equal(f.r.tx[0].authz_len, strlen("Negotiate ") + 20000);
	assert_int_equal(st(&f)->mem_bytes, 0);
	assert_int_equal(st(&f)->mem_refused, 0);
	fx_free(&f);
	free(v);
}

/* a tiny memcap: values are cut and counted, pairing is unharmed */
static void test_memcap_cuts(void **state)
{
	struct fx f;
	char *v = malloc(HTTP_AUTH_MAX + 1);
	int i;
	(void)state;
	memset(v, 'Z', HTTP_AUTH_MAX);
	v[HTTP_AUTH_MAX] = 0;
	fx_open(&f, true);
	http_set_memcap(f.h, 16384);
	for (i = 0; i < 3; i++) {
		put(&f, A, "GET /x HTTP/1.1\r\nAuthorization: ", 10 + i);
		put(&f, A, v, 10 + i);
		put(&f, A, "\r\n\r\n", 10 + i);
	}
	for (i = 0; i < 3; i++)
		put(&f, B, "HTTP/1.1 401 U\r\nContent-Length: 0\r\n\r\n", 20 + i);
	assert_int_equal(f.r.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(f.r.tx[i].t.status, 401);
		assert_true(f.r.tx[i].t.anomalies & HTTP_ANOM_AUTH_CUT);
		assert_true(f.r.tx[i].authz_len < HTTP_AUTH_MAX);
	}
	assert_true(st(&f)->mem_refused > 0);
	assert_true(st(&f)->mem_bytes <= 16384);
	fx_close(&f, 30);
	assert_int_equal(st(&f)->mem_bytes, 0);
	fx_free(&f);
	free(v);
}

/* a server's unsolicited 408 on an idle connection, then a new request */
static void test_unsolicited_408(void **state)
{
	struct fx f;
	(void)state;
	fx_open(&f, true);
	put(&f, A, "GET /1 HTTP/1.1\r\n\r\n", 10);
	put(&f, B, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 11);
	put(&f, B, "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n", 50);
	put(&f, A, "GET /2 HTTP/1.1\r\n\r\n", 51);   /* crossed on the wire */
	fx_close(&f, 60);
	assert_int_equal(f.r.n, 3);
	assert_int_equal(f.r.tx[1].t.status, 408);
	assert_true(f.r.tx[1].t.anomalies & HTTP_ANOM_NO_REQUEST);
	assert_string_equal(f.r.tx[2].url, "/2");
	assert_int_equal(f.r.tx[2].t.status, -1);
	fx_free(&f);
}

/* stats add up across several connections */
static void test_stats_invariant(void **state)
{
	struct fx f;
	struct flow_info fi;
	struct http_conn *c2, *c3;
	(void)state;
	fx_open(&f, true);
	memset(&fi, 0, sizeof(fi));
	fi.syn_seen = true;
	c2 = http_conn_new(f.h, &fi, NULL);
	c3 = http_conn_new(f.h, &fi, NULL);
	put(&f, A, "GET / HTTP/1.1\r\n\r\n", 1);
	http_conn_data(c2, DIR_A_TO_B, (const uint8_t *)"SSH-2.0-x\r\n", 11, 1);
	http_conn_close(c2, 2);
	http_conn_close(c3, 2);         /* no data at all */
	fx_close(&f, 2);
	assert_int_equal(st(&f)->conns, 3);
	assert_int_equal(st(&f)->conns_http + st(&f)->conns_not_http, 3);
	assert_int_equal(st(&f)->conns_http, 1);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_keepalive_three),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_request_split_every_offset),
		cmocka_unit_test(test_request_byte_by_byte),
		cmocka_unit_test(test_response_split_every_offset),
		cmocka_unit_test(test_two_www_authenticate),
		cmocka_unit_test(test_case_insensitive_and_repeats),
		cmocka_unit_test(test_kept_names_exact),
		cmocka_unit_test(test_obs_fold),
		cmocka_unit_test(test_value_split_before_space),
		cmocka_unit_test(test_empty_value_in_reused_arena),
		cmocka_unit_test(test_100_continue),
		cmocka_unit_test(test_head_no_body),
		cmocka_unit_test(test_204_304),
		cmocka_unit_test(test_chunked_trailers),
		cmocka_unit_test(test_until_close),
		cmocka_unit_test(test_connect_tunnel),
		cmocka_unit_test(test_connect_optimistic_bytes),
		cmocka_unit_test(test_upgrade_101),
		cmocka_unit_test(test_upgrade_refused),
		cmocka_unit_test(test_connect_hold_lost),
		cmocka_unit_test(test_connect_hold_overflow),
		cmocka_unit_test(test_unanswered_at_close),
		cmocka_unit_test(test_gap_in_response_body),
		cmocka_unit_test(test_gap_past_response_end),
		cmocka_unit_test(test_resync_at_segment_start),
		cmocka_unit_test(test_junk_after_body),
		cmocka_unit_test(test_gap_loses_whole_responses),
		cmocka_unit_test(test_gap_pipelined_same_segment),
		cmocka_unit_test(test_gap_in_request),
		cmocka_unit_test(test_gap_between_requests),
		cmocka_unit_test(test_parse_error_resync),
		cmocka_unit_test(test_roles_swapped),
		cmocka_unit_test(test_midstream_response_tail),
		cmocka_unit_test(test_response_first_orphan),
		cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_not_http_banner),
		cmocka_unit_test(test_huge_header_line),
		cmocka_unit_test(test_ten_thousand_headers),
		cmocka_unit_test(test_auth_64k),
		cmocka_unit_test(test_url_cut),
		cmocka_unit_test(test_too_many_challenges),
		cmocka_unit_test(test_pipeline_cap),
		cmocka_unit_test(test_one_sided_capture),
		cmocka_unit_test(test_mem_accounting),
		cmocka_unit_test(test_memcap_cuts),
		cmocka_unit_test(test_unsolicited_408),
		cmocka_unit_test(test_stats_invariant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
