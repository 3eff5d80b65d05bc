/* token_json.c - see token_json.h */
#include "ntlm/token_json.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "ntlm/kerberos.h"
#include "ntlm/ntlmssp.h"
#include "ntlm/spnego.h"

static void put_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void put_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
	char *buf;
	if (!p)
		return;
	buf = malloc(2 * n + 1);
	if (!buf)
		return;
	hex(buf, p, n);
	json_object_set_new(o, k, json_string(buf));
	free(buf);
}

static bool zero8(const uint8_t *p)
{
	for (int i = 0; i < 8; i++)
		if (p[i])
			return false;
	return true;
}

/* FILETIME (100 ns since 1601) as ISO 8601 UTC, for people */
static void put_filetime(json_t *o, const char *k, uint64_t ft)
{
	char buf[96];   /* room for any int fields gcc can imagine */
	time_t secs;
	struct tm tm;
	const uint64_t epoch_diff_s = 11644473600ULL;

	if (ft / 10000000ULL < epoch_diff_s)
		return;
	secs = (time_t)(ft / 10000000ULL - epoch_diff_s);
	if (!gmtime_r(&secs, &tm))
		return;
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(ft % 10000000ULL));
	json_object_set_new(o, k, json_string(buf));
}

static json_t *target_info_json(const struct ntlm_msg *m)
{
	json_t *ti = json_object();
	char buf[32];

	put_str(ti, "nb_computer_name", m->nb_computer);
	put_str(ti, "nb_domain_name", m->nb_domain);
	put_str(ti, "dns_computer_name", m->dns_computer);
	put_str(ti, "dns_domain_name", m->dns_domain);
	put_str(ti, "dns_tree_name", m->dns_tree);
	put_str(ti, "target_name", m->av_target_name);
	if (m->av_timestamp) {
		json_object_set_new(ti, "timestamp", json_integer((json_int_t)m->av_timestamp));
		put_filetime(ti, "timestamp_utc", m->av_timestamp);
	}
	if (m->has_av_flags) {
		snprintf(buf, sizeof buf, "0x%08" PRIx32, m->av_flags);
		json_object_set_new(ti, "flags", json_string(buf));
	}
	json_object_set_new(ti, "channel_bindings", json_boolean(m->has_channel_bindings));
	return ti;
}

static json_t *ntlm_json(const struct auth_token *t, bool secrets)
{
	const struct ntlm_msg *m = &t->ntlm;
	json_t *o = json_object(), *names = json_array();
	char buf[32];

	json_object_set_new(o, "type", json_integer(m->type));
	snprintf(buf, sizeof buf, "0x%08" PRIx32, m->flags);
	json_object_set_new(o, "flags", json_string(buf));
	for (unsigned b = 0; b < 32; b++)
		if ((m->flags >> b) & 1) {
			const char *n = ntlm_flag_name(b);
			if (n)
				json_array_append_new(names, json_string(n));
		}
	json_object_set_new(o, "flag_names", names);
	if (m->has_version)
		json_object_set_new(o, "version",
			json_pack("{s:i,s:i,s:i,s:i}", "major", m->ver_major, "minor", m->ver_minor,
				  "build", m->ver_build, "ntlm_revision", m->ver_ntlm_revision));
	if (m->type == 1) {
		put_str(o, "negotiate_domain", m->neg_domain);
		put_str(o, "negotiate_workstation", m->neg_workstation);
	} else if (m->type == 2) {
		put_hex(o, "server_challenge", m->server_challenge, 8);
		put_str(o, "target_name", m->target_name);
		json_object_set_new(o, "target_info", target_info_json(m));
	} else if (m->type == 3) {
		put_str(o, "domain", m->domain);
		put_str(o, "user", m->user);
		put_str(o, "workstation", m->workstation);
		put_str(o, "password_type", m->password_type);
		json_object_set_new(o, "lm_response_len", json_integer(m->lm_len));
		json_object_set_new(o, "nt_response_len", json_integer(m->nt_len));
		json_object_set_new(o, "session_key_len", json_integer(m->session_key_len));
		json_object_set_new(o, "ntlmv2", json_boolean(m->ntlmv2));
		json_object_set_new(o, "ess", json_boolean(m->ess));
		json_object_set_new(o, "anonymous", json_boolean(m->anonymous));
		json_object_set_new(o, "mic_present", json_boolean(m->has_mic));
		if (!zero8(m->client_challenge))
			put_hex(o, "client_challenge", m->client_challenge, 8);
		if (m->ntlmv2) {
			json_t *ti = target_info_json(m);
			if (m->blob_timestamp) {
				json_object_set_new(ti, "blob_timestamp",
						    json_integer((json_int_t)m->blob_timestamp));
				put_filetime(ti, "blob_timestamp_utc", m->blob_timestamp);
			}
			json_object_set_new(o, "target_info", ti);
		}
		if (secrets) {
			put_hex(o, "lm_response", m->lm_resp, m->lm_len);
			put_hex(o, "nt_response", m->nt_resp, m->nt_len);
			put_hex(o, "session_key", m->session_key, m->session_key_len);
		}
	}
	return o;
}

