/*
 * test_logparse.c - server log parsers (report/logparse.h).
 *
 * Lines are hand-made in the layouts of the seeds (000 ProxySG, 001 IIS,
 * 002 Kemp, 003 Samba, 004 gate) and of Apache, nginx and Squid, with
 * documentation addresses (192.0.2.x, 198.51.100.x, 2001:db8::).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "report/logparse.h"

/* 2009-01-01 02:29:47 UTC */
#define T_IIS 1230776987LL

static struct logparse *lp;
static struct log_entry e;
static char why[256];

static int teardown(void **st)
{
	(void)st;
	logparse_free(lp);
	lp = NULL;
	return 0;
}

static struct logparse *mk(const char *spec)
{
	char err[256];
	logparse_free(lp);
	lp = logparse_new(spec, err, sizeof(err));
	if (!lp)
		fail_msg("logparse_new(%s): %s", spec, err);
	return lp;
}

static enum lp_result feed(const char *line, uint32_t no)
{
	return logparse_line(lp, line, strlen(line), no, &e, why, sizeof(why));
}

static void must_entry(const char *line, uint32_t no)
{
	enum lp_result r = feed(line, no);
	if (r != LP_ENTRY)
		fail_msg("line %u not an entry (%d): %s [%s]", no, r, why, line);
}

static void assert_ip(const uint8_t *ip, int family, const char *txt)
{
	uint8_t want[16] = { 0 };
	int f = strchr(txt, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(f, txt, want), 1);
	assert_int_equal(family, f);
	assert_memory_equal(ip, want, f == AF_INET ? 4 : 16);
}

static void assert_str(const char *got, const char *want)
{
	if (!want) {
		if (got)
			fail_msg("expected NULL, got \"%s\"", got);
		return;
	}
	if (!got)
		fail_msg("expected \"%s\", got NULL", want);
	assert_string_equal(got, want);
}

/* ---- W3C ---- */

static const char *iis_block[] = {
	"#Software: Microsoft Internet Information Services 6.0",
	"#Version: 1.0",
	"#Date: 2009-01-05 02:29:47",
	"#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status",
	"2009-01-01 02:29:47 W3SVC1 192.0.2.10 GET / - 80 - 192.0.2.55 Mozilla/4.0+(compatible;+MSIE+6.0;+Windows+NT+5.1) 401 2 2148074254",
	"2009-01-01 02:29:47 W3SVC1 192.0.2.10 GET / - 80 - 192.0.2.55 Mozilla/4.0+(compatible;+MSIE+6.0;+Windows+NT+5.1) 401 1 0",
	"2009-01-01 02:29:47 W3SVC1 192.0.2.10 GET /time.asp a=1&b=2 80 Domain\\User 192.0.2.55 Mozilla/4.0+(compatible;+MSIE+6.0;+Windows+NT+5.1) 200 0 0",
};

static void w3c_iis_seed001(void **st)
{
	(void)st;
	mk("w3c");
	for (int i = 0; i < 4; i++)
		assert_int_equal(feed(iis_block[i], (uint32_t)i + 1), LP_NONE);
	must_entry(iis_block[4], 5);
	assert_int_equal(e.line, 5);
	assert_int_equal(e.time_us, T_IIS * 1000000);
	assert_true(e.flags & LE_TIME_END);   /* IIS logs at the end */
	assert_int_equal(e.status, 401);
	assert_str(e.user, NULL);
	assert_str(e.method, "GET");
	assert_str(e.url, "/");
	assert_true(e.flags & LE_HAS_CLI);
	assert_ip(e.cli_ip, e.family, "192.0.2.55");
	assert_true(e.flags & LE_HAS_SRV);
	assert_ip(e.srv_ip, e.srv_family, "192.0.2.10");
	assert_int_equal(e.srv_port, 80);
	assert_str(e.action, "401.2 win32=2148074254");
	assert_false(e.flags & LE_PROXY);
	must_entry(iis_block[6], 7);
	assert_str(e.user, "Domain\\User");
	assert_str(e.url, "/time.asp?a=1&b=2");
	assert_int_equal(e.status, 200);
}

