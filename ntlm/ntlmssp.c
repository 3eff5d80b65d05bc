/* ntlmssp.c - see ntlmssp.h.  Layouts from MS-NLMP 2.2.1.1-2.2.1.3,
   2.2.2.1 (AV_PAIR), 2.2.2.7 (NTLMv2_CLIENT_CHALLENGE). */
#include "ntlm/ntlmssp.h"

#include <stdlib.h>
#include <string.h>

#include "capture/rd.h"
#include "ntlm/utf.h"

static const uint8_t ntlm_sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

/* AV_PAIR ids (MS-NLMP 2.2.2.1) */
enum {
	AV_EOL = 0, AV_NB_COMPUTER = 1, AV_NB_DOMAIN = 2, AV_DNS_COMPUTER = 3,
	AV_DNS_DOMAIN = 4, AV_DNS_TREE = 5, AV_FLAGS = 6, AV_TIMESTAMP = 7,
	AV_SINGLE_HOST = 8, AV_TARGET_NAME = 9, AV_CHANNEL_BINDINGS = 10,
};

#define AV_FLAG_MIC_PRESENT 0x00000002u

static const char *const flag_names[32] = {
	"NEGOTIATE_UNICODE", "NEGOTIATE_OEM", "REQUEST_TARGET", NULL,
	"NEGOTIATE_SIGN", "NEGOTIATE_SEAL", "NEGOTIATE_DATAGRAM", "NEGOTIATE_LM_KEY",
	NULL, "NEGOTIATE_NTLM", NULL, "ANONYMOUS",
	"NEGOTIATE_OEM_DOMAIN_SUPPLIED", "NEGOTIATE_OEM_WORKSTATION_SUPPLIED", NULL,
	"NEGOTIATE_ALWAYS_SIGN",
	"TARGET_TYPE_DOMAIN", "TARGET_TYPE_SERVER", NULL,
	"NEGOTIATE_EXTENDED_SESSIONSECURITY",
	"NEGOTIATE_IDENTIFY", NULL, "REQUEST_NON_NT_SESSION_KEY",
	"NEGOTIATE_TARGET_INFO",
	NULL, "NEGOTIATE_VERSION", NULL, NULL,
	NULL, "NEGOTIATE_128", "NEGOTIATE_KEY_EXCH", "NEGOTIATE_56",
};

const char *ntlm_flag_name(unsigned bit)
{
	return bit < 32 ? flag_names[bit] : NULL;
}

bool ntlmssp_is(const uint8_t *buf, size_t len)
{
	return buf && len >= sizeof ntlm_sig && memcmp(buf, ntlm_sig, sizeof ntlm_sig) == 0;
}

/* one (Len, MaxLen, BufferOffset) descriptor and the view it names */
struct field {
	uint16_t len;
	uint32_t off;
	struct rd view;   /* err set when the range is outside the message */
};

/* read a descriptor at the reader's position; checks the range with rd_sub
   against the whole message (msg is not advanced or damaged) */
static struct field read_field(struct rd *hdr, const struct rd *msg)
{
	struct field f;
	struct rd whole = *msg;

	f.len = rd_le16(hdr);
	(void)rd_le16(hdr);       /* MaxLen: informational, never trusted */
	f.off = rd_le32(hdr);
	whole.pos = 0;
	f.view = rd_sub(&whole, f.len ? f.off : 0, f.len);
	return f;
}

static bool field_bad(const struct field *f)
{
	return f->len && !rd_ok(&f->view);
}

static char *field_string(const struct field *f, bool unicode)
{
	struct rd v = f->view;
	const uint8_t *p;

	if (!f->len || !rd_ok(&v))
		return NULL;
	p = rd_bytes(&v, f->len);
	if (!p)
		return NULL;
	return unicode ? utf16le_to_utf8(p, f->len) : bytes_to_utf8(p, f->len);
}

static uint8_t *field_copy(const struct field *f)
{
	struct rd v = f->view;
	const uint8_t *p;
	uint8_t *out;

	if (!f->len || !rd_ok(&v) || !(p = rd_bytes(&v, f->len)))
		return NULL;
	out = malloc(f->len);
	if (out)
		memcpy(out, p, f->len);
	return out;
}

