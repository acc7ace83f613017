/*
 * qr.c: draws the QR code that an authenticator app scans to learn a
 * TOTP secret, as SVG that goes straight into the page.  An image file
 * would need a second request that carries the secret, and a data: URL
 * would need the CSP widened; inline SVG needs neither, and stays sharp
 * at any zoom.
 *
 * libqrencode makes the symbol and draws nothing: each byte of q->data
 * is one module, dark when its lowest bit is set.  Each row's runs of
 * dark modules become one rectangle each, which keeps the path a few
 * kilobytes for the largest URI a TOTP page produces.
 */
#include <stdint.h>
#include <string.h>

#include <qrencode.h>

#include "buf.h"
#include "qr.h"

int
qr_svg(const char *text, struct buf *out)
{
	QRcode *q;
	int	n, x, y, run;

	if (text == NULL || *text == '\0' || out->failed)
		return 0;
	/*
	 * Version 0: the smallest that fits.  The last argument must be 1:
	 * with 0 libqrencode upper-cases the whole text, and an otpauth
	 * URI's secret and labels would change.
	 */
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return 0;
	n = q->width + 2 * QR_QUIET;

	buf_printf(out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "shape-rendering=\"crispEdges\" aria-hidden=\"true\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"",
	    n, n, n * QR_SCALE, n * QR_SCALE, n, n);
	for (y = 0; y < q->width; y++) {
		for (x = 0; x < q->width; x += run) {
			run = 0;
			while (x + run < q->width &&
			    (q->data[y * q->width + x + run] & 1))
				run++;
			if (run == 0) {
				run = 1;
				continue;
			}
			buf_printf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET,
			    y + QR_QUIET, run, run);
		}
	}
	buf_puts(out, "\"/></svg>");
	QRcode_free(q);
	/* A failed buffer keeps what fitted: the caller must not use it. */
	return !out->failed;
}
