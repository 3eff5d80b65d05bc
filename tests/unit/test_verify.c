/*
 * test_verify.c - the matcher (report/verify.h) on hand-built wire records
 * and hand-built log entries: honest logs, tampered copies, clock skew,
 * repeated requests, scope.
 *
 * The wire side imitates what the handshake layer reports for NTLM: two
 * 401 legs (result "pending") then the authenticated request (result
 * "success"), and keep-alive requests that inherit the identity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "report/verify.h"
#include "http/http.h"

#define T0 1714557600LL            /* 2024-05-01 10:00:00 UTC */
#define US 1000000LL

#define SRV "192.0.2.10"
#define CLI_A "192.0.2.21"
#define CLI_B "192.0.2.22"

struct got {
	enum verdict v;
	uint32_t line;        /* 0: no log line */
	uint64_t flow;        /* 0: no wire record */
	uint32_t tx;
};

static struct got got[256];
static int ngot;

static void on_pair(void *u, const struct verify_pair *p)
{
	(void)u;
	if (ngot >= 256)
		return;
	got[ngot].v = p->verdict;
	got[ngot].line = p->log ? p->log->line : 0;
	got[ngot].flow = p->wire ? p->wire->flow_id : 0;
	got[ngot].tx = p->wire ? p->wire->tx_id : 0;
	ngot++;
}

/* strings for the fixtures, without heap (the sanitizer build checks leaks) */
static char sbuf[512][80];
static int nsbuf;

static const char *sjoin(const char *a, const char *b, int i)
{
	char *d = sbuf[nsbuf++ % 512];
	if (i >= 0)
		snprintf(d, sizeof(sbuf[0]), "%s%s%d", a, b, i);
	else
		snprintf(d, sizeof(sbuf[0]), "%s%s", a, b);
	return d;
}

static void ip4(uint8_t ip[16], const char *s)
{
	memset(ip, 0, 16);
	assert_int_equal(inet_pton(AF_INET, s, ip), 1);
}

/* ---- wire records ---- */

static struct wire_rec wires[128];
static int nwires;

static struct wire_rec *wire(uint64_t flow, uint32_t tx, int64_t t_us, const char *cli,
			     uint16_t cport, const char *method, const char *url,
			     int status, const char *user, const char *result)
{
	struct wire_rec *w = &wires[nwires++];
	memset(w, 0, sizeof(*w));
	w->kind = LOG_KIND_REQUEST;
	w->time_us = t_us;
	w->end_us = t_us + 20000;          /* answered 20 ms later */
	w->flow_id = flow;
	w->tx_id = tx;
	w->family = AF_INET;
	ip4(w->cli_ip, cli);
	ip4(w->srv_ip, SRV);
	w->cli_port = cport;
	w->srv_port = 80;
	w->method = method;
	w->url = url;
	w->status = (int16_t)status;
	w->user = user;
	w->domain = user ? "CORP" : NULL;
	w->result = result;
	w->scheme = user || result ? "NTLM" : NULL;
	w->mech = user || result ? "NTLMSSP" : NULL;
	return w;
}

/* one NTLM handshake: 401 (no creds), 401 (Type 1/2), 200 as user, then
   `extra` keep-alive requests that inherit the user */
static void ntlm_conn(uint64_t flow, int64_t t_us, const char *cli, uint16_t port,
		      const char *url, const char *user, int extra)
{
	wire(flow, 0, t_us, cli, port, "GET", url, 401, NULL, NULL);
	wire(flow, 1, t_us + 30000, cli, port, "GET", url, 401, NULL, "pending");
	wire(flow, 2, t_us + 60000, cli, port, "GET", url, 200, user, "success");
	for (int i = 0; i < extra; i++) {
		const char *u = sjoin(url, "/page", i);
		struct wire_rec *w = wire(flow, 3 + (uint32_t)i, t_us + 100000 + i * 300000LL,
					  cli, port, "GET", u, 200, user, "success");
		w->flags |= WR_INHERITED;
	}
}

/* ---- log entries ---- */

static struct log_entry logs[128];
static int nlogs;

