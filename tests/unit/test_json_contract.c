/*
 * test_json_contract.c - the JSON contract of DESIGN.md, checked with
 * jansson on every line authscope wrote for the committed captures
 * (the json and samba-json files of pcaps/golden: real Apache, KDC and
 * Squid traffic).
 *
 * Other tools parse these records: every line must be one JSON object,
 * and every "http" record must carry every contract key with its type.
 * Run from the repository root (tests/run.sh does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

enum kind { STR, STR_OR_NULL, INT, INT_OR_NULL, BOOL };

struct key {
	const char *obj;      /* NULL: top level */
	const char *name;
	enum kind kind;
};

/* the "http" record's keys that other tools rely on (DESIGN.md) */
static const struct key http_keys[] = {
	{ NULL, "timestamp", STR }, { NULL, "event_type", STR },
	{ NULL, "flow_id", INT }, { NULL, "tx_id", INT },
	{ NULL, "src_ip", STR }, { NULL, "src_port", INT },
	{ NULL, "dest_ip", STR }, { NULL, "dest_port", INT },
	{ "http", "method", STR }, { "http", "url", STR_OR_NULL },
	{ "http", "hostname", STR_OR_NULL }, { "http", "protocol", STR_OR_NULL },
	{ "http", "status", INT_OR_NULL }, { "http", "user_agent", STR_OR_NULL },
	{ "auth", "scheme", STR_OR_NULL }, { "auth", "mech", STR_OR_NULL },
	{ "auth", "proxy", BOOL }, { "auth", "user", STR_OR_NULL },
	{ "auth", "result", STR_OR_NULL }, { "auth", "domain", STR_OR_NULL },
	{ "auth", "workstation", STR_OR_NULL }, { "auth", "password_type", STR_OR_NULL },
	{ "auth", "inherited", BOOL },
};

static bool kind_ok(json_t *v, enum kind k)
{
	switch (k) {
	case STR: return json_is_string(v);
	case STR_OR_NULL: return json_is_string(v) || json_is_null(v);
	case INT: return json_is_integer(v);
	case INT_OR_NULL: return json_is_integer(v) || json_is_null(v);
	case BOOL: return json_is_boolean(v);
	}
	return false;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

static void check_http(json_t *o, const char *where)
{
	static const char *const schemes[] = { "NTLM", "Negotiate", "Basic", "Digest", "Bearer", NULL };
	static const char *const results[] = { "success", "failure", "pending", NULL };
	static const char *const pwtypes[] = { "NTLMv2", "NTLMv1", "LANMan", "No-Password",
					       "Kerberos", "Plaintext", NULL };
	json_t *v;

	for (size_t i = 0; i < sizeof(http_keys) / sizeof(http_keys[0]); i++) {
		const struct key *k = &http_keys[i];
		json_t *parent = k->obj ? json_object_get(o, k->obj) : o;
		v = parent ? json_object_get(parent, k->name) : NULL;
		if (!v || !kind_ok(v, k->kind))
			fail_msg("%s: key %s%s%s missing or of the wrong type", where,
				 k->obj ? k->obj : "", k->obj ? "." : "", k->name);
	}
	v = json_object_get(json_object_get(o, "auth"), "scheme");
	if (json_is_string(v) && !one_of(json_string_value(v), schemes))
		fail_msg("%s: auth.scheme %s", where, json_string_value(v));
	v = json_object_get(json_object_get(o, "auth"), "result");
	if (json_is_string(v) && !one_of(json_string_value(v), results))
		fail_msg("%s: auth.result %s", where, json_string_value(v));
	v = json_object_get(json_object_get(o, "auth"), "password_type");
	if (json_is_string(v) && !one_of(json_string_value(v), pwtypes))
		fail_msg("%s: auth.password_type %s", where, json_string_value(v));
	v = json_object_get(json_object_get(o, "auth"), "user");
	if (json_is_string(v) && json_string_length(v) == 0)
		fail_msg("%s: an empty user must be null", where);
	/* ISO 8601 UTC with microseconds: 2024-07-11T09:12:03.123456Z */
	v = json_object_get(o, "timestamp");
	if (strlen(json_string_value(v)) != 27 || json_string_value(v)[26] != 'Z' ||
	    json_string_value(v)[19] != '.')
		fail_msg("%s: timestamp %s", where, json_string_value(v));
}

/* every line of every file matching pattern; returns the lines read */
static size_t check_files(const char *pattern, bool contract)
{
	glob_t g;
	size_t lines = 0;
	char *line = NULL;
	size_t cap = 0;

	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		ssize_t n;
		size_t lineno = 0;
		assert_non_null(f);
		while ((n = getline(&line, &cap, f)) > 0) {
			json_error_t err;
			json_t *o;
			char where[512];
			lineno++;
			snprintf(where, sizeof(where), "%s:%zu", g.gl_pathv[i], lineno);
			o = json_loadb(line, (size_t)n, 0, &err);
			if (!o || !json_is_object(o))
				fail_msg("%s: not a JSON object: %s", where, err.text);
			if (contract) {
				const char *et = json_string_value(json_object_get(o, "event_type"));
				if (!et || !one_of(et, (const char *const[]){ "http", "auth", "stats", NULL }))
					fail_msg("%s: event_type %s", where, et ? et : "(none)");
				if (!strcmp(et, "http"))
					check_http(o, where);
			}
			json_decref(o);
			lines++;
		}
		fclose(f);
	}
	free(line);
	globfree(&g);
	return lines;
}

static void test_json_records_keep_the_contract(void **state)
{
	(void)state;
	/* 19 captures, 79 records when written: a glob that matched nothing
	   would be a test that cannot fail */
	assert_true(check_files("pcaps/golden/*.json", true) > 50);
}

static void test_samba_json_lines_parse(void **state)
{
	(void)state;
	assert_true(check_files("pcaps/golden/*.samba-json", false) > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_records_keep_the_contract),
		cmocka_unit_test(test_samba_json_lines_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
