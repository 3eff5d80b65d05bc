/*
 * test_report.c - every writer of report/ on hand-built records.
 *
 * The records below are hand-built (no capture behind them): a fake
 * http_tx per case plus the auth fields the handshake layer would set.
 * Each case has one golden line per format; every json line is parsed
 * back with jansson and its values checked.
 *
 * REPORT_TEST_PRINT=1 prints what the writers produce (to review a new
 * case by eye before freezing its golden line).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <jansson.h>

#include "report/report.h"

/* 2024-07-11T09:12:03.123456Z */
#define T0 1720689123123456ull

struct fake {
	struct http_tx tx;
	struct as_http r;
};

static void hstr(struct http_str *h, const char *s)
{
	h->s = (char *)s;
	h->len = s ? strlen(s) : 0;
}

/* a hand-built GET answered 200, no auth; cases change what they need */
static void fake_base(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	struct http_tx *tx = &f->tx;
	tx->flow_id = 7;
	tx->tx_id = 2;
	tx->req_ts_us = T0;
	tx->resp_ts_us = T0 + 40000;
	tx->resp_end_ts_us = T0 + 45678;
	tx->family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", tx->cli_ip);
	inet_pton(AF_INET, "10.0.0.2", tx->srv_ip);
	tx->cli_port = 50000;
	tx->srv_port = 80;
	strcpy(tx->method, "GET");
	hstr(&tx->url, "/app/page?x=1&y=two");
	hstr(&tx->host, "intranet.example.com");
	hstr(&tx->user_agent, "Mozilla/5.0 (Windows NT 10.0)");
	strcpy(tx->protocol, "HTTP/1.1");
	tx->status = 200;
	strcpy(tx->resp_protocol, "HTTP/1.1");
	hstr(&tx->reason, "OK");
	tx->req_bytes = 400;
	tx->resp_bytes = 1500;
	tx->resp_body_bytes = 1234;
	f->r.tx = &f->tx;
	f->r.krb_etype = -1;
}

static void set_ntlm(struct as_http *r, const char *user, const char *result)
{
	r->scheme = "NTLM";
	r->mech = "NTLMSSP";
	r->credentials = true;
	r->ntlm_type = 3;
	r->user = user;
	r->domain = "CORP";
	r->workstation = "WS1";
	r->password_type = "NTLMv2";
	r->result = result;
	r->handshake_id = 3;
}

enum kase {
	C_CHALLENGE, C_SUCCESS, C_FAILURE, C_NOCRED, C_INHERITED, C_PROXY407,
	C_KERBEROS, C_BASIC, C_NORESP, C_IPV6, C_NONASCII, C_NASTY, C_COUNT
};

static void fake_case(struct fake *f, enum kase k)
{
	fake_base(f);
	struct as_http *r = &f->r;
	struct http_tx *tx = &f->tx;

	switch (k) {
	case C_CHALLENGE:     /* Type 1 in, Type 2 out */
		set_ntlm(r, NULL, "pending");
		r->ntlm_type = 1;
		r->challenge_type = 2;
		r->domain = NULL;
		r->workstation = NULL;
		r->password_type = NULL;
		tx->status = 401;
		tx->resp_body_bytes = 341;
		tx->resp_bytes = 600;
		hstr(&tx->reason, "Unauthorized");
		break;
	case C_SUCCESS:
		set_ntlm(r, "alice", "success");
		break;
	case C_FAILURE:
		set_ntlm(r, "alice", "failure");
		tx->status = 401;
		tx->resp_body_bytes = 0;
		hstr(&tx->reason, "Unauthorized");
		break;
	case C_NOCRED:        /* first request of the dance, no credentials */
		tx->status = 401;
		tx->resp_body_bytes = 1293;
		hstr(&tx->reason, "Unauthorized");
		break;
	case C_INHERITED:
		set_ntlm(r, "alice", "success");
		r->credentials = false;
		r->inherited = true;
		r->ntlm_type = 0;
		break;
	case C_PROXY407:
		set_ntlm(r, NULL, "pending");
		r->proxy = true;
		r->ntlm_type = 1;
		r->challenge_type = 2;
		r->domain = r->workstation = r->password_type = NULL;
		hstr(&tx->url, "http://www.example.com/");
		hstr(&tx->host, "www.example.com");
		tx->srv_port = 8080;
		tx->status = 407;
		tx->resp_bytes = 1101;
		tx->resp_body_bytes = 800;
		hstr(&tx->reason, "Proxy Authentication Required");
		break;
	case C_KERBEROS:
		r->scheme = "Negotiate";
		r->mech = "Kerberos";
		r->credentials = true;
		r->user = "bob";
		r->domain = "EXAMPLE.COM";
		r->password_type = "Kerberos";
		r->result = "success";
		r->krb_sname = "HTTP/intranet.example.com";
		r->krb_realm = "EXAMPLE.COM";
		r->krb_etype = 18;
		r->handshake_id = 4;
		break;
	case C_BASIC:
		r->scheme = "Basic";
		r->credentials = true;
		r->user = "carol";
		r->password_type = "Plaintext";
		r->result = "success";
		r->handshake_id = 5;
		break;
	case C_NORESP:
		set_ntlm(r, "alice", "success");
		r->credentials = false;
		r->inherited = true;
		r->ntlm_type = 0;
		tx->status = -1;
		tx->resp_ts_us = tx->resp_end_ts_us = 0;
		tx->resp_bytes = tx->resp_body_bytes = 0;
		tx->resp_protocol[0] = 0;
		hstr(&tx->reason, NULL);
		tx->anomalies = 0x0001u;   /* HTTP_ANOM_GAP */
		r->anomaly = "ntlm_no_type3";
		break;
	case C_IPV6:
		set_ntlm(r, "alice", "success");
		tx->family = AF_INET6;
		memset(tx->cli_ip, 0, 16);
		memset(tx->srv_ip, 0, 16);
		inet_pton(AF_INET6, "2001:db8::1", tx->cli_ip);
		inet_pton(AF_INET6, "2001:db8:0:0:1:0:0:80", tx->srv_ip);
		hstr(&tx->host, "[2001:db8::1:0:0:80]");
		break;
	case C_NONASCII:
		set_ntlm(r, "j\xc3\xbcrgen", "success");
		r->domain = "K\xc3\x96LN";
		break;
	case C_NASTY:         /* quote, backslash, control, invalid UTF-8 */
		set_ntlm(r, "a\"b\\c\x01" "d\xff", "success");
		hstr(&tx->user_agent, "UA \"x\"\ty\x7f\xc3\x28");
		hstr(&tx->url, "/p a?q=\"1\"");
		break;
	case C_COUNT:
		break;
	}
}

/* --- running a writer into memory --- */

struct out {
	char *buf;
	size_t len;
	FILE *f;
	struct report_writer *w;
};

static void out_open(struct out *o, const char *fmt, const struct report_opts *opts)
{
	memset(o, 0, sizeof(*o));
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
	o->w = report_open(fmt, o->f, opts);
	assert_non_null(o->w);
}

/* closes everything; returns the text written (caller frees) */
static char *out_close(struct out *o)
{
	report_close(o->w);
	fclose(o->f);
	return o->buf;
}

static char *run_http(const char *fmt, const struct as_http *r)
{
	struct out o;
	out_open(&o, fmt, NULL);
	report_http(o.w, r);
	return out_close(&o);
}

static bool print_mode(void)
{
	const char *e = getenv("REPORT_TEST_PRINT");
	return e && *e == '1';
}

/* the last line of s (w3c / proxysg put headers before it) */
static const char *last_line(const char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '\n')
		n--;
	while (n && s[n - 1] != '\n')
		n--;
	return s + n;
}

static void expect_line(const char *fmt, enum kase k, const char *want)
{
	struct fake f;
	fake_case(&f, k);
	char *got = run_http(fmt, &f.r);
	const char *line = last_line(got);
	if (print_mode())
		printf("GOLD %s case %d: %s%s", fmt, (int)k, *line ? line : "(none)\n", "");
	else if (want == NULL)
		assert_string_equal(got, "");
	else {
		char *w = malloc(strlen(want) + 2);
		assert_non_null(w);
		sprintf(w, "%s\n", want);
		assert_string_equal(line, w);
		free(w);
	}
	free(got);
}

/* parse one json line, failing the test when jansson refuses it */
static json_t *parse_line(const char *line)
{
	json_error_t err;
	json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		fail_msg("jansson rejects line: %s: %s", err.text, line);
	return j;
}

static const char *jstr(json_t *root, const char *obj, const char *key)
{
	json_t *o = obj ? json_object_get(root, obj) : root;
	assert_non_null(o);
	json_t *v = json_object_get(o, key);
	if (!v)
		fail_msg("key %s.%s missing", obj ? obj : "", key);
	return json_is_null(v) ? NULL : json_string_value(v);
}

static json_t *jget(json_t *root, const char *obj, const char *key)
{
	json_t *o = obj ? json_object_get(root, obj) : root;
	assert_non_null(o);
	json_t *v = json_object_get(o, key);
	if (!v)
		fail_msg("key %s.%s missing", obj ? obj : "", key);
	return v;
}