/* an Apache-like line: start time truncated to the second */
static struct log_entry *logline(int64_t t_us, const char *cli, const char *method,
			      const char *url, int status, const char *user)
{
	struct log_entry *e = &logs[nlogs];
	memset(e, 0, sizeof(*e));
	e->kind = LOG_KIND_REQUEST;
	e->time_us = (t_us / US) * US;
	e->res_us = 1000000;
	e->duration_us = -1;
	e->family = AF_INET;
	ip4(e->cli_ip, cli);
	e->flags = LE_HAS_CLI;
	e->method = method;
	e->url = url;
	e->status = status;
	e->user = user;
	e->line = (uint32_t)++nlogs;
	return e;
}

/* the log Apache would write for every wire record, in order */
static void honest_log(int64_t shift_us)
{
	for (int i = 0; i < nwires; i++) {
		const struct wire_rec *w = &wires[i];
		char cli[32];
		inet_ntop(AF_INET, w->cli_ip, cli, sizeof(cli));
		const char *c = sjoin(cli, "", -1);
		const char *u = w->user ? sjoin("CORP\\", w->user, -1) : NULL;
		logline(w->time_us + shift_us, c, w->method, w->url, w->status, u);
	}
}

static struct verify *vf;

static const struct verify_summary *run_opts(const struct verify_opts *o)
{
	verify_free(vf);
	ngot = 0;
	struct verify *v = vf = verify_new(o, on_pair, NULL);
	for (int i = 0; i < nwires; i++)
		verify_add_wire(v, &wires[i]);
	verify_wire_done(v);
	for (int i = 0; i < nlogs; i++)
		verify_log_scan(v, &logs[i]);
	verify_offset_done(v);
	for (int i = 0; i < nlogs; i++)
		verify_log_match(v, &logs[i], "access.log");
	verify_finish(v);
	return verify_get_summary(v);
}

static const struct verify_summary *run(void)
{
	struct verify_opts o = { 0 };
	return run_opts(&o);
}

static int setup(void **st)
{
	(void)st;
	nwires = 0;
	nlogs = 0;
	ngot = 0;
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	verify_free(vf);
	vf = NULL;
	return 0;
}

static int count(enum verdict v)
{
	int n = 0;
	for (int i = 0; i < ngot; i++)
		n += got[i].v == v;
	return n;
}

static int findings(void)
{
	int n = 0;
	for (int i = 0; i < ngot; i++)
		n += verify_is_finding(got[i].v);
	return n;
}

static const struct got *by_line(uint32_t line)
{
	for (int i = 0; i < ngot; i++)
		if (got[i].line == line)
			return &got[i];
	fail_msg("no pairing for log line %u", line);
	return NULL;
}

/* two users, three connections, a few keep-alive requests each */
static void scenario(void)
{
	ntlm_conn(1, T0 * US + 100000, CLI_A, 50001, "/app", "alice", 3);
	ntlm_conn(2, T0 * US + 2500000, CLI_B, 50002, "/app", "bob", 2);
	ntlm_conn(3, T0 * US + 7200000, CLI_A, 50003, "/other", "alice", 1);
	/* an anonymous request */
	wire(4, 0, T0 * US + 9000000, CLI_B, 50004, "GET", "/favicon.ico", 200, NULL, NULL);
}

/* ---- tests ---- */

static void honest_log_no_findings(void **st)
{
	(void)st;
	scenario();
	honest_log(0);
	const struct verify_summary *s = run();
	assert_int_equal(ngot, nwires);
	assert_int_equal(findings(), 0);
	assert_int_equal(count(V_CHALLENGE_LEG), 6);
	assert_int_equal(count(V_MATCH), nwires - 6);
	assert_true(s->offset_known);
	assert_true(llabs(s->offset_us) < US);
}

static void one_user_replaced(void **st)
{
	(void)st;
	scenario();
	honest_log(0);
	logs[2].user = "CORP\\mallory";      /* alice's authenticated line */
	run();
	assert_int_equal(findings(), 1);
	assert_int_equal(by_line(3)->v, V_USER_MISMATCH);
	assert_int_equal(by_line(3)->flow, 1);
	assert_int_equal(by_line(3)->tx, 2);
}

