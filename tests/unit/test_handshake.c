/*
 * test_handshake.c - the per-connection handshake state machine.
 *
 * Transactions are hand-built structs; the NTLM tokens in them are real
 * header values copied from the public captures in ../shared/pcaps-public
 * (arkime-ntlm-synthetic.pcap tcp.stream 3: HTTPDOM\dave, and
 * bruteshark-http-ntlm-gssapi.pcap: 10.0.1.101\Susan), so the decoders
 * see what a real client and server sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ntlm/handshake.h"

/* arkime-ntlm-synthetic.pcap frames 44, 46, 48 */
static const char *DAVE_T1 = "NTLM TlRMTVNTUAABAAAABwIAAgcABwAoAAAACAAIAC8AAAAKAGFKAAAAD0hUVFBET01IVFRQSE9TVA==";
static const char *DAVE_T2 = "NTLM TlRMTVNTUAACAAAADgAOADgAAAAFAgACASNFZ4mrze8AAAAAAAAAAAQABABGAAAACgBhSgAAAA9IAFQAVABQAFQARwBUAAAAAAA=";
static const char *DAVE_T3 = "NTLM TlRMTVNTUAADAAAAGAAYAFgAAAAYABgAcAAAAA4ADgCIAAAACAAIAJYAAAAQABAAngAAABAAEACuAAAABQIAAgoAYUoAAAAPAAAAAAAAAAAAAAAAAAAAAExMTExMTExMTExMTExMTExMTExMTExMTE5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTkgAVABUAFAARABPAE0AZABhAHYAZQBIAFQAVABQAEgATwBTAFQAS0tLS0tLS0tLS0tLS0tLSw==";
/* bruteshark-http-ntlm-gssapi.pcap frames 8, 10, 12: raw NTLMSSP under Negotiate */
static const char *SUSAN_T1 = "Negotiate TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAFASgKAAAADw==";
static const char *SUSAN_T2 = "Negotiate TlRMTVNTUAACAAAABgAGADgAAAAFgomiKip4pcf2dvwAAAAAAAAAAFoAWgA+AAAABQLODgAAAA9JAE4AUwACAAYASQBOAFMAAQAIAEIASQBMAEwABAAOAGkAbgBzAC4AYwBvAG0AAwAYAEIASQBMAEwALgBpAG4AcwAuAGMAbwBtAAUADgBpAG4AcwAuAGMAbwBtAAAAAAA=";
static const char *SUSAN_T3 = "Negotiate TlRMTVNTUAADAAAAGAAYAHgAAAAYABgAkAAAABQAFABIAAAACgAKAFwAAAASABIAZgAAAAAAAACoAAAABYKIogUBKAoAAAAPMQAwAC4AMAAuADEALgAxADAAMQBTAHUAcwBhAG4AWABQAC0AQwBMAEkARQBOAFQA/b4gddkhShUAAAAAAAAAAAAAAAAAAAAA9CknGD9s3ORUM/9oZt0au2twPslrjk6M";

/* what the sink saw, copied (the record's strings live only in the call) */
struct seen {
	char user[64], domain[64], ws[64], pwtype[32], result[16], scheme[16], mech[16], anomaly[160];
	int inherited, proxy, credentials;
	uint64_t handshake_id;
};

static struct seen g_http[32];
static int g_nhttp;
static struct seen g_auth[32];
static int g_nauth;

static void cp(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "(null)");
}

static void on_http(void *u, const struct as_http *r)
{
	struct seen *s = &g_http[g_nhttp++];
	(void)u;
	assert_true(g_nhttp <= 32);
	cp(s->user, sizeof(s->user), r->user);
	cp(s->domain, sizeof(s->domain), r->domain);
	cp(s->ws, sizeof(s->ws), r->workstation);
	cp(s->pwtype, sizeof(s->pwtype), r->password_type);
	cp(s->result, sizeof(s->result), r->result);
	cp(s->scheme, sizeof(s->scheme), r->scheme);
	cp(s->mech, sizeof(s->mech), r->mech);
	cp(s->anomaly, sizeof(s->anomaly), r->anomaly);
	s->inherited = r->inherited;
	s->proxy = r->proxy;
	s->credentials = r->credentials;
	s->handshake_id = r->handshake_id;
}

static void on_auth(void *u, const struct as_auth *a)
{
	struct seen *s = &g_auth[g_nauth++];
	(void)u;
	assert_true(g_nauth <= 32);
	cp(s->user, sizeof(s->user), a->user);
	cp(s->domain, sizeof(s->domain), a->domain);
	cp(s->result, sizeof(s->result), a->result);
	cp(s->pwtype, sizeof(s->pwtype), a->password_type);
	s->handshake_id = a->handshake_id;
	s->proxy = a->proxy;
}