static void test_json_values(void **state)
{
	(void)state;
	static const char *const contract_http[] = {
		"method", "url", "hostname", "protocol", "status", "user_agent", NULL };
	static const char *const contract_auth[] = {
		"scheme", "mech", "proxy", "user", "result", "domain",
		"workstation", "password_type", "inherited", NULL };

	for (int k = 0; k < C_COUNT; k++) {
		struct fake f;
		fake_case(&f, (enum kase)k);
		char *got = run_http("json", &f.r);
		json_t *j = parse_line(got);

		assert_string_equal(jstr(j, NULL, "event_type"), "http");
		assert_string_equal(jstr(j, NULL, "timestamp"),
				    "2024-07-11T09:12:03.123456Z");
		assert_int_equal(json_integer_value(jget(j, NULL, "flow_id")), 7);
		assert_int_equal(json_integer_value(jget(j, NULL, "tx_id")), 2);
		for (int i = 0; contract_http[i]; i++)
			jget(j, "http", contract_http[i]);
		for (int i = 0; contract_auth[i]; i++)
			jget(j, "auth", contract_auth[i]);
		assert_true(json_is_boolean(jget(j, "auth", "proxy")));
		assert_true(json_is_boolean(jget(j, "auth", "inherited")));
		assert_int_equal(json_is_true(jget(j, "auth", "proxy")), f.r.proxy);
		assert_int_equal(json_is_true(jget(j, "auth", "inherited")),
				 f.r.inherited);
		json_t *st = jget(j, "http", "status");
		if (f.tx.status < 0)
			assert_true(json_is_null(st));
		else
			assert_int_equal(json_integer_value(st), f.tx.status);
		const char *u = jstr(j, "auth", "user");
		if (f.r.user && k != C_NASTY)
			assert_string_equal(u, f.r.user);
		else if (!f.r.user)
			assert_null(u);
		if (f.r.scheme)
			assert_string_equal(jstr(j, "auth", "scheme"), f.r.scheme);
		else
			assert_null(jstr(j, "auth", "scheme"));
		assert_string_equal(jstr(j, "http", "method"), "GET");
		if (k != C_NASTY)
			assert_string_equal(jstr(j, "http", "url"), f.tx.url.s);
		json_decref(j);
		free(got);
	}
}

static void test_json_special_values(void **state)
{
	(void)state;
	struct fake f;
	json_t *j;
	char *got;

	/* IPv6 in compressed form */
	fake_case(&f, C_IPV6);
	got = run_http("json", &f.r);
	j = parse_line(got);
	assert_string_equal(jstr(j, NULL, "src_ip"), "2001:db8::1");
	assert_string_equal(jstr(j, NULL, "dest_ip"), "2001:db8::1:0:0:80");
	json_decref(j);
	free(got);

	/* no response: status null, gap flagged, anomalies named */
	fake_case(&f, C_NORESP);
	got = run_http("json", &f.r);
	j = parse_line(got);
	assert_true(json_is_null(jget(j, "http", "status")));
	assert_true(json_is_null(jget(j, "http", "time_taken_ms")));
	assert_true(json_is_true(jget(j, NULL, "gap")));
	assert_string_equal(jstr(j, NULL, "anomaly"), "gap,ntlm_no_type3");
	json_decref(j);
	free(got);

	/* Kerberos details */
	fake_case(&f, C_KERBEROS);
	got = run_http("json", &f.r);
	j = parse_line(got);
	assert_string_equal(jstr(j, "auth", "mech"), "Kerberos");
	assert_string_equal(jstr(j, "auth", "krb_sname"), "HTTP/intranet.example.com");
	assert_int_equal(json_integer_value(jget(j, "auth", "krb_etype")), 18);
	assert_null(json_object_get(j, "gap"));
	json_decref(j);
	free(got);

	/* hostile bytes: escaped, invalid UTF-8 replaced by U+FFFD */
	fake_case(&f, C_NASTY);
	got = run_http("json", &f.r);
	j = parse_line(got);
	assert_string_equal(jstr(j, "auth", "user"), "a\"b\\c\x01" "d\xef\xbf\xbd");
	assert_string_equal(jstr(j, "http", "user_agent"),
			    "UA \"x\"\ty\x7f\xef\xbf\xbd(");
	assert_non_null(strstr(got, "\\u0001"));
	json_decref(j);
	free(got);

	/* non-ASCII user kept as UTF-8 */
	fake_case(&f, C_NONASCII);
	got = run_http("json", &f.r);
	j = parse_line(got);
	assert_string_equal(jstr(j, "auth", "user"), "j\xc3\xbcrgen");
	assert_string_equal(jstr(j, "auth", "domain"), "K\xc3\x96LN");
	json_decref(j);
	free(got);
}

/* --- json escaping on every byte and on random strings --- */

static char *json_of_user(const char *user, size_t n, struct fake *f)
{
	/* the user string must be NUL-terminated: NUL is never in it */
	char *u = malloc(n + 1);
	assert_non_null(u);
	memcpy(u, user, n);
	u[n] = 0;
	fake_case(f, C_SUCCESS);
	f->r.user = u;
	hstr(&f->tx.user_agent, u);
	char *got = run_http("json", &f->r);
	free(u);
	return got;
}

static void test_json_all_bytes(void **state)
{
	(void)state;
	for (int b = 1; b < 256; b++) {
		char s[4] = { 'x', (char)b, 'y', 0 };
		struct fake f;
		char *got = json_of_user(s, 3, &f);
		json_t *j = parse_line(got);
		const char *u = jstr(j, "auth", "user");
		if (b < 0x80)
			assert_memory_equal(u, s, 4);       /* round trip */
		else
			assert_string_equal(u, "x\xef\xbf\xbdy");   /* lone byte */
		json_decref(j);
		free(got);
	}
}

static void test_json_random_bytes(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	for (int round = 0; round < 3000; round++) {
		char s[64];
		size_t n = 1 + (size_t)(round % 63);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			uint8_t c = (uint8_t)(seed >> 16);
			/* bias towards UTF-8 lead / continuation bytes */
			if (round & 1)
				c = (uint8_t)(0x80 | (c & 0x7f));
			s[i] = c ? (char)c : 'z';
		}
		struct fake f;
		char *got = json_of_user(s, n, &f);
		json_t *j = parse_line(got);
		json_decref(j);
		free(got);
	}
}

