/*
 * record.h - what the handshake layer hands to report/.
 *
 * One struct as_http per HTTP transaction (the contract's "http" record)
 * and one struct as_auth per finished or failed handshake (the "auth"
 * record, modelled on Samba's Authentication event).  Strings are UTF-8,
 * NUL-terminated, NULL when absent, and valid only during the call that
 * hands the struct over.
 */
#ifndef AUTHSCOPE_RECORD_H
#define AUTHSCOPE_RECORD_H

#include <stdint.h>
#include <stdbool.h>

#include "../http/http.h"

struct as_http {
	const struct http_tx *tx;      /* method, url, status, endpoints... */

	const char *scheme;            /* "NTLM" "Negotiate" "Basic" "Digest" */
	const char *mech;              /* "NTLMSSP" "Kerberos" */
	bool proxy;                    /* Proxy-Authorization / 407 flow */
	const char *user;
	const char *domain;
	const char *workstation;
	const char *password_type;
	const char *result;            /* "success" "failure" "pending" */
	bool inherited;
	bool credentials;              /* this request carried credentials */
	int ntlm_type;                 /* NTLM message this request carried, 0 none */
	int challenge_type;            /* NTLM message the response carried, 0 none */
	const char *krb_sname;         /* Kerberos service principal */
	const char *krb_realm;
	int krb_etype;                 /* -1 none */
	const char *anomaly;           /* comma-separated names, NULL when none */
	uint64_t handshake_id;         /* 0 none; same for every leg of one handshake */
};

struct as_auth {
	uint64_t timestamp_us;         /* when the server's final answer came */
	uint64_t flow_id;
	uint64_t handshake_id;
	int family;
	uint8_t cli_ip[16], srv_ip[16];
	uint16_t cli_port, srv_port;
	bool proxy;
	const char *scheme, *mech;
	const char *auth_description;  /* "NTLMSSP" "Kerberos" "Basic" "Digest" */
	const char *status;            /* "NT_STATUS_OK" "NT_STATUS_LOGON_FAILURE"... */
	const char *result;            /* "success" "failure" */
	const char *user, *domain, *workstation, *password_type;
	const char *server_nb_domain, *server_nb_computer;
	const char *server_dns_domain, *server_dns_computer;
	const char *krb_sname, *krb_realm;
	int krb_etype;
	int legs;                      /* requests in the handshake */
	int final_status;              /* HTTP status of the final answer, -1 none */
	const char *method, *url, *hostname;  /* the request that finished it */
	const char *anomaly;
};

#endif
