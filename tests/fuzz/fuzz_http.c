/*
 * fuzz_http.c - libFuzzer target for http/: a script of segments and gaps
 * on one connection.
 *
 * Input: byte 0 = flags (bit 0: SYN seen, bit 1: a 6 KiB memcap), then records
 *   op (1 byte): bit 0 = direction (0 A->B, 1 B->A), bit 1 = gap,
 *                bits 2..7 = time step in microseconds
 *   len (2 bytes, little endian)
 *   data (len bytes, clipped to what is left; none for a gap)
 * then http_conn_close.  Every transaction handed to tx_done is checked
 * against what http.h promises (NUL-terminated bounded strings, tx_id in
 * order, sane counts; all memory given back at close); a broken promise
 * aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/http.h"
#include "capture/rd.h"

struct fz {
	uint32_t next_id;
};

static void check_str(struct http_str s, size_t cap)
{
	if (!s.s) {
		if (s.len)
			abort();
		return;
	}
	if (s.len > cap || strlen(s.s) != s.len)
		abort();
}

static void on_tx(void *user, void *conn_user, const struct http_tx *t)
{
	struct fz *f = user;
	int i;

	(void)conn_user;
	if (t->tx_id != f->next_id++)
		abort();
	if (strnlen(t->method, sizeof(t->method)) >= sizeof(t->method) ||
	    strnlen(t->protocol, sizeof(t->protocol)) >= sizeof(t->protocol) ||
	    strnlen(t->resp_protocol, sizeof(t->resp_protocol)) >= sizeof(t->resp_protocol))
		abort();
	if (t->status != -1 && (t->status < 0 || t->status > 999))
		abort();
	if (t->n_www_authenticate < 0 || t->n_www_authenticate > HTTP_CHALLENGES_MAX ||
	    t->n_proxy_authenticate < 0 || t->n_proxy_authenticate > HTTP_CHALLENGES_MAX)
		abort();
	check_str(t->url, HTTP_URL_MAX);
	check_str(t->host, HTTP_FIELD_MAX);
	check_str(t->user_agent, HTTP_FIELD_MAX);
	check_str(t->referer, HTTP_FIELD_MAX);
	check_str(t->reason, HTTP_FIELD_MAX);
	check_str(t->authorization, HTTP_AUTH_MAX);
	check_str(t->proxy_authorization, HTTP_AUTH_MAX);
	check_str(t->x_forwarded_for, HTTP_FIELD_MAX);
	check_str(t->persistent_auth, HTTP_FIELD_MAX);
	check_str(t->connection_hdr, HTTP_FIELD_MAX);
	for (i = 0; i < t->n_www_authenticate; i++)
		check_str(t->www_authenticate[i], HTTP_AUTH_MAX);
	for (i = 0; i < t->n_proxy_authenticate; i++)
		check_str(t->proxy_authenticate[i], HTTP_AUTH_MAX);
	if (t->req_body_bytes > t->req_bytes + (1ull << 40) ||
	    t->resp_body_bytes > t->resp_bytes + (1ull << 40))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { 0 };
	struct http_callbacks cb = { &f, on_tx };
	struct flow_info fi;
	struct http_ctx *h;
	struct http_conn *c;
	struct rd r = rd_init(data, size);
	uint64_t ts = 1000000;
	const struct http_stats *st;

	memset(&fi, 0, sizeof(fi));
	fi.flow_id = 1;
	fi.family = AF_INET;
	fi.a_port = 50000;
	fi.b_port = 80;
	uint8_t flags = rd_u8(&r);
	fi.syn_seen = flags & 1;
	fi.first_ts_us = ts;
	h = http_ctx_new(&cb);
	if (!h)
		return 0;
	if (flags & 2)
		http_set_memcap(h, 6144);
	c = http_conn_new(h, &fi, NULL);
	while (c && rd_left(&r) >= 3) {
		uint8_t op = rd_u8(&r);
		size_t len = rd_le16(&r);
		enum cap_dir dir = (op & 1) ? DIR_B_TO_A : DIR_A_TO_B;

		ts += op >> 2;
		if (op & 2) {
			http_conn_gap(c, dir, len ? len : 1, ts);
			continue;
		}
		if (len > rd_left(&r))
			len = rd_left(&r);
		http_conn_data(c, dir, rd_bytes(&r, len), len, ts);
	}
	if (c)
		http_conn_close(c, ts + 1);
	st = http_get_stats(h);
	if (st->conns != st->conns_http + st->conns_not_http || st->mem_bytes != 0)
		abort();
	http_ctx_free(h);
	return 0;
}