/* names of the set bits of a BIT STRING read by der_bits32 (ASN.1 bit 0
   is the top bit) */
static json_t *bit_names(uint32_t bits, const char *const *names, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		if (bits & (0x80000000u >> i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

/* RFC 4178 4.2.1 ContextFlags */
static const char *const req_flag_names[] = {
	"delegFlag", "mutualFlag", "replayFlag", "sequenceFlag", "anonFlag", "confFlag", "integFlag",
};
/* RFC 4120 5.5.1 APOptions */
static const char *const ap_option_names[] = { "reserved", "use-session-key", "mutual-required" };

static json_t *spnego_json(const struct spnego_info *s)
{
	json_t *o = json_object(), *mt = json_array();
	char buf[16];

	put_str(o, "token", spnego_token_name(s->token));
	for (int i = 0; i < s->n_mech_types; i++)
		json_array_append_new(mt, json_string(s->mech_types[i]));
	if (s->token == 1)
		json_object_set_new(o, "mech_types", mt);
	else
		json_decref(mt);
	if (s->has_req_flags) {
		snprintf(buf, sizeof buf, "0x%08" PRIx32, s->req_flags);
		json_object_set_new(o, "req_flags", json_string(buf));
		json_object_set_new(o, "req_flag_names", bit_names(s->req_flags, req_flag_names, 7));
	}
	json_object_set_new(o, "mech_token", json_boolean(s->has_mech_token));
	json_object_set_new(o, "mech_list_mic", json_boolean(s->has_mech_list_mic));
	put_str(o, "neg_state", spnego_neg_state_name(s->neg_state));
	if (s->supported_mech[0])
		put_str(o, "supported_mech", s->supported_mech);
	return o;
}

static json_t *krb_json(const struct krb_info *k)
{
	json_t *o = json_object();
	char buf[16];

	put_str(o, "msg_type", krb_msg_type_name(k->msg_type));
	put_str(o, "realm", k->realm);
	put_str(o, "sname", k->sname);
	json_object_set_new(o, "legacy_oid", json_boolean(k->legacy_oid));
	if (k->msg_type == 14) {
		snprintf(buf, sizeof buf, "0x%08" PRIx32, k->ap_options);
		json_object_set_new(o, "ap_options", json_string(buf));
		json_object_set_new(o, "ap_option_names", bit_names(k->ap_options, ap_option_names, 3));
		json_object_set_new(o, "etype", json_integer(k->ticket_etype));
		if (k->ticket_kvno >= 0)
			json_object_set_new(o, "kvno", json_integer(k->ticket_kvno));
		json_object_set_new(o, "authenticator_etype", json_integer(k->auth_etype));
	} else if (k->msg_type == 15) {
		json_object_set_new(o, "etype", json_integer(k->enc_part_etype));
	} else if (k->msg_type == 30) {
		json_object_set_new(o, "error_code", json_integer(k->error_code));
		put_str(o, "error_name", k->error_name);
	}
	put_str(o, "client", k->client);
	put_str(o, "client_realm", k->client_realm);
	put_str(o, "decrypt_anomaly", k->decrypt_anomaly);
	return o;
}

json_t *auth_token_to_json(const struct auth_token *t, bool secrets)
{
	json_t *o = json_object();
	const char *sn = auth_scheme_name(t->scheme);

	if (!o)
		return NULL;
	if (t->scheme == SCHEME_OTHER)
		sn = t->scheme_name;
	json_object_set_new(o, "scheme", sn ? json_string(sn) : json_null());
	{
		const char *mn = auth_mech_name(t->mech);
		json_object_set_new(o, "mech", mn ? json_string(mn) : json_null());
	}
	put_str(o, "anomaly", t->anomaly);
	if (t->spnego.token)
		json_object_set_new(o, "spnego", spnego_json(&t->spnego));
	if (t->ntlm.type)
		json_object_set_new(o, "ntlm", ntlm_json(t, secrets));
	if (t->krb.msg_type)
		json_object_set_new(o, "kerberos", krb_json(&t->krb));
	if (t->scheme == SCHEME_BASIC && t->has_data) {
		json_t *b = json_object();
		put_str(b, "user", t->basic_user);
		put_str(b, "realm", t->basic_realm);
		json_object_set_new(o, "basic", b);
	}
	if (t->scheme == SCHEME_DIGEST && t->has_data) {
		json_t *d = json_object();
		put_str(d, "username", t->digest_username);
		put_str(d, "realm", t->digest_realm);
		put_str(d, "uri", t->digest_uri);
		put_str(d, "qop", t->digest_qop);
		put_str(d, "algorithm", t->digest_algorithm);
		put_str(d, "userhash", t->digest_userhash);
		put_str(d, "nonce", t->digest_nonce);
		json_object_set_new(o, "digest", d);
	}
	return o;
}

/* ---- text tree: walk the JSON so both views always agree ---- */

static const struct { const char *key, *label; } labels[] = {
	{ "scheme", "Scheme" }, { "mech", "Mechanism" }, { "anomaly", "Anomaly" },
	{ "ntlm", "NTLM Secure Service Provider" },
	{ "spnego", "Simple Protected Negotiation (SPNEGO)" },
	{ "kerberos", "Kerberos" }, { "basic", "Basic" }, { "digest", "Digest" },
	{ "type", "NTLM Message Type" }, { "flags", "Flags" },
	{ "flag_names", "Flags set" }, { "version", "Version" },
	{ "ntlm_revision", "NTLM revision" },
	{ "negotiate_domain", "Calling domain" },
	{ "negotiate_workstation", "Calling workstation" },
	{ "server_challenge", "NTLM Server Challenge" }, { "target_name", "Target Name" },
	{ "target_info", "Target Info" }, { "nb_computer_name", "NetBIOS Computer Name" },
	{ "nb_domain_name", "NetBIOS Domain Name" },
	{ "dns_computer_name", "DNS Computer Name" }, { "dns_domain_name", "DNS Domain Name" },
	{ "dns_tree_name", "DNS Tree Name" }, { "timestamp", "Timestamp (FILETIME)" },
	{ "blob_timestamp", "NTLMv2 blob timestamp (FILETIME)" },
	{ "timestamp_utc", "Timestamp" }, { "blob_timestamp_utc", "NTLMv2 blob timestamp" },
	{ "channel_bindings", "Channel bindings present" },
	{ "domain", "Domain name" }, { "user", "User name" }, { "workstation", "Host name" },
	{ "password_type", "Password type" }, { "lm_response_len", "LM response length" },
	{ "nt_response_len", "NT response length" }, { "session_key_len", "Session key length" },
	{ "ntlmv2", "NTLMv2" }, { "ess", "NTLMv1 with extended session security" },
	{ "anonymous", "Anonymous" }, { "mic_present", "MIC present" },
	{ "client_challenge", "Client challenge" }, { "lm_response", "LM response" },
	{ "nt_response", "NT response" }, { "session_key", "Encrypted session key" },
	{ "token", "Token" }, { "mech_types", "mechTypes" }, { "req_flags", "reqFlags" },
	{ "mech_token", "mechToken present" }, { "mech_list_mic", "mechListMIC present" },
	{ "neg_state", "negState" }, { "supported_mech", "supportedMech" },
	{ "msg_type", "Message type" }, { "realm", "Realm" }, { "sname", "Service name" },
	{ "etype", "Encryption type" }, { "kvno", "Key version" },
	{ "authenticator_etype", "Authenticator encryption type" },
	{ "ap_options", "AP options" }, { "ap_option_names", "AP options set" },
	{ "req_flag_names", "reqFlags set" }, { "legacy_oid", "Microsoft legacy OID" },
	{ "error_code", "Error code" }, { "error_name", "Error" },
	{ "client", "Client (from the ticket)" }, { "client_realm", "Client realm" },
	{ "username", "User name" }, { "uri", "URI" }, { "qop", "qop" },
	{ "algorithm", "Algorithm" }, { "userhash", "userhash" }, { "nonce", "Nonce" },
	{ "challenges", "Challenges" }, { "error", "Error" },
};

static const char *label_of(const char *key)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i].key, key))
			return labels[i].label;
	return key;
}

