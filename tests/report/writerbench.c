/*
 * writerbench - records/s of one report/ writer, on one realistic
 * hand-built record (an NTLM-authenticated keep-alive GET), written to
 * /dev/null; for json also the same record built and dumped by jansson,
 * the cost DESIGN.md quotes.  Not a test: a number for the README.
 *
 *   build/tests/report/writerbench [FORMAT [COUNT]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <jansson.h>

#include "report/report.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void set(struct http_str *h, const char *s)
{
	h->s = (char *)s;
	h->len = strlen(s);
}

/* the same keys as the json writer's contract part, with jansson */
static void jansson_once(const struct as_http *r, FILE *out)
{
	const struct http_tx *tx = r->tx;
	json_t *o = json_object(), *h = json_object(), *a = json_object();

	json_object_set_new(o, "timestamp", json_string("2024-07-11T09:12:03.123456Z"));
	json_object_set_new(o, "flow_id", json_integer((json_int_t)tx->flow_id));
	json_object_set_new(o, "event_type", json_string("http"));
	json_object_set_new(o, "tx_id", json_integer(tx->tx_id));
	json_object_set_new(o, "src_ip", json_string("10.1.2.3"));
	json_object_set_new(o, "src_port", json_integer(tx->cli_port));
	json_object_set_new(o, "dest_ip", json_string("10.9.8.7"));
	json_object_set_new(o, "dest_port", json_integer(tx->srv_port));
	json_object_set_new(h, "hostname", json_string(tx->host.s));
	json_object_set_new(h, "url", json_string(tx->url.s));
	json_object_set_new(h, "method", json_string(tx->method));
	json_object_set_new(h, "protocol", json_string(tx->protocol));
	json_object_set_new(h, "status", json_integer(tx->status));
	json_object_set_new(h, "user_agent", json_string(tx->user_agent.s));
	json_object_set_new(a, "scheme", json_string(r->scheme));
	json_object_set_new(a, "mech", json_string(r->mech));
	json_object_set_new(a, "proxy", json_boolean(r->proxy));
	json_object_set_new(a, "user", json_string(r->user));
	json_object_set_new(a, "result", json_string(r->result));
	json_object_set_new(a, "domain", json_string(r->domain));
	json_object_set_new(a, "workstation", json_string(r->workstation));
	json_object_set_new(a, "password_type", json_string(r->password_type));
	json_object_set_new(a, "inherited", json_boolean(r->inherited));
	json_object_set_new(o, "http", h);
	json_object_set_new(o, "auth", a);
	char *s = json_dumps(o, JSON_COMPACT);
	fputs(s, out);
	fputc('\n', out);
	free(s);
	json_decref(o);
}

int main(int argc, char **argv)
{
	const char *fmt = argc > 1 ? argv[1] : "json";
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	struct http_tx tx;
	struct as_http r;

	memset(&tx, 0, sizeof(tx));
	memset(&r, 0, sizeof(r));
	tx.flow_id = 12345;
	tx.tx_id = 3;
	tx.req_ts_us = 1720689123123456ull;
	tx.resp_end_ts_us = tx.req_ts_us + 45000;
	tx.family = AF_INET;
	inet_pton(AF_INET, "10.1.2.3", tx.cli_ip);
	inet_pton(AF_INET, "10.9.8.7", tx.srv_ip);
	tx.cli_port = 51515;
	tx.srv_port = 80;
	strcpy(tx.method, "GET");
	set(&tx.url, "/sites/intranet/Shared%20Documents/report.aspx?id=12345&view=full");
	set(&tx.host, "intranet.corp.example.com");
	set(&tx.user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36");
	strcpy(tx.protocol, "HTTP/1.1");
	tx.status = 200;
	tx.req_bytes = 900;
	tx.resp_bytes = 25000;
	tx.resp_body_bytes = 24500;
	r.tx = &tx;
	r.scheme = "NTLM";
	r.mech = "NTLMSSP";
	r.user = "alice.smith";
	r.domain = "CORP";
	r.workstation = "WS-0042";
	r.password_type = "NTLMv2";
	r.result = "success";
	r.inherited = true;
	r.krb_etype = -1;
	r.handshake_id = 77;

	FILE *out = fopen("/dev/null", "w");
	struct report_writer *w = out ? report_open(fmt, out, NULL) : NULL;
	if (!w)
		return 2;
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		tx.req_ts_us += 1000;
		tx.resp_end_ts_us += 1000;
		report_http(w, &r);
	}
	double t1 = now_s();
	report_close(w);
	printf("%s: %ld records in %.3f s: %.0f records/s, %.2f us/record\n",
	       fmt, n, t1 - t0, (double)n / (t1 - t0), (t1 - t0) * 1e6 / (double)n);
	if (strcmp(fmt, "json") == 0) {
		long m = n / 10 ? n / 10 : 1;
		t0 = now_s();
		for (long i = 0; i < m; i++)
			jansson_once(&r, out);
		t1 = now_s();
		printf("jansson build+dump of the same record: %.0f records/s, %.2f us/record\n",
		       (double)m / (t1 - t0), (t1 - t0) * 1e6 / (double)m);
	}
	fclose(out);
	return 0;
}