static void line_deleted(void **st)
{
	(void)st;
	scenario();
	honest_log(0);
	/* drop bob's second keep-alive request (log line 11) */
	memmove(&logs[10], &logs[11], (size_t)(nlogs - 11) * sizeof(logs[0]));
	nlogs--;
	run();
	assert_int_equal(findings(), 1);
	assert_int_equal(count(V_MISSING_IN_LOG), 1);
	for (int i = 0; i < ngot; i++)
		if (got[i].v == V_MISSING_IN_LOG) {
			assert_int_equal(got[i].flow, 2);
			assert_int_equal(got[i].tx, 4);
			assert_int_equal(got[i].line, 0);
		}
}

static void line_added(void **st)
{
	(void)st;
	scenario();
	honest_log(0);
	logline(T0 * US + 5000000, CLI_A, "GET", "/admin/export", 200, "CORP\\alice");
	run();
	assert_int_equal(findings(), 1);
	assert_int_equal(by_line((uint32_t)nlogs)->v, V_MISSING_ON_WIRE);
	assert_int_equal(by_line((uint32_t)nlogs)->flow, 0);
}

static void user_added_to_challenge_leg(void **st)
{
	(void)st;
	scenario();
	honest_log(0);
	logs[0].user = "CORP\\alice";        /* the first 401 */
	run();
	assert_int_equal(findings(), 1);
	assert_int_equal(by_line(1)->v, V_USER_NOT_ON_WIRE);
}

static void user_removed_from_authenticated(void **st)
{
	(void)st;
	scenario();
	honest_log(0);
	logs[3].user = NULL;                 /* alice's first keep-alive */
	run();
	assert_int_equal(findings(), 1);
	assert_int_equal(by_line(4)->v, V_USER_NOT_LOGGED);
}

static void clock_shifted_90s(void **st)
{
	(void)st;
	scenario();
	honest_log(90 * US);
	logs[2].user = "CORP\\mallory";
	const struct verify_summary *s = run();
	assert_int_equal(ngot, nwires);
	assert_int_equal(findings(), 1);
	assert_int_equal(by_line(3)->v, V_USER_MISMATCH);
	assert_true(s->offset_known);
	assert_true(llabs(s->offset_us - 90 * US) < US);
	/* beyond --max-skew the lines do not pair */
	struct verify_opts o = { .max_skew_us = 30 * US };
	run_opts(&o);
	assert_int_equal(count(V_MATCH), 0);
}

static void identical_requests_one_to_one(void **st)
{
	(void)st;
	/* five identical polls within one second on one connection */
	for (int i = 0; i < 5; i++)
		wire(7, (uint32_t)i, T0 * US + 100000 + i * 150000, CLI_A, 51000, "GET", "/poll",
		     200, i == 2 ? NULL : "alice", i == 2 ? NULL : "success");
	honest_log(0);
	run();
	assert_int_equal(ngot, 5);
	for (uint32_t l = 1; l <= 5; l++) {
		assert_int_equal(by_line(l)->tx, l - 1);
		assert_int_equal(by_line(l)->v, V_MATCH);
	}
	/* a sixth line for a poll that never happened: exactly one is missing */
	setup(NULL);
	for (int i = 0; i < 5; i++)
		wire(7, (uint32_t)i, T0 * US + 100000 + i * 150000, CLI_A, 51000, "GET", "/poll",
		     200, "alice", "success");
	honest_log(0);
	logline(T0 * US + 900000, CLI_A, "GET", "/poll", 200, "CORP\\alice");
	run();
	assert_int_equal(count(V_MATCH), 5);
	assert_int_equal(count(V_MISSING_ON_WIRE), 1);
}

static void out_of_scope_server(void **st)
{
	(void)st;
	scenario();
	honest_log(0);
	/* traffic to another server the log does not speak for */
	struct wire_rec *w = wire(9, 0, T0 * US + 3000000, CLI_A, 50999, "GET", "/elsewhere",
				  200, NULL, NULL);
	ip4(w->srv_ip, "198.51.100.80");
	const struct verify_summary *s = run();
	assert_int_equal(findings(), 0);
	assert_int_equal(s->wire_out_of_scope, 1);
	/* --server names the other server: now only it is in scope */
	struct verify_server sv = { AF_INET, { 0 }, 0 };
	ip4(sv.ip, "198.51.100.80");
	struct verify_opts o = { .servers = &sv, .nservers = 1 };
	s = run_opts(&o);
	assert_int_equal(count(V_MISSING_IN_LOG), 1);
	/* log lines naming SRV are out of scope too when they carry s-ip */
	for (int i = 0; i < nlogs; i++) {
		logs[i].flags |= LE_HAS_SRV;
		logs[i].srv_family = AF_INET;
		ip4(logs[i].srv_ip, SRV);
	}
	s = run_opts(&o);
	assert_int_equal(s->log_out_of_scope, (uint64_t)nlogs);
	assert_int_equal(count(V_MISSING_ON_WIRE), 0);
}