static void w3c_plus_and_dash(void **st)
{
	(void)st;
	mk("iis");
	feed("#Fields: date time cs-username c-ip c-port cs-method cs-uri-stem sc-status time-taken", 1);
	must_entry("2024-05-01 10:00:00.250 CORP\\John+Smith 2001:db8::7 51000 GET /a+b 200 1500", 2);
	assert_str(e.user, "CORP\\John Smith");
	assert_ip(e.cli_ip, e.family, "2001:db8::7");
	assert_int_equal(e.cli_port, 51000);
	assert_int_equal(e.duration_us, 1500000);
	assert_int_equal(e.res_us, 1000);
	assert_int_equal(e.time_us % 1000000, 250000);
	assert_false(e.flags & LE_HAS_SRV);
	must_entry("2024-05-01 10:00:01 - 2001:db8::7 51000 GET / 401 0", 3);
	assert_str(e.user, NULL);
}

static void w3c_restart_fields_blocks(void **st)
{
	(void)st;
	mk("auto");
	feed("#Fields: date time c-ip cs-method cs-uri-stem sc-status", 1);
	must_entry("2024-05-01 10:00:00 192.0.2.1 GET /one 200", 2);
	assert_str(e.url, "/one");
	assert_int_equal(logparse_format(lp), LOGF_W3C);
	/* IIS restarted with more fields: the new block is read with them */
	feed("#Software: Microsoft Internet Information Services 10.0", 3);
	feed("#Fields: date time s-ip cs-method cs-uri-stem cs-username c-ip sc-status", 4);
	must_entry("2024-05-01 11:00:00 192.0.2.10 POST /two DOM\\u 192.0.2.1 302", 5);
	assert_str(e.method, "POST");
	assert_str(e.url, "/two");
	assert_str(e.user, "DOM\\u");
	assert_int_equal(e.status, 302);
	/* a line of the old layout is now bad, and says why */
	assert_int_equal(feed("2024-05-01 11:00:01 192.0.2.1 GET /one 200", 6), LP_BAD);
	assert_non_null(strstr(why, "fields"));
	/* and the next good line still parses */
	must_entry("2024-05-01 11:00:02 192.0.2.10 GET /three - 192.0.2.1 200", 7);
	assert_int_equal(e.line, 7);
}

static void w3c_proxysg_elff(void **st)
{
	(void)st;
	mk("auto");
	feed("#Software: SGOS 6.7.5.1", 1);
	feed("#Fields: date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-filter-result cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id", 2);
	must_entry("2024-05-01 10:00:00 12 192.0.2.33 - - authentication_failed DENIED \"none\" - 407 TCP_DENIED GET - http www.example.com 80 /index.html ?q=1 html \"Mozilla/5.0 (Windows NT 10.0)\" 192.0.2.1 1101 300 -", 3);
	assert_true(e.flags & LE_PROXY);
	assert_int_equal(e.status, 407);
	assert_str(e.action, "TCP_DENIED");
	assert_str(e.url, "http://www.example.com/index.html?q=1");
	assert_str(e.user, NULL);
	must_entry("2024-05-01 10:00:01 4000 192.0.2.33 CORP\\alice group - OBSERVED \"none\" - 200 TCP_TUNNELED CONNECT - tcp www.example.com 443 / - - \"Mozilla/5.0\" 192.0.2.1 5000 300 -", 4);
	assert_str(e.url, "www.example.com:443");
	assert_str(e.user, "CORP\\alice");
	assert_int_equal(e.duration_us, 4000000);
}

static void w3c_bad_lines_named(void **st)
{
	(void)st;
	mk("w3c");
	assert_int_equal(feed("2024-05-01 10:00:00 x", 1), LP_BAD);
	assert_non_null(strstr(why, "#Fields"));
	feed("#Fields: date time cs-method cs-uri-stem sc-status", 2);
	assert_int_equal(feed("2024-13-01 10:00:00 GET / 200", 3), LP_BAD);
	must_entry("2024-12-01 10:00:00 GET / 200", 4);
}

/* ---- Apache ---- */

