/* krbtkt.c - see krbtkt.h */
#include "ntlm/krbtkt.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <krb5/krb5.h>

#include "capture/rd.h"
#include "ntlm/der.h"
#include "ntlm/utf.h"

/* a keytab larger than this is not a keytab anyone exported */
#define KT_MAX_FILE_BYTES (64u << 20)
#define KT_MAX_KEY_BYTES 64u
/* AP-REQ ap-options bit 1 (RFC 4120 5.5.1): ticket sealed in a TGT key */
#define AP_OPT_USE_SESSION_KEY 0x40000000u

struct kt_key {
	krb5_principal princ;
	char *name;            /* unparsed principal, for details */
	krb5_kvno kvno;
	krb5_keyblock key;     /* contents zeroed at close */
	krb5_key kkey;         /* the same key, with libkrb5's derived-key
				  cache: halves the cost of a ticket */
};

struct krbtkt {
	krb5_context ctx;
	pthread_mutex_t mu;
	struct kt_key *keys;
	size_t n, cap;
};

/* ---- keytab files ------------------------------------------------------ */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* whole file in memory; NULL with errno-based message */
static uint8_t *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;

	if (!f) {
		set_err(err, errlen, "keytab %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		set_err(err, errlen, "keytab %s: not a regular file", path);
		fclose(f);
		return NULL;
	}
	if ((uint64_t)st.st_size > KT_MAX_FILE_BYTES) {
		set_err(err, errlen, "keytab %s: larger than %u bytes", path, KT_MAX_FILE_BYTES);
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		set_err(err, errlen, "keytab %s: %s", path, buf ? "short read" : "out of memory");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

/* counted string of the keytab format: 16-bit big-endian length + bytes */
static void kt_skip_counted(struct rd *r)
{
	rd_skip(r, rd_be16(r));
}

/* one v2 entry (the bytes after its size field); false when malformed */
static bool kt_check_entry(struct rd e)
{
	uint16_t ncomp = rd_be16(&e), i, keylen;

	kt_skip_counted(&e);                 /* realm */
	for (i = 0; i < ncomp; i++)
		kt_skip_counted(&e);
	rd_skip(&e, 4 + 4 + 1);              /* name type, timestamp, vno8 */
	(void)rd_be16(&e);                   /* enctype */
	keylen = rd_be16(&e);
	rd_skip(&e, keylen);
	/* then an optional 32-bit kvno and, from newer writers, padding */
	return rd_ok(&e) && ncomp > 0 && keylen > 0 && keylen <= KT_MAX_KEY_BYTES;
}

/*
 * libkrb5's FILE keytab reader stops quietly at the first short or
 * nonsensical record, so a truncated or damaged keytab would load as a
 * smaller one.  Walk the records ourselves first; returns the number of
 * entries, or -1 with err set.
 */
static long kt_check_file(const char *path, const uint8_t *buf, size_t len,
			  char *err, size_t errlen)
{
	struct rd r = rd_init(buf, len);
	long entries = 0;
	uint8_t vno_hi = rd_u8(&r), vno_lo = rd_u8(&r);

	if (!rd_ok(&r) || vno_hi != 5 || (vno_lo != 1 && vno_lo != 2)) {
		set_err(err, errlen, "keytab %s: not a keytab file (bad version header)", path);
		return -1;
	}
	if (vno_lo == 1)
		return 0;   /* host byte order, pre-1995: leave it to libkrb5 */
	while (rd_left(&r) > 0) {
		size_t at = rd_pos(&r);
		int32_t size = (int32_t)rd_be32(&r);
		if (!rd_ok(&r)) {
			set_err(err, errlen, "keytab %s: truncated at byte %zu", path, at);
			return -1;
		}
		if (size == 0)
			break;   /* end marker, as libkrb5 reads it */
		if (size == INT32_MIN) {
			set_err(err, errlen, "keytab %s: corrupt record size at byte %zu", path, at);
			return -1;
		}
		if (size < 0) {
			rd_skip(&r, (size_t)-(int64_t)size);   /* deleted entry */
		} else {
			struct rd e = rd_take(&r, (size_t)size);
			if (rd_ok(&r) && !kt_check_entry(e)) {
				set_err(err, errlen, "keytab %s: corrupt entry at byte %zu", path, at);
				return -1;
			}
			entries++;
		}
		if (!rd_ok(&r)) {
			set_err(err, errlen, "keytab %s: truncated record at byte %zu", path, at);
			return -1;
		}
	}
	return entries;
}

static void set_krb_err(krb5_context ctx, krb5_error_code rc, const char *path,
			char *err, size_t errlen)
{
	const char *m = krb5_get_error_message(ctx, rc);

	set_err(err, errlen, "keytab %s: %s", path, m ? m : "error");
	krb5_free_error_message(ctx, m);
}

static bool keys_push(struct krbtkt *k, krb5_keytab_entry *ent)
{
	struct kt_key *kk;

	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		struct kt_key *nk = realloc(k->keys, cap * sizeof *nk);
		if (!nk)
			return false;
		k->keys = nk;
		k->cap = cap;
	}
	kk = &k->keys[k->n];
	memset(kk, 0, sizeof *kk);
	if (krb5_copy_principal(k->ctx, ent->principal, &kk->princ) != 0)
		return false;
	if (krb5_unparse_name(k->ctx, kk->princ, &kk->name) != 0 ||
	    krb5_copy_keyblock_contents(k->ctx, &ent->key, &kk->key) != 0 ||
	    krb5_k_create_key(k->ctx, &kk->key, &kk->kkey) != 0) {
		krb5_free_keyblock_contents(k->ctx, &kk->key);
		krb5_free_unparsed_name(k->ctx, kk->name);
		krb5_free_principal(k->ctx, kk->princ);
		return false;
	}
	kk->kvno = ent->vno;
	k->n++;
	return true;
}

static bool kt_load(struct krbtkt *k, const char *path, char *err, size_t errlen)
{
	char name[4096 + 8];
	krb5_keytab kt;
	krb5_kt_cursor cur;
	krb5_keytab_entry ent;
	krb5_error_code rc;
	size_t before = k->n;
	size_t len = 0;
	uint8_t *buf = slurp(path, &len, err, errlen);
	long expect;

	if (!buf)
		return false;
	expect = kt_check_file(path, buf, len, err, errlen);
	free(buf);
	if (expect < 0)
		return false;
	if (snprintf(name, sizeof name, "FILE:%s", path) >= (int)sizeof name) {
		set_err(err, errlen, "keytab %s: path too long", path);
		return false;
	}
	if ((rc = krb5_kt_resolve(k->ctx, name, &kt)) != 0) {
		set_krb_err(k->ctx, rc, path, err, errlen);
		return false;
	}
	if ((rc = krb5_kt_start_seq_get(k->ctx, kt, &cur)) != 0) {
		set_krb_err(k->ctx, rc, path, err, errlen);
		krb5_kt_close(k->ctx, kt);
		return false;
	}
	while ((rc = krb5_kt_next_entry(k->ctx, kt, &ent, &cur)) == 0) {
		bool ok = keys_push(k, &ent);
		krb5_free_keytab_entry_contents(k->ctx, &ent);
		if (!ok) {
			rc = ENOMEM;
			break;
		}
	}
	krb5_kt_end_seq_get(k->ctx, kt, &cur);
	krb5_kt_close(k->ctx, kt);
	if (rc != KRB5_KT_END) {
		set_krb_err(k->ctx, rc, path, err, errlen);
		return false;
	}
	if (k->n == before) {
		set_err(err, errlen, "keytab %s: no keys in it", path);
		return false;
	}
	if (expect > 0 && (long)(k->n - before) != expect) {
		set_err(err, errlen, "keytab %s: libkrb5 read %zu of %ld entries (corrupt?)",
			path, k->n - before, expect);
		return false;
	}
	return true;
}

struct krbtkt *krbtkt_open(const char *const *keytab_paths, int n, char *err, size_t errlen)
{
	struct krbtkt *k = calloc(1, sizeof *k);
	krb5_error_code rc;
	int i;

	set_err(err, errlen, "%s", "");
	if (!k) {
		set_err(err, errlen, "keytab: out of memory");
		return NULL;
	}
	if ((rc = krb5_init_context(&k->ctx)) != 0) {
		const char *m = krb5_get_error_message(NULL, rc);
		set_err(err, errlen, "keytab: krb5_init_context: %s", m ? m : "failed");
		krb5_free_error_message(NULL, m);
		free(k);
		return NULL;
	}
	pthread_mutex_init(&k->mu, NULL);
	if (n <= 0 || !keytab_paths)
		set_err(err, errlen, "keytab: none given");
	for (i = 0; i < n && keytab_paths; i++) {
		if (!kt_load(k, keytab_paths[i], err, errlen)) {
			krbtkt_close(k);
			return NULL;
		}
	}
	if (n <= 0 || !keytab_paths) {
		krbtkt_close(k);
		return NULL;
	}
	return k;
}

void krbtkt_close(struct krbtkt *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->n; i++) {
		krb5_free_keyblock_contents(k->ctx, &k->keys[i].key);   /* zeroes */
		krb5_k_free_key(k->ctx, k->keys[i].kkey);
		krb5_free_principal(k->ctx, k->keys[i].princ);
		krb5_free_unparsed_name(k->ctx, k->keys[i].name);
	}
	free(k->keys);
	pthread_mutex_destroy(&k->mu);
	krb5_free_context(k->ctx);
	free(k);
}