static void named_server_scope(void **st)
{
	(void)st;
	/* a W3C log names s-ip: requests to it that it lacks are missing,
	   even when no line of it pairs (so scope is not inferred) */
	ntlm_conn(1, T0 * US + 100000, CLI_A, 50001, "/app", "alice", 0);
	logline(T0 * US + 4000000, CLI_B, "GET", "/unrelated", 200, NULL);
	logs[0].flags |= LE_HAS_SRV;
	logs[0].srv_family = AF_INET;
	ip4(logs[0].srv_ip, SRV);
	run();
	assert_int_equal(count(V_MISSING_IN_LOG), 3);
	assert_int_equal(count(V_MISSING_ON_WIRE), 1);
}

static void proxy_log_scope(void **st)
{
	(void)st;
	/* client A through the proxy (192.0.2.10:3128): 407, 407, 200 */
	const char *url = "http://www.example.com/";
	for (uint32_t i = 0; i < 3; i++) {
		struct wire_rec *w = wire(1, i, T0 * US + 100000 + i * 20000, CLI_A, 50001, "GET", url,
					  i < 2 ? 407 : 200, i == 2 ? "alice" : NULL,
					  i == 0 ? NULL : i == 1 ? "pending" : "success");
		w->srv_port = 3128;
		w->flags |= WR_PROXY;
	}
	/* the proxy's own upstream request: origin-form, never in its log */
	struct wire_rec *up = wire(2, 0, T0 * US + 200000, SRV, 40000, "GET", "/", 200, NULL, NULL);
	ip4(up->srv_ip, "198.51.100.7");
	/* client B uses the proxy but the log is filtered to client A */
	struct wire_rec *b = wire(3, 0, T0 * US + 300000, CLI_B, 50003, "GET", url, 200, NULL, NULL);
	b->srv_port = 3128;
	/* a request of client A the proxy failed to log */
	struct wire_rec *miss = wire(1, 3, T0 * US + 400000, CLI_A, 50001, "GET",
				     "http://www.example.com/x", 200, "alice", "success");
	miss->srv_port = 3128;
	/* Squid-like lines: end time, proxy log */
	for (int i = 0; i < 3; i++) {
		struct log_entry *e = logline(wires[i].end_us, CLI_A, "GET", url, wires[i].status,
					   i == 2 ? "CORP\\alice" : NULL);
		e->flags |= LE_PROXY | LE_TIME_END;
		e->res_us = 1000;
		e->time_us = (wires[i].end_us / 1000) * 1000;
	}
	const struct verify_summary *s = run();
	assert_int_equal(count(V_CHALLENGE_LEG), 2);
	assert_int_equal(count(V_MATCH), 1);
	assert_int_equal(count(V_MISSING_IN_LOG), 1);
	for (int i = 0; i < ngot; i++)
		if (got[i].v == V_MISSING_IN_LOG)
			assert_int_equal(got[i].tx, 3);
	assert_int_equal(s->wire_out_of_scope, 2);
}

static void kerberos_without_keytab(void **st)
{
	(void)st;
	struct wire_rec *w = wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET", "/k", 200, NULL,
				  "success");
	w->scheme = "Negotiate";
	w->mech = "Kerberos";
	logline(w->time_us, CLI_A, "GET", "/k", 200, "alice@CORP.EXAMPLE");
	run();
	assert_int_equal(count(V_UNVERIFIABLE), 1);
	assert_int_equal(findings(), 0);
	/* a Basic request whose header was cut: unverifiable, not a finding */
	setup(NULL);
	w = wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET", "/b", 200, NULL, NULL);
	w->flags |= WR_CUT;
	logline(w->time_us, CLI_A, "GET", "/b", 200, "alice");
	run();
	assert_int_equal(count(V_UNVERIFIABLE), 1);
}

