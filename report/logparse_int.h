/*
 * logparse_int.h - what the logparse*.c files share; not an API.
 */
#ifndef AUTHSCOPE_LOGPARSE_INT_H
#define AUTHSCOPE_LOGPARSE_INT_H

#include "logparse.h"

#define LP_MAX_LINE      (256 * 1024)   /* longer lines are reported bad */
#define LP_MAX_FIELDS    128
#define LP_MAX_ITEMS     96

/* a compiled Apache LogFormat / Squid logformat */
struct fmt_item;
struct fmt {
	struct fmt_item *items;
	int n;
	bool squid;
	bool has_end_time;     /* times are taken at the end of the request */
};

struct logparse {
	enum log_format fmt;
	bool fixed;                   /* the caller named the format */
	bool proxy;                   /* W3C: a ProxySG ELFF log */
	struct fmt *lf;               /* apache/squid compiled format */
	struct fmt *auto_fmts[4];     /* auto: combined, common, vhost_combined */
	int w3c_fields[LP_MAX_FIELDS];
	int w3c_n;
	/* scratch for the current entry's strings; reset per entry */
	char *sb;
	size_t sb_cap, sb_used;
	/* gate entries span lines */
	char *pend;
	size_t pend_len, pend_cap;
	uint32_t pend_line;
	/* dateless formats */
	bool has_hint;
	int64_t last_us;
};

/* scratch buffer: copies valid until the next entry; NULL when full */
void lp_sb_reset(struct logparse *lp, size_t need);
char *lp_sb_put(struct logparse *lp, const char *s, size_t n);
char *lp_sb_put2(struct logparse *lp, const char *a, size_t alen,
		 const char *b, size_t blen);
char *lp_sb_unesc(struct logparse *lp, const char *s, size_t n); /* \" \\ \xhh */
char *lp_sb_pct(struct logparse *lp, const char *s, size_t n);   /* %xx */
/* "-" and "" are "absent" */
const char *lp_dash_null(const char *s);

bool lp_parse_ip(const char *s, size_t n, int *family, uint8_t ip[16]);
/* "1.2.3.4:80", "[::1]:80", "ipv4:1.2.3.4:80", "ipv6:::1:80", bare ip */
bool lp_parse_ip_port(const char *s, size_t n, int *family, uint8_t ip[16],
		      uint16_t *port);
bool lp_parse_uint(const char *s, size_t n, uint64_t *v);
/* "GET /x HTTP/1.1" into method and url */
void lp_request_line(struct logparse *lp, const char *s, size_t n,
		     struct log_entry *e);
void lp_entry_init(struct log_entry *e, enum log_format f, uint32_t line);

struct fmt *lp_fmt_compile(const char *spec, bool squid, char *err, size_t errlen);
void lp_fmt_free(struct fmt *f);
bool lp_fmt_parse(struct logparse *lp, const struct fmt *f, const char *s,
		  size_t n, struct log_entry *e, char *why, size_t whylen);

#endif