static void apache_combined(void **st)
{
	(void)st;
	mk("combined");
	must_entry("192.0.2.7 - CORP\\\\alice [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif?x=1 HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"", 1);
	assert_ip(e.cli_ip, e.family, "192.0.2.7");
	/* Apache logs a backslash as two: undone */
	assert_str(e.user, "CORP\\alice");
	assert_int_equal(e.time_us, 971211336LL * 1000000);   /* 20:55:36 UTC */
	assert_false(e.flags & LE_TIME_END);                   /* %t is the start */
	assert_str(e.method, "GET");
	assert_str(e.url, "/apache_pb.gif?x=1");
	assert_int_equal(e.status, 200);
	must_entry("192.0.2.7 - - [10/Oct/2000:13:55:37 -0700] \"GET / HTTP/1.1\" 401 381 \"-\" \"-\"", 2);
	assert_str(e.user, NULL);
	assert_int_equal(e.status, 401);
}

static void apache_user_escapes(void **st)
{
	(void)st;
	mk("common");
	must_entry("192.0.2.7 - \\\"odd\\x41\\\\name [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1", 1);
	assert_str(e.user, "\"oddA\\name");
	/* a user name with a blank still fits (the reader backtracks) */
	must_entry("192.0.2.7 - John Smith [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1", 2);
	assert_str(e.user, "John Smith");
	/* a quote inside the request line, escaped by Apache */
	must_entry("192.0.2.7 - bob [10/Oct/2000:13:55:36 +0000] \"GET /a\\\"b HTTP/1.1\" 200 -", 3);
	assert_str(e.url, "/a\"b");
}

static void apache_nginx_combined(void **st)
{
	(void)st;
	mk("auto");
	/* nginx escapes with \x22 */
	must_entry("2001:db8::5 - alice [01/May/2024:10:00:00 +0000] \"GET /q?\\x22x\\x22 HTTP/1.1\" 200 612 \"-\" \"curl/8.0\"", 1);
	assert_int_equal(logparse_format(lp), LOGF_APACHE);
	assert_ip(e.cli_ip, e.family, "2001:db8::5");
	assert_str(e.url, "/q?\"x\"");
	assert_str(e.user, "alice");
}

struct dircase {
	const char *fmt;
	const char *line;
};

static void apache_directives_addresses(void **st)
{
	(void)st;
	mk("apache:%a %A %{remote}p %{local}p %h %l %u");
	must_entry("192.0.2.9 192.0.2.10 50123 8080 host.example - bob", 1);
	assert_ip(e.cli_ip, e.family, "192.0.2.9");   /* %h is a name: %a wins */
	assert_ip(e.srv_ip, e.srv_family, "192.0.2.10");
	assert_int_equal(e.cli_port, 50123);
	assert_int_equal(e.srv_port, 8080);
	assert_str(e.user, "bob");
	mk("apache:%h %p %{canonical}p");
	must_entry("192.0.2.9 443 443", 1);
	assert_ip(e.cli_ip, e.family, "192.0.2.9");
	assert_int_equal(e.srv_port, 443);
}

static void apache_directives_request(void **st)
{
	(void)st;
	mk("apache:%m %U%q %H %>s %s %b %B %O %I %S %k %v %V");
	must_entry("PROPFIND /dav/x?depth=1 HTTP/1.1 207 207 - 0 512 300 812 3 dav.example www.example", 1);
	assert_str(e.method, "PROPFIND");
	/* %U%q back to back: the query starts at '?' */
	assert_str(e.url, "/dav/x?depth=1");
	assert_int_equal(e.status, 207);
	assert_str(e.vhost, "www.example");   /* the last of %v %V */
	mk("apache:%m %U %q %s");
	must_entry("GET /p ?a=b 200", 1);
	assert_str(e.url, "/p?a=b");
	must_entry("GET /p  200", 2);
	assert_str(e.url, "/p");
}

static void apache_directives_opaque(void **st)
{
	(void)st;
	mk("apache:%h \"%{X-Forwarded-For}i\" \"%{Content-Type}o\" %{HOME}e %{c}a %X %P %{tid}P %f %n %R %L %{SESSION}C %^ti %^to %% %u");
	must_entry("192.0.2.1 \"198.51.100.1, 192.0.2.1\" \"text/html\" /root 192.0.2.2 + 1234 77 /srv/www/x - - - - - - % carol", 1);
	assert_str(e.user, "carol");
	/* %{c}a (peer) comes after %h: the last address read wins */
	assert_ip(e.cli_ip, e.family, "192.0.2.2");
	/* an unknown directive is a clear error */
	char err[160];
	struct logparse *bad = logparse_new("apache:%h %Z", err, sizeof(err));
	assert_null(bad);
	assert_non_null(strstr(err, "%Z"));
}

static void apache_directives_time(void **st)
{
	(void)st;
	mk("apache:[%{%d/%b/%Y %H:%M:%S}t.%{msec_frac}t] %u");
	must_entry("[01/May/2024 10:00:00.123] bob", 1);
	assert_int_equal(e.time_us, 1714557600123000LL);
	assert_int_equal(e.res_us, 1000);
	/* the rig's Apache format: zone in its own directive */
	mk("apache:%u %a %{remote}p %A:%{local}p [%{%d/%b/%Y:%H:%M:%S}t.%{usec_frac}t %{%z}t] \"%r\" %>s %b \"%{User-Agent}i\" %k");
	must_entry("AUTHSCOPE\\\\alice 127.0.0.1 40000 127.0.0.1:8080 [01/May/2024:12:00:00.000042 +0200] \"GET /ntlm/ HTTP/1.1\" 200 45 \"python\" 0", 1);
	assert_int_equal(e.time_us, 1714557600000042LL);
	assert_str(e.user, "AUTHSCOPE\\alice");
	assert_int_equal(e.cli_port, 40000);
	assert_int_equal(e.srv_port, 8080);
	mk("apache:%{sec}t %{usec_frac}t %D %u");
	must_entry("1714557600 000042 1500 bob", 1);
	assert_int_equal(e.time_us, 1714557600000042LL);
	assert_int_equal(e.res_us, 1);
	assert_int_equal(e.duration_us, 1500);
	mk("apache:%{msec}t %T %u");
	must_entry("1714557600123 2 bob", 1);
	assert_int_equal(e.time_us, 1714557600123000LL);
	assert_int_equal(e.duration_us, 2000000);
	mk("apache:%{usec}t %{ms}T %{end:%Y-%m-%dT%H:%M:%S%z}t");
	must_entry("1714557600000001 250 2024-05-01T10:00:01+0000", 1);
	assert_true(e.flags & LE_TIME_END);
	assert_int_equal(e.time_us, 1714557601LL * 1000000);   /* the last time wins */
	assert_int_equal(e.duration_us, 250000);
	mk("apache:%{begin:%Y-%m-%d %H:%M:%S}t %{us}T");
	must_entry("2024-05-01 10:00:00 77", 1);
	assert_false(e.flags & LE_TIME_END);
	assert_int_equal(e.duration_us, 77);
}

static void apache_bad_line_numbered(void **st)
{
	(void)st;
	mk("combined");
	must_entry("192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 1);
	assert_int_equal(feed("garbage that is not a log line", 2), LP_BAD);
	assert_true(strlen(why) > 0);
	assert_int_equal(feed("192.0.2.7 - - [10/Oct/2000:13:55:99 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"", 3), LP_BAD);
	must_entry("192.0.2.8 - - [10/Oct/2000:13:55:36 -0700] \"GET /x HTTP/1.0\" 200 1 \"-\" \"-\"", 4);
	assert_int_equal(e.line, 4);
	assert_str(e.url, "/x");
}

/* ---- Squid ---- */

static void squid_native(void **st)
{
	(void)st;
	mk("auto");
	/* Squid 5 writes a backslash in the user name as two */
	must_entry("1286536308.779    180 192.0.2.44 TCP_MISS/200 1234 GET http://www.example.com/a CORP\\\\bob HIER_DIRECT/198.51.100.3 text/html", 1);
	assert_int_equal(logparse_format(lp), LOGF_SQUID);
	assert_int_equal(e.time_us, 1286536308779000LL);
	assert_int_equal(e.res_us, 1000);
	assert_true(e.flags & LE_TIME_END);
	assert_true(e.flags & LE_PROXY);
	assert_int_equal(e.duration_us, 180000);
	assert_ip(e.cli_ip, e.family, "192.0.2.44");
	assert_str(e.action, "TCP_MISS");
	assert_int_equal(e.status, 200);
	assert_str(e.method, "GET");
	assert_str(e.url, "http://www.example.com/a");
	assert_str(e.user, "CORP\\bob");
	must_entry("1286536309.001      0 192.0.2.44 TCP_DENIED/407 3900 CONNECT www.example.com:443 - HIER_NONE/- text/html", 2);
	assert_str(e.user, NULL);
	assert_str(e.url, "www.example.com:443");
	/* Squid quotes blanks in user names as %20 */
	must_entry("1286536310.000      5 192.0.2.44 TCP_MISS/200 10 GET http://x/ John%20Smith HIER_DIRECT/198.51.100.3 -", 3);
	assert_str(e.user, "John Smith");
}

static void squid_logformat(void **st)
{
	(void)st;
	mk("squid:%>a:%>p %la:%lp [%tl] \"%rm %ru HTTP/%rv\" %>Hs %<st %un %Ss:%Sh %{User-Agent}>h");
	must_entry("192.0.2.44:50000 192.0.2.1:3128 [01/May/2024:10:00:00 +0200] \"GET http://x/y HTTP/1.1\" 200 10 alice TCP_MISS:HIER_DIRECT curl/8", 1);
	assert_int_equal(e.cli_port, 50000);
	assert_ip(e.srv_ip, e.srv_family, "192.0.2.1");
	assert_int_equal(e.srv_port, 3128);
	assert_int_equal(e.time_us, 1714550400LL * 1000000);   /* 08:00 UTC */
	assert_str(e.url, "http://x/y");
	assert_str(e.user, "alice");
	assert_int_equal(e.status, 200);
}

/* ---- seeds 000, 002, 003, 004 ---- */

static void proxysg_seed000(void **st)
{
	(void)st;
	mk("auto");
	must_entry("[16/Mar/2004:12:38:06 +0000] 2 192.0.2.29 TCP_DENIED/407 1101 GET http://www.example.com - NONE/- - none ICAP_NOT_SCANNED", 1);
	assert_int_equal(logparse_format(lp), LOGF_PROXYSG);
	assert_int_equal(e.status, 407);
	assert_str(e.action, "TCP_DENIED");
	assert_str(e.user, NULL);
	assert_str(e.url, "http://www.example.com");
	assert_true(e.flags & LE_PROXY);
	assert_int_equal(e.duration_us, 2000);
	must_entry("[16/Mar/2004:12:38:07 +0000] 528 192.0.2.29 TCP_NC_MISS/200 7300 GET http://www.example.com MSSQLNET\\PXG DIRECT/www.example.com application/octet-stream none ICAP_REPLACED", 2);
	assert_str(e.user, "MSSQLNET\\PXG");
	assert_int_equal(e.time_us, 1079440687LL * 1000000);
}

static void kemp_seed002(void **st)
{
	(void)st;
	mk("auto");
	logparse_set_date_hint(lp, 1718964000LL * 1000000);   /* 2024-06-21 10:00 */
	must_entry("Jun 21 10:00:01 lb1 l7log: \"192.0.2.100:443\" (\"10.0.0.5:80\") User \"CORP\\carol\" requested \"GET\" \"https://app.example.com/x?y=1\" \"Mozilla/5.0\"", 1);
	assert_int_equal(logparse_format(lp), LOGF_KEMP);
	assert_int_equal(e.time_us, 1718964001LL * 1000000);   /* year from the hint */
	assert_ip(e.srv_ip, e.srv_family, "192.0.2.100");
	assert_int_equal(e.srv_port, 443);
	assert_false(e.flags & LE_HAS_CLI);
	assert_str(e.user, "CORP\\carol");
	assert_str(e.method, "GET");
	assert_str(e.url, "https://app.example.com/x?y=1");
	assert_int_equal(e.kind, LOG_KIND_REQUEST);
	must_entry("Jun 21 10:00:00 lb1 l7log: \"192.0.2.100:443\": User \"CORP\\carol\" logged on from \"198.51.100.20\"", 2);
	assert_int_equal(e.kind, LOG_KIND_AUTH);
	assert_false(e.flags & LE_AUTH_FAILED);
	assert_ip(e.cli_ip, e.family, "198.51.100.20");
	must_entry("\"192.0.2.100:443\": User \"mallory\" denied access from \"198.51.100.21\"", 3);
	assert_true(e.flags & LE_AUTH_FAILED);
	assert_true(e.flags & LE_NO_TIME);
	assert_int_equal(feed("\"192.0.2.100:443\": User \"CORP\\carol\" logged off", 4), LP_NONE);
}

static void samba_json_seed003(void **st)
{
	(void)st;
	mk("auto");
	must_entry("{\"timestamp\": \"2024-05-01T12:00:00.500000+0200\", \"type\": \"Authentication\", \"Authentication\": {\"version\": {\"major\": 1, \"minor\": 2}, \"status\": \"NT_STATUS_OK\", \"localAddress\": \"ipv4:192.0.2.1:80\", \"remoteAddress\": \"ipv4:192.0.2.77:51515\", \"serviceDescription\": \"HTTP\", \"authDescription\": \"NTLMSSP\", \"clientDomain\": \"CORP\", \"clientAccount\": \"dave\", \"workstation\": \"WS1\", \"passwordType\": \"NTLMv2\"}}", 1);
	assert_int_equal(logparse_format(lp), LOGF_SAMBA_JSON);
	assert_int_equal(e.kind, LOG_KIND_AUTH);
	assert_int_equal(e.time_us, 1714557600500000LL);
	assert_int_equal(e.cli_port, 51515);
	assert_ip(e.cli_ip, e.family, "192.0.2.77");
	assert_ip(e.srv_ip, e.srv_family, "192.0.2.1");
	assert_str(e.user, "CORP\\dave");
	assert_false(e.flags & LE_AUTH_FAILED);
	must_entry("  {\"timestamp\": \"2024-05-01T10:00:01Z\", \"type\": \"Authentication\", \"Authentication\": {\"status\": \"NT_STATUS_WRONG_PASSWORD\", \"remoteAddress\": \"ipv6:2001:db8::9:40000\", \"clientDomain\": \"\", \"clientAccount\": \"eve\"}}", 2);
	assert_true(e.flags & LE_AUTH_FAILED);
	assert_ip(e.cli_ip, e.family, "2001:db8::9");
	assert_int_equal(e.cli_port, 40000);
	assert_str(e.user, "eve");
	assert_int_equal(feed("{\"timestamp\": \"2024-05-01T10:00:01Z\", \"type\": \"Authorization\", \"Authorization\": {}}", 3), LP_NONE);
	assert_int_equal(feed("{\"timestamp\": broken", 4), LP_BAD);
}

static void samba_text_seed003(void **st)
{
	(void)st;
	mk("auto");
	assert_int_equal(feed("[2024/05/01 10:00:00.123456,  3] ../../auth/auth_log.c:635(log_authentication_event_human_readable)", 1), LP_NONE);
	must_entry("  Auth: [HTTP,NTLMSSP] user [CORP]\\[frank] at [Wed, 01 May 2024 10:00:00.123456 UTC] with [NTLMv2] status [NT_STATUS_OK] workstation [WS2] remote host [ipv4:192.0.2.78:50001] became [CORP]\\[frank] [S-1-5-21-1-2-3-1105]. local host [ipv4:192.0.2.1:80]", 2);
	assert_int_equal(logparse_format(lp), LOGF_SAMBA_TEXT);
	assert_int_equal(e.kind, LOG_KIND_AUTH);
	assert_int_equal(e.time_us, 1714557600123456LL);
	assert_str(e.user, "CORP\\frank");
	assert_str(e.action, "NT_STATUS_OK");
	assert_int_equal(e.cli_port, 50001);
	assert_ip(e.srv_ip, e.srv_family, "192.0.2.1");
}

static void gate_seed004(void **st)
{
	(void)st;
	mk("auto");
	logparse_set_date_hint(lp, 1714557600LL * 1000000);   /* 2024-05-01 10:00 */
	/* an entry wrapped over lines, as in the seed's example */
	assert_int_equal(feed("09:27:20 [http-apr-8080-exec-2] INFO GateLogEntry.auditLog -", 1), LP_NONE);
	assert_int_equal(feed("uri='/e3/servlet/e3' secured='false' host='127.0.0.1'", 2), LP_NONE);
	assert_int_equal(feed("addr='192.0.2.1' protocol='HTTP/1.1' scheme='http' method='GET'", 3), LP_NONE);
	assert_int_equal(feed("query='f=status' sc='admin-requests' authReq='true'", 4), LP_NONE);
	assert_int_equal(feed("alreadyAuth= 'false' triedAuth='true' rcAuth='true'", 5), LP_NONE);
	assert_int_equal(feed("remoteUser=ati' allowed='true' why='arm' status='200'", 6), LP_NONE);
	assert_int_equal(feed("reason='user 'ati' has role 'pe-admin''", 7), LP_NONE);
	/* the entry comes out when the next one starts */
	assert_int_equal(feed("09:27:25 [http-apr-8080-exec-3] INFO GateLogEntry.auditLog - uri='/e3/jsp/q.jsp' method='GET' query='null' remoteUser=null' status='401' reason='Response set up to request authentication.'", 8), LP_ENTRY);
	assert_int_equal(logparse_format(lp), LOGF_GATE);
	assert_int_equal(e.line, 1);
	assert_str(e.url, "/e3/servlet/e3?f=status");
	assert_str(e.user, "ati");
	assert_int_equal(e.status, 200);
	assert_str(e.method, "GET");
	assert_ip(e.srv_ip, e.srv_family, "192.0.2.1");
	/* the date comes from the hint: 2024-05-01 09:27:20 */
	assert_int_equal(e.time_us, (1714557600LL - 1960) * 1000000);
	assert_false(e.flags & LE_DATE_UNKNOWN);
	assert_int_equal(logparse_flush(lp, &e, why, sizeof(why)), LP_ENTRY);
	assert_int_equal(e.line, 8);
	assert_str(e.user, NULL);
	assert_str(e.url, "/e3/jsp/q.jsp");
	assert_int_equal(e.status, 401);
}

static void gate_continuation_without_entry(void **st)
{
	(void)st;
	mk("gate");
	assert_int_equal(feed("uri='/x' status='200'", 1), LP_BAD);
	assert_non_null(strstr(why, "continuation"));
}

/* ---- detection, robustness ---- */

static void auto_detect_each(void **st)
{
	(void)st;
	struct { const char *line; enum log_format f; } c[] = {
		{ "#Fields: date time cs-method", LOGF_W3C },
		{ "192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1", LOGF_APACHE },
		{ "1286536308.779    180 192.0.2.44 TCP_MISS/200 1234 GET http://x/ - HIER_NONE/- -", LOGF_SQUID },
		{ "[16/Mar/2004:12:38:06 +0000] 2 192.0.2.29 TCP_DENIED/407 1101 GET http://www.example.com - NONE/- - none X", LOGF_PROXYSG },
		{ "\"192.0.2.100:443\": User \"u\" logged on from \"192.0.2.5\"", LOGF_KEMP },
		{ "{\"timestamp\": \"2024-05-01T10:00:01Z\", \"type\": \"Authentication\", \"Authentication\": {\"clientAccount\": \"eve\"}}", LOGF_SAMBA_JSON },
		{ "Auth: [HTTP,NTLMSSP] user [D]\\[u] at [Wed, 01 May 2024 10:00:00 UTC] with [NTLMv2] status [NT_STATUS_OK]", LOGF_SAMBA_TEXT },
		{ "10:53:47 [http-apr-8080-exec-7] INFO GateLogEntry.auditLog - uri='/x' status='200'", LOGF_GATE },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		mk("auto");
		feed(c[i].line, 1);
		if (logparse_format(lp) != c[i].f)
			fail_msg("case %zu detected as %s, want %s", i,
				 logparse_format_name(logparse_format(lp)),
				 logparse_format_name(c[i].f));
	}
}

/* a line as the parser gets it from a buffer: no NUL after it, so the
   sanitizer build sees any read past its end */
static enum lp_result feed_exact(const char *line, uint32_t no)
{
	size_t n = strlen(line);
	char *copy = malloc(n ? n : 1);
	memcpy(copy, line, n);
	enum lp_result r = logparse_line(lp, copy, n, no, &e, why, sizeof(why));
	free(copy);
	return r;
}

static void lines_end_anywhere(void **st)
{
	(void)st;
	static const char *specs[] = { "auto", "w3c", "combined", "squid", "proxysg",
				       "kemp", "samba-json", "samba-text", "gate" };
	static const char *lines[] = {
		"\"192.0.2.100:443\": User \"u\" logged on from \"192.0.2.5\"",
		"Jun 21 10:00:01 lb1 l7log: \"192.0.2.100:443\" (\"10.0.0.5:80\") User \"CORP\\\\carol\" requested \"GET\" \"https://a/x\"",
		"  Auth: [HTTP,NTLMSSP] user [CORP]\\[frank] at [Wed, 01 May 2024 10:00:00.123456 UTC] with [NTLMv2] status [NT_STATUS_OK] remote host [ipv4:192.0.2.78:50001]",
		"[16/Mar/2004:12:38:06 +0000] 2 192.0.2.29 TCP_DENIED/407 1101 GET http://www.example.com - NONE/- - none X",
		"1286536308.779    180 192.0.2.44 TCP_MISS/200 1234 GET http://x/a CORP\\\\bob HIER_DIRECT/198.51.100.3 text/html",
		"192.0.2.7 - bob [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"x\"",
		"09:27:20 [x] INFO GateLogEntry.auditLog - uri='/e3' method='GET' query='f' remoteUser=ati' status='200' reason='user 'ati''",
		"{\"timestamp\": \"2024-05-01T10:00:01Z\", \"type\": \"Authentication\", \"Authentication\": {\"clientAccount\": \"eve\"}}",
	};
	/* every prefix of every line, in every format */
	for (size_t sp = 0; sp < sizeof(specs) / sizeof(specs[0]); sp++) {
		mk(specs[sp]);
		feed("#Fields: date time c-ip cs-method cs-uri-stem sc-status cs-username", 1);
		for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
			char buf[512];
			size_t n = strlen(lines[l]);
			for (size_t k = 1; k <= n && k < sizeof(buf); k++) {
				memcpy(buf, lines[l], k);
				buf[k] = '\0';
				feed_exact(buf, 2);
			}
		}
		logparse_flush(lp, &e, why, sizeof(why));
	}
}

static void hostile_input_survives(void **st)
{
	(void)st;
	static const char *specs[] = { "auto", "w3c", "combined", "squid", "proxysg",
				       "kemp", "samba-json", "samba-text", "gate",
				       "apache:%u %u %u %u %u %u %u %u %u %u %u %u" };
	char big[4096];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 7 == 0 ? ' ' : i % 5 == 0 ? '"' : 'a' + (char)(i % 23));
	big[sizeof(big) - 1] = '\0';
	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		mk(specs[s]);
		feed(big, 1);
		feed("[", 2);
		feed("\"", 3);
		feed("#Fields:", 4);
		feed("[99/Xyz/2000:99:99:99 +9999]", 5);
		feed("{\"type\": \"Authentication\", \"Authentication\": 5}", 6);
		static const char nul[] = "a\0b";
		logparse_line(lp, nul, 3, 7, &e, why, sizeof(why));
		logparse_flush(lp, &e, why, sizeof(why));
	}
	/* a whole buffer, as the fuzz target feeds it */
	assert_int_equal(logparse_buffer("combined", (const uint8_t *)"x\n\n\r\n", 5), 0);
}

static void user_split(void **st)
{
	(void)st;
	const char *u, *d;
	size_t ul, dl;
	log_user_split("CORP\\alice", &u, &ul, &d, &dl);
	assert_int_equal(ul, 5);
	assert_memory_equal(u, "alice", 5);
	assert_int_equal(dl, 4);
	log_user_split("alice@CORP.EXAMPLE", &u, &ul, &d, &dl);
	assert_int_equal(ul, 5);
	assert_int_equal(dl, 12);
	log_user_split("alice", &u, &ul, &d, &dl);
	assert_null(d);
	assert_int_equal(ul, 5);
}

static void strpool_interns(void **st)
{
	(void)st;
	struct strpool *p = strpool_new();
	const char *a = strpool_str(p, "GET");
	const char *b = strpool_add(p, "GETX", 3);
	assert_ptr_equal(a, b);
	assert_string_equal(a, "GET");
	for (int i = 0; i < 5000; i++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "/u/%d", i);
		assert_string_equal(strpool_str(p, buf), buf);
	}
	assert_ptr_equal(strpool_str(p, "GET"), a);
	assert_null(strpool_str(p, NULL));
	strpool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(w3c_iis_seed001, teardown),
		cmocka_unit_test_teardown(w3c_plus_and_dash, teardown),
		cmocka_unit_test_teardown(w3c_restart_fields_blocks, teardown),
		cmocka_unit_test_teardown(w3c_proxysg_elff, teardown),
		cmocka_unit_test_teardown(w3c_bad_lines_named, teardown),
		cmocka_unit_test_teardown(apache_combined, teardown),
		cmocka_unit_test_teardown(apache_user_escapes, teardown),
		cmocka_unit_test_teardown(apache_nginx_combined, teardown),
		cmocka_unit_test_teardown(apache_directives_addresses, teardown),
		cmocka_unit_test_teardown(apache_directives_request, teardown),
		cmocka_unit_test_teardown(apache_directives_opaque, teardown),
		cmocka_unit_test_teardown(apache_directives_time, teardown),
		cmocka_unit_test_teardown(apache_bad_line_numbered, teardown),
		cmocka_unit_test_teardown(squid_native, teardown),
		cmocka_unit_test_teardown(squid_logformat, teardown),
		cmocka_unit_test_teardown(proxysg_seed000, teardown),
		cmocka_unit_test_teardown(kemp_seed002, teardown),
		cmocka_unit_test_teardown(samba_json_seed003, teardown),
		cmocka_unit_test_teardown(samba_text_seed003, teardown),
		cmocka_unit_test_teardown(gate_seed004, teardown),
		cmocka_unit_test_teardown(gate_continuation_without_entry, teardown),
		cmocka_unit_test_teardown(auto_detect_each, teardown),
		cmocka_unit_test_teardown(hostile_input_survives, teardown),
		cmocka_unit_test_teardown(lines_end_anywhere, teardown),
		cmocka_unit_test(user_split),
		cmocka_unit_test(strpool_interns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
