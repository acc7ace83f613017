/*
 * test_json.c: the JSON writer of the account export.  Whatever a
 * person typed into a name, address or user agent comes out as one
 * JSON string that means exactly what was typed.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "tap.h"

/* value as one JSON string, or "(failed)". */
static const char *
one(const char *value)
{
	static char out[256];
	struct buf  b;
	struct json j;

	buf_init(&b);
	json_init(&j, &b);
	json_string(&j, NULL, value);
	snprintf(out, sizeof(out), "%s", json_done(&j) ? b.p : "(failed)");
	buf_free(&b);
	return out;
}

static void
strings(void)
{
	is_str(one("plain"), "\"plain\"", "plain text stays as it is");
	is_str(one("say \"hi\""), "\"say \\\"hi\\\"\"", "quotes are escaped");
	is_str(one("C:\\dir\\"), "\"C:\\\\dir\\\\\"",
	    "backslashes are escaped, a trailing one too");
	is_str(one("a\nb\tc\rd"), "\"a\\nb\\tc\\u000dd\"",
	    "newline, tab and carriage return are escaped");
	is_str(one("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"",
	    "every other control character becomes \\u00XX");
	is_str(one("Bücher ☃ 😀"), "\"Bücher ☃ 😀\"",
	    "UTF-8 (two, three and four bytes) passes through");
	is_str(one("a\xff"
		   "b"),
	    "\"a\\ufffdb\"", "a byte that is not UTF-8 becomes U+FFFD");
	is_str(one("\xc3"), "\"\\ufffd\"",
	    "a sequence cut by the end of the string too");
	is_str(one("\xc0\xaf"), "\"\\ufffd\\ufffd\"",
	    "an overlong form too (no hidden '/')");
	is_str(one("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"",
	    "and a UTF-16 surrogate");
	is_str(one("</script>"), "\"</script>\"", "nothing else is touched");
	is_str(one(NULL), "null", "no value is null");
}

static void
structure(void)
{
	struct buf  b;
	struct json j;

	buf_init(&b);
	json_init(&j, &b);
	json_object(&j, NULL);
	json_string(&j, "name", "ada");
	json_int(&j, "n", -42);
	json_bool(&j, "on", 1);
	json_time(&j, "at", 1764979200);
	json_time(&j, "never", 0);
	json_array(&j, "list");
	json_int(&j, NULL, 1);
	json_object(&j, NULL);
	json_string(&j, "k\"ey", "v");
	json_end(&j);
	json_end(&j);
	json_end(&j);
	ok(json_done(&j), "a nested document is complete");
	is_str(b.p,
	    "{\"name\":\"ada\",\"n\":-42,\"on\":true,"
	    "\"at\":\"2025-12-06T00:00:00Z\",\"never\":null,"
	    "\"list\":[1,{\"k\\\"ey\":\"v\"}]}",
	    "members and values are separated and keys escaped");
	buf_free(&b);

	buf_init(&b);
	json_init(&j, &b);
	json_object(&j, NULL);
	json_string(&j, NULL, "no key");
	ok(!json_done(&j), "a member of an object without a key fails");
	buf_free(&b);

	buf_init(&b);
	json_init(&j, &b);
	json_array(&j, NULL);
	json_string(&j, "key", "v");
	ok(!json_done(&j), "a value in an array with a key fails");
	buf_free(&b);

	buf_init(&b);
	json_init(&j, &b);
	json_object(&j, NULL);
	ok(!json_done(&j), "an object left open is not done");
	json_end(&j);
	json_end(&j);
	ok(!json_done(&j), "one end too many fails");
	buf_free(&b);
}

int
main(void)
{
	strings();
	structure();
	return done_testing();
}
