/*
 * test_hostile.c - regression tests for hostile-traffic findings
 * (tests/hostile, the fuzz targets).  Packets here are hand-built raw
 * IPv4/TCP (DLT_IPV4), not taken from captures.
 *
 *  - --memcap bounds what the layers above capture/ hold per flow
 *    (cap_config.flow_user_bytes): a SYN flood never has more flows open
 *    at once than the cap allows, every evicted flow is closed once with
 *    CLOSE_EVICTED and counted.
 *  - what the layers above hold beyond that (cap_callbacks.user_mem_bytes,
 *    http/'s copies) also makes capture/ evict the idlest flows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capture/capture.h"

#define DLT_IPV4_ 228

struct live {
	uint64_t open_now, open_max, opened, closed, evicted;
};

static void *lv_open(void *user, const struct flow_info *fi)
{
	struct live *l = user;
	(void)fi;
	l->opened++;
	if (++l->open_now > l->open_max)
		l->open_max = l->open_now;
	return l;
}

static void lv_close(void *user, void *fu, enum cap_close_reason why, uint64_t ts)
{
	struct live *l = user;
	(void)fu;
	(void)ts;
	l->closed++;
	l->open_now--;
	if (why == CLOSE_EVICTED)
		l->evicted++;
}

/* hand-built: IPv4 + TCP SYN from 10.x.y.z:port to 192.0.2.80:80 */
static size_t syn_packet(uint8_t *p, uint32_t i)
{
	memset(p, 0, 40);
	p[0] = 0x45;
	p[3] = 40;
	p[8] = 64;
	p[9] = 6;
	p[12] = 10; p[13] = (uint8_t)(i >> 16); p[14] = (uint8_t)(i >> 8); p[15] = (uint8_t)i;
	p[16] = 192; p[17] = 0; p[18] = 2; p[19] = 80;
	p[20] = (uint8_t)((1024 + i % 60000) >> 8); p[21] = (uint8_t)(1024 + i % 60000);
	p[23] = 80;
	p[24] = 1;                          /* seq */
	p[32] = 5 << 4;
	p[33] = 0x02;                       /* SYN */
	p[34] = 0xff; p[35] = 0xff;
	return 40;
}

/* the layers above hold 100 kB per open flow, not charged per flow */
static uint64_t lv_user_mem(void *user)
{
	struct live *l = user;
	return l->open_now * 100000;
}

static bool g_user_mem;

static void synflood(uint64_t memcap, uint64_t user_bytes, uint32_t n, struct live *l,
		     uint64_t *evicted_stat)
{
	struct cap_callbacks cb = { .user = l, .flow_open = lv_open, .flow_close = lv_close,
				    .user_mem_bytes = g_user_mem ? lv_user_mem : NULL };
	struct cap_config cfg;
	struct capture *c;
	uint8_t pkt[40];

	memset(&cfg, 0, sizeof(cfg));
	memset(l, 0, sizeof(*l));
	cfg.memcap_bytes = memcap;
	cfg.flow_user_bytes = user_bytes;
	c = cap_new(&cfg, &cb);
	assert_non_null(c);
	for (uint32_t i = 0; i < n; i++) {
		size_t len = syn_packet(pkt, i + 1);
		cap_feed(c, DLT_IPV4_, pkt, len, len, 1700000000000000ull + i);
	}
	cap_flush(c);
	*evicted_stat = cap_get_stats(c)->flows_evicted;
	assert_int_equal(cap_get_stats(c)->flows, n);
	cap_close(c);
}

/* the upper layers' share is charged: 1 MiB / 4 KiB = at most 256 open */
static void test_memcap_counts_upper_layers(void **state)
{
	struct live l;
	uint64_t ev;
	(void)state;

	synflood(1 << 20, 4096, 20000, &l, &ev);
	assert_true(l.open_max <= (1 << 20) / 4096);
	assert_true(l.open_max >= 100);          /* the cap is used, not 0 */
	assert_int_equal(l.opened, 20000);
	assert_int_equal(l.closed, 20000);       /* each exactly once */
	assert_int_equal(l.evicted, ev);
	assert_int_equal(ev, 20000 - l.open_max);
}

/* without the charge the same cap holds many more flows: the charge is
   what bounds the layers above */
static void test_memcap_without_charge_holds_more(void **state)
{
	struct live l1, l2;
	uint64_t ev1, ev2;
	(void)state;

	synflood(1 << 20, 0, 20000, &l1, &ev1);
	synflood(1 << 20, 4096, 20000, &l2, &ev2);
	assert_true(l1.open_max > 2 * l2.open_max);
	assert_true(ev1 < ev2);
}

/* what the layers above report holding is counted when room is made */
static void test_memcap_counts_user_mem(void **state)
{
	struct live l;
	uint64_t ev;
	(void)state;

	g_user_mem = true;
	synflood(1 << 20, 0, 5000, &l, &ev);
	g_user_mem = false;
	assert_true(l.open_max <= (1 << 20) / 100000 + 1);
	assert_true(l.open_max >= 5);
	assert_int_equal(l.closed, 5000);
	assert_int_equal(ev, l.evicted);
	assert_true(ev >= 5000 - l.open_max);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcap_counts_upper_layers),
		cmocka_unit_test(test_memcap_without_charge_holds_more),
		cmocka_unit_test(test_memcap_counts_user_mem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
