/*
 * fuzz_logparse.c - libFuzzer target for the server log parsers
 * (report/logparse.h; run by `make fuzz`, tests/fuzz/fuzz.mk).
 *
 * The first input byte picks the format (auto detection, each named
 * format, and a few Apache/Squid format strings); the rest is fed line by
 * line.  Every string of every entry is read to its end, so a missing NUL
 * or a pointer outside the scratch buffer shows up under ASan.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "report/logparse.h"

static const char *const specs[] = {
	"auto", "w3c", "combined", "common", "vhost_combined", "squid",
	"proxysg", "kemp", "samba-json", "samba-text", "gate",
	"apache:%u %a %{remote}p %A:%{local}p [%{%d/%b/%Y:%H:%M:%S}t.%{usec_frac}t %{%z}t] \"%r\" %>s %b \"%{User-Agent}i\" %k",
	"apache:%h %l %u %{sec}t.%{msec_frac}t %m %U%q %H %s %D %T %v %V %{X}i %{Y}o %{Z}e",
	"apache:%{end:%Y-%m-%dT%H:%M:%S%z}t %u %r",
	"squid:%ts.%03tu %6tr %>a:%>p %la:%lp %Ss/%03>Hs %<st %rm %ru %un %Sh/%<a %mt",
	"squid:%>a [%tl] \"%rm %ru HTTP/%rv\" %>Hs %<st %[un \"%{User-Agent}>h\"",
};

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *spec = specs[data[0] % (sizeof(specs) / sizeof(specs[0]))];
	char err[256], why[256];
	struct logparse *lp = logparse_new(spec, err, sizeof(err));
	if (!lp)
		__builtin_trap();     /* every spec above is valid */
	if (data[0] & 0x80)
		logparse_set_date_hint(lp, 1700000000LL * 1000000);
	data++;
	size--;
	struct log_entry e;
	size_t pos = 0, sum = 0;
	uint32_t lineno = 0;
	for (int last = 0; !last;) {
		enum lp_result r;
		if (pos < size) {
			const uint8_t *nl = memchr(data + pos, '\n', size - pos);
			size_t l = nl ? (size_t)(nl - (data + pos)) : size - pos;
			r = logparse_line(lp, (const char *)data + pos, l, ++lineno, &e, why,
					  sizeof(why));
			pos += l + 1;
		} else {
			r = logparse_flush(lp, &e, why, sizeof(why));
			last = 1;
		}
		if (r == LP_ENTRY) {
			sum += touch(e.method) + touch(e.url) + touch(e.user) +
			       touch(e.vhost) + touch(e.action);
			if (e.line == 0 || e.line > lineno)
				__builtin_trap();
		} else if (r == LP_BAD) {
			sum += touch(why);
		}
	}
	/* a second flush has nothing left */
	if (logparse_flush(lp, &e, why, sizeof(why)) == LP_ENTRY)
		__builtin_trap();
	logparse_free(lp);
	return sum == (size_t)-1;
}