size_t krbtkt_key_count(const struct krbtkt *k)
{
	return k ? k->n : 0;
}

const char *krbtkt_check_times(const struct krb_info *ki, int64_t seen_s, int skew_s)
{
	int64_t start;

	if (!ki || !ki->client)
		return NULL;   /* nothing decrypted: no times to judge */
	start = ki->tkt_starttime ? ki->tkt_starttime : ki->tkt_authtime;
	/* rd_req checks the authenticator first, then the ticket's window */
	if (ki->authenticator_client && ki->auth_ctime &&
	    (ki->auth_ctime > seen_s + skew_s || ki->auth_ctime < seen_s - skew_s))
		return "krb_clock_skew";
	if (start && start - skew_s > seen_s)
		return "krb_ticket_not_yet_valid";
	if (ki->tkt_endtime && seen_s - skew_s > ki->tkt_endtime)
		return "krb_ticket_expired";
	return NULL;
}

void krbtkt_info_free(struct krb_info *ki)
{
	free(ki->client);
	free(ki->client_realm);
	free(ki->decrypt_detail);
	free(ki->authenticator_client);
	free(ki->authenticator_realm);
	ki->client = ki->client_realm = ki->decrypt_detail = NULL;
	ki->authenticator_client = ki->authenticator_realm = NULL;
	ki->decrypt_anomaly = NULL;
	ki->tkt_flags = 0;
	ki->tkt_authtime = ki->tkt_starttime = ki->tkt_endtime = 0;
	ki->auth_ctime = 0;
	ki->auth_cusec = 0;
}