static void iis_end_time_and_url_forms(void **st)
{
	(void)st;
	struct wire_rec *w = wire(1, 0, T0 * US + 900000, CLI_A, 50001, "GET",
				  "/a%20b/c.aspx?x=1", 200, "alice", "success");
	w->end_us = T0 * US + 1700000;      /* ends in the next second */
	/* IIS: end time, '+' for the blank, domain in NetBIOS form */
	struct log_entry *e = logline(w->end_us, CLI_A, "GET", "/a+b/c.aspx?x=1", 200,
				   "corp\\ALICE");
	e->flags |= LE_TIME_END;
	e->cli_port = 50001;
	w->domain = "corp.example.com";
	run();
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].v, V_MATCH);
}

static void user_forms_and_map(void **st)
{
	(void)st;
	assert_true(verify_same_user(NULL, "alice", "CORP", "CORP\\alice"));
	assert_true(verify_same_user(NULL, "alice", "CORP", "alice"));
	assert_true(verify_same_user(NULL, "Alice", "corp.example.com", "ALICE@CORP.EXAMPLE.COM"));
	assert_true(verify_same_user(NULL, "alice", NULL, "OTHER\\alice"));
	assert_false(verify_same_user(NULL, "alice", "CORP", "OTHER\\alice"));
	assert_false(verify_same_user(NULL, "alice", "CORP", "CORP\\alic"));
	assert_false(verify_same_user(NULL, NULL, NULL, "alice"));
	char path[] = "/tmp/test_verify_umapXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "# renames\nCORP\\svc_web   webuser\n");
	fclose(f);
	char err[200] = "";
	struct verify_usermap *m = verify_usermap_load(path, err, sizeof(err));
	assert_non_null(m);
	assert_true(verify_same_user(m, "svc_web", "CORP", "webuser"));
	assert_false(verify_same_user(m, "svc_web", "CORP", "otheruser"));
	verify_usermap_free(m);
	f = fopen(path, "w");
	fprintf(f, "onlyone\n");
	fclose(f);
	err[0] = '\0';
	assert_null(verify_usermap_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, ":1:"));
	unlink(path);
}

static void auth_events_pair(void **st)
{
	(void)st;
	/* Samba-like auth events against the wire's handshakes */
	struct wire_rec *w = &wires[nwires++];
	memset(w, 0, sizeof(*w));
	w->kind = LOG_KIND_AUTH;
	w->time_us = T0 * US + 500000;
	w->flow_id = 5;
	w->family = AF_INET;
	ip4(w->cli_ip, CLI_A);
	ip4(w->srv_ip, SRV);
	w->cli_port = 50005;
	w->srv_port = 80;
	w->user = "dave";
	w->domain = "CORP";
	w->result = "success";
	struct log_entry *e = logline(w->time_us, CLI_A, NULL, NULL, -1, "CORP\\eve");
	e->kind = LOG_KIND_AUTH;
	e->cli_port = 50005;
	e->res_us = 1;
	e->time_us = w->time_us + 300;
	run();
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].v, V_USER_MISMATCH);
}

/* an auth event (a finished handshake) on the server, as the capture
   reader adds one after the request that finished it */
static void auth_event(uint64_t flow, int64_t t_us, const char *cli, uint16_t port,
		       const char *user)
{
	struct wire_rec *w = &wires[nwires++];
	memset(w, 0, sizeof(*w));
	w->kind = LOG_KIND_AUTH;
	w->time_us = t_us;
	w->flow_id = flow;
	w->family = AF_INET;
	ip4(w->cli_ip, cli);
	ip4(w->srv_ip, SRV);
	w->cli_port = port;
	w->srv_port = 80;
	w->user = user;
	w->domain = "CORP";
	w->result = "success";
}