static struct hs_ctx *g_ctx;

static int setup(void **state)
{
	struct hs_sink sink = { NULL, on_http, on_auth };
	(void)state;
	g_nhttp = g_nauth = 0;
	memset(g_http, 0, sizeof(g_http));
	memset(g_auth, 0, sizeof(g_auth));
	g_ctx = hs_ctx_new(&sink, NULL);
	return g_ctx ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	hs_ctx_free(g_ctx);
	return 0;
}

/* one hand-built transaction */
static void tx(struct hs_conn *c, const char *authz, const char *proxy_authz,
	       int status, const char *www, const char *proxy_www)
{
	struct http_tx t;
	memset(&t, 0, sizeof(t));
	strcpy(t.method, "GET");
	t.url.s = (char *)"/x";
	t.url.len = 2;
	t.status = status;
	t.family = 2;
	if (authz) {
		t.authorization.s = (char *)authz;
		t.authorization.len = strlen(authz);
	}
	if (proxy_authz) {
		t.proxy_authorization.s = (char *)proxy_authz;
		t.proxy_authorization.len = strlen(proxy_authz);
	}
	if (www) {
		t.www_authenticate[0].s = (char *)www;
		t.www_authenticate[0].len = strlen(www);
		t.n_www_authenticate = 1;
	}
	if (proxy_www) {
		t.proxy_authenticate[0].s = (char *)proxy_www;
		t.proxy_authenticate[0].len = strlen(proxy_www);
		t.n_proxy_authenticate = 1;
	}
	hs_conn_tx(c, &t);
}

static void test_ntlm_three_legs_then_inherit(void **state)
{
	struct hs_conn *c = hs_conn_new(g_ctx, 1);
	(void)state;
	tx(c, NULL, NULL, 401, "NTLM", NULL);          /* anonymous */
	tx(c, DAVE_T1, NULL, 401, DAVE_T2, NULL);      /* challenge leg */
	tx(c, DAVE_T3, NULL, 200, NULL, NULL);         /* credentials */
	tx(c, NULL, NULL, 200, NULL, NULL);            /* keep-alive */
	tx(c, NULL, NULL, 304, NULL, NULL);
	hs_conn_close(c);

	assert_int_equal(g_nhttp, 5);
	assert_string_equal(g_http[0].user, "(null)");
	assert_string_equal(g_http[0].result, "(null)");
	assert_string_equal(g_http[1].result, "pending");
	assert_string_equal(g_http[1].user, "(null)");
	assert_string_equal(g_http[1].scheme, "NTLM");
	assert_string_equal(g_http[1].mech, "NTLMSSP");
	assert_string_equal(g_http[2].user, "dave");
	assert_string_equal(g_http[2].domain, "HTTPDOM");
	assert_string_equal(g_http[2].ws, "HTTPHOST");
	assert_string_equal(g_http[2].pwtype, "NTLMv1");
	assert_string_equal(g_http[2].result, "success");
	assert_int_equal(g_http[2].inherited, 0);
	assert_string_equal(g_http[2].anomaly, "(null)");
	assert_int_equal(g_http[1].handshake_id, g_http[2].handshake_id);
	for (int i = 3; i < 5; i++) {
		assert_string_equal(g_http[i].user, "dave");
		assert_string_equal(g_http[i].domain, "HTTPDOM");
		assert_int_equal(g_http[i].inherited, 1);
		assert_int_equal(g_http[i].credentials, 0);
		assert_string_equal(g_http[i].result, "success");
		assert_string_equal(g_http[i].scheme, "NTLM");
	}
	assert_int_equal(g_nauth, 1);
	assert_string_equal(g_auth[0].user, "dave");
	assert_string_equal(g_auth[0].result, "success");
}

static void test_ntlm_failure_names_user_and_does_not_inherit(void **state)
{
	struct hs_conn *c = hs_conn_new(g_ctx, 1);
	(void)state;
	tx(c, DAVE_T1, NULL, 401, DAVE_T2, NULL);
	tx(c, DAVE_T3, NULL, 401, "NTLM", NULL);
	tx(c, NULL, NULL, 401, "NTLM", NULL);
	hs_conn_close(c);
	assert_int_equal(g_nhttp, 3);
	assert_string_equal(g_http[1].user, "dave");
	assert_string_equal(g_http[1].result, "failure");
	assert_string_equal(g_http[2].user, "(null)");
	assert_int_equal(g_http[2].inherited, 0);
	assert_int_equal(g_nauth, 1);
	assert_string_equal(g_auth[0].result, "failure");
}