/* ---- DER pieces of RFC 4120 ---------------------------------------------- */

/* the parts of an AP-REQ this module needs, as views into the caller's bytes */
struct apreq {
	uint32_t ap_options;
	struct rd ticket;      /* the whole Ticket [APPLICATION 1] element */
	int32_t auth_etype;
	struct rd auth_cipher;
};

/* the client as a Kerberos structure carries it (EncTicketPart, Authenticator) */
struct kname {
	struct rd realm;       /* KerberosString contents */
	struct rd names;       /* contents of name-string's SEQUENCE OF */
};

static bool der_open(struct rd *r, enum der_class cls, uint32_t tag, struct rd *val)
{
	struct der_tlv t;

	if (der_next(r, &t) || !der_is(&t, cls, tag) || !t.constructed)
		return false;
	*val = t.val;
	return true;
}

/* contents of a universal-type element that fills a context tag's value */
static bool der_inner(struct rd v, uint32_t tag, struct rd *out)
{
	struct der_tlv t;

	if (der_next(&v, &t) || !der_is(&t, DER_UNIVERSAL, tag))
		return false;
	*out = t.val;
	return true;
}

static bool der_int32(struct rd v, int32_t *out)
{
	struct rd c;
	int64_t x;

	if (!der_inner(v, DER_INTEGER, &c) || !der_int(c, &x) || x < INT32_MIN || x > UINT32_MAX)
		return false;
	*out = (int32_t)x;
	return true;
}