/* ill-formed sequences: one U+FFFD per maximal ill-formed subpart */
static void test_json_utf8_rules(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } t[] = {
		{ "\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd" },            /* overlong NUL */
		{ "\xe0\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* overlong */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* > U+10FFFF */
		{ "\xf5\x80", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe2\x82", "\xef\xbf\xbd" },                           /* truncated */
		{ "\xe2\x82" "A", "\xef\xbf\xbd" "A" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },               /* U+1F600 kept */
		{ "\xed\x9f\xbf", "\xed\x9f\xbf" },                       /* U+D7FF kept */
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },               /* U+10FFFF kept */
		{ "\xc2\x80", "\xc2\x80" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fake f;
		char *got = json_of_user(t[i].in, strlen(t[i].in), &f);
		json_t *j = parse_line(got);
		assert_string_equal(jstr(j, "auth", "user"), t[i].out);
		json_decref(j);
		free(got);
	}
}

/* --- json auth event --- */

static void fake_auth(struct as_auth *a, bool ok)
{
	memset(a, 0, sizeof(*a));
	a->timestamp_us = T0 + 45678;
	a->flow_id = 7;
	a->handshake_id = 0x2a;
	a->family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", a->cli_ip);
	inet_pton(AF_INET, "10.0.0.2", a->srv_ip);
	a->cli_port = 50000;
	a->srv_port = 80;
	a->scheme = "NTLM";
	a->mech = "NTLMSSP";
	a->auth_description = "NTLMSSP";
	a->status = ok ? "NT_STATUS_OK" : "NT_STATUS_LOGON_FAILURE";
	a->result = ok ? "success" : "failure";
	a->user = "alice";
	a->domain = "CORP";
	a->workstation = "WS1";
	a->password_type = "NTLMv2";
	a->server_nb_domain = "CORP";
	a->server_nb_computer = "WEB01";
	a->server_dns_domain = "corp.example.com";
	a->server_dns_computer = "web01.corp.example.com";
	a->krb_etype = -1;
	a->legs = 2;
	a->final_status = ok ? 200 : 401;
	a->method = "GET";
	a->url = "/app/page?x=1&y=two";
	a->hostname = "intranet.example.com";
}

enum akase { A_OK, A_FAIL, A_KRB, A_BASIC, A_IPV6, A_NASTY, A_NULLS, A_COUNT };

static void fake_auth_case(struct as_auth *a, enum akase k)
{
	fake_auth(a, k != A_FAIL);
	switch (k) {
	case A_KRB:
		a->scheme = "Negotiate";
		a->mech = "Kerberos";
		a->auth_description = "Kerberos";
		a->user = "bob";
		a->domain = "EXAMPLE.COM";
		a->workstation = NULL;
		a->password_type = "Kerberos";
		a->server_nb_domain = a->server_nb_computer = NULL;
		a->server_dns_domain = a->server_dns_computer = NULL;
		a->krb_sname = "HTTP/intranet.example.com";
		a->krb_realm = "EXAMPLE.COM";
		a->krb_etype = 18;
		a->legs = 1;
		break;
	case A_BASIC:
		a->scheme = "Basic";
		a->mech = NULL;
		a->auth_description = "Basic";
		a->user = "carol";
		a->domain = NULL;
		a->workstation = NULL;
		a->password_type = "Plaintext";
		a->legs = 1;
		break;
	case A_IPV6:
		a->family = AF_INET6;
		memset(a->cli_ip, 0, 16);
		memset(a->srv_ip, 0, 16);
		inet_pton(AF_INET6, "2001:db8::1", a->cli_ip);
		inet_pton(AF_INET6, "2001:db8::80", a->srv_ip);
		break;
	case A_NASTY:
		a->user = "a\"b\\c\x01" "d\xff";
		a->workstation = "W\nS";
		break;
	case A_NULLS:         /* nothing but the result: status derived */
		a->status = NULL;
		a->result = "failure";
		a->domain = a->workstation = NULL;
		a->auth_description = NULL;
		a->password_type = NULL;
		a->final_status = -1;
		break;
	default:
		break;
	}
}

static void expect_auth_line(const char *fmt, enum akase k, const char *want)
{
	struct as_auth a;
	fake_auth_case(&a, k);
	struct out o;
	out_open(&o, fmt, NULL);
	report_auth(o.w, &a);
	char *got = out_close(&o);
	if (print_mode())
		printf("GOLD %s auth %d: %s", fmt, (int)k, *got ? got : "(none)\n");
	else if (!want)
		assert_string_equal(got, "");
	else {
		char *w = malloc(strlen(want) + 2);
		assert_non_null(w);
		sprintf(w, "%s\n", want);
		assert_string_equal(got, w);
		free(w);
	}
	free(got);
}

static char *run_auth(const char *fmt, const struct as_auth *a)
{
	struct out o;
	out_open(&o, fmt, NULL);
	report_auth(o.w, a);
	return out_close(&o);
}

static void test_json_auth_event(void **state)
{
	(void)state;
	struct as_auth a;
	fake_auth(&a, true);
	char *got = run_auth("json", &a);
	json_t *j = parse_line(got);
	assert_string_equal(jstr(j, NULL, "event_type"), "auth");
	assert_string_equal(jstr(j, NULL, "timestamp"), "2024-07-11T09:12:03.169134Z");
	assert_string_equal(jstr(j, "auth", "status"), "NT_STATUS_OK");
	assert_string_equal(jstr(j, "auth", "clientAccount"), "alice");
	assert_string_equal(jstr(j, "auth", "clientDomain"), "CORP");
	assert_string_equal(jstr(j, "auth", "user"), "alice");
	assert_string_equal(jstr(j, "auth", "remoteAddress"), "ipv4:10.0.0.1:50000");
	assert_string_equal(jstr(j, "auth", "localAddress"), "ipv4:10.0.0.2:80");
	assert_string_equal(jstr(j, "auth", "serviceDescription"), "HTTP");
	assert_string_equal(jstr(j, "auth", "server_dns_computer"),
			    "web01.corp.example.com");
	assert_int_equal(json_integer_value(jget(j, "auth", "legs")), 2);
	assert_int_equal(json_integer_value(jget(j, "auth", "final_status")), 200);
	json_decref(j);
	free(got);
}

/* --- the text formats: one golden line per case --- */

struct gold {
	const char *fmt;
	const char *line[C_COUNT];     /* absent: the writer writes nothing */
};

struct agold {
	const char *fmt;
	const char *line[A_COUNT];
};

/*
 * Frozen after review line by line against the seeds (see
 * README.md, "Output formats"); REPORT_TEST_PRINT=1 reprints them.
 */
static const struct gold http_gold[] = {
	{ "json", {
	[C_CHALLENGE] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":401,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":341,\"request_bytes\":400,\"response_bytes\":600,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":null,\"result\":\"pending\",\"domain\":null,\"workstation\":null,\"password_type\":null,\"inherited\":false,\"credentials\":true,\"ntlm_type\":1,\"challenge\":2,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_SUCCESS] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":1234,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"result\":\"success\",\"domain\":\"CORP\",\"workstation\":\"WS1\",\"password_type\":\"NTLMv2\",\"inherited\":false,\"credentials\":true,\"ntlm_type\":3,\"challenge\":null,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_FAILURE] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":401,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":0,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"result\":\"failure\",\"domain\":\"CORP\",\"workstation\":\"WS1\",\"password_type\":\"NTLMv2\",\"inherited\":false,\"credentials\":true,\"ntlm_type\":3,\"challenge\":null,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_NOCRED] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":401,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":1293,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":null,\"mech\":null,\"proxy\":false,\"user\":null,\"result\":null,\"domain\":null,\"workstation\":null,\"password_type\":null,\"inherited\":false,\"credentials\":false,\"ntlm_type\":null,\"challenge\":null,\"handshake_id\":null,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_INHERITED] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":1234,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"result\":\"success\",\"domain\":\"CORP\",\"workstation\":\"WS1\",\"password_type\":\"NTLMv2\",\"inherited\":true,\"credentials\":false,\"ntlm_type\":null,\"challenge\":null,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_PROXY407] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":8080,\"http\":{\"hostname\":\"www.example.com\",\"url\":\"http://www.example.com/\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":407,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":800,\"request_bytes\":400,\"response_bytes\":1101,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":true,\"user\":null,\"result\":\"pending\",\"domain\":null,\"workstation\":null,\"password_type\":null,\"inherited\":false,\"credentials\":true,\"ntlm_type\":1,\"challenge\":2,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_KERBEROS] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":1234,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"Negotiate\",\"mech\":\"Kerberos\",\"proxy\":false,\"user\":\"bob\",\"result\":\"success\",\"domain\":\"EXAMPLE.COM\",\"workstation\":null,\"password_type\":\"Kerberos\",\"inherited\":false,\"credentials\":true,\"ntlm_type\":null,\"challenge\":null,\"handshake_id\":4,\"krb_sname\":\"HTTP/intranet.example.com\",\"krb_realm\":\"EXAMPLE.COM\",\"krb_etype\":18}}",
	[C_BASIC] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":1234,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"Basic\",\"mech\":null,\"proxy\":false,\"user\":\"carol\",\"result\":\"success\",\"domain\":null,\"workstation\":null,\"password_type\":\"Plaintext\",\"inherited\":false,\"credentials\":true,\"ntlm_type\":null,\"challenge\":null,\"handshake_id\":5,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_NORESP] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":null,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":0,\"request_bytes\":400,\"response_bytes\":0,\"time_taken_ms\":null},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"result\":\"success\",\"domain\":\"CORP\",\"workstation\":\"WS1\",\"password_type\":\"NTLMv2\",\"inherited\":true,\"credentials\":false,\"ntlm_type\":null,\"challenge\":null,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null},\"anomaly\":\"gap,ntlm_no_type3\",\"gap\":true}",
	[C_IPV6] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"2001:db8::1\",\"src_port\":50000,\"dest_ip\":\"2001:db8::1:0:0:80\",\"dest_port\":80,\"http\":{\"hostname\":\"[2001:db8::1:0:0:80]\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":1234,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"result\":\"success\",\"domain\":\"CORP\",\"workstation\":\"WS1\",\"password_type\":\"NTLMv2\",\"inherited\":false,\"credentials\":true,\"ntlm_type\":3,\"challenge\":null,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_NONASCII] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/app/page?x=1&y=two\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0)\",\"referer\":null,\"x_forwarded_for\":null,\"length\":1234,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"j\303\274rgen\",\"result\":\"success\",\"domain\":\"K\303\226LN\",\"workstation\":\"WS1\",\"password_type\":\"NTLMv2\",\"inherited\":false,\"credentials\":true,\"ntlm_type\":3,\"challenge\":null,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	[C_NASTY] =
		"{\"timestamp\":\"2024-07-11T09:12:03.123456Z\",\"flow_id\":7,\"event_type\":\"http\",\"tx_id\":2,\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"http\":{\"hostname\":\"intranet.example.com\",\"url\":\"/p a?q=\\\"1\\\"\",\"method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"user_agent\":\"UA \\\"x\\\"\\ty\177\357\277\275(\",\"referer\":null,\"x_forwarded_for\":null,\"length\":1234,\"request_bytes\":400,\"response_bytes\":1500,\"time_taken_ms\":45},\"auth\":{\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"a\\\"b\\\\c\\u0001d\357\277\275\",\"result\":\"success\",\"domain\":\"CORP\",\"workstation\":\"WS1\",\"password_type\":\"NTLMv2\",\"inherited\":false,\"credentials\":true,\"ntlm_type\":3,\"challenge\":null,\"handshake_id\":3,\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null}}",
	} },
	{ "w3c", {
	[C_CHALLENGE] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 - 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 401 1 0 45",
	[C_SUCCESS] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 CORP\\alice 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 45",
	[C_FAILURE] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 - 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 401 1 2148074252 45",
	[C_NOCRED] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 - 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 401 2 2148074254 45",
	[C_INHERITED] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 CORP\\alice 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 45",
	[C_PROXY407] =
		"2024-07-11 09:12:03 10.0.0.2 GET http://www.example.com/ - 8080 - 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 407 1 0 45",
	[C_KERBEROS] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 EXAMPLE.COM\\bob 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 45",
	[C_BASIC] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 carol 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 45",
	[C_NORESP] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 CORP\\alice 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - - - - -",
	[C_IPV6] =
		"2024-07-11 09:12:03 2001:db8::1:0:0:80 GET /app/page x=1&y=two 80 CORP\\alice 2001:db8::1 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 45",
	[C_NONASCII] =
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 K\303\226LN\\j\303\274rgen 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 45",
	[C_NASTY] =
		"2024-07-11 09:12:03 10.0.0.2 GET /p+a q=\"1\" 80 a\"b\\c%01d%FF 10.0.0.1 UA+\"x\"%09y%7F%C3( - 200 0 0 45",
	} },
	{ "proxysg", {
	[C_CHALLENGE] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_DENIED/401 600 GET http://intranet.example.com/app/page?x=1&y=two - NONE/- - none ICAP_NOT_SCANNED",
	[C_SUCCESS] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_NC_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two CORP\\alice DIRECT/intranet.example.com - none ICAP_NOT_SCANNED",
	[C_FAILURE] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_DENIED/401 1500 GET http://intranet.example.com/app/page?x=1&y=two - NONE/- - none ICAP_NOT_SCANNED",
	[C_NOCRED] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_DENIED/401 1500 GET http://intranet.example.com/app/page?x=1&y=two - NONE/- - none ICAP_NOT_SCANNED",
	[C_INHERITED] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_NC_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two CORP\\alice DIRECT/intranet.example.com - none ICAP_NOT_SCANNED",
	[C_PROXY407] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_DENIED/407 1101 GET http://www.example.com/ - NONE/- - none ICAP_NOT_SCANNED",
	[C_KERBEROS] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_NC_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two EXAMPLE.COM\\bob DIRECT/intranet.example.com - none ICAP_NOT_SCANNED",
	[C_BASIC] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_NC_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two carol DIRECT/intranet.example.com - none ICAP_NOT_SCANNED",
	[C_NORESP] =
		"[11/Jul/2024:09:12:03 +0000] - 10.0.0.1 TCP_ERR_MISS/0 0 GET http://intranet.example.com/app/page?x=1&y=two CORP\\alice NONE/- - none ICAP_NOT_SCANNED",
	[C_IPV6] =
		"[11/Jul/2024:09:12:03 +0000] 45 2001:db8::1 TCP_NC_MISS/200 1500 GET http://[2001:db8::1:0:0:80]/app/page?x=1&y=two CORP\\alice DIRECT/[2001:db8::1:0:0:80] - none ICAP_NOT_SCANNED",
	[C_NONASCII] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_NC_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two K\303\226LN\\j\303\274rgen DIRECT/intranet.example.com - none ICAP_NOT_SCANNED",
	[C_NASTY] =
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_NC_MISS/200 1500 GET http://intranet.example.com/p%20a?q=\"1\" a\"b\\c%01d%FF DIRECT/intranet.example.com - none ICAP_NOT_SCANNED",
	} },
	{ "squid", {
	[C_CHALLENGE] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/401 600 GET http://intranet.example.com/app/page?x=1&y=two - HIER_DIRECT/intranet.example.com -",
	[C_SUCCESS] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two CORP\\\\alice HIER_DIRECT/intranet.example.com -",
	[C_FAILURE] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/401 1500 GET http://intranet.example.com/app/page?x=1&y=two - HIER_DIRECT/intranet.example.com -",
	[C_NOCRED] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/401 1500 GET http://intranet.example.com/app/page?x=1&y=two - HIER_DIRECT/intranet.example.com -",
	[C_INHERITED] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two CORP\\\\alice HIER_DIRECT/intranet.example.com -",
	[C_PROXY407] =
		"1720689123.169     45 10.0.0.1 TCP_DENIED/407 1101 GET http://www.example.com/ - HIER_NONE/- -",
	[C_KERBEROS] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two bob@EXAMPLE.COM HIER_DIRECT/intranet.example.com -",
	[C_BASIC] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two carol HIER_DIRECT/intranet.example.com -",
	[C_NORESP] =
		"1720689123.123      0 10.0.0.1 TCP_MISS_ABORTED/000 0 GET http://intranet.example.com/app/page?x=1&y=two CORP\\\\alice HIER_NONE/- -",
	[C_IPV6] =
		"1720689123.169     45 2001:db8::1 TCP_MISS/200 1500 GET http://[2001:db8::1:0:0:80]/app/page?x=1&y=two CORP\\\\alice HIER_DIRECT/[2001:db8::1:0:0:80] -",
	[C_NONASCII] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/200 1500 GET http://intranet.example.com/app/page?x=1&y=two K%c3%96LN\\\\j%c3%bcrgen HIER_DIRECT/intranet.example.com -",
	[C_NASTY] =
		"1720689123.169     45 10.0.0.1 TCP_MISS/200 1500 GET http://intranet.example.com/p%20a?q=\"1\" a\"b\\\\c%01d%ff HIER_DIRECT/intranet.example.com -",
	} },
	{ "combined", {
	[C_CHALLENGE] =
		"10.0.0.1 - - [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 401 341 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_SUCCESS] =
		"10.0.0.1 - CORP\\\\alice [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 200 1234 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_FAILURE] =
		"10.0.0.1 - - [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 401 - \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_NOCRED] =
		"10.0.0.1 - - [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 401 1293 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_INHERITED] =
		"10.0.0.1 - CORP\\\\alice [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 200 1234 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_PROXY407] =
		"10.0.0.1 - - [11/Jul/2024:09:12:03 +0000] \"GET http://www.example.com/ HTTP/1.1\" 407 800 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_KERBEROS] =
		"10.0.0.1 - bob@EXAMPLE.COM [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 200 1234 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_BASIC] =
		"10.0.0.1 - carol [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 200 1234 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_NORESP] =
		"10.0.0.1 - CORP\\\\alice [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" - - \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_IPV6] =
		"2001:db8::1 - CORP\\\\alice [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 200 1234 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_NONASCII] =
		"10.0.0.1 - K\\xc3\\x96LN\\\\j\\xc3\\xbcrgen [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 200 1234 \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_NASTY] =
		"10.0.0.1 - a\\\"b\\\\c\\x01d\\xff [11/Jul/2024:09:12:03 +0000] \"GET /p a?q=\\\"1\\\" HTTP/1.1\" 200 1234 \"-\" \"UA \\\"x\\\"\\ty\\x7f\\xc3(\"",
	} },
	{ "samba-json", {
	} },
	{ "samba-text", {
	} },
	{ "kemp", {
	[C_SUCCESS] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\" (\"-\") User \"CORP\\alice\" requested \"GET\" \"http://intranet.example.com/app/page?x=1&y=two\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_FAILURE] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\" (\"-\") User \"CORP\\alice\" attempted \"GET\" \"http://intranet.example.com/app/page?x=1&y=two\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_INHERITED] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\" (\"-\") User \"CORP\\alice\" requested \"GET\" \"http://intranet.example.com/app/page?x=1&y=two\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_KERBEROS] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\" (\"-\") User \"bob@EXAMPLE.COM\" requested \"GET\" \"http://intranet.example.com/app/page?x=1&y=two\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_BASIC] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\" (\"-\") User \"carol\" requested \"GET\" \"http://intranet.example.com/app/page?x=1&y=two\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_NORESP] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\" (\"-\") User \"CORP\\alice\" attempted \"GET\" \"http://intranet.example.com/app/page?x=1&y=two\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_IPV6] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"[2001:db8::1:0:0:80]:80\" (\"-\") User \"CORP\\alice\" requested \"GET\" \"http://[2001:db8::1:0:0:80]/app/page?x=1&y=two\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_NONASCII] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\" (\"-\") User \"K\303\226LN\\j\303\274rgen\" requested \"GET\" \"http://intranet.example.com/app/page?x=1&y=two\" \"Mozilla/5.0 (Windows NT 10.0)\"",
	[C_NASTY] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\" (\"-\") User \"a%22b\\c%01d%FF\" requested \"GET\" \"http://intranet.example.com/p a?q=%221%22\" \"UA %22x%22%09y%7F%C3(\"",
	} },
	{ "gate", {
	[C_CHALLENGE] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='false' remoteUser='null' allowed='false' why='du' status='401' reason='Response set up to request authentication.'",
	[C_SUCCESS] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='true' remoteUser='CORP\\alice' allowed='true' why='arm' status='200' reason='user 'CORP\\alice' authenticated by NTLM'",
	[C_FAILURE] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='false' remoteUser='null' allowed='false' why='du' status='401' reason='Response set up to request authentication.'",
	[C_NOCRED] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='false' rcAuth='false' remoteUser='null' allowed='false' why='du' status='401' reason='Response set up to request authentication.'",
	[C_INHERITED] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='true' triedAuth='false' rcAuth='false' remoteUser='CORP\\alice' allowed='true' why='arm' status='200' reason='user 'CORP\\alice' already authenticated by NTLM'",
	[C_PROXY407] =
		"09:12:03 [http-8080-flow-7] INFO GateLogEntry.auditLog - uri='http://www.example.com/' secured='false' host='www.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='null' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='false' remoteUser='null' allowed='false' why='du' status='407' reason='Response set up to request authentication.'",
	[C_KERBEROS] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='true' remoteUser='EXAMPLE.COM\\bob' allowed='true' why='arm' status='200' reason='user 'EXAMPLE.COM\\bob' authenticated by Negotiate'",
	[C_BASIC] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='true' remoteUser='carol' allowed='true' why='arm' status='200' reason='user 'carol' authenticated by Basic'",
	[C_NORESP] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='true' triedAuth='false' rcAuth='false' remoteUser='CORP\\alice' allowed='false' why='nr' status='null' reason='No response seen.'",
	[C_IPV6] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='[2001:db8::1:0:0:80]' addr='2001:db8::1:0:0:80' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='true' remoteUser='CORP\\alice' allowed='true' why='arm' status='200' reason='user 'CORP\\alice' authenticated by NTLM'",
	[C_NONASCII] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/app/page' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='x=1&y=two' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='true' remoteUser='K\303\226LN\\j\303\274rgen' allowed='true' why='arm' status='200' reason='user 'K\303\226LN\\j\303\274rgen' authenticated by NTLM'",
	[C_NASTY] =
		"09:12:03 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/p a' secured='false' host='intranet.example.com' addr='10.0.0.2' protocol='HTTP/1.1' scheme='http' method='GET' query='q=\"1\"' sc='unknown' authReq='true' alreadyAuth='false' triedAuth='true' rcAuth='true' remoteUser='a\"b\\c%01d%FF' allowed='true' why='arm' status='200' reason='user 'a\"b\\c%01d%FF' authenticated by NTLM'",
	} },
};

