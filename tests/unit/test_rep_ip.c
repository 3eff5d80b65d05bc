/*
 * rep_ip: the writers print IPv6 addresses by hand (inet_ntop goes through
 * sprintf per group, a visible share of the JSON writer's time).  Users and
 * verify compare those strings with the servers' logs, which glibc-based
 * servers write with inet_ntop: the text must be the same, byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "report/writer_common.h"

static void check(const uint8_t ip[16])
{
	char ours[REP_IP_MAX], libc[INET6_ADDRSTRLEN];
	rep_ip(ours, AF_INET6, ip);
	assert_non_null(inet_ntop(AF_INET6, ip, libc, sizeof(libc)));
	assert_string_equal(ours, libc);
}

static void test_ip6_known(void **state)
{
	(void)state;
	static const char *const text[] = {
		"::", "::1", "1::", "2001:db8::1", "2001:db8:0:1:0:0:0:1", "fe80::1:0:0:1",
		"1:0:0:2:0:0:0:3", "1:2:3:4:5:6:7:8", "::ffff:10.1.2.3", "::10.1.2.3",
		"0:0:1::", "1:0::", "ff02::1:ff00:1", "abcd:ef01:2345:6789:abcd:ef01:2345:6789",
		"::ffff:0:1", "0:0:0:0:0:1:0:0", "64:ff9b::c000:221",
	};
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		uint8_t ip[16];
		assert_int_equal(inet_pton(AF_INET6, text[i], ip), 1);
		check(ip);
	}
}

/* zero-heavy random addresses: every placement of zero runs, ties, ends */
static void test_ip6_random(void **state)
{
	(void)state;
	uint32_t x = 12345;
	for (int k = 0; k < 200000; k++) {
		uint8_t ip[16];
		for (int i = 0; i < 8; i++) {
			x = x * 1103515245u + 12345u;
			unsigned r = (x >> 16) & 3, v = (x >> 8) & 0xffff;
			unsigned w = r == 0 ? 0 : r == 1 ? (v & 0xf) : r == 2 ? v : ((v & 1) ? 0xffff : 1);
			ip[2 * i] = (uint8_t)(w >> 8);
			ip[2 * i + 1] = (uint8_t)w;
		}
		check(ip);
	}
}

static void test_ip4(void **state)
{
	(void)state;
	char out[REP_IP_MAX];
	const uint8_t ip[4] = { 192, 0, 2, 255 };
	rep_ip(out, AF_INET, ip);
	assert_string_equal(out, "192.0.2.255");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip6_known),
		cmocka_unit_test(test_ip6_random),
		cmocka_unit_test(test_ip4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