/* KerberosString: GeneralString in RFC 4120, UTF8String from some writers */
static bool der_kstring(struct rd v, struct rd *out)
{
	struct der_tlv t;

	if (der_next(&v, &t) || t.cls != DER_UNIVERSAL || t.constructed ||
	    (t.tag != DER_GENERAL_STRING && t.tag != 0x0c && t.tag != 0x16))
		return false;
	*out = t.val;
	return true;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* KerberosTime: GeneralizedTime "YYYYMMDDHHMMSSZ" -> Unix seconds */
static bool der_ktime(struct rd v, int64_t *out)
{
	struct rd c;
	const uint8_t *p;
	int f[6], i, w[6] = { 4, 2, 2, 2, 2, 2 }, o = 0;

	if (!der_inner(v, 0x18, &c) || rd_left(&c) != 15 || !(p = rd_bytes(&c, 15)) || p[14] != 'Z')
		return false;
	for (i = 0; i < 6; i++) {
		int j;
		f[i] = 0;
		for (j = 0; j < w[i]; j++, o++) {
			if (p[o] < '0' || p[o] > '9')
				return false;
			f[i] = f[i] * 10 + (p[o] - '0');
		}
	}
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
		return false;
	*out = days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60 + f[5];
	return true;
}

/* PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF } */
static bool der_pname(struct rd v, struct rd *names)
{
	struct rd seq, f;
	struct der_tlv t;
	bool have = false;

	if (!der_open(&v, DER_UNIVERSAL, DER_SEQUENCE, &seq))
		return false;
	while (rd_left(&seq) > 0) {
		if (der_next(&seq, &t) || t.cls != DER_CONTEXT)
			return false;
		if (t.tag == 1) {
			f = t.val;
			if (!der_open(&f, DER_UNIVERSAL, DER_SEQUENCE, names))
				return false;
			have = true;
		}
	}
	return have && rd_left(names) > 0;
}

/*
 * A SEQUENCE of context-tagged fields of which two matter: an Int32 and an
 * OCTET STRING (EncryptedData: etype [0], cipher [2]; EncryptionKey:
 * keytype [0], keyvalue [1]).  Other fields (kvno) are skipped.
 */
static bool der_int_and_octets(struct rd v, unsigned int_tag, unsigned oct_tag,
			       int32_t *num, struct rd *octets)
{
	struct rd seq;
	struct der_tlv t;
	bool have_n = false, have_o = false;

	if (!der_open(&v, DER_UNIVERSAL, DER_SEQUENCE, &seq))
		return false;
	while (rd_left(&seq) > 0) {
		if (der_next(&seq, &t) || t.cls != DER_CONTEXT)
			return false;
		if (t.tag == int_tag)
			have_n = der_int32(t.val, num);
		else if (t.tag == oct_tag)
			have_o = der_inner(t.val, DER_OCTET_STRING, octets);
	}
	return have_n && have_o;
}

/* EncryptedData ::= SEQUENCE { etype [0], kvno [1] OPTIONAL, cipher [2] } */
static bool der_encdata(struct rd v, int32_t *etype, struct rd *cipher)
{
	return der_int_and_octets(v, 0, 2, etype, cipher);
}

static bool apreq_parse(const uint8_t *p, size_t n, struct apreq *a)
{
	struct rd r = rd_init(p, n), app, seq;
	struct der_tlv t, tk;
	bool have_t = false, have_a = false;

	memset(a, 0, sizeof *a);
	if (!der_open(&r, DER_APPLICATION, 14, &app) || !der_open(&app, DER_UNIVERSAL, DER_SEQUENCE, &seq))
		return false;
	while (rd_left(&seq) > 0) {
		if (der_next(&seq, &t) || t.cls != DER_CONTEXT)
			return false;
		if (t.tag == 2) {
			struct rd bits;
			if (!der_inner(t.val, DER_BIT_STRING, &bits) || !der_bits32(bits, &a->ap_options))
				return false;
		} else if (t.tag == 3) {
			if (der_next(&t.val, &tk) || !der_is(&tk, DER_APPLICATION, 1))
				return false;
			a->ticket = tk.whole;
			have_t = true;
		} else if (t.tag == 4) {
			have_a = der_encdata(t.val, &a->auth_etype, &a->auth_cipher);
		}
	}
	return have_t && have_a;
}

/*
 * The parts of EncTicketPart / Authenticator used here.  Both are
 * SEQUENCEs of context-tagged fields; tag numbers differ, so the caller
 * says which is which.
 */
struct dec_part {
	struct kname cl;
	bool have_realm, have_name;
	int32_t key_type;
	struct rd key;
	bool have_key;
	uint32_t flags;
	int64_t authtime, starttime, endtime, ctime;
	int32_t cusec;
};

/* EncryptionKey ::= SEQUENCE { keytype [0] Int32, keyvalue [1] OCTET STRING } */
static bool der_enckey(struct rd v, int32_t *type, struct rd *key)
{
	return der_int_and_octets(v, 0, 1, type, key) &&
	       rd_left(key) > 0 && rd_left(key) <= KT_MAX_KEY_BYTES;
}

/* EncTicketPart ::= [APPLICATION 3] SEQUENCE { flags [0], key [1], crealm [2],
   cname [3], transited [4], authtime [5], starttime [6], endtime [7], ... } */
static bool enc_tkt_parse(struct rd r, struct dec_part *d)
{
	struct rd app, seq, bits;
	struct der_tlv t;
	bool ok = true;

	memset(d, 0, sizeof *d);
	if (!der_open(&r, DER_APPLICATION, 3, &app) || !der_open(&app, DER_UNIVERSAL, DER_SEQUENCE, &seq))
		return false;
	while (ok && rd_left(&seq) > 0) {
		if (der_next(&seq, &t) || t.cls != DER_CONTEXT)
			return false;
		switch (t.tag) {
		case 0: ok = der_inner(t.val, DER_BIT_STRING, &bits) && der_bits32(bits, &d->flags); break;
		case 1: ok = d->have_key = der_enckey(t.val, &d->key_type, &d->key); break;
		case 2: ok = d->have_realm = der_kstring(t.val, &d->cl.realm); break;
		case 3: ok = d->have_name = der_pname(t.val, &d->cl.names); break;
		case 5: ok = der_ktime(t.val, &d->authtime); break;
		case 6: ok = der_ktime(t.val, &d->starttime); break;
		case 7: ok = der_ktime(t.val, &d->endtime); break;
		default: break;
		}
	}
	return ok && d->have_key && d->have_realm && d->have_name;
}

/* Authenticator ::= [APPLICATION 2] SEQUENCE { authenticator-vno [0], crealm [1],
   cname [2], cksum [3], cusec [4], ctime [5], ... } */
static bool authenticator_parse(struct rd r, struct dec_part *d)
{
	struct rd app, seq;
	struct der_tlv t;
	bool ok = true;

	memset(d, 0, sizeof *d);
	if (!der_open(&r, DER_APPLICATION, 2, &app) || !der_open(&app, DER_UNIVERSAL, DER_SEQUENCE, &seq))
		return false;
	while (ok && rd_left(&seq) > 0) {
		if (der_next(&seq, &t) || t.cls != DER_CONTEXT)
			return false;
		switch (t.tag) {
		case 1: ok = d->have_realm = der_kstring(t.val, &d->cl.realm); break;
		case 2: ok = d->have_name = der_pname(t.val, &d->cl.names); break;
		case 4: ok = der_int32(t.val, &d->cusec); break;
		case 5: ok = der_ktime(t.val, &d->ctime); break;
		default: break;
		}
	}
	return ok && d->have_realm && d->have_name;
}

/*
 * name-string components joined by '/', with '/', '@' and '\' inside a
 * component escaped as krb5_unparse_name does, so "a/b" the component and
 * "a" "b" the two components stay distinct.  NULL when malformed.
 */
static char *kname_str(struct rd names)
{
	size_t cap = rd_left(&names) * 2 + 1, o = 0;
	char *raw = malloc(cap), *out;
	bool first = true;

	if (!raw)
		return NULL;
	while (rd_left(&names) > 0) {
		struct der_tlv t;
		struct rd comp, c2;
		if (der_next(&names, &t)) {
			free(raw);
			return NULL;
		}
		c2 = t.whole;
		if (!der_kstring(c2, &comp)) {
			free(raw);
			return NULL;
		}
		if (!first)
			raw[o++] = '/';
		first = false;
		while (rd_left(&comp) > 0) {
			uint8_t c = rd_u8(&comp);
			if (c == '/' || c == '@' || c == '\\')
				raw[o++] = '\\';
			raw[o++] = (char)c;
		}
	}
	out = bytes_to_utf8((const uint8_t *)raw, o);
	free(raw);
	return out;
}

static bool rd_equal(struct rd a, struct rd b)
{
	size_t n = rd_left(&a);
	const uint8_t *pa, *pb;

	if (n != rd_left(&b))
		return false;
	if (n == 0)
		return true;
	pa = rd_bytes(&a, n);
	pb = rd_bytes(&b, n);
	return pa && pb && memcmp(pa, pb, n) == 0;
}

/* ---- decryption ------------------------------------------------------------- */

/* decrypt into a fresh buffer with kkey, or with kb when kkey is NULL;
   the caller zeroes and frees plain->data */
static krb5_error_code try_decrypt(krb5_context ctx, krb5_key kkey, const krb5_keyblock *kb,
				   krb5_keyusage usage, const krb5_enc_data *in, krb5_data *plain)
{
	krb5_error_code rc;

	plain->magic = KV5M_DATA;
	plain->length = in->ciphertext.length;
	plain->data = malloc(plain->length ? plain->length : 1);
	if (!plain->data)
		return ENOMEM;
	rc = kkey ? krb5_k_decrypt(ctx, kkey, usage, NULL, in, plain)
		  : krb5_c_decrypt(ctx, kb, usage, NULL, in, plain);
	if (rc != 0) {
		explicit_bzero(plain->data, in->ciphertext.length);
		free(plain->data);
		plain->data = NULL;
		plain->length = 0;
	}
	return rc;
}

static void data_wipe(krb5_data *d, size_t alloc_len)
{
	if (d->data) {
		explicit_bzero(d->data, alloc_len);
		free(d->data);
	}
	d->data = NULL;
	d->length = 0;
}

static void etype_name(krb5_enctype e, char *buf, size_t n)
{
	if (krb5_enctype_to_name(e, FALSE, buf, n) != 0)
		snprintf(buf, n, "unknown");
}

/* detail strings: never a key byte, only names and numbers */
static void set_detail(struct krb_info *ki, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_detail(struct krb_info *ki, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(ki->decrypt_detail);
	ki->decrypt_detail = s;
}

/* "kvno 2 etype 18, kvno 3 etype 18" of the principal's keys, for no_key details */
static void keys_of(const struct krbtkt *k, krb5_const_principal p, char *buf, size_t n)
{
	size_t i, o = 0;
	int shown = 0;

	buf[0] = '\0';
	for (i = 0; i < k->n && o < n; i++) {
		int w;
		if (!krb5_principal_compare(k->ctx, k->keys[i].princ, p))
			continue;
		if (shown == 8) {
			snprintf(buf + o, n - o, ", ...");
			return;
		}
		w = snprintf(buf + o, n - o, "%skvno %u etype %d", shown ? ", " : "",
			     (unsigned)k->keys[i].kvno, (int)k->keys[i].key.enctype);
		if (w < 0)
			return;
		o += (size_t)w;
		shown++;
	}
}

/*
 * Which key opens the ticket.  Order: the exact (principal, kvno, etype)
 * key; then the principal's other keys of that etype; then any key of that
 * etype.  Returns the index of the key that decrypted, or -1; *exact_failed
 * tells a wrong key from a missing one.
 */
static long ticket_open(struct krbtkt *k, krb5_ticket *tkt, krb5_data *plain, size_t *alloc_len,
			bool *exact_failed)
{
	const krb5_enc_data *ed = &tkt->enc_part;
	int pass;

	*exact_failed = false;
	for (pass = 0; pass < 3; pass++) {
		size_t i;
		for (i = 0; i < k->n; i++) {
			const struct kt_key *kk = &k->keys[i];
			bool same_p = krb5_principal_compare(k->ctx, kk->princ, tkt->server);
			bool same_v = ed->kvno == 0 || kk->kvno == ed->kvno;
			bool exact = same_p && same_v;

			if (kk->key.enctype != ed->enctype)
				continue;
			if ((pass == 0 && !exact) || (pass == 1 && (!same_p || exact)) ||
			    (pass == 2 && same_p))
				continue;
			if (try_decrypt(k->ctx, kk->kkey, NULL, KRB5_KEYUSAGE_KDC_REP_TICKET, ed, plain) == 0) {
				*alloc_len = ed->ciphertext.length;
				return (long)i;
			}
			if (exact)
				*exact_failed = true;
		}
	}
	return -1;
}

static void no_key(struct krbtkt *k, krb5_ticket *tkt, struct krb_info *ki, bool exact_failed)
{
	char *sname = NULL, have[512], en[64];
	const krb5_enc_data *ed = &tkt->enc_part;

	if (krb5_unparse_name(k->ctx, tkt->server, &sname) != 0)
		sname = NULL;
	keys_of(k, tkt->server, have, sizeof have);
	etype_name(ed->enctype, en, sizeof en);
	if (exact_failed) {
		ki->decrypt_anomaly = "krb_decrypt_failed";
		set_detail(ki, "key for %s kvno %u etype %d (%s) failed the integrity check: wrong key",
			   sname ? sname : "?", (unsigned)ed->kvno, (int)ed->enctype, en);
	} else {
		ki->decrypt_anomaly = "krb_no_key";
		set_detail(ki, "no key for %s kvno %u etype %d (%s)%s%s%s", sname ? sname : "?",
			   (unsigned)ed->kvno, (int)ed->enctype, en,
			   have[0] ? " (keytab has: " : " (keytab has none for it)", have, have[0] ? ")" : "");
	}
	krb5_free_unparsed_name(k->ctx, sname);
}

/* the decrypted ticket part: client, times, session key */
static bool fill_ticket(struct krb_info *ki, const struct dec_part *d)
{
	ki->client = kname_str(d->cl.names);
	ki->client_realm = bytes_to_utf8(rd_ptr(&d->cl.realm), rd_left(&d->cl.realm));
	ki->tkt_flags = d->flags;
	ki->tkt_authtime = d->authtime;
	ki->tkt_starttime = d->starttime;
	ki->tkt_endtime = d->endtime;
	return ki->client && ki->client_realm;
}

static void check_authenticator(struct krbtkt *k, const struct apreq *a, const struct dec_part *tp,
				struct krb_info *ki)
{
	krb5_keyblock skey;
	krb5_enc_data ed;
	krb5_data plain = { 0 };
	struct dec_part ap;
	size_t clen = rd_left(&a->auth_cipher);

	memset(&skey, 0, sizeof skey);
	skey.magic = KV5M_KEYBLOCK;
	skey.enctype = tp->key_type;
	skey.length = (unsigned)rd_left(&tp->key);
	skey.contents = (krb5_octet *)rd_ptr(&tp->key);
	memset(&ed, 0, sizeof ed);
	ed.magic = KV5M_ENC_DATA;
	ed.enctype = a->auth_etype;
	ed.ciphertext.length = (unsigned)clen;
	ed.ciphertext.data = (char *)rd_ptr(&a->auth_cipher);
	if (try_decrypt(k->ctx, NULL, &skey, KRB5_KEYUSAGE_AP_REQ_AUTH, &ed, &plain) != 0) {
		ki->decrypt_anomaly = "krb_authenticator_decrypt_failed";
		return;
	}
	if (!authenticator_parse(rd_init(plain.data, plain.length), &ap)) {
		ki->decrypt_anomaly = "krb_authenticator_bad";
	} else {
		ki->authenticator_client = kname_str(ap.cl.names);
		ki->authenticator_realm = bytes_to_utf8(rd_ptr(&ap.cl.realm), rd_left(&ap.cl.realm));
		ki->auth_ctime = ap.ctime;
		ki->auth_cusec = ap.cusec;
		/* raw comparison: the UTF-8 forms replace bad bytes and could
		   make two different names look equal */
		if (!rd_equal(ap.cl.realm, tp->cl.realm) || !rd_equal(ap.cl.names, tp->cl.names))
			ki->decrypt_anomaly = "krb_authenticator_client_mismatch";
	}
	data_wipe(&plain, clen);
}

static void decrypt_locked(struct krbtkt *k, struct krb_info *ki)
{
	struct apreq a;
	krb5_data der, plain = { 0 };
	krb5_ticket *tkt = NULL;
	struct dec_part tp;
	size_t plain_alloc = 0;
	bool exact_failed;
	long used;
	char en[64];

	if (!apreq_parse(ki->ap_req, ki->ap_req_len, &a)) {
		ki->decrypt_anomaly = "krb_bad_ticket";
		set_detail(ki, "AP-REQ is not well-formed");
		return;
	}
	der.magic = KV5M_DATA;
	der.length = (unsigned)rd_left(&a.ticket);
	der.data = (char *)rd_ptr(&a.ticket);
	if (krb5_decode_ticket(&der, &tkt) != 0) {
		ki->decrypt_anomaly = "krb_bad_ticket";
		set_detail(ki, "ticket is not well-formed");
		return;
	}
	if (a.ap_options & AP_OPT_USE_SESSION_KEY) {
		ki->decrypt_anomaly = "krb_user_to_user";
		set_detail(ki, "user-to-user ticket: sealed with the service's TGT session key, not a keytab key");
		krb5_free_ticket(k->ctx, tkt);
		return;
	}
	used = ticket_open(k, tkt, &plain, &plain_alloc, &exact_failed);
	if (used < 0) {
		no_key(k, tkt, ki, exact_failed);
		krb5_free_ticket(k->ctx, tkt);
		return;
	}
	etype_name(tkt->enc_part.enctype, en, sizeof en);
	if (krb5_principal_compare(k->ctx, k->keys[used].princ, tkt->server) &&
	    (tkt->enc_part.kvno == 0 || k->keys[used].kvno == tkt->enc_part.kvno)) {
		set_detail(ki, "key %s kvno %u etype %d (%s)", k->keys[used].name,
			   (unsigned)k->keys[used].kvno, (int)tkt->enc_part.enctype, en);
	} else {
		char *sname = NULL;
		if (krb5_unparse_name(k->ctx, tkt->server, &sname) != 0)
			sname = NULL;
		set_detail(ki, "key %s kvno %u etype %d (%s), for a ticket to %s kvno %u",
			   k->keys[used].name, (unsigned)k->keys[used].kvno, (int)tkt->enc_part.enctype,
			   en, sname ? sname : "?", (unsigned)tkt->enc_part.kvno);
		krb5_free_unparsed_name(k->ctx, sname);
	}
	if (!enc_tkt_parse(rd_init(plain.data, plain.length), &tp)) {
		ki->decrypt_anomaly = "krb_bad_ticket";
		set_detail(ki, "decrypted ticket part is not well-formed");
	} else if (!fill_ticket(ki, &tp)) {
		free(ki->client);
		free(ki->client_realm);
		ki->client = ki->client_realm = NULL;
		ki->decrypt_anomaly = "krb_bad_ticket";
		set_detail(ki, "decrypted ticket names no client");
	} else {
		check_authenticator(k, &a, &tp, ki);
	}
	data_wipe(&plain, plain_alloc);
	krb5_free_ticket(k->ctx, tkt);
}

void krbtkt_decrypt(struct krbtkt *k, struct krb_info *ki)
{
	if (!k || !ki)
		return;
	krbtkt_info_free(ki);
	if (!ki->ap_req || ki->ap_req_len == 0)
		return;   /* nothing to open: not an AP-REQ */
	pthread_mutex_lock(&k->mu);
	decrypt_locked(k, ki);
	pthread_mutex_unlock(&k->mu);
	if (!ki->decrypt_detail && ki->decrypt_anomaly == NULL)
		ki->decrypt_anomaly = "krb_out_of_memory";
}
