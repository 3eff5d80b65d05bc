/*
 * test_report_batch.c - the json writer's lines wait in its buffer and go
 * to the FILE several at a time (report.h): only whole lines ever reach
 * the FILE, in order, around report_raw_json and report_set_output; an
 * unbuffered FILE gets each line at once; and the address texts, cached
 * by address bytes, stay right when thousands of addresses of both
 * families share the cache.
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "report/report.h"

struct rec {
	struct http_tx tx;
	struct as_http r;
};

static void rec_init(struct rec *f, uint64_t flow_id)
{
	memset(f, 0, sizeof(*f));
	f->tx.flow_id = flow_id;
	f->tx.req_ts_us = 1720689123123456ull + flow_id;
	f->tx.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", f->tx.cli_ip);
	inet_pton(AF_INET, "10.0.0.2", f->tx.srv_ip);
	f->tx.cli_port = 50000;
	f->tx.srv_port = 80;
	strcpy(f->tx.method, "GET");
	f->tx.url.s = "/index.html";
	f->tx.url.len = strlen(f->tx.url.s);
	strcpy(f->tx.protocol, "HTTP/1.1");
	f->tx.status = 200;
	f->r.tx = &f->tx;
	f->r.krb_etype = -1;
}

static long file_size(FILE *f)
{
	struct stat st;

	fflush(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	return (long)st.st_size;
}

/* the whole file as a string (caller frees) */
static char *slurp(FILE *f)
{
	long n = file_size(f);
	char *s = malloc((size_t)n + 1);

	assert_non_null(s);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = 0;
	return s;
}

static void last_byte_is_newline(FILE *f)
{
	long n = file_size(f);
	char c;

	if (n == 0)
		return;
	assert_int_equal(pread(fileno(f), &c, 1, n - 1), 1);
	assert_int_equal(c, '\n');
}

/* each line's flow_id, in file order, -1 for the raw line */
static int flow_ids(const char *s, long *ids, int max)
{
	int n = 0;

	for (const char *p = s; *p && n < max; n++) {
		const char *e = strchr(p, '\n');
		assert_non_null(e);
		const char *f = strstr(p, "\"flow_id\":");
		ids[n] = f && f < e ? strtol(f + 10, NULL, 10) : -1;
		p = e + 1;
	}
	return n;
}

static void test_whole_lines_in_order(void **state)
{
	FILE *f = tmpfile(), *g = tmpfile();
	long ids[300];
	struct rec r;

	(void)state;
	assert_non_null(f);
	assert_non_null(g);
	struct report_writer *w = report_open("json", f, NULL);
	assert_non_null(w);
	for (int i = 0; i < 100; i++) {
		rec_init(&r, (uint64_t)i);
		report_http(w, &r.r);
		last_byte_is_newline(f);
	}
	report_raw_json(w, "{\"event_type\":\"stats\"}\n");
	/* report_raw_json hands over what waits: all 101 lines are there */
	fflush(f);
	char *s = slurp(f);
	assert_int_equal(flow_ids(s, ids, 300), 101);
	free(s);
	for (int i = 100; i < 110; i++) {
		rec_init(&r, (uint64_t)i);
		report_http(w, &r.r);
	}
	report_set_output(w, g);      /* SIGHUP: what came before stays in f */
	for (int i = 110; i < 120; i++) {
		rec_init(&r, (uint64_t)i);
		report_http(w, &r.r);
	}
	assert_int_equal(report_get_counts(w)->lines, 121);
	assert_int_equal(report_get_counts(w)->failed, 0);
	report_close(w);

	s = slurp(f);
	assert_int_equal(flow_ids(s, ids, 300), 111);
	for (int i = 0; i < 111; i++)
		assert_int_equal(ids[i], i < 100 ? i : i == 100 ? -1 : i - 1);
	free(s);
	s = slurp(g);
	assert_int_equal(flow_ids(s, ids, 300), 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(ids[i], 110 + i);
	free(s);
	fclose(f);
	fclose(g);
}

static void test_unbuffered_each_line(void **state)
{
	FILE *f = tmpfile();
	struct rec r;
	long before = 0;

	(void)state;
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	struct report_writer *w = report_open("json", f, NULL);
	assert_non_null(w);
	for (int i = 0; i < 5; i++) {
		rec_init(&r, (uint64_t)i);
		report_http(w, &r.r);
		long now = file_size(f);
		assert_true(now > before);
		before = now;
	}
	report_close(w);
	fclose(f);
}

static uint32_t rnd_state = 4242;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void test_address_cache(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	enum { N = 6000 };
	static char want[N][2][INET6_ADDRSTRLEN];
	struct rec r;

	(void)state;
	assert_non_null(f);
	struct report_writer *w = report_open("json", f, NULL);
	assert_non_null(w);
	for (int i = 0; i < N; i++) {
		rec_init(&r, (uint64_t)i);
		/* a few hundred addresses, both families, the IPv6 ones
		   sometimes holding the IPv4 ones' bytes */
		r.tx.family = rnd() % 2 ? AF_INET6 : AF_INET;
		memset(r.tx.cli_ip, 0, 16);
		memset(r.tx.srv_ip, 0, 16);
		uint32_t k = rnd() % 700;
		memcpy(r.tx.cli_ip, &k, 4);
		if (r.tx.family == AF_INET6 && k % 3 == 0)
			r.tx.cli_ip[15] = (uint8_t)k;
		r.tx.srv_ip[0] = (uint8_t)(rnd() % 4);
		r.tx.srv_ip[3] = 1;
		for (int j = 0; j < 2; j++) {
			const uint8_t *ip = j ? r.tx.srv_ip : r.tx.cli_ip;
			assert_non_null(inet_ntop(r.tx.family, ip, want[i][j],
						  INET6_ADDRSTRLEN));
		}
		report_http(w, &r.r);
	}
	report_close(w);
	fclose(f);

	int i = 0;
	for (char *p = buf; *p; i++) {
		char *e = strchr(p, '\n');
		assert_non_null(e);
		*e = 0;
		json_error_t err;
		json_t *o = json_loads(p, 0, &err);
		assert_non_null(o);
		assert_true(i < N);
		assert_string_equal(json_string_value(json_object_get(o, "src_ip")),
				    want[i][0]);
		assert_string_equal(json_string_value(json_object_get(o, "dest_ip")),
				    want[i][1]);
		json_decref(o);
		p = e + 1;
	}
	assert_int_equal(i, N);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_lines_in_order),
		cmocka_unit_test(test_unbuffered_each_line),
		cmocka_unit_test(test_address_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
