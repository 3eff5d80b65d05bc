/*
 * writer_samba.c - Samba's authentication audit records (seed 003), one
 * per finished handshake (struct as_auth); report_http is ignored.
 *
 * samba-json: the "Authentication" event, version 1.2, with the field
 * set and order Samba writes and jansson's default ", " / ": " look.
 * What the wire cannot know:
 *   becameSid, netlogonComputer, netlogonTrustAccount,
 *   netlogonTrustAccountSid                       null
 *   netlogonNegotiateFlags "0x00000000", netlogonSecureChannelType 0
 *   becameAccount / becameDomain   the client's names on success, null on
 *                                  failure (Samba has no account then)
 *   mappedAccount / mappedDomain   the client's names (no mapping seen)
 *   logonId                        the handshake id in hex
 *   duration                       left out: Samba writes it only when it
 *                                  knows the start time, and as_auth has none
 *   timestamp                      the final answer's time, +0000 (UTC)
 *   logonType                      8 (NetworkCleartext) for a Plaintext
 *                                  (Basic) password, 3 (Network) otherwise
 * samba-text: the human-readable line, as Samba's DEBUG message (without
 * the "[date, level] file:line(function)" prefix line):
 *   Auth: [HTTP,NTLMSSP] user [D]\[u] at [Thu, 11 Jul 2024 09:12:03.123456 UTC]
 *   with [NTLMv2] status [NT_STATUS_OK] workstation [WS] remote host
 *   [ipv4:10.0.0.1:50000] became [D]\[u] [(NULL SID)]. local host
 *   [ipv4:10.0.0.2:80] 
 * (one line; the trailing space is Samba's, the "(NULL SID)" is what
 * Samba prints for an unknown SID, "(null)" what it prints for a missing
 * name).  Names are escaped as Samba's log_escape: '\\' doubled, control
 * bytes as \a \b \f \n \r \t \v or \xHH.
 */
#include <string.h>
#include <inttypes.h>
#include <sys/socket.h>

#include "writer_common.h"

/* Samba's tsocket form: "ipv4:1.2.3.4:80", "ipv6:fe80::1:80" */
static void samba_addr(struct jsonw *o, int family, const uint8_t *ip,
		       uint16_t port)
{
	char buf[REP_IP_MAX];

	rep_ip(buf, family, ip);
	jsonw_cstr(o, family == AF_INET6 ? "ipv6:" : "ipv4:");
	jsonw_cstr(o, buf);
	jsonw_ch(o, ':');
	jsonw_u64(o, port);
}

static void samba_kv_addr(struct jsonw *o, const char *key, int family,
			  const uint8_t *ip, uint16_t port)
{
	jsonw_key(o, key);
	jsonw_ch(o, '"');
	samba_addr(o, family, ip, port);
	jsonw_ch(o, '"');
}

static void samba_json_auth(struct report_writer *w, const struct as_auth *a)
{
	struct jsonw *o = &w->jw;
	bool ok = rep_auth_ok(a);
	bool plain = a->password_type && strcmp(a->password_type, "Plaintext") == 0;
	char logon_id[24];

	jsonw_reset(o);
	jsonw_obj_open(o, NULL);
	jsonw_key(o, "timestamp");
	jsonw_ch(o, '"');
	rep_iso_time(w, a->timestamp_us, "+0000\"");
	jsonw_kv_str(o, "type", "Authentication");
	jsonw_obj_open(o, "Authentication");
	jsonw_obj_open(o, "version");
	jsonw_kv_i64(o, "major", 1);
	jsonw_kv_i64(o, "minor", 2);
	jsonw_obj_close(o);
	jsonw_kv_i64(o, "eventId", ok ? 4624 : 4625);
	snprintf(logon_id, sizeof(logon_id), "%" PRIx64, a->handshake_id);
	jsonw_kv_str(o, "logonId", logon_id);
	jsonw_kv_i64(o, "logonType", plain ? 8 : 3);
	jsonw_kv_str(o, "status", rep_auth_status(a));
	samba_kv_addr(o, "localAddress", a->family, a->srv_ip, a->srv_port);
	samba_kv_addr(o, "remoteAddress", a->family, a->cli_ip, a->cli_port);
	jsonw_kv_str(o, "serviceDescription", "HTTP");
	jsonw_kv_str(o, "authDescription", a->auth_description);
	jsonw_kv_str(o, "clientDomain", a->domain);
	jsonw_kv_str(o, "clientAccount", a->user);
	jsonw_kv_str(o, "workstation", a->workstation);
	jsonw_kv_str(o, "becameAccount", ok ? a->user : NULL);
	jsonw_kv_str(o, "becameDomain", ok ? a->domain : NULL);
	jsonw_kv_null(o, "becameSid");
	jsonw_kv_str(o, "mappedAccount", a->user);
	jsonw_kv_str(o, "mappedDomain", a->domain);
	jsonw_kv_null(o, "netlogonComputer");
	jsonw_kv_null(o, "netlogonTrustAccount");
	jsonw_kv_str(o, "netlogonNegotiateFlags", "0x00000000");
	jsonw_kv_i64(o, "netlogonSecureChannelType", 0);
	jsonw_kv_null(o, "netlogonTrustAccountSid");
	jsonw_kv_str(o, "passwordType", a->password_type);
	jsonw_obj_close(o);
	jsonw_obj_close(o);
	rep_flush(w);
}