static const struct agold auth_gold[] = {
	{ "json", {
	[A_OK] =
		"{\"timestamp\":\"2024-07-11T09:12:03.169134Z\",\"flow_id\":7,\"event_type\":\"auth\",\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"auth\":{\"status\":\"NT_STATUS_OK\",\"serviceDescription\":\"HTTP\",\"authDescription\":\"NTLMSSP\",\"clientDomain\":\"CORP\",\"clientAccount\":\"alice\",\"workstation\":\"WS1\",\"passwordType\":\"NTLMv2\",\"remoteAddress\":\"ipv4:10.0.0.1:50000\",\"localAddress\":\"ipv4:10.0.0.2:80\",\"result\":\"success\",\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"domain\":\"CORP\",\"password_type\":\"NTLMv2\",\"handshake_id\":42,\"legs\":2,\"final_status\":200,\"server_nb_domain\":\"CORP\",\"server_nb_computer\":\"WEB01\",\"server_dns_domain\":\"corp.example.com\",\"server_dns_computer\":\"web01.corp.example.com\",\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null,\"method\":\"GET\",\"url\":\"/app/page?x=1&y=two\",\"hostname\":\"intranet.example.com\"}}",
	[A_FAIL] =
		"{\"timestamp\":\"2024-07-11T09:12:03.169134Z\",\"flow_id\":7,\"event_type\":\"auth\",\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"auth\":{\"status\":\"NT_STATUS_LOGON_FAILURE\",\"serviceDescription\":\"HTTP\",\"authDescription\":\"NTLMSSP\",\"clientDomain\":\"CORP\",\"clientAccount\":\"alice\",\"workstation\":\"WS1\",\"passwordType\":\"NTLMv2\",\"remoteAddress\":\"ipv4:10.0.0.1:50000\",\"localAddress\":\"ipv4:10.0.0.2:80\",\"result\":\"failure\",\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"domain\":\"CORP\",\"password_type\":\"NTLMv2\",\"handshake_id\":42,\"legs\":2,\"final_status\":401,\"server_nb_domain\":\"CORP\",\"server_nb_computer\":\"WEB01\",\"server_dns_domain\":\"corp.example.com\",\"server_dns_computer\":\"web01.corp.example.com\",\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null,\"method\":\"GET\",\"url\":\"/app/page?x=1&y=two\",\"hostname\":\"intranet.example.com\"}}",
	[A_KRB] =
		"{\"timestamp\":\"2024-07-11T09:12:03.169134Z\",\"flow_id\":7,\"event_type\":\"auth\",\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"auth\":{\"status\":\"NT_STATUS_OK\",\"serviceDescription\":\"HTTP\",\"authDescription\":\"Kerberos\",\"clientDomain\":\"EXAMPLE.COM\",\"clientAccount\":\"bob\",\"workstation\":null,\"passwordType\":\"Kerberos\",\"remoteAddress\":\"ipv4:10.0.0.1:50000\",\"localAddress\":\"ipv4:10.0.0.2:80\",\"result\":\"success\",\"scheme\":\"Negotiate\",\"mech\":\"Kerberos\",\"proxy\":false,\"user\":\"bob\",\"domain\":\"EXAMPLE.COM\",\"password_type\":\"Kerberos\",\"handshake_id\":42,\"legs\":1,\"final_status\":200,\"server_nb_domain\":null,\"server_nb_computer\":null,\"server_dns_domain\":null,\"server_dns_computer\":null,\"krb_sname\":\"HTTP/intranet.example.com\",\"krb_realm\":\"EXAMPLE.COM\",\"krb_etype\":18,\"method\":\"GET\",\"url\":\"/app/page?x=1&y=two\",\"hostname\":\"intranet.example.com\"}}",
	[A_BASIC] =
		"{\"timestamp\":\"2024-07-11T09:12:03.169134Z\",\"flow_id\":7,\"event_type\":\"auth\",\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"auth\":{\"status\":\"NT_STATUS_OK\",\"serviceDescription\":\"HTTP\",\"authDescription\":\"Basic\",\"clientDomain\":null,\"clientAccount\":\"carol\",\"workstation\":null,\"passwordType\":\"Plaintext\",\"remoteAddress\":\"ipv4:10.0.0.1:50000\",\"localAddress\":\"ipv4:10.0.0.2:80\",\"result\":\"success\",\"scheme\":\"Basic\",\"mech\":null,\"proxy\":false,\"user\":\"carol\",\"domain\":null,\"password_type\":\"Plaintext\",\"handshake_id\":42,\"legs\":1,\"final_status\":200,\"server_nb_domain\":\"CORP\",\"server_nb_computer\":\"WEB01\",\"server_dns_domain\":\"corp.example.com\",\"server_dns_computer\":\"web01.corp.example.com\",\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null,\"method\":\"GET\",\"url\":\"/app/page?x=1&y=two\",\"hostname\":\"intranet.example.com\"}}",
	[A_IPV6] =
		"{\"timestamp\":\"2024-07-11T09:12:03.169134Z\",\"flow_id\":7,\"event_type\":\"auth\",\"src_ip\":\"2001:db8::1\",\"src_port\":50000,\"dest_ip\":\"2001:db8::80\",\"dest_port\":80,\"auth\":{\"status\":\"NT_STATUS_OK\",\"serviceDescription\":\"HTTP\",\"authDescription\":\"NTLMSSP\",\"clientDomain\":\"CORP\",\"clientAccount\":\"alice\",\"workstation\":\"WS1\",\"passwordType\":\"NTLMv2\",\"remoteAddress\":\"ipv6:2001:db8::1:50000\",\"localAddress\":\"ipv6:2001:db8::80:80\",\"result\":\"success\",\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"domain\":\"CORP\",\"password_type\":\"NTLMv2\",\"handshake_id\":42,\"legs\":2,\"final_status\":200,\"server_nb_domain\":\"CORP\",\"server_nb_computer\":\"WEB01\",\"server_dns_domain\":\"corp.example.com\",\"server_dns_computer\":\"web01.corp.example.com\",\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null,\"method\":\"GET\",\"url\":\"/app/page?x=1&y=two\",\"hostname\":\"intranet.example.com\"}}",
	[A_NASTY] =
		"{\"timestamp\":\"2024-07-11T09:12:03.169134Z\",\"flow_id\":7,\"event_type\":\"auth\",\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"auth\":{\"status\":\"NT_STATUS_OK\",\"serviceDescription\":\"HTTP\",\"authDescription\":\"NTLMSSP\",\"clientDomain\":\"CORP\",\"clientAccount\":\"a\\\"b\\\\c\\u0001d\357\277\275\",\"workstation\":\"W\\nS\",\"passwordType\":\"NTLMv2\",\"remoteAddress\":\"ipv4:10.0.0.1:50000\",\"localAddress\":\"ipv4:10.0.0.2:80\",\"result\":\"success\",\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"a\\\"b\\\\c\\u0001d\357\277\275\",\"domain\":\"CORP\",\"password_type\":\"NTLMv2\",\"handshake_id\":42,\"legs\":2,\"final_status\":200,\"server_nb_domain\":\"CORP\",\"server_nb_computer\":\"WEB01\",\"server_dns_domain\":\"corp.example.com\",\"server_dns_computer\":\"web01.corp.example.com\",\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null,\"method\":\"GET\",\"url\":\"/app/page?x=1&y=two\",\"hostname\":\"intranet.example.com\"}}",
	[A_NULLS] =
		"{\"timestamp\":\"2024-07-11T09:12:03.169134Z\",\"flow_id\":7,\"event_type\":\"auth\",\"src_ip\":\"10.0.0.1\",\"src_port\":50000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"auth\":{\"status\":\"NT_STATUS_LOGON_FAILURE\",\"serviceDescription\":\"HTTP\",\"authDescription\":null,\"clientDomain\":null,\"clientAccount\":\"alice\",\"workstation\":null,\"passwordType\":null,\"remoteAddress\":\"ipv4:10.0.0.1:50000\",\"localAddress\":\"ipv4:10.0.0.2:80\",\"result\":\"failure\",\"scheme\":\"NTLM\",\"mech\":\"NTLMSSP\",\"proxy\":false,\"user\":\"alice\",\"domain\":null,\"password_type\":null,\"handshake_id\":42,\"legs\":2,\"final_status\":null,\"server_nb_domain\":\"CORP\",\"server_nb_computer\":\"WEB01\",\"server_dns_domain\":\"corp.example.com\",\"server_dns_computer\":\"web01.corp.example.com\",\"krb_sname\":null,\"krb_realm\":null,\"krb_etype\":null,\"method\":\"GET\",\"url\":\"/app/page?x=1&y=two\",\"hostname\":\"intranet.example.com\"}}",
	} },
	{ "w3c", {
	} },
	{ "proxysg", {
	} },
	{ "squid", {
	} },
	{ "combined", {
	} },
	{ "samba-json", {
	[A_OK] =
		"{\"timestamp\": \"2024-07-11T09:12:03.169134+0000\", \"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"eventId\": 4624, \"logonId\": \"2a\", \"logonType\": 3, \"status\": \"NT_STATUS_OK\", \"localAddress\": \"ipv4:10.0.0.2:80\", \"remoteAddress\": \"ipv4:10.0.0.1:50000\", \"serviceDescription\": \"HTTP\", \"authDescription\": \"NTLMSSP\", \"clientDomain\": \"CORP\", \"clientAccount\": \"alice\", \"workstation\": \"WS1\", \"becameAccount\": \"alice\", \"becameDomain\": \"CORP\", \"becameSid\": null, \"mappedAccount\": \"alice\", \"mappedDomain\": \"CORP\", \"netlogonComputer\": null, \"netlogonTrustAccount\": null, \"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, \"netlogonTrustAccountSid\": null, \"passwordType\": \"NTLMv2\"}}",
	[A_FAIL] =
		"{\"timestamp\": \"2024-07-11T09:12:03.169134+0000\", \"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"eventId\": 4625, \"logonId\": \"2a\", \"logonType\": 3, \"status\": \"NT_STATUS_LOGON_FAILURE\", \"localAddress\": \"ipv4:10.0.0.2:80\", \"remoteAddress\": \"ipv4:10.0.0.1:50000\", \"serviceDescription\": \"HTTP\", \"authDescription\": \"NTLMSSP\", \"clientDomain\": \"CORP\", \"clientAccount\": \"alice\", \"workstation\": \"WS1\", \"becameAccount\": null, \"becameDomain\": null, \"becameSid\": null, \"mappedAccount\": \"alice\", \"mappedDomain\": \"CORP\", \"netlogonComputer\": null, \"netlogonTrustAccount\": null, \"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, \"netlogonTrustAccountSid\": null, \"passwordType\": \"NTLMv2\"}}",
	[A_KRB] =
		"{\"timestamp\": \"2024-07-11T09:12:03.169134+0000\", \"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"eventId\": 4624, \"logonId\": \"2a\", \"logonType\": 3, \"status\": \"NT_STATUS_OK\", \"localAddress\": \"ipv4:10.0.0.2:80\", \"remoteAddress\": \"ipv4:10.0.0.1:50000\", \"serviceDescription\": \"HTTP\", \"authDescription\": \"Kerberos\", \"clientDomain\": \"EXAMPLE.COM\", \"clientAccount\": \"bob\", \"workstation\": null, \"becameAccount\": \"bob\", \"becameDomain\": \"EXAMPLE.COM\", \"becameSid\": null, \"mappedAccount\": \"bob\", \"mappedDomain\": \"EXAMPLE.COM\", \"netlogonComputer\": null, \"netlogonTrustAccount\": null, \"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, \"netlogonTrustAccountSid\": null, \"passwordType\": \"Kerberos\"}}",
	[A_BASIC] =
		"{\"timestamp\": \"2024-07-11T09:12:03.169134+0000\", \"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"eventId\": 4624, \"logonId\": \"2a\", \"logonType\": 8, \"status\": \"NT_STATUS_OK\", \"localAddress\": \"ipv4:10.0.0.2:80\", \"remoteAddress\": \"ipv4:10.0.0.1:50000\", \"serviceDescription\": \"HTTP\", \"authDescription\": \"Basic\", \"clientDomain\": null, \"clientAccount\": \"carol\", \"workstation\": null, \"becameAccount\": \"carol\", \"becameDomain\": null, \"becameSid\": null, \"mappedAccount\": \"carol\", \"mappedDomain\": null, \"netlogonComputer\": null, \"netlogonTrustAccount\": null, \"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, \"netlogonTrustAccountSid\": null, \"passwordType\": \"Plaintext\"}}",
	[A_IPV6] =
		"{\"timestamp\": \"2024-07-11T09:12:03.169134+0000\", \"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"eventId\": 4624, \"logonId\": \"2a\", \"logonType\": 3, \"status\": \"NT_STATUS_OK\", \"localAddress\": \"ipv6:2001:db8::80:80\", \"remoteAddress\": \"ipv6:2001:db8::1:50000\", \"serviceDescription\": \"HTTP\", \"authDescription\": \"NTLMSSP\", \"clientDomain\": \"CORP\", \"clientAccount\": \"alice\", \"workstation\": \"WS1\", \"becameAccount\": \"alice\", \"becameDomain\": \"CORP\", \"becameSid\": null, \"mappedAccount\": \"alice\", \"mappedDomain\": \"CORP\", \"netlogonComputer\": null, \"netlogonTrustAccount\": null, \"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, \"netlogonTrustAccountSid\": null, \"passwordType\": \"NTLMv2\"}}",
	[A_NASTY] =
		"{\"timestamp\": \"2024-07-11T09:12:03.169134+0000\", \"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"eventId\": 4624, \"logonId\": \"2a\", \"logonType\": 3, \"status\": \"NT_STATUS_OK\", \"localAddress\": \"ipv4:10.0.0.2:80\", \"remoteAddress\": \"ipv4:10.0.0.1:50000\", \"serviceDescription\": \"HTTP\", \"authDescription\": \"NTLMSSP\", \"clientDomain\": \"CORP\", \"clientAccount\": \"a\\\"b\\\\c\\u0001d\357\277\275\", \"workstation\": \"W\\nS\", \"becameAccount\": \"a\\\"b\\\\c\\u0001d\357\277\275\", \"becameDomain\": \"CORP\", \"becameSid\": null, \"mappedAccount\": \"a\\\"b\\\\c\\u0001d\357\277\275\", \"mappedDomain\": \"CORP\", \"netlogonComputer\": null, \"netlogonTrustAccount\": null, \"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, \"netlogonTrustAccountSid\": null, \"passwordType\": \"NTLMv2\"}}",
	[A_NULLS] =
		"{\"timestamp\": \"2024-07-11T09:12:03.169134+0000\", \"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"eventId\": 4625, \"logonId\": \"2a\", \"logonType\": 3, \"status\": \"NT_STATUS_LOGON_FAILURE\", \"localAddress\": \"ipv4:10.0.0.2:80\", \"remoteAddress\": \"ipv4:10.0.0.1:50000\", \"serviceDescription\": \"HTTP\", \"authDescription\": null, \"clientDomain\": null, \"clientAccount\": \"alice\", \"workstation\": null, \"becameAccount\": null, \"becameDomain\": null, \"becameSid\": null, \"mappedAccount\": \"alice\", \"mappedDomain\": null, \"netlogonComputer\": null, \"netlogonTrustAccount\": null, \"netlogonNegotiateFlags\": \"0x00000000\", \"netlogonSecureChannelType\": 0, \"netlogonTrustAccountSid\": null, \"passwordType\": null}}",
	} },
	{ "samba-text", {
	[A_OK] =
		"Auth: [HTTP,NTLMSSP] user [CORP]\\[alice] at [Thu, 11 Jul 2024 09:12:03.169134 UTC] with [NTLMv2] status [NT_STATUS_OK] workstation [WS1] remote host [ipv4:10.0.0.1:50000] became [CORP]\\[alice] [(NULL SID)]. local host [ipv4:10.0.0.2:80] ",
	[A_FAIL] =
		"Auth: [HTTP,NTLMSSP] user [CORP]\\[alice] at [Thu, 11 Jul 2024 09:12:03.169134 UTC] with [NTLMv2] status [NT_STATUS_LOGON_FAILURE] workstation [WS1] remote host [ipv4:10.0.0.1:50000] mapped to [CORP]\\[alice]. local host [ipv4:10.0.0.2:80] ",
	[A_KRB] =
		"Auth: [HTTP,Kerberos] user [EXAMPLE.COM]\\[bob] at [Thu, 11 Jul 2024 09:12:03.169134 UTC] with [Kerberos] status [NT_STATUS_OK] workstation [(null)] remote host [ipv4:10.0.0.1:50000] became [EXAMPLE.COM]\\[bob] [(NULL SID)]. local host [ipv4:10.0.0.2:80] ",
	[A_BASIC] =
		"Auth: [HTTP,Basic] user [(null)]\\[carol] at [Thu, 11 Jul 2024 09:12:03.169134 UTC] with [Plaintext] status [NT_STATUS_OK] workstation [(null)] remote host [ipv4:10.0.0.1:50000] became [(null)]\\[carol] [(NULL SID)]. local host [ipv4:10.0.0.2:80] ",
	[A_IPV6] =
		"Auth: [HTTP,NTLMSSP] user [CORP]\\[alice] at [Thu, 11 Jul 2024 09:12:03.169134 UTC] with [NTLMv2] status [NT_STATUS_OK] workstation [WS1] remote host [ipv6:2001:db8::1:50000] became [CORP]\\[alice] [(NULL SID)]. local host [ipv6:2001:db8::80:80] ",
	[A_NASTY] =
		"Auth: [HTTP,NTLMSSP] user [CORP]\\[a\"b\\\\c\\x01d\377] at [Thu, 11 Jul 2024 09:12:03.169134 UTC] with [NTLMv2] status [NT_STATUS_OK] workstation [W\\nS] remote host [ipv4:10.0.0.1:50000] became [CORP]\\[a\"b\\\\c\\x01d\377] [(NULL SID)]. local host [ipv4:10.0.0.2:80] ",
	[A_NULLS] =
		"Auth: [HTTP,(null)] user [(null)]\\[alice] at [Thu, 11 Jul 2024 09:12:03.169134 UTC] with [(null)] status [NT_STATUS_LOGON_FAILURE] workstation [(null)] remote host [ipv4:10.0.0.1:50000] mapped to [(null)]\\[alice]. local host [ipv4:10.0.0.2:80] ",
	} },
	{ "kemp", {
	[A_OK] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\": User \"CORP\\alice\" logged on from \"10.0.0.1\"",
	[A_FAIL] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\": User \"CORP\\alice\" denied access from \"10.0.0.1\"",
	[A_KRB] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\": User \"bob@EXAMPLE.COM\" logged on from \"10.0.0.1\"",
	[A_BASIC] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\": User \"carol\" logged on from \"10.0.0.1\"",
	[A_IPV6] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"[2001:db8::80]:80\": User \"CORP\\alice\" logged on from \"2001:db8::1\"",
	[A_NASTY] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\": User \"a%22b\\c%01d%FF\" logged on from \"10.0.0.1\"",
	[A_NULLS] =
		"Jul 11 09:12:03 authscope L7_LOG_USER: \"10.0.0.2:80\": User \"alice\" denied access from \"10.0.0.1\"",
	} },
	{ "gate", {
	} },
};

