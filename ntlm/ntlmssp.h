/*
 * ntlmssp.h - NTLMSSP NEGOTIATE / CHALLENGE / AUTHENTICATE (MS-NLMP 2.2.1).
 *
 * What a caller may rely on: ntlmssp_decode checks the signature and
 * message type first, then every (length, maxlen, offset) field against
 * the message through rd_sub before a byte of it is read.  It fills m with
 * what was decoded safely and returns NULL, or a stable anomaly name
 * ("ntlm_bad_signature", "ntlm_bad_type", "ntlm_truncated",
 * "ntlm_bad_offset", "ntlm_bad_av_pair", "ntlm_too_many_av_pairs",
 * "ntlm_bad_v2_blob", "ntlm_mic_missing": MsvAvFlags announces a MIC that
 * is absent or all zeros).  A Type 3 whose user field is out of range has no
 * user (never a guessed one).  Strings are owned by m.  Nothing in m is
 * written before m->type is (so a cleared m whose type stays 0 owns
 * nothing).
 */
#ifndef AUTHSCOPE_NTLMSSP_H
#define AUTHSCOPE_NTLMSSP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "ntlm/token.h"

#define NTLMSSP_NEGOTIATE_UNICODE                 0x00000001u
#define NTLMSSP_NEGOTIATE_OEM                     0x00000002u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO             0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION                 0x02000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH                0x40000000u

#define NTLM_MAX_AV_PAIRS 64   /* real messages carry about 10 */

/* true when buf starts with "NTLMSSP\0" */
bool ntlmssp_is(const uint8_t *buf, size_t len);

const char *ntlmssp_decode(const uint8_t *buf, size_t len, unsigned flags,
			   struct ntlm_msg *m);
void ntlm_msg_free(struct ntlm_msg *m);

/* MS-NLMP name of flag bit (0..31) without the NTLMSSP_ prefix
   ("NEGOTIATE_UNICODE"), or NULL for a reserved bit */
const char *ntlm_flag_name(unsigned bit);

#endif