/* the lowest payload offset among non-empty fields: the fixed header
   cannot extend past it (that is how optional Version/MIC are found) */
static size_t lowest_offset(const struct field *fs, int n, size_t dflt)
{
	size_t low = dflt;
	int i;
	for (i = 0; i < n; i++)
		if (fs[i].len && fs[i].off < low)
			low = fs[i].off;
	return low;
}

static void read_version(struct rd *r, struct ntlm_msg *m)
{
	m->ver_major = rd_u8(r);
	m->ver_minor = rd_u8(r);
	m->ver_build = rd_le16(r);
	rd_skip(r, 3);
	m->ver_ntlm_revision = rd_u8(r);
	m->has_version = rd_ok(r);
}

static void set_str(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/*
 * AV pairs (Type 2 TargetInfo or the NTLMv2 blob).  in_blob: the pairs
 * are the client's copy inside the AUTHENTICATE message.  With
 * AUTH_LEAN the names nobody reads are left NULL (the blob's, and the
 * Type 2's tree and target names); every pair is still walked and
 * checked the same way.
 */
static const char *decode_av_pairs(struct rd r, struct ntlm_msg *m, bool in_blob,
				   unsigned flags)
{
	int count = 0;
	bool names = !(flags & AUTH_LEAN) || !in_blob;
	bool extra_names = !(flags & AUTH_LEAN);

	while (rd_left(&r) > 0) {
		uint16_t id, len;
		struct rd v;
		const uint8_t *p;

		if (++count > NTLM_MAX_AV_PAIRS)
			return "ntlm_too_many_av_pairs";
		id = rd_le16(&r);
		len = rd_le16(&r);
		v = rd_take(&r, len);
		if (!rd_ok(&r))
			return "ntlm_bad_av_pair";
		if (id == AV_EOL)
			return NULL;
		p = rd_bytes(&v, len);
		switch (id) {
		case AV_NB_COMPUTER:
			if (names)
				set_str(&m->nb_computer, utf16le_to_utf8(p, len));
			break;
		case AV_NB_DOMAIN:
			if (names)
				set_str(&m->nb_domain, utf16le_to_utf8(p, len));
			break;
		case AV_DNS_COMPUTER:
			if (names)
				set_str(&m->dns_computer, utf16le_to_utf8(p, len));
			break;
		case AV_DNS_DOMAIN:
			if (names)
				set_str(&m->dns_domain, utf16le_to_utf8(p, len));
			break;
		case AV_DNS_TREE:
			if (extra_names)
				set_str(&m->dns_tree, utf16le_to_utf8(p, len));
			break;
		case AV_TARGET_NAME:
			if (!extra_names)
				break;
			set_str(&m->av_target_name, utf16le_to_utf8(p, len));
			if (in_blob)
				set_str(&m->blob_target_spn, utf16le_to_utf8(p, len));
			break;
		case AV_FLAGS: {
			struct rd f = rd_init(p, len);
			uint32_t fl = rd_le32(&f);
			if (!rd_ok(&f))
				return "ntlm_bad_av_pair";
			m->av_flags = fl;
			m->has_av_flags = true;
			break;
		}
		case AV_TIMESTAMP: {
			struct rd t = rd_init(p, len);
			uint64_t ts = rd_le64(&t);
			if (!rd_ok(&t))
				return "ntlm_bad_av_pair";
			m->av_timestamp = ts;
			break;
		}
		case AV_CHANNEL_BINDINGS:
			/* all-zero bindings mean "none" (MS-NLMP 3.1.5.2.1) */
			m->has_channel_bindings = false;
			for (uint16_t i = 0; p && i < len; i++)
				if (p[i])
					m->has_channel_bindings = true;
			break;
		default:
			break;   /* SingleHost and unknown ids: skipped, bounded */
		}
	}
	/* no MsvAvEOL: tolerated, the pairs read so far were in range */
	return NULL;
}

static const char *decode_type1(struct rd *r, struct ntlm_msg *m, unsigned flags)
{
	struct field fs[2];
	size_t low;

	m->flags = rd_le32(r);
	if (!rd_ok(r))
		return "ntlm_truncated";
	if (rd_left(r) < 16)
		return NULL;   /* old 16-byte NEGOTIATE: no domain/workstation */
	fs[0] = read_field(r, r);
	fs[1] = read_field(r, r);
	if (field_bad(&fs[0]) || field_bad(&fs[1]))
		return "ntlm_bad_offset";
	/* Type 1 names are OEM (MS-NLMP 2.2.1.1) */
	if (!(flags & AUTH_LEAN)) {
		m->neg_domain = field_string(&fs[0], false);
		m->neg_workstation = field_string(&fs[1], false);
	}
	low = lowest_offset(fs, 2, r->len);
	if ((m->flags & NTLMSSP_NEGOTIATE_VERSION) && low >= 40 && rd_left(r) >= 8)
		read_version(r, m);
	return NULL;
}

static const char *decode_type2(struct rd *r, struct ntlm_msg *m, unsigned flags)
{
	struct field fs[2];
	const uint8_t *chal;
	bool unicode;
	size_t low;
	const char *bad;

	fs[0] = read_field(r, r);             /* TargetNameFields */
	m->flags = rd_le32(r);
	chal = rd_bytes(r, 8);
	rd_skip(r, 8);                        /* Reserved */
	if (!rd_ok(r) || !chal)
		return "ntlm_truncated";
	memcpy(m->server_challenge, chal, 8);
	unicode = m->flags & NTLMSSP_NEGOTIATE_UNICODE;
	if (field_bad(&fs[0]))
		return "ntlm_bad_offset";
	if (!(flags & AUTH_LEAN))
		m->target_name = field_string(&fs[0], unicode);
	if (rd_left(r) < 8)
		return NULL;   /* old CHALLENGE without TargetInfo */
	fs[1] = read_field(r, r);
	if (field_bad(&fs[1]))
		return "ntlm_bad_offset";
	low = lowest_offset(fs, 2, r->len);
	if ((m->flags & NTLMSSP_NEGOTIATE_VERSION) && low >= 56 && rd_left(r) >= 8)
		read_version(r, m);
	bad = fs[1].len ? decode_av_pairs(fs[1].view, m, false, flags) : NULL;
	return bad;
}

/* NTLMv2_RESPONSE: NTProofStr(16) then NTLMv2_CLIENT_CHALLENGE */
static const char *decode_v2_blob(struct rd nt, struct ntlm_msg *m, unsigned flags)
{
	const uint8_t *cc;

	rd_skip(&nt, 16);     /* NTProofStr */
	rd_skip(&nt, 1 + 1 + 2 + 4);   /* RespType, HiRespType, Reserved1/2 */
	m->blob_timestamp = rd_le64(&nt);
	cc = rd_bytes(&nt, 8);
	rd_skip(&nt, 4);      /* Reserved3 */
	if (!rd_ok(&nt) || !cc)
		return "ntlm_bad_v2_blob";
	memcpy(m->client_challenge, cc, 8);
	return decode_av_pairs(rd_take(&nt, rd_left(&nt)), m, true, flags);
}

static void classify_password(struct ntlm_msg *m, const struct field *lm)
{
	struct rd lv = lm->view;
	bool lm_empty = lm->len == 0 ||
		(lm->len == 1 && rd_ok(&lv) && rd_u8(&lv) == 0);
	bool no_user = !m->user || !m->user[0];

	/* decided by the NT response length (Samba's get_password_type),
	   never by whether the LM response is zeros */
	m->anonymous = no_user && m->nt_len == 0 && lm_empty;
	if (m->anonymous)
		m->password_type = "No-Password";
	else if (m->nt_len > 24)
		m->password_type = "NTLMv2";
	else if (m->nt_len == 24)
		m->password_type = "NTLMv1";
	else if (m->lm_len > 0)
		m->password_type = "LANMan";
	else
		m->password_type = "No-Password";
	m->ntlmv2 = m->nt_len > 24;
	m->ess = m->nt_len == 24 && (m->flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
}

enum { F_LM, F_NT, F_DOMAIN, F_USER, F_WS, F_KEY, F_N };

static const char *decode_type3(struct rd *r, struct ntlm_msg *m, unsigned flags)
{
	struct field fs[F_N];
	size_t low;
	bool unicode, have_flags = false;
	const char *bad = NULL;
	int i;

	memset(fs, 0, sizeof fs);
	for (i = F_LM; i <= F_WS; i++)
		fs[i] = read_field(r, r);
	if (!rd_ok(r))
		return "ntlm_truncated";
	if (rd_left(r) >= 12) {
		fs[F_KEY] = read_field(r, r);
		m->flags = rd_le32(r);
		have_flags = true;
	}
	/* a message without NegotiateFlags (pre-NTLMv2 clients) is read as
	   unicode, what every client since Windows 95 with DSClient sends */
	unicode = !have_flags || (m->flags & NTLMSSP_NEGOTIATE_UNICODE);
	m->lm_len = fs[F_LM].len;
	m->nt_len = fs[F_NT].len;
	m->session_key_len = fs[F_KEY].len;

	/* strings only from fields that are in range; a bad field marks the
	   message but the others remain trustworthy */
	for (i = F_LM; i < F_N; i++)
		if (field_bad(&fs[i]))
			bad = "ntlm_bad_offset";
	m->domain = field_string(&fs[F_DOMAIN], unicode);
	m->user = field_string(&fs[F_USER], unicode);
	m->workstation = field_string(&fs[F_WS], unicode);

	low = lowest_offset(fs, F_N, r->len);
	if (have_flags && (m->flags & NTLMSSP_NEGOTIATE_VERSION) && low >= 72 &&
	    rd_left(r) >= 8)
		read_version(r, m);
	if (m->nt_len > 24 && !field_bad(&fs[F_NT])) {
		const char *b = decode_v2_blob(fs[F_NT].view, m, flags);
		if (b && !bad)
			bad = b;
	}
	if (have_flags && low >= 88) {
		struct rd mr = *r;
		const uint8_t *mic;
		rd_seek(&mr, 72);
		mic = rd_bytes(&mr, 16);
		if (mic) {
			memcpy(m->mic, mic, 16);
			for (i = 0; i < 16; i++)
				m->has_mic |= mic[i] != 0;
		}
	}
	/* the client said it sent a MIC but there is none: what a relay that
	   strips the MIC leaves behind (CVE-2019-1040, "drop the MIC") */
	if (m->has_av_flags && (m->av_flags & AV_FLAG_MIC_PRESENT) && !m->has_mic && !bad)
		bad = "ntlm_mic_missing";
	if (m->nt_len == 24 && (m->flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) &&
	    fs[F_LM].len >= 8 && !field_bad(&fs[F_LM])) {
		struct rd lv = fs[F_LM].view;
		const uint8_t *cc = rd_bytes(&lv, 8);
		if (cc)
			memcpy(m->client_challenge, cc, 8);
	}
	classify_password(m, &fs[F_LM]);
	if (flags & AUTH_KEEP_SECRETS) {
		m->lm_resp = field_copy(&fs[F_LM]);
		m->nt_resp = field_copy(&fs[F_NT]);
		m->session_key = field_copy(&fs[F_KEY]);
	}
	return bad;
}

const char *ntlmssp_decode(const uint8_t *buf, size_t len, unsigned flags,
			   struct ntlm_msg *m)
{
	struct rd r = rd_init(buf, len);
	const uint8_t *sig = rd_bytes(&r, 8);
	uint32_t type;

	if (!sig || memcmp(sig, ntlm_sig, 8) != 0)
		return "ntlm_bad_signature";
	type = rd_le32(&r);
	if (!rd_ok(&r))
		return "ntlm_truncated";
	switch (type) {
	case 1: m->type = 1; return decode_type1(&r, m, flags);
	case 2: m->type = 2; return decode_type2(&r, m, flags);
	case 3: m->type = 3; return decode_type3(&r, m, flags);
	default: return "ntlm_bad_type";
	}
}

void ntlm_msg_free(struct ntlm_msg *m)
{
	free(m->neg_domain);
	free(m->neg_workstation);
	free(m->target_name);
	free(m->nb_computer);
	free(m->nb_domain);
	free(m->dns_computer);
	free(m->dns_domain);
	free(m->dns_tree);
	free(m->av_target_name);
	free(m->domain);
	free(m->user);
	free(m->workstation);
	free(m->blob_target_spn);
	free(m->lm_resp);
	free(m->nt_resp);
	free(m->session_key);
	memset(m, 0, sizeof *m);
}