static void test_text_golden(void **state)
{
	(void)state;
	if (print_mode()) {
		for (int i = 0; report_formats[i]; i++) {
			for (int k = 0; k < C_COUNT; k++)
				expect_line(report_formats[i], (enum kase)k, NULL);
			for (int k = 0; k < A_COUNT; k++)
				expect_auth_line(report_formats[i], (enum akase)k, NULL);
		}
		return;
	}
	for (size_t g = 0; g < sizeof(http_gold) / sizeof(http_gold[0]); g++)
		for (int k = 0; k < C_COUNT; k++)
			expect_line(http_gold[g].fmt, (enum kase)k, http_gold[g].line[k]);
}

static void test_auth_golden(void **state)
{
	(void)state;
	if (print_mode())
		return;
	for (size_t g = 0; g < sizeof(auth_gold) / sizeof(auth_gold[0]); g++)
		for (int k = 0; k < A_COUNT; k++)
			expect_auth_line(auth_gold[g].fmt, (enum akase)k,
					 auth_gold[g].line[k]);
}


/* --- headers, options, dispatch --- */

static void test_w3c_header(void **state)
{
	(void)state;
	struct fake f;
	struct out o;

	out_open(&o, "w3c", NULL);
	fake_case(&f, C_NOCRED);
	/* IIS stamps the entry when the response ended: 0.9 s later */
	f.tx.resp_end_ts_us = T0 + 900000;
	report_http(o.w, &f.r);
	fake_case(&f, C_SUCCESS);
	/* an hour later; the response's end before the request's start
	   (clock step) clamps time-taken to 0 */
	f.tx.req_ts_us += 3600ull * 1000000u;
	report_http(o.w, &f.r);
	char *got = out_close(&o);
	assert_string_equal(got,
		"#Software: authscope\n"
		"#Version: 1.0\n"
		"#Date: 2024-07-11 09:12:04\n"
		"#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
		"cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
		"sc-win32-status time-taken\n"
		"2024-07-11 09:12:04 10.0.0.2 GET /app/page x=1&y=two 80 - 10.0.0.1 "
		"Mozilla/5.0+(Windows+NT+10.0) - 401 2 2148074254 900\n"
		"2024-07-11 10:12:03 10.0.0.2 GET /app/page x=1&y=two 80 CORP\\alice "
		"10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 0\n");
	free(got);
}