static void test_type1_answered_without_challenge(void **state)
{
	/* IE's pre-emptive Type 1 on an anonymous page (zeek capture) */
	struct hs_conn *c = hs_conn_new(g_ctx, 2);
	(void)state;
	tx(c, DAVE_T1, NULL, 200, NULL, NULL);
	tx(c, NULL, NULL, 200, NULL, NULL);
	hs_conn_close(c);
	assert_string_equal(g_http[0].user, "(null)");
	assert_non_null(strstr(g_http[0].anomaly, "type1_not_challenged"));
	assert_string_equal(g_http[1].user, "(null)");
	assert_int_equal(g_http[1].inherited, 0);
	assert_int_equal(g_nauth, 0);
}

static void test_type3_without_its_challenge_still_names_user(void **state)
{
	/* a lossy capture: the Type 2 was never captured */
	struct hs_conn *c = hs_conn_new(g_ctx, 3);
	(void)state;
	tx(c, DAVE_T1, NULL, -1, NULL, NULL);
	tx(c, DAVE_T3, NULL, 200, NULL, NULL);
	tx(c, NULL, NULL, 200, NULL, NULL);
	hs_conn_close(c);
	assert_string_equal(g_http[1].user, "dave");
	assert_non_null(strstr(g_http[1].anomaly, "challenge_not_seen"));
	assert_string_equal(g_http[2].user, "dave");
	assert_int_equal(g_http[2].inherited, 1);

	/* a Type 3 with no Type 1 either */
	c = hs_conn_new(g_ctx, 4);
	tx(c, DAVE_T3, NULL, 200, NULL, NULL);
	hs_conn_close(c);
	assert_string_equal(g_http[3].user, "dave");
	assert_string_equal(g_http[3].result, "success");
	assert_non_null(strstr(g_http[3].anomaly, "challenge_"));
}

static void test_raw_ntlmssp_under_negotiate(void **state)
{
	struct hs_conn *c = hs_conn_new(g_ctx, 5);
	(void)state;
	tx(c, NULL, NULL, 401, "Negotiate", NULL);
	tx(c, SUSAN_T1, NULL, 401, SUSAN_T2, NULL);
	tx(c, SUSAN_T3, NULL, 200, NULL, NULL);
	hs_conn_close(c);
	assert_string_equal(g_http[2].scheme, "Negotiate");
	assert_string_equal(g_http[2].mech, "NTLMSSP");
	assert_string_equal(g_http[2].user, "Susan");
	assert_string_equal(g_http[2].domain, "10.0.1.101");
	assert_string_equal(g_http[2].ws, "XP-CLIENT");
	assert_string_equal(g_http[2].pwtype, "NTLMv1");
	assert_string_equal(g_http[2].result, "success");
}

static void test_proxy_side_is_separate(void **state)
{
	struct hs_conn *c = hs_conn_new(g_ctx, 6);
	const char *p1 = DAVE_T1 , *p3 = DAVE_T3;
	(void)state;
	tx(c, NULL, NULL, 407, NULL, "NTLM");
	tx(c, NULL, p1, 407, NULL, DAVE_T2);
	tx(c, NULL, p3, 200, NULL, NULL);
	tx(c, NULL, NULL, 200, NULL, NULL);
	hs_conn_close(c);
	assert_int_equal(g_http[1].proxy, 1);
	assert_string_equal(g_http[1].result, "pending");
	assert_int_equal(g_http[2].proxy, 1);
	assert_string_equal(g_http[2].user, "dave");
	assert_string_equal(g_http[2].result, "success");
	assert_int_equal(g_http[3].inherited, 1);
	assert_int_equal(g_http[3].proxy, 1);
	assert_int_equal(g_nauth, 1);
	assert_int_equal(g_auth[0].proxy, 1);
}

