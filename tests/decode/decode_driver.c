/* Test driver: `authscope decode` before main.c exists.  Built by hand
   (see tests/decode/t_tshark_tokens.sh); not part of the program. */
#include "ntlm/decode_cli.h"

int main(int argc, char **argv)
{
	return decode_main(argc, argv);
}