/* sc-status sc-substatus sc-win32-status for one record */
static void expect_codes(const struct as_http *r, const char *want)
{
	struct report_opts opts = { .w3c_fields = "sc-status sc-substatus sc-win32-status cs-username" };
	struct out o;
	out_open(&o, "w3c", &opts);
	report_http(o.w, r);
	char *got = out_close(&o);
	char *w = malloc(strlen(want) + 2);
	assert_non_null(w);
	sprintf(w, "%s\n", want);
	assert_string_equal(last_line(got), w);
	free(w);
	free(got);
}

static void test_w3c_substatus(void **state)
{
	(void)state;
	struct fake f;

	fake_case(&f, C_NOCRED);
	expect_codes(&f.r, "401 2 2148074254 -");
	fake_case(&f, C_CHALLENGE);
	expect_codes(&f.r, "401 1 0 -");
	fake_case(&f, C_FAILURE);
	expect_codes(&f.r, "401 1 2148074252 -");
	fake_case(&f, C_SUCCESS);
	expect_codes(&f.r, "200 0 0 CORP\\alice");
	/* Negotiate wrapping NTLM: the challenge leg looks the same */
	fake_case(&f, C_CHALLENGE);
	f.r.scheme = "Negotiate";
	expect_codes(&f.r, "401 1 0 -");
	/* Basic rejected: IIS keeps the name the client typed */
	fake_case(&f, C_BASIC);
	f.r.result = "failure";
	f.tx.status = 401;
	expect_codes(&f.r, "401 1 2148074252 carol");
	/* any other status */
	fake_case(&f, C_SUCCESS);
	f.tx.status = 500;
	expect_codes(&f.r, "500 0 0 CORP\\alice");
	fake_case(&f, C_NORESP);
	expect_codes(&f.r, "- - - CORP\\alice");
}

