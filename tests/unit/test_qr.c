/*
 * test_qr.c: the QR code on /contacts/2fa.  The page inserts the SVG
 * unescaped, so it must be markup made from the bitmap alone; and a
 * phone must be able to scan it, so the drawing must be exactly the
 * symbol libqrencode made, inside a quiet zone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "buf.h"
#include "qr.h"
#include "tap.h"

static const char uri[] =
    "otpauth://totp/Postern:alice@example.org"
    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Postern"
    "&algorithm=SHA1&digits=6&period=30";

/*
 * Paint the path's "M x y hL v1 h-L z" subpaths into an n*n bitmap.
 * 0 if the path has any other shape, or paints outside the bitmap or
 * a module twice.
 */
static int
paint(const char *svg, unsigned char *bm, int n)
{
	const char *d, *end;
	int	    x, y, l, l2, used, i;

	if ((d = strstr(svg, " d=\"")) == NULL)
		return 0;
	d += 4;
	if ((end = strchr(d, '"')) == NULL)
		return 0;
	while (d < end) {
		if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &l, &l2, &used) !=
			4 ||
		    l != l2 || l < 1 || x < 0 || y < 0 || x + l > n || y >= n)
			return 0;
		for (i = 0; i < l; i++) {
			if (bm[y * n + x + i])
				return 0;
			bm[y * n + x + i] = 1;
		}
		d += used;
	}
	return d == end;
}

static void
test_svg(void)
{
	struct buf     b;
	QRcode	      *q, *upper;
	unsigned char *bm;
	char	       want[64];
	int	       n, x, y, same = 1, quiet = 1, differs = 0;

	buf_init(&b);
	ok(qr_svg(uri, &b), "a TOTP URI is drawn");
	ok(strncmp(b.p, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0,
	    "it is an SVG element");
	ok(b.len > 6 && strcmp(b.p + b.len - 6, "</svg>") == 0,
	    "that is closed at the end");
	ok(strstr(b.p, "<script") == NULL, "no script");
	ok(strstr(b.p, "style") == NULL, "no style attribute or element");
	ok(strstr(b.p, " on") == NULL, "no event handler attribute");
	ok(strstr(b.p, uri) == NULL && strstr(b.p, "GEZDGNBV") == NULL &&
		strstr(b.p, "otpauth") == NULL && strstr(b.p, "alice") == NULL,
	    "neither the URI nor any part of it appears in the markup");
	ok(strstr(b.p, "aria-label") == NULL &&
		strstr(b.p, "aria-hidden=\"true\"") != NULL,
	    "it has no words: "
	    "twofa.tpl names it for a screen reader");
	ok(strstr(b.p, "shape-rendering=\"crispEdges\"") != NULL,
	    "modules are drawn without anti-aliased seams");
	ok(strstr(b.p, "fill=\"#000\"") != NULL &&
		strstr(b.p, "fill=\"#fff\"") != NULL,
	    "colours are presentation attributes: black on white");

	q = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	ok(q != NULL, "libqrencode encodes the same URI");
	if (q == NULL)
		goto out;
	n = q->width + 8;
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"", n, n);
	ok(strstr(b.p, want) != NULL,
	    "the viewBox is the symbol's %d modules and 4 quiet ones a side "
	    "(%s)",
	    q->width, want);

	if ((bm = calloc((size_t)n * (size_t)n, 1)) == NULL)
		abort();
	ok(paint(b.p, bm, n), "the path is only whole-module rectangles");
	for (y = 0; y < n; y++)
		for (x = 0; x < n; x++) {
			if (x < 4 || y < 4 || x >= n - 4 || y >= n - 4) {
				if (bm[y * n + x])
					quiet = 0;
				continue;
			}
			if (bm[y * n + x] !=
			    (q->data[(y - 4) * q->width + x - 4] & 1))
				same = 0;
		}
	ok(quiet, "the quiet zone of 4 modules is empty");
	ok(same, "every module is drawn exactly as the library made it");

	/* Case matters in the secret's base32 and the labels: an encoding
	 * of the upper-cased text would be another symbol. */
	upper = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 0);
	if (upper != NULL && upper->width == q->width) {
		for (y = 0; y < q->width * q->width; y++)
			if ((upper->data[y] & 1) != (q->data[y] & 1))
				differs = 1;
	} else
		differs = 1;
	ok(differs, "the drawing is of the text as given, not upper-cased");
	QRcode_free(upper);
	free(bm);
	QRcode_free(q);
out:
	buf_free(&b);
}

static void
test_refusals(void)
{
	struct buf b;
	char	  *big;

	buf_init(&b);
	buf_puts(&b, "<p>before</p>");
	ok(!qr_svg(NULL, &b), "NULL is refused");
	ok(!qr_svg("", &b), "empty text is refused");
	/* Version 40 at level M holds 2331 bytes. */
	if ((big = malloc(4001)) == NULL)
		abort();
	memset(big, 'a', 4000);
	big[4000] = '\0';
	ok(!qr_svg(big, &b), "text too long for any QR code is refused");
	is_str(b.p, "<p>before</p>", "and the buffer is left as it was");
	ok(qr_svg("hello", &b), "a short text is drawn");
	ok(strncmp(b.p, "<p>before</p><svg ", 18) == 0,
	    "after what the buffer held");
	free(big);
	buf_free(&b);
}

int
main(void)
{
	test_svg();
	test_refusals();
	return done_testing();
}
