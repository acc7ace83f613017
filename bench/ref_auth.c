/*
 * ref_auth.c: the reference of the authorizer case of `make bench`.
 *
 * A bare FastCGI authorizer: it grants every request with the same
 * Variable- headers auth.fcgi sends for the bench's user, and does
 * nothing else: no cookie, no database.  What lighttpd's authorizer
 * round trip costs on its own.
 */
#include <fcgiapp.h>

int
main(void)
{
	FCGX_Request fr;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&fr) >= 0)
		FCGX_PutS("Status: 200 OK\r\n"
			  "Variable-REMOTE_USER: user00001\r\n"
			  "Variable-POSTERN_EMAIL: user00001@example.org\r\n"
			  "Variable-POSTERN_2FA: 0\r\n\r\n",
		    fr.out);
	FCGX_Finish_r(&fr);
	return 0;
}