static void test_w3c_fields_option(void **state)
{
	(void)state;
	struct report_opts opts = { .w3c_fields = "date,time, cs-username,c-ip,c-port sc-status,cs-host,sc-bytes,cs-bytes,cs-version,s-sitename" };
	struct fake f;
	struct out o;

	out_open(&o, "w3c", &opts);
	fake_case(&f, C_SUCCESS);
	report_http(o.w, &f.r);
	char *got = out_close(&o);
	assert_string_equal(got,
		"#Software: authscope\n#Version: 1.0\n#Date: 2024-07-11 09:12:03\n"
		"#Fields: date time cs-username c-ip c-port sc-status cs-host "
		"sc-bytes cs-bytes cs-version s-sitename\n"
		"2024-07-11 09:12:03 CORP\\alice 10.0.0.1 50000 200 "
		"intranet.example.com 1500 400 HTTP/1.1 W3SVC1\n");
	free(got);

	/* an unknown name fails report_open with a message */
	char err[128] = "";
	struct report_opts bad = { .w3c_fields = "date cs-nonsense", .err = err,
				   .errlen = sizeof(err) };
	FILE *f2 = fopen("/dev/null", "w");
	assert_non_null(f2);
	assert_null(report_open("w3c", f2, &bad));
	assert_non_null(strstr(err, "cs-nonsense"));
	bad.w3c_fields = " , ";
	assert_null(report_open("w3c", f2, &bad));
	fclose(f2);
}

static void test_set_output_rewrites_header(void **state)
{
	(void)state;
	struct fake f;
	char *b2 = NULL;
	size_t n2 = 0;
	struct out o;

	out_open(&o, "w3c", NULL);
	fake_case(&f, C_SUCCESS);
	report_http(o.w, &f.r);
	FILE *f2 = open_memstream(&b2, &n2);
	assert_non_null(f2);
	report_set_output(o.w, f2);
	report_http(o.w, &f.r);
	report_http(o.w, &f.r);
	char *got = out_close(&o);
	fclose(f2);
	/* each file starts with its own header, written once */
	assert_int_equal(strncmp(got, "#Software: authscope\n", 21), 0);
	assert_int_equal(strncmp(b2, "#Software: authscope\n", 21), 0);
	assert_null(strstr(b2 + 1, "#Software"));
	int lines = 0;
	for (char *p = b2; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 6);
	free(got);
	free(b2);
}

static void test_proxysg_header_and_connect(void **state)
{
	(void)state;
	struct fake f;
	struct out o;

	fake_case(&f, C_SUCCESS);
	strcpy(f.tx.method, "CONNECT");
	hstr(&f.tx.url, "www.example.com:443");
	hstr(&f.tx.host, "www.example.com:443");
	f.r.proxy = true;
	out_open(&o, "proxysg", NULL);
	report_http(o.w, &f.r);
	char *got = out_close(&o);
	assert_string_equal(got,
		"#Software: authscope\n"
		"#Fields: localtime time-taken c-ip s-action/sc-status sc-bytes "
		"cs-method cs-uri cs-username s-hierarchy/s-supplier-name "
		"rs(Content-Type) sc-filter-category s-icap-status\n"
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_TUNNELED/200 1500 "
		"CONNECT tcp://www.example.com:443/ CORP\\alice "
		"DIRECT/www.example.com - none ICAP_NOT_SCANNED\n");
	free(got);

	got = run_http("squid", &f.r);
	assert_string_equal(got,
		"1720689123.169     45 10.0.0.1 TCP_TUNNEL/200 1500 CONNECT "
		"www.example.com:443 CORP\\\\alice HIER_DIRECT/www.example.com -\n");
	free(got);
}

static void test_dispatch(void **state)
{
	(void)state;
	char err[128] = "";
	struct report_opts opts = { .err = err, .errlen = sizeof(err) };
	FILE *f = fopen("/dev/null", "w");
	assert_non_null(f);

	assert_null(report_open("xml", f, &opts));
	assert_non_null(strstr(err, "xml"));
	int n = 0;
	for (int i = 0; report_formats[i]; i++, n++) {
		struct report_writer *w = report_open(report_formats[i], f, NULL);
		assert_non_null(w);
		report_close(w);
	}
	assert_int_equal(n, 10);
	fclose(f);
	/* NULL writer / record are ignored, not a crash */
	report_http(NULL, NULL);
	report_auth(NULL, NULL);
	report_close(NULL);
}

static void test_raw_json_and_ignored_calls(void **state)
{
	(void)state;
	struct out o;
	struct fake f;
	struct as_auth a;

	out_open(&o, "json", NULL);
	report_raw_json(o.w, "{\"event_type\":\"stats\",\"packets\":3}\n");
	char *got = out_close(&o);
	assert_string_equal(got, "{\"event_type\":\"stats\",\"packets\":3}\n");
	free(got);

	/* request-only formats ignore auth events and raw json */
	out_open(&o, "w3c", NULL);
	report_raw_json(o.w, "{\"x\":1}");
	fake_auth(&a, true);
	report_auth(o.w, &a);
	got = out_close(&o);
	assert_string_equal(got, "");
	free(got);

	/* samba formats ignore http records */
	fake_case(&f, C_SUCCESS);
	got = run_http("samba-json", &f.r);
	assert_string_equal(got, "");
	free(got);
	got = run_http("samba-text", &f.r);
	assert_string_equal(got, "");
	free(got);
}

/* every json line stays valid whatever the wire put in every string */
static void test_json_hostile_everywhere(void **state)
{
	(void)state;
	static const char hostile[] = "\x01\"\\\x7f\xc0\xaf\xed\xa0\x80\xf8 \x1b[31m\n";
	struct fake f;
	struct as_auth a;

	fake_case(&f, C_SUCCESS);
	hstr(&f.tx.url, hostile);
	hstr(&f.tx.host, hostile);
	hstr(&f.tx.user_agent, hostile);
	hstr(&f.tx.referer, hostile);
	hstr(&f.tx.x_forwarded_for, hostile);
	f.r.user = f.r.domain = f.r.workstation = hostile;
	f.r.krb_sname = f.r.krb_realm = f.r.anomaly = hostile;
	char *got = run_http("json", &f.r);
	json_decref(parse_line(got));
	assert_non_null(strchr(got, '\n'));
	assert_ptr_equal(strchr(got, '\n'), got + strlen(got) - 1);
	free(got);

	fake_auth(&a, true);
	a.user = a.domain = a.workstation = a.url = a.hostname = hostile;
	a.server_nb_domain = a.server_dns_computer = a.anomaly = hostile;
	for (int i = 0; i < 2; i++) {
		got = run_auth(i ? "samba-json" : "json", &a);
		json_decref(parse_line(got));
		assert_ptr_equal(strchr(got, '\n'), got + strlen(got) - 1);
		free(got);
	}
}