static void test_basic_is_per_request_and_secret_free(void **state)
{
	struct hs_conn *c = hs_conn_new(g_ctx, 7);
	(void)state;
	tx(c, "Basic YWxpY2U6c2VjcmV0", NULL, 200, NULL, NULL);  /* alice:secret */
	tx(c, NULL, NULL, 401, "Basic realm=\"x\"", NULL);
	tx(c, "Basic YWxpY2U6d3Jvbmc=", NULL, 401, "Basic realm=\"x\"", NULL); /* alice:wrong */
	hs_conn_close(c);
	assert_string_equal(g_http[0].user, "alice");
	assert_string_equal(g_http[0].pwtype, "Plaintext");
	assert_string_equal(g_http[0].result, "success");
	assert_string_equal(g_http[1].user, "(null)");
	assert_int_equal(g_http[1].inherited, 0);
	assert_string_equal(g_http[2].user, "alice");
	assert_string_equal(g_http[2].result, "failure");
	assert_int_equal(g_nauth, 2);
	for (int i = 0; i < g_nhttp; i++) {
		assert_null(strstr(g_http[i].user, "secret"));
		assert_null(strstr(g_http[i].user, "wrong"));
	}
}

static void test_new_type1_starts_new_identity(void **state)
{
	struct hs_conn *c = hs_conn_new(g_ctx, 8);
	(void)state;
	tx(c, DAVE_T1, NULL, 401, DAVE_T2, NULL);
	tx(c, DAVE_T3, NULL, 200, NULL, NULL);
	tx(c, SUSAN_T1, NULL, 401, SUSAN_T2, NULL);
	tx(c, NULL, NULL, 200, NULL, NULL);   /* handshake abandoned: no user */
	hs_conn_close(c);
	assert_string_equal(g_http[2].user, "(null)");
	assert_true(g_http[2].handshake_id != g_http[1].handshake_id);
	assert_string_equal(g_http[3].user, "(null)");
	assert_int_equal(g_http[3].inherited, 0);
}

static void test_unanswered_type3_is_pending_and_cut(void **state)
{
	struct hs_conn *c = hs_conn_new(g_ctx, 9);
	(void)state;
	tx(c, DAVE_T1, NULL, 401, DAVE_T2, NULL);
	tx(c, DAVE_T3, NULL, -1, NULL, NULL);
	hs_conn_close(c);
	assert_string_equal(g_http[1].user, "dave");
	assert_string_equal(g_http[1].result, "pending");
	assert_non_null(strstr(g_http[1].anomaly, "outcome_not_seen"));
	assert_int_equal(g_nauth, 0);
}

static void test_unseen_outcome_lends_identity_until_refused(void **state)
{
	/* bruteshark-http-ntlm.pcap's shape: the answers to the Type 3 were
	   not captured, the client goes on on the same connection */
	struct hs_conn *c = hs_conn_new(g_ctx, 11);
	(void)state;
	tx(c, DAVE_T1, NULL, -1, NULL, NULL);
	tx(c, DAVE_T3, NULL, -1, NULL, NULL);
	tx(c, NULL, NULL, -1, NULL, NULL);
	tx(c, NULL, NULL, 200, NULL, NULL);
	tx(c, NULL, NULL, 401, "NTLM", NULL);
	tx(c, NULL, NULL, 200, NULL, NULL);
	hs_conn_close(c);
	assert_string_equal(g_http[1].user, "dave");
	assert_string_equal(g_http[1].result, "pending");
	for (int i = 2; i < 4; i++) {
		assert_string_equal(g_http[i].user, "dave");
		assert_int_equal(g_http[i].inherited, 1);
		assert_non_null(strstr(g_http[i].anomaly, "outcome_not_seen"));
	}
	assert_string_equal(g_http[4].user, "(null)");
	assert_string_equal(g_http[5].user, "(null)");
	assert_int_equal(g_http[5].inherited, 0);
}

static void test_garbage_token_is_anomaly_not_user(void **state)
{
	struct hs_conn *c = hs_conn_new(g_ctx, 10);
	(void)state;
	tx(c, "NTLM !!!notbase64!!!", NULL, 401, "NTLM", NULL);
	tx(c, "Negotiate TlRMTVNTUAADAAAA", NULL, 200, NULL, NULL); /* cut Type 3 */
	hs_conn_close(c);
	assert_string_equal(g_http[0].user, "(null)");
	assert_string_not_equal(g_http[0].anomaly, "(null)");
	assert_string_equal(g_http[1].user, "(null)");
	assert_string_not_equal(g_http[1].anomaly, "(null)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ntlm_three_legs_then_inherit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ntlm_failure_names_user_and_does_not_inherit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type1_answered_without_challenge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type3_without_its_challenge_still_names_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_ntlmssp_under_negotiate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_side_is_separate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_basic_is_per_request_and_secret_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_type1_starts_new_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unanswered_type3_is_pending_and_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_token_is_anomaly_not_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unseen_outcome_lends_identity_until_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