static void named_server_request_log_not_auth_events(void **st)
{
	(void)st;
	/*
	 * Found by tests/verify/t_verify_truth.sh: with --server, every
	 * handshake's auth event on that server was missing_in_log against an
	 * IIS log, which records requests and never speaks for auth events.
	 */
	ntlm_conn(1, T0 * US + 100000, CLI_A, 50001, "/app", "alice", 1);
	honest_log(0);
	auth_event(1, T0 * US + 180000, CLI_A, 50001, "alice");
	struct verify_server sv = { AF_INET, { 0 }, 0 };
	ip4(sv.ip, SRV);
	struct verify_opts o = { .servers = &sv, .nservers = 1 };
	const struct verify_summary *s = run_opts(&o);
	assert_int_equal(findings(), 0);
	assert_int_equal(count(V_MATCH), 2);
	assert_int_equal(s->wire_out_of_scope, 1);
	/* and an auth-event log does not speak for the requests */
	nlogs = 0;
	struct log_entry *e = logline(T0 * US + 180000, CLI_A, NULL, NULL, -1, "CORP\\alice");
	e->kind = LOG_KIND_AUTH;
	e->cli_port = 50001;
	e->res_us = 1;
	s = run_opts(&o);
	assert_int_equal(findings(), 0);
	assert_int_equal(count(V_MATCH), 1);
	assert_int_equal(s->wire_out_of_scope, 4);
}

static void unanswered_does_not_steal(void **st)
{
	(void)st;
	/* an unanswered request (status -1) and a 401 in the same second: the
	   401 line pairs with the 401, the line of the unanswered one with it */
	wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET", "/x", -1, NULL, NULL);
	wire(2, 0, T0 * US + 200000, CLI_A, 50002, "GET", "/x", 401, NULL, NULL);
	logline(T0 * US + 200000, CLI_A, "GET", "/x", 401, NULL);
	logline(T0 * US + 100000, CLI_A, "GET", "/x", -1, NULL);
	run();
	assert_int_equal(findings(), 0);
	assert_int_equal(by_line(1)->flow, 2);
	assert_int_equal(by_line(2)->flow, 1);
}

static void same_second_two_users_one_client(void **st)
{
	(void)st;
	/* two connections of one client (a terminal server), same URL, same
	   second, two users: whole-second lines cannot order them, the users can */
	wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET", "/r", 200, "alice", "success");
	wire(2, 0, T0 * US + 300000, CLI_A, 50002, "GET", "/r", 200, "bob", "success");
	logline(T0 * US, CLI_A, "GET", "/r", 200, "CORP\\bob");
	logline(T0 * US, CLI_A, "GET", "/r", 200, "CORP\\alice");
	run();
	assert_int_equal(findings(), 0);
	assert_int_equal(by_line(1)->flow, 2);
	/* and a forged line is still caught: both lines say alice */
	setup(NULL);
	wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET", "/r", 200, "alice", "success");
	wire(2, 0, T0 * US + 300000, CLI_A, 50002, "GET", "/r", 200, "bob", "success");
	logline(T0 * US, CLI_A, "GET", "/r", 200, "CORP\\alice");
	logline(T0 * US, CLI_A, "GET", "/r", 200, "CORP\\alice");
	run();
	assert_int_equal(count(V_USER_MISMATCH), 1);
	assert_int_equal(count(V_MATCH), 1);
}

static void url_form_and_host(void **st)
{
	(void)st;
	/* one client: a proxy-form request and an origin-form one, same path */
	struct wire_rec *p = wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET",
				  "http://intranet.example/", 200, "bob", "success");
	p->flags |= WR_PROXY_FORM;
	p->srv_port = 3128;
	struct wire_rec *o = wire(2, 0, T0 * US + 150000, CLI_A, 50002, "GET", "/", 200,
				  "carol", "success");
	o->host = "www.example:80";
	logline(T0 * US, CLI_A, "GET", "/", 200, "CORP\\carol");
	logline(T0 * US, CLI_A, "GET", "http://intranet.example/", 200, "CORP\\bob");
	/* an absolute URL for an origin-form request names its Host */
	logline(T0 * US, CLI_A, "GET", "http://other.example/", 200, "CORP\\carol");
	run();
	assert_int_equal(by_line(1)->flow, 2);
	assert_int_equal(by_line(1)->v, V_MATCH);
	assert_int_equal(by_line(2)->flow, 1);
	assert_int_equal(by_line(2)->v, V_MATCH);
	assert_int_equal(by_line(3)->v, V_MISSING_ON_WIRE);
}

