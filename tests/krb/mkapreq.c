/*
 * mkapreq - print the base64 token a browser would send in
 * "Authorization: Negotiate <token>" for a service, using the credentials
 * cache in KRB5CCNAME (test tool for tests/krb/t_krbtkt.sh).
 *
 *   mkapreq SERVICE@HOST krb5|spnego
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>

static gss_OID_desc spnego_oid = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };

static void b64_print(const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3)
		printf("%c%c%c%c", tab[p[i] >> 2], tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
		       tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], tab[p[i + 2] & 63]);
	if (n - i == 1)
		printf("%c%c==", tab[p[i] >> 2], tab[(p[i] & 3) << 4]);
	else if (n - i == 2)
		printf("%c%c%c=", tab[p[i] >> 2], tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
		       tab[(p[i + 1] & 15) << 2]);
	printf("\n");
}

static void gss_fail(const char *what, OM_uint32 maj, OM_uint32 min)
{
	OM_uint32 m, ctx = 0;
	gss_buffer_desc s;

	fprintf(stderr, "mkapreq: %s failed:", what);
	do {
		gss_display_status(&m, maj, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &s);
		fprintf(stderr, " %.*s", (int)s.length, (char *)s.value);
		gss_release_buffer(&m, &s);
	} while (ctx);
	do {
		gss_display_status(&m, min, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &s);
		fprintf(stderr, " / %.*s", (int)s.length, (char *)s.value);
		gss_release_buffer(&m, &s);
	} while (ctx);
	fprintf(stderr, "\n");
	exit(1);
}

int main(int argc, char **argv)
{
	OM_uint32 maj, min;
	gss_buffer_desc nb, out = GSS_C_EMPTY_BUFFER;
	gss_name_t target;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_OID mech;

	if (argc != 3) {
		fprintf(stderr, "usage: mkapreq SERVICE@HOST krb5|spnego\n");
		return 2;
	}
	mech = strcmp(argv[2], "spnego") == 0 ? &spnego_oid : (gss_OID)gss_mech_krb5;
	nb.value = argv[1];
	nb.length = strlen(argv[1]);
	maj = gss_import_name(&min, &nb, GSS_C_NT_HOSTBASED_SERVICE, &target);
	if (GSS_ERROR(maj))
		gss_fail("gss_import_name", maj, min);
	/* mutual auth as browsers ask for it; the first token is the AP-REQ */
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &ctx, target, mech,
				   GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG, 0, GSS_C_NO_CHANNEL_BINDINGS,
				   GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
	if (GSS_ERROR(maj))
		gss_fail("gss_init_sec_context", maj, min);
	b64_print(out.value, out.length);
	gss_release_buffer(&min, &out);
	gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
	gss_release_name(&min, &target);
	return 0;
}