/* a short explanation after some values: "23 (rc4-hmac)" */
static const char *note_of(const char *key, json_t *v)
{
	static const char *const ntlm_types[] = { NULL, "NEGOTIATE", "CHALLENGE", "AUTHENTICATE" };
	if (json_is_integer(v)) {
		json_int_t x = json_integer_value(v);
		if (!strcmp(key, "type") && x >= 1 && x <= 3)
			return ntlm_types[x];
		if (!strcmp(key, "etype") || !strcmp(key, "authenticator_etype"))
			return krb_etype_name((int)x);
	}
	if (json_is_string(v) && (!strcmp(key, "supported_mech") || !strcmp(key, "mech_types")))
		return spnego_mech_name(json_string_value(v));
	return NULL;
}

static void print_indent(FILE *f, int indent)
{
	for (int i = 0; i < indent; i++)
		fputs("    ", f);
}

/* control characters would break the one-line-per-field layout */
static void print_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void print_value(FILE *f, const char *key, json_t *v, int indent)
{
	const char *k, *note;
	json_t *x, *y;
	size_t i;

	print_indent(f, indent);
	if (key && !json_is_array(v) && !json_is_object(v))
		fprintf(f, "%s: ", label_of(key));
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		fprintf(f, "%s\n", key ? label_of(key) : "");
		json_object_foreach(v, k, x)
			print_value(f, k, x, indent + 1);
		return;
	case JSON_ARRAY:
		fprintf(f, "%s (%zu)\n", key ? label_of(key) : "", json_array_size(v));
		json_array_foreach(v, i, x) {
			if (json_is_object(x)) {
				print_indent(f, indent + 1);
				fprintf(f, "[%zu]\n", i);
				json_object_foreach(x, k, y)
					print_value(f, k, y, indent + 2);
			} else {
				print_value(f, key, x, indent + 1);
			}
		}
		return;
	case JSON_STRING:
		print_escaped(f, json_string_value(v));
		break;
	case JSON_INTEGER:
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_TRUE: fputs("yes", f); break;
	case JSON_FALSE: fputs("no", f); break;
	default: fputs("(none)", f); break;
	}
	if (key && (note = note_of(key, v)))
		fprintf(f, " (%s)", note);
	fputc('\n', f);
}

void auth_token_print_text(FILE *f, const struct auth_token *t, bool secrets, int indent)
{
	json_t *o = auth_token_to_json(t, secrets);
	const char *k;
	json_t *x;

	if (!o)
		return;
	json_object_foreach(o, k, x)
		print_value(f, k, x, indent);
	json_decref(o);
}
