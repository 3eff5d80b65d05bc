/*
 * decode_cli.h - `authscope decode`: decode pasted header values.
 *
 *   authscope decode [--text] [--secrets] VALUE...
 *   authscope decode [--text] [--secrets] [-]      (one value per stdin line)
 *
 * A value is what an admin pastes: "NTLM TlRM...", "Negotiate YII...",
 * "Basic ...", "Digest username=...", with or without a header name
 * ("Authorization: NTLM ..."), or a bare base64 NTLMSSP / SPNEGO token.
 * Output: one compact JSON object per value, per line (token_json.h keys);
 * a challenge list ("Negotiate, NTLM") prints {"challenges": [...]}.  An
 * undecodable value prints {"error": "...", ...} and decoding goes on.
 * --text prints an indented tree instead.  --secrets adds NT/LM responses
 * and session keys (never a Basic password: it is not kept).
 * Exit status: 0 all decoded, 1 some value had an error, 2 bad usage.
 */
#ifndef AUTHSCOPE_DECODE_CLI_H
#define AUTHSCOPE_DECODE_CLI_H

/* argv[0] is "decode" */
int decode_main(int argc, char **argv);

#endif