static void named_server_preferred(void **st)
{
	(void)st;
	/* a log without clients (Kemp, gate) naming its server: the request
	   to that server pairs, not the one to another server */
	struct wire_rec *a = wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET", "/p", 200,
				  "alice", "success");
	ip4(a->srv_ip, "198.51.100.9");
	wire(2, 0, T0 * US + 200000, CLI_B, 50002, "GET", "/p", 200, "bob", "success");
	struct log_entry *e = logline(T0 * US, CLI_B, "GET", "/p", 200, "CORP\\mallory");
	e->flags = LE_HAS_SRV;
	e->srv_family = AF_INET;
	ip4(e->srv_ip, SRV);
	run();
	assert_int_equal(by_line(1)->flow, 2);
	assert_int_equal(by_line(1)->v, V_USER_MISMATCH);
}

static void named_server_before_status(void **st)
{
	(void)st;
	/*
	 * Found by tests/verify/bench_verify.sh (a million IIS lines): one
	 * client, two connections to two servers, same URL within a second.
	 * The request to SRV was never answered; IIS still logs it (here with
	 * 200, sc-win32-status 64) naming SRV.  That line took the answered
	 * request to the other server (same status won over the named
	 * server): user_not_logged, then user_not_on_wire for the other line.
	 */
	struct wire_rec *a = wire(1, 2, T0 * US + 942000, CLI_A, 50001, "GET", "/l", 200,
				  "alice", "success");
	ip4(a->srv_ip, "192.0.2.11");
	wire(2, 12, T0 * US + 1142000, CLI_A, 50004, "GET", "/l", -1, NULL, NULL);
	/* IIS lines: s-ip given; the SRV block comes first in the file */
	struct log_entry *e = logline(T0 * US + 1142000, CLI_A, "GET", "/l", 200, NULL);
	e->flags |= LE_HAS_SRV;
	e->srv_family = AF_INET;
	ip4(e->srv_ip, SRV);
	e = logline(T0 * US + 998000, CLI_A, "GET", "/l", 200, "CORP\\alice");
	e->flags |= LE_HAS_SRV;
	e->srv_family = AF_INET;
	ip4(e->srv_ip, "192.0.2.11");
	run();
	assert_int_equal(findings(), 0);
	assert_int_equal(by_line(1)->flow, 2);
	assert_int_equal(by_line(2)->flow, 1);
}

static void strpool_sealed_keeps_strings(void **st)
{
	(void)st;
	/* verify seals its pool once the wire is in: strings stay, adds work */
	struct strpool *p = strpool_new();
	assert_non_null(p);
	const char *a = strpool_str(p, "/sites/team");
	assert_ptr_equal(strpool_str(p, "/sites/team"), a);
	for (int i = 0; i < 5000; i++)          /* past a few table growths */
		assert_non_null(strpool_str(p, sjoin("/u/", "", i)));
	size_t before = strpool_bytes(p);
	strpool_seal(p);
	assert_true(strpool_bytes(p) < before);
	assert_string_equal(a, "/sites/team");
	const char *b = strpool_str(p, "/sites/team");
	assert_string_equal(b, "/sites/team");
	assert_ptr_equal(strpool_str(p, "/sites/team"), b);
	strpool_free(p);
}

/* hand-built http_tx as the pipeline hands it over, behind a reverse proxy */
static void client_ip_from_xff(void **st)
{
	(void)st;
	static struct http_tx tx;
	memset(&tx, 0, sizeof(tx));
	tx.flow_id = 1;
	tx.req_ts_us = (uint64_t)(T0 * US + 100000);
	tx.resp_end_ts_us = tx.req_ts_us + 5000;
	tx.family = AF_INET;
	ip4(tx.cli_ip, "10.0.0.5");                 /* the reverse proxy */
	ip4(tx.srv_ip, SRV);
	tx.cli_port = 40000;
	tx.srv_port = 80;
	strcpy(tx.method, "GET");
	tx.url.s = (char *)"/xff";
	tx.url.len = 4;
	tx.status = 200;
	tx.x_forwarded_for.s = (char *)" 198.51.100.77, 10.0.0.5";
	tx.x_forwarded_for.len = strlen(tx.x_forwarded_for.s);
	struct as_http r = { .tx = &tx, .scheme = "NTLM", .mech = "NTLMSSP", .user = "alice",
			     .domain = "CORP", .result = "success", .credentials = true };
	logline(T0 * US + 100000, "198.51.100.77", "GET", "/xff", 200, "CORP\\alice");
	for (int with = 0; with < 2; with++) {
		struct verify_opts o = { .client_ip_from_xff = with };
		verify_free(vf);
		ngot = 0;
		vf = verify_new(&o, on_pair, NULL);
		verify_add_http(vf, &r);
		verify_wire_done(vf);
		verify_log_scan(vf, &logs[0]);
		verify_offset_done(vf);
		verify_log_match(vf, &logs[0], "x.log");
		verify_finish(vf);
		if (with) {
			assert_int_equal(ngot, 1);
			assert_int_equal(got[0].v, V_MATCH);
		} else {
			assert_int_equal(count(V_MISSING_ON_WIRE), 1);
			assert_int_equal(count(V_MATCH), 0);
		}
	}
}

