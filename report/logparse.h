/*
 * logparse.h - server log lines in, struct log_entry out.
 *
 * One parser per log file.  It understands W3C extended logs driven by
 * their #Fields line (IIS, ProxySG ELFF), Apache/nginx common and combined
 * and any Apache LogFormat string ("apache:%h %l %u %t ..."), Squid native
 * and any Squid logformat string ("squid:%ts.%03tu ..."), the ProxySG
 * default layout (seed 000), Kemp ESP user log (seed 002), Samba auth
 * events as JSON and as the human-readable "Auth:" line (seed 003), and the
 * Arbortext gate audit "key='value'" entry (seed 004).
 *
 * What a caller may rely on:
 *  - logparse_line never reads outside [line, line+len), never aborts,
 *    and accepts any bytes (NUL included); a line that is not a log entry
 *    of the format gives LP_BAD with a short reason, and the parser keeps
 *    going with the next line (one bad line never stops a run);
 *  - strings in the entry are NUL-terminated, escaping of the format undone
 *    (W3C '+' for space and '-' for empty, Apache's \" \\ \xhh, Squid's
 *    %xx), NULL when the log does not carry the field or logs it empty;
 *    they stay valid until the next logparse_line/logparse_flush call on
 *    the same parser;
 *  - W3C #Fields may change in the middle of a file (IIS restarts): each
 *    block is read with its own fields;
 *  - time_us is UTC microseconds since the epoch; LE_DATE_UNKNOWN /
 *    LE_YEAR_UNKNOWN say when the log gave no date (gate) or no year
 *    (syslog prefix): logparse_set_date_hint() supplies one.
 */
#ifndef AUTHSCOPE_LOGPARSE_H
#define AUTHSCOPE_LOGPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum log_format {
	LOGF_AUTO = 0,
	LOGF_W3C,          /* IIS, ProxySG ELFF: #Fields */
	LOGF_APACHE,       /* LogFormat string, common, combined */
	LOGF_SQUID,        /* logformat string, squid native */
	LOGF_PROXYSG,      /* seed 000 default layout */
	LOGF_KEMP,         /* seed 002 user log */
	LOGF_SAMBA_JSON,   /* seed 003 JSON Authentication event */
	LOGF_SAMBA_TEXT,   /* seed 003 "Auth: [...]" line */
	LOGF_GATE,         /* seed 004 key='value' entry */
	LOGF__COUNT
};

enum log_kind {
	LOG_KIND_REQUEST = 0,   /* one HTTP request */
	LOG_KIND_AUTH = 1,      /* one authentication event (Samba, Kemp logon) */
};

/* entry flags */
#define LE_TIME_END      0x0001u  /* time taken when the request ended */
#define LE_DATE_UNKNOWN  0x0002u  /* time of day only */
#define LE_YEAR_UNKNOWN  0x0004u  /* month and day, no year */
#define LE_PROXY         0x0008u  /* forward-proxy log: client-to-proxy leg */
#define LE_HAS_CLI       0x0010u  /* cli_ip valid */
#define LE_HAS_SRV       0x0020u  /* srv_ip valid */
#define LE_AUTH_FAILED   0x0040u  /* auth event: the logon failed */
#define LE_NO_TIME       0x0080u  /* the line carried no usable time */
#define LE_USER_ONLY     0x0100u  /* the log has lines only for requests with a user (Kemp) */

struct log_entry {
	int64_t time_us;
	int64_t duration_us;        /* -1 unknown */
	uint32_t res_us;            /* resolution of time_us: 1000000 whole seconds */
	uint16_t flags;             /* LE_* */
	uint8_t kind;               /* enum log_kind */
	uint8_t format;             /* enum log_format that read it */
	int family;                 /* AF_INET / AF_INET6 of cli_ip, 0 none */
	int srv_family;
	uint8_t cli_ip[16], srv_ip[16];
	uint16_t cli_port, srv_port;   /* 0 unknown */
	int status;                 /* HTTP status, -1 unknown */
	const char *method;
	const char *url;            /* as logged: path?query, absolute, authority */
	const char *user;           /* NULL for '-' or empty */
	const char *vhost;          /* %v / %V / s-sitename / cs-host */
	const char *action;         /* Squid %Ss / ProxySG s-action, NT status... */
	uint32_t line;              /* 1-based line number in its file */
};

enum lp_result { LP_BAD = -1, LP_NONE = 0, LP_ENTRY = 1 };

struct logparse;

/*
 * spec: NULL, "" or "auto" (detect from the first lines), a format name
 * ("w3c", "iis", "elff", "apache", "common", "combined", "nginx", "squid",
 * "proxysg", "kemp", "samba-json", "samba-text", "gate"), or
 * "apache:<LogFormat>" / "squid:<logformat>".  NULL with a message in err
 * when the spec is bad (unknown name, unknown directive).
 */
struct logparse *logparse_new(const char *spec, char *err, size_t errlen);
void logparse_free(struct logparse *lp);

/*
 * Feed one line (without its newline; a trailing CR is ignored).  lineno
 * is reported back in the entry.  LP_ENTRY: *out filled.  LP_NONE: a
 * header, comment or continuation line.  LP_BAD: why holds a reason.
 * Formats whose entries span lines (gate) give the entry when the next
 * one starts, or at logparse_flush.
 */
enum lp_result logparse_line(struct logparse *lp, const char *line, size_t len,
			     uint32_t lineno, struct log_entry *out,
			     char *why, size_t whylen);
enum lp_result logparse_flush(struct logparse *lp, struct log_entry *out,
			      char *why, size_t whylen);

/* the format in use: LOGF_AUTO until detection decided */
enum log_format logparse_format(const struct logparse *lp);
const char *logparse_format_name(enum log_format f);
/* a UTC time inside the period the log covers, for dateless formats */
void logparse_set_date_hint(struct logparse *lp, int64_t time_us);

/* fuzzing/tests: run a whole buffer through a parser made from spec;
   returns the number of entries */
size_t logparse_buffer(const char *spec, const uint8_t *data, size_t len);

/*
 * Names of identities.  log_user_split: "DOM\user", "user@REALM", "user"
 * into user and domain parts (pointers into s, lengths).
 */
void log_user_split(const char *s, const char **user, size_t *ulen,
		    const char **dom, size_t *dlen);

/*
 * A small strftime-format reader shared by the Apache %{fmt}t and Squid
 * %{fmt}tl parsers: reads s against fmt, sets *t_us (UTC, the %z offset
 * applied when present) and returns the number of bytes of s used, or -1.
 * *flags gets LE_YEAR_UNKNOWN / LE_DATE_UNKNOWN when fmt has no year/date.
 */
long log_strptime(const char *s, size_t len, const char *fmt, int64_t *t_us,
		  unsigned *flags, uint32_t *res_us);

/* days since 1970-01-01 of a civil date (proleptic Gregorian) */
int64_t log_days_from_civil(int64_t y, unsigned m, unsigned d);

/* string interning with arena storage (used for compact per-record copies) */
struct strpool;
struct strpool *strpool_new(void);
const char *strpool_add(struct strpool *p, const char *s, size_t len);
const char *strpool_str(struct strpool *p, const char *s);   /* NULL stays NULL */
size_t strpool_bytes(const struct strpool *p);
/* the strings stay, the lookup table goes (memory back once all are in);
   later adds still work, without sharing with the strings from before */
void strpool_seal(struct strpool *p);
void strpool_free(struct strpool *p);

#endif
