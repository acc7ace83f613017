#ifndef POSTERN_FORM_H
#define POSTERN_FORM_H

#include <stddef.h>
#include <stdint.h>

/* form.c: the one parser of application/x-www-form-urlencoded text,  */
/* used for query strings and request bodies; and of Cookie headers.  */

#define FORM_MAX_FIELDS 64
#define FORM_MAX_NAME	64
#define FORM_MAX_VALUE	4096

struct form_field {
	char *name;
	char *value; /* decoded, NUL-free, valid UTF-8 */
};

struct form {
	struct form_field f[FORM_MAX_FIELDS];
	size_t		  n;
};

/* Parse s[0..len).  0 on malformed input (bad escapes, NUL or control
 * bytes other than tab/CR/LF, bad UTF-8, too many or too long fields)
 * or out of memory; the form is then empty. */
int  form_parse(struct form *, const char *s, size_t len);
void form_free(struct form *);
/* The only value of name; NULL if absent.  *dup is set when the field
 * is repeated (callers treat that as malformed). */
const char *form_get(const struct form *, const char *name, int *dup);
/* How many fields carry name. */
size_t form_count(const struct form *, const char *name);

/* Find cookie "name" in a Cookie header; copies its value (at most
 * outsz-1 bytes) into out.  0 if absent or malformed. */
int cookie_get(const char *header, const char *name, char *out, size_t outsz);

/* The value of a hexadecimal digit, or -1. */
int form_hex(unsigned char);

#endif /* !POSTERN_FORM_H */