static void dateless_lines_two_capture_days(void **st)
{
	(void)st;
	/* one capture made of two, 400 days apart (like ndpi-webdav.pcap);
	   gate-like lines carry only the time of day */
	int64_t day2 = T0 * US + 400LL * 86400 * US + 3600 * US;
	wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET", "/a", 200, "alice", "success");
	wire(2, 0, day2 + 100000, CLI_A, 50002, "GET", "/a", 200, "bob", "success");
	struct log_entry *e1 = logline(T0 * US + 100000, CLI_A, "GET", "/a", 200, "alice");
	struct log_entry *e2 = logline(day2 + 100000, CLI_A, "GET", "/a", 200, "bob");
	for (int i = 0; i < 2; i++) {
		struct log_entry *e = i ? e2 : e1;
		e->time_us %= 86400LL * US;          /* what the parser gives */
		e->flags |= LE_DATE_UNKNOWN;
	}
	run();
	assert_int_equal(findings(), 0);
	assert_int_equal(by_line(1)->flow, 1);
	assert_int_equal(by_line(2)->flow, 2);
	/* a syslog prefix without a year: month and day kept, year found */
	setup(NULL);
	wire(1, 0, T0 * US + 100000, CLI_A, 50001, "GET", "/a", 200, "alice", "success");
	struct log_entry *e = logline(T0 * US + 100000, CLI_A, "GET", "/a", 200, "alice");
	/* 2024-05-01 as 1970-05-01 (2024 is a leap year: one day less) */
	e->time_us -= (log_days_from_civil(2024, 1, 1) - log_days_from_civil(1970, 1, 1) + 1) *
		      86400LL * US;
	e->flags |= LE_YEAR_UNKNOWN;
	run();
	assert_int_equal(count(V_MATCH), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(honest_log_no_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(one_user_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(line_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(line_added, setup, teardown),
		cmocka_unit_test_setup_teardown(user_added_to_challenge_leg, setup, teardown),
		cmocka_unit_test_setup_teardown(user_removed_from_authenticated, setup, teardown),
		cmocka_unit_test_setup_teardown(clock_shifted_90s, setup, teardown),
		cmocka_unit_test_setup_teardown(identical_requests_one_to_one, setup, teardown),
		cmocka_unit_test_setup_teardown(out_of_scope_server, setup, teardown),
		cmocka_unit_test_setup_teardown(named_server_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(named_server_request_log_not_auth_events, setup,
						teardown),
		cmocka_unit_test_setup_teardown(proxy_log_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(kerberos_without_keytab, setup, teardown),
		cmocka_unit_test_setup_teardown(iis_end_time_and_url_forms, setup, teardown),
		cmocka_unit_test(user_forms_and_map),
		cmocka_unit_test_setup_teardown(auth_events_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(unanswered_does_not_steal, setup, teardown),
		cmocka_unit_test_setup_teardown(same_second_two_users_one_client, setup, teardown),
		cmocka_unit_test_setup_teardown(url_form_and_host, setup, teardown),
		cmocka_unit_test_setup_teardown(named_server_preferred, setup, teardown),
		cmocka_unit_test_setup_teardown(named_server_before_status, setup, teardown),
		cmocka_unit_test(strpool_sealed_keeps_strings),
		cmocka_unit_test_setup_teardown(client_ip_from_xff, setup, teardown),
		cmocka_unit_test_setup_teardown(dateless_lines_two_capture_days, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
