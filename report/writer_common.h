/*
 * writer_common.h - what report.c shares with the writer_*.c files.
 * Internal to report/: callers use report.h.
 */
#ifndef AUTHSCOPE_WRITER_COMMON_H
#define AUTHSCOPE_WRITER_COMMON_H

#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#include "report.h"
#include "jsonw.h"

#define W3C_FIELDS_MAX 64
#define REP_IP_MAX 48          /* INET6_ADDRSTRLEN and then some */
#define REP_IP_CACHE_BITS 10   /* 1024 address texts */
#define REP_IP_CACHE (1 << REP_IP_CACHE_BITS)

struct report_writer;

struct writer_ops {
	const char *name;
	bool spaced_json;      /* jansson-like ", " / ": " separators */
	/* 0 ok, -1 with a message in err (bad options) */
	int (*open)(struct report_writer *w, char *err, size_t errlen);
	void (*http)(struct report_writer *w, const struct as_http *r);
	void (*auth)(struct report_writer *w, const struct as_auth *a);
	bool takes_raw_json;
	int variant;           /* a format's flavour (combined: %b or %O) */
};

struct report_writer {
	const struct writer_ops *ops;
	FILE *out;
	struct report_opts opts;
	struct jsonw jw;        /* the line being built */
	struct jsonw scratch;   /* small compositions (user forms) */
	bool header_done;       /* w3c / proxysg #-lines written to out */

	/* gmtime cache: records arrive in roughly time order */
	time_t tm_sec;
	struct tm tm;
	bool tm_valid;
	/* rep_iso_time's "YYYY-MM-DDTHH:MM:SS." for iso_of (same second) */
	char iso[20];
	time_t iso_of;
	bool iso_valid;

	struct report_counts counts;
	/* whole lines kept in jw until batch_bytes are there (0: each line
	   at once); how many, to count them when written */
	size_t batch_bytes;
	uint64_t batch_lines;

	/* address texts by address bytes (rep_put_ip): every transaction of
	   a connection prints the same two */
	struct rep_ip_text {
		uint64_t ip[2];      /* the bytes; IPv4: 4, then zeros */
		bool v6;
		uint8_t len;         /* 0: empty slot */
		char text[REP_IP_MAX];
	} ip_cache[REP_IP_CACHE];

	/* w3c: chosen fields */
	int w3c_fields[W3C_FIELDS_MAX];
	int w3c_nfields;
};

extern const struct writer_ops writer_json, writer_w3c, writer_proxysg,
	writer_squid, writer_combined, writer_combined_debian,
	writer_samba_json, writer_samba_text,
	writer_kemp, writer_gate;

/* end the line built in w->jw; it is written (and counted) with the
   lines before it once w->batch_bytes are waiting */
void rep_flush(struct report_writer *w);

/* UTC broken-down time of ts_us (cached per second) */
const struct tm *rep_gmtime(struct report_writer *w, uint64_t ts_us);
extern const char *const rep_month[12];
extern const char *const rep_wday[7];

/* text form of an address (inet_ntop: IPv6 compressed) */
void rep_ip(char out[REP_IP_MAX], int family, const uint8_t *ip);

/* rep_ip's text at p (room REP_IP_MAX), from a cache; returns the end */
char *rep_put_ip(struct report_writer *w, char *p, int family, const uint8_t *ip);

/* "2024-07-11T09:12:03.123456" + suffix ("Z", "+0000") */
void rep_iso_time(struct report_writer *w, uint64_t ts_us, const char *suffix);
/* the same without a suffix at p (room REP_ISO_LEN); returns the end */
#define REP_ISO_LEN 26
char *rep_put_iso(struct report_writer *w, char *p, uint64_t ts_us);
/* "10/Oct/2000:13:55:36 +0000" (Apache %t without the brackets) */
void rep_clf_time(struct report_writer *w, uint64_t ts_us);

/* when the server logged it: the response's last byte (IIS, Squid and
   ProxySG write the entry at completion), the request's first byte when
   no response was seen or the clock went backwards */
uint64_t rep_end_ts_us(const struct http_tx *tx);

/* milliseconds from the request's first byte to the response's last
   byte; -1 when no response was seen */
int64_t rep_time_taken_ms(const struct http_tx *tx);

/*
 * The identity a server of the usual kind would log for this request,
 * or false for '-': no user; challenge legs and requests answered 401/407
 * without credentials; failed Windows (NTLM / Negotiate) logons, which
 * IIS, ProxySG and mod_auth_* log without a user.  A failed Basic/Digest
 * logon keeps the name the client typed, as Apache does.
 */
bool rep_user_logged(const struct as_http *r);

enum rep_ident_style {
	REP_IDENT_WINDOWS,    /* DOMAIN\user for NTLM and Kerberos (IIS, ProxySG) */
	REP_IDENT_UNIX,       /* user@REALM for Kerberos, DOMAIN\user for NTLM */
};
/* the user name in a server's form, NUL-terminated, in w->scratch;
   NULL when there is no user.  Basic and Digest (mech NULL) names are
   written as sent: the Digest realm is not a domain */
const char *rep_ident(struct report_writer *w, const char *user,
		      const char *domain, const char *mech,
		      enum rep_ident_style style);

/* "http://host/path" for an origin-form URL, the URL as sent otherwise */
void rep_abs_url(struct jsonw *o, const struct http_tx *tx,
		 void (*esc)(struct jsonw *, const char *, size_t));

/* the handshake's outcome: a->status when set, else from a->result
   (NT_STATUS_OK / NT_STATUS_LOGON_FAILURE) */
bool rep_auth_ok(const struct as_auth *a);
const char *rep_auth_status(const struct as_auth *a);

/* true when s is NULL or "" */
/* byte c as prefix and two hex digits ("%4A", "\\x4a") */
void rep_hex_byte(struct jsonw *o, const char *prefix, unsigned char c, bool upper);

/* text between quote marks (Kemp's '"', gate's '\''): controls, DEL, the
   quote and bytes of ill-formed UTF-8 as %XX; valid UTF-8 kept */
void rep_pct_quoted(struct jsonw *o, const char *s, size_t n, char quote);

static inline bool rep_empty(const char *s)
{
	return !s || !*s;
}

#endif