const struct writer_ops writer_samba_json = {
	.name = "samba-json",
	.spaced_json = true,
	.auth = samba_json_auth,
};

/* Samba's log_escape; NULL prints as glibc prints a NULL %s */
static void samba_esc(struct jsonw *o, const char *s)
{

	if (!s) {
		jsonw_cstr(o, "(null)");
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c > 0x1f && c != '\\') {
			jsonw_ch(o, (char)c);
			continue;
		}
		switch (c) {
		case '\\': jsonw_raw(o, "\\\\", 2); break;
		case '\a': jsonw_raw(o, "\\a", 2); break;
		case '\b': jsonw_raw(o, "\\b", 2); break;
		case '\f': jsonw_raw(o, "\\f", 2); break;
		case '\n': jsonw_raw(o, "\\n", 2); break;
		case '\r': jsonw_raw(o, "\\r", 2); break;
		case '\t': jsonw_raw(o, "\\t", 2); break;
		case '\v': jsonw_raw(o, "\\v", 2); break;
		default:
			rep_hex_byte(o, "\\x", c, true);
			break;
		}
	}
}

/* "Thu, 11 Jul 2024 09:12:03.123456 UTC" */
static void samba_time(struct report_writer *w, uint64_t ts_us)
{
	struct jsonw *o = &w->jw;
	const struct tm *t = rep_gmtime(w, ts_us);

	jsonw_cstr(o, rep_wday[t->tm_wday % 7]);
	jsonw_raw(o, ", ", 2);
	jsonw_u64_pad(o, (uint64_t)t->tm_mday, 2);
	jsonw_ch(o, ' ');
	jsonw_cstr(o, rep_month[t->tm_mon % 12]);
	jsonw_ch(o, ' ');
	jsonw_u64_pad(o, (uint64_t)t->tm_year + 1900, 4);
	jsonw_ch(o, ' ');
	jsonw_u64_pad(o, (uint64_t)t->tm_hour, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_min, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_sec, 2);
	jsonw_ch(o, '.');
	jsonw_u64_pad(o, ts_us % 1000000u, 6);
	jsonw_cstr(o, " UTC");
}

static void samba_text_auth(struct report_writer *w, const struct as_auth *a)
{
	struct jsonw *o = &w->jw;

	jsonw_reset(o);
	jsonw_cstr(o, "Auth: [HTTP,");
	samba_esc(o, a->auth_description);
	jsonw_cstr(o, "] user [");
	samba_esc(o, a->domain);
	jsonw_cstr(o, "]\\[");
	samba_esc(o, a->user);
	jsonw_cstr(o, "] at [");
	samba_time(w, a->timestamp_us);
	jsonw_cstr(o, "] with [");
	samba_esc(o, a->password_type);
	jsonw_cstr(o, "] status [");
	samba_esc(o, rep_auth_status(a));
	jsonw_cstr(o, "] workstation [");
	samba_esc(o, a->workstation);
	jsonw_cstr(o, "] remote host [");
	samba_addr(o, a->family, a->cli_ip, a->cli_port);
	jsonw_ch(o, ']');
	jsonw_cstr(o, rep_auth_ok(a) ? " became [" : " mapped to [");
	samba_esc(o, a->domain);
	jsonw_cstr(o, "]\\[");
	samba_esc(o, a->user);
	jsonw_cstr(o, rep_auth_ok(a) ? "] [(NULL SID)]." : "].");
	jsonw_cstr(o, " local host [");
	samba_addr(o, a->family, a->srv_ip, a->srv_port);
	jsonw_cstr(o, "] ");
	rep_flush(w);
}

const struct writer_ops writer_samba_text = {
	.name = "samba-text",
	.auth = samba_text_auth,
};
