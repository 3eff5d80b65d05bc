/*
 * logparse_time.c - reading times the way servers write them.
 *
 * A small strptime: glibc's is locale-dependent, and ours must be safe on
 * any bytes (it is fuzzed), bounded by len, and report the %z offset.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "logparse.h"

static const char *const months[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};
static const char *const wdays[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"
};

int64_t log_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

struct tmread {
	const char *s;
	size_t len, pos;
	int64_t year;
	int mon, mday, yday, hour, min, sec, pm;   /* -1 unset */
	int64_t epoch;
	bool has_epoch, has_tz;
	long tzoff_s;
};

static bool rd_num(struct tmread *r, int maxdig, int64_t *v, bool allow_space)
{
	int n = 0;
	int64_t x = 0;
	if (allow_space)
		while (r->pos < r->len && r->s[r->pos] == ' ' && n < maxdig - 1) {
			r->pos++;
			maxdig--;
		}
	while (r->pos < r->len && n < maxdig && isdigit((unsigned char)r->s[r->pos])) {
		x = x * 10 + (r->s[r->pos] - '0');
		r->pos++;
		n++;
	}
	*v = x;
	return n > 0;
}

static bool rd_int(struct tmread *r, int maxdig, int lo, int hi, int *out)
{
	int64_t v;
	if (!rd_num(r, maxdig, &v, true) || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* a name from a table, full or 3-letter abbreviation, case-insensitive */
static int rd_name(struct tmread *r, const char *const *tab, int n)
{
	size_t left = r->len - r->pos;
	if (left < 3)
		return -1;
	for (int i = 0; i < n; i++) {
		if (strncasecmp(r->s + r->pos, tab[i], 3) != 0)
			continue;
		size_t full = strlen(tab[i]);
		if (left >= full && strncasecmp(r->s + r->pos, tab[i], full) == 0)
			r->pos += full;
		else
			r->pos += 3;
		return i;
	}
	return -1;
}

static bool rd_tz(struct tmread *r)
{
	if (r->pos < r->len && (r->s[r->pos] == 'Z' || r->s[r->pos] == 'z')) {
		r->pos++;
		r->has_tz = true;
		r->tzoff_s = 0;
		return true;
	}
	if (r->pos >= r->len || (r->s[r->pos] != '+' && r->s[r->pos] != '-'))
		return false;
	int sign = r->s[r->pos] == '-' ? -1 : 1;
	r->pos++;
	int64_t hh, mm = 0;
	size_t p0 = r->pos;
	if (!rd_num(r, 2, &hh, false) || r->pos - p0 != 2)
		return false;
	if (r->pos < r->len && r->s[r->pos] == ':')
		r->pos++;
	p0 = r->pos;
	if (rd_num(r, 2, &mm, false) && r->pos - p0 != 2)
		return false;
	if (hh > 14 || mm > 59)
		return false;
	r->has_tz = true;
	r->tzoff_s = sign * (long)(hh * 3600 + mm * 60);
	return true;
}

static bool conv(struct tmread *r, char c);

static bool conv_seq(struct tmread *r, const char *seq)
{
	for (; *seq; seq++) {
		if (*seq == '%') {
			seq++;
			if (!*seq || !conv(r, *seq))
				return false;
		} else if (r->pos < r->len && r->s[r->pos] == *seq) {
			r->pos++;
		} else {
			return false;
		}
	}
	return true;
}

static bool conv(struct tmread *r, char c)
{
	int64_t v;
	int i;
	switch (c) {
	case 'Y':
		if (!rd_num(r, 4, &v, false) || v < 1900)
			return false;
		r->year = v;
		return true;
	case 'y':
		if (!rd_num(r, 2, &v, false))
			return false;
		r->year = v < 69 ? 2000 + v : 1900 + v;
		return true;
	case 'm':
		if (!rd_int(r, 2, 1, 12, &i))
			return false;
		r->mon = i - 1;
		return true;
	case 'd': case 'e':
		return rd_int(r, 2, 1, 31, &r->mday);
	case 'j':
		if (!rd_int(r, 3, 1, 366, &i))
			return false;
		r->yday = i - 1;
		return true;
	case 'H': case 'k':
		return rd_int(r, 2, 0, 23, &r->hour);
	case 'I': case 'l':
		if (!rd_int(r, 2, 1, 12, &i))
			return false;
		r->hour = i % 12;
		return true;
	case 'M':
		return rd_int(r, 2, 0, 59, &r->min);
	case 'S':
		return rd_int(r, 2, 0, 60, &r->sec);
	case 'p': case 'P':
		if (r->len - r->pos >= 2 && strncasecmp(r->s + r->pos, "am", 2) == 0)
			r->pm = 0;
		else if (r->len - r->pos >= 2 && strncasecmp(r->s + r->pos, "pm", 2) == 0)
			r->pm = 1;
		else
			return false;
		r->pos += 2;
		return true;
	case 'b': case 'B': case 'h':
		i = rd_name(r, months, 12);
		if (i < 0)
			return false;
		r->mon = i;
		return true;
	case 'a': case 'A':
		return rd_name(r, wdays, 7) >= 0;
	case 'z':
		return rd_tz(r);
	case 'Z':
		/* names like UTC, GMT, CET: only UTC/GMT/Z have a known offset */
		{
			size_t p0 = r->pos;
			while (r->pos < r->len && isalpha((unsigned char)r->s[r->pos]))
				r->pos++;
			if (r->pos == p0)
				return false;
			size_t n = r->pos - p0;
			if ((n == 3 && (strncasecmp(r->s + p0, "UTC", 3) == 0 ||
					strncasecmp(r->s + p0, "GMT", 3) == 0)) ||
			    (n == 1 && r->s[p0] == 'Z')) {
				r->has_tz = true;
				r->tzoff_s = 0;
			}
			return true;
		}
	case 's':
		if (!rd_num(r, 12, &v, false))
			return false;
		r->epoch = v;
		r->has_epoch = true;
		return true;
	case 'T':
		return conv_seq(r, "%H:%M:%S");
	case 'D':
		return conv_seq(r, "%m/%d/%y");
	case 'F':
		return conv_seq(r, "%Y-%m-%d");
	case 'R':
		return conv_seq(r, "%H:%M");
	case 'c':
		return conv_seq(r, "%a %b %e %H:%M:%S %Y");
	case 'n': case 't':
		while (r->pos < r->len && isspace((unsigned char)r->s[r->pos]))
			r->pos++;
		return true;
	case '%':
		if (r->pos < r->len && r->s[r->pos] == '%') {
			r->pos++;
			return true;
		}
		return false;
	default:
		return false;   /* a conversion we do not read */
	}
}

long log_strptime(const char *s, size_t len, const char *fmt, int64_t *t_us,
		  unsigned *flags, uint32_t *res_us)
{
	struct tmread r = { .s = s, .len = len, .year = -1, .mon = -1,
			    .mday = -1, .yday = -1, .hour = -1, .min = -1,
			    .sec = -1, .pm = -1 };
	for (const char *f = fmt; *f; f++) {
		if (*f == '%') {
			f++;
			if (*f == 'E' || *f == 'O')   /* alternative forms: same digits */
				f++;
			if (!*f || !conv(&r, *f))
				return -1;
		} else if (isspace((unsigned char)*f)) {
			while (r.pos < r.len && isspace((unsigned char)r.s[r.pos]))
				r.pos++;
		} else {
			if (r.pos >= r.len || r.s[r.pos] != *f)
				return -1;
			r.pos++;
		}
	}
	unsigned fl = 0;
	int64_t t;
	if (r.has_epoch) {
		t = r.epoch;
	} else {
		int64_t days;
		int hour = r.hour < 0 ? 0 : r.hour;
		if (r.pm == 1)
			hour += 12;
		if (r.year < 0)
			fl |= LE_YEAR_UNKNOWN;
		int64_t year = r.year < 0 ? 1970 : r.year;
		if (r.mon >= 0 && r.mday > 0) {
			days = log_days_from_civil(year, (unsigned)r.mon + 1, (unsigned)r.mday);
		} else if (r.yday >= 0) {
			days = log_days_from_civil(year, 1, 1) + r.yday;
		} else {
			days = 0;
			fl |= LE_DATE_UNKNOWN;
		}
		t = days * 86400 + hour * 3600 + (r.min < 0 ? 0 : r.min) * 60 +
		    (r.sec < 0 ? 0 : r.sec);
		if (r.has_tz)
			t -= r.tzoff_s;
	}
	*t_us = t * 1000000;
	if (flags)
		*flags |= fl;
	if (res_us)
		*res_us = 1000000;
	return (long)r.pos;
}