/* every text format keeps one record on one line whatever the bytes */
static void test_text_one_line(void **state)
{
	(void)state;
	static const char hostile[] = "a\nb\rc\"d'e\\f g\x7f\xff";
	struct fake f;
	struct as_auth a;

	fake_case(&f, C_SUCCESS);
	hstr(&f.tx.url, hostile);
	hstr(&f.tx.user_agent, hostile);
	hstr(&f.tx.referer, hostile);
	f.r.user = f.r.domain = hostile;
	fake_auth(&a, true);
	a.user = a.domain = a.workstation = hostile;
	for (int i = 0; report_formats[i]; i++) {
		struct out o;
		out_open(&o, report_formats[i], NULL);
		report_http(o.w, &f.r);
		report_auth(o.w, &a);
		char *got = out_close(&o);
		/* count record lines, '#' header lines aside */
		int recs = 0;
		for (char *p = got; *p;) {
			char *e = strchr(p, '\n');
			assert_non_null(e);
			if (*p != '#')
				recs++;
			p = e + 1;
		}
		int want = 1;
		if (!strcmp(report_formats[i], "json") || !strcmp(report_formats[i], "kemp"))
			want = 2;
		assert_int_equal(recs, want);
		free(got);
	}
}

/* a Digest realm is not a domain: servers log the user name alone */
static void test_digest_realm_not_domain(void **state)
{
	(void)state;
	struct fake f;
	static const char *const fmts[] = { "combined", "w3c", "squid", "proxysg" };
	static const char *const want[] = {
		"10.0.0.1 - bob [11/Jul/2024:09:12:03 +0000] \"GET /app/page?x=1&y=two HTTP/1.1\" 401 - \"-\" \"Mozilla/5.0 (Windows NT 10.0)\"\n",
		"2024-07-11 09:12:03 10.0.0.2 GET /app/page x=1&y=two 80 bob 10.0.0.1 Mozilla/5.0+(Windows+NT+10.0) - 401 1 2148074252 45\n",
		"1720689123.169     45 10.0.0.1 TCP_MISS/401 1500 GET http://intranet.example.com/app/page?x=1&y=two bob HIER_DIRECT/intranet.example.com -\n",
		"[11/Jul/2024:09:12:03 +0000] 45 10.0.0.1 TCP_DENIED/401 1500 GET http://intranet.example.com/app/page?x=1&y=two bob NONE/- - none ICAP_NOT_SCANNED\n",
	};

	/* Apache logs the attempted Digest user with the 401 (pcaps/README.md) */
	fake_case(&f, C_BASIC);
	f.r.scheme = "Digest";
	f.r.user = "bob";
	f.r.domain = "authscope Digest";
	f.r.password_type = NULL;
	f.r.result = "failure";
	f.tx.status = 401;
	f.tx.resp_body_bytes = 0;
	for (int i = 0; i < 4; i++) {
		char *got = run_http(fmts[i], &f.r);
		assert_string_equal(last_line(got), want[i]);
		free(got);
	}
}

/* Debian's "combined": %O (bytes sent with headers) where upstream has %b */
static void test_combined_debian(void **state)
{
	(void)state;
	struct fake f;
	char *got;

	fake_case(&f, C_SUCCESS);
	got = run_http("combined-debian", &f.r);
	assert_string_equal(got, "10.0.0.1 - CORP\\\\alice [11/Jul/2024:09:12:03 +0000] "
		"\"GET /app/page?x=1&y=two HTTP/1.1\" 200 1500 \"-\" "
		"\"Mozilla/5.0 (Windows NT 10.0)\"\n");
	free(got);
	fake_case(&f, C_NORESP);
	got = run_http("combined-debian", &f.r);
	assert_string_equal(got, "10.0.0.1 - CORP\\\\alice [11/Jul/2024:09:12:03 +0000] "
		"\"GET /app/page?x=1&y=two HTTP/1.1\" - 0 \"-\" "
		"\"Mozilla/5.0 (Windows NT 10.0)\"\n");
	free(got);
}

/* every write is counted; a failed write is counted, not hidden */
static void test_counts(void **state)
{
	(void)state;
	struct fake f;
	struct out o;

	fake_case(&f, C_SUCCESS);
	out_open(&o, "w3c", NULL);
	report_http(o.w, &f.r);
	report_http(o.w, &f.r);
	const struct report_counts *c = report_get_counts(o.w);
	assert_int_equal(c->lines, 3);          /* header block + 2 records */
	assert_int_equal(c->failed, 0);
	free(out_close(&o));

	FILE *ro = fopen("/dev/null", "r");     /* every write fails */
	assert_non_null(ro);
	setvbuf(ro, NULL, _IONBF, 0);
	struct report_writer *w = report_open("json", ro, NULL);
	assert_non_null(w);
	report_http(w, &f.r);
	assert_int_equal(report_get_counts(w)->lines, 0);
	assert_int_equal(report_get_counts(w)->failed, 1);
	report_close(w);
	fclose(ro);
}

/* random records through every format: no control byte but the line
   ends, json lines all parse, and nothing is counted lost */
static uint32_t rnd_state = 777;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static char *rnd_str(char *buf, size_t cap)
{
	if (rnd() % 5 == 0)
		return NULL;
	size_t n = rnd() % (cap - 1);
	for (size_t i = 0; i < n; i++) {
		char c = (char)(rnd() & 0xff);
		buf[i] = c ? c : 'z';
	}
	buf[n] = 0;
	return buf;
}

static void test_random_records(void **state)
{
	(void)state;
	static const int statuses[] = { -1, 100, 200, 204, 301, 401, 404, 407, 500 };
	char b[10][48];

	for (int i = 0; report_formats[i]; i++) {
		struct out o;
		out_open(&o, report_formats[i], NULL);
		for (int n = 0; n < 400; n++) {
			struct fake f;
			struct as_auth a;
			fake_case(&f, (enum kase)(rnd() % C_COUNT));
			hstr(&f.tx.url, rnd_str(b[0], sizeof(b[0])));
			hstr(&f.tx.host, rnd_str(b[1], sizeof(b[1])));
			hstr(&f.tx.user_agent, rnd_str(b[2], sizeof(b[2])));
			hstr(&f.tx.referer, rnd_str(b[3], sizeof(b[3])));
			const char *m = rnd_str(b[4], sizeof(f.tx.method));
			strcpy(f.tx.method, m ? m : "");
			f.tx.status = statuses[rnd() % 9];
			f.r.user = rnd_str(b[5], sizeof(b[5]));
			f.r.domain = rnd_str(b[6], sizeof(b[6]));
			f.r.workstation = rnd_str(b[7], sizeof(b[7]));
			f.r.credentials = rnd() & 1;
			f.r.inherited = rnd() & 1;
			f.r.mech = (rnd() & 1) ? "Kerberos" : f.r.mech;
			report_http(o.w, &f.r);
			fake_auth_case(&a, (enum akase)(rnd() % A_COUNT));
			a.user = rnd_str(b[8], sizeof(b[8]));
			a.domain = rnd_str(b[9], sizeof(b[9]));
			a.workstation = f.r.workstation;
			report_auth(o.w, &a);
		}
		uint64_t lines_counted = report_get_counts(o.w)->lines;
		assert_int_equal(report_get_counts(o.w)->failed, 0);
		char *got = out_close(&o);
		uint64_t records = 0;
		for (char *p = got; *p;) {
			char *e = strchr(p, '\n');
			assert_non_null(e);
			for (char *q = p; q < e; q++)
				if ((unsigned char)*q < 0x20)
					fail_msg("%s: control byte 0x%02x in a line",
						 report_formats[i], (unsigned char)*q);
			if (!strcmp(report_formats[i], "json") ||
			    !strcmp(report_formats[i], "samba-json")) {
				*e = 0;
				json_decref(parse_line(p));
			}
			if (*p != '#')
				records++;
			p = e + 1;
		}
		/* the header block is one counted write of several lines */
		bool hdr = !strcmp(report_formats[i], "w3c") ||
			   !strcmp(report_formats[i], "proxysg");
		assert_int_equal(records + (hdr ? 1 : 0), lines_counted);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_values),
		cmocka_unit_test(test_json_special_values),
		cmocka_unit_test(test_json_all_bytes),
		cmocka_unit_test(test_json_random_bytes),
		cmocka_unit_test(test_json_utf8_rules),
		cmocka_unit_test(test_json_auth_event),
		cmocka_unit_test(test_text_golden),
		cmocka_unit_test(test_auth_golden),
		cmocka_unit_test(test_w3c_header),
		cmocka_unit_test(test_w3c_substatus),
		cmocka_unit_test(test_w3c_fields_option),
		cmocka_unit_test(test_set_output_rewrites_header),
		cmocka_unit_test(test_proxysg_header_and_connect),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_raw_json_and_ignored_calls),
		cmocka_unit_test(test_json_hostile_everywhere),
		cmocka_unit_test(test_text_one_line),
		cmocka_unit_test(test_digest_realm_not_domain),
		cmocka_unit_test(test_combined_debian),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_random_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
