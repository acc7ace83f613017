#ifndef POSTERN_QR_H
#define POSTERN_QR_H

#include "buf.h"

/*
 * qr.c: a QR code as inline SVG, for the otpauth URI on /contacts/2fa.
 * Pure: no I/O.
 */

#define QR_QUIET 4 /* modules of white border on each side */
#define QR_SCALE 5 /* CSS pixels per module of the intrinsic size */

/*
 * Append to out an <svg> element drawing text as a QR code (error
 * correction M, byte mode, case kept), with a quiet zone of QR_QUIET
 * modules: viewBox "0 0 N N" where N is the symbol's width plus
 * 2 * QR_QUIET, one white <rect>, one black <path> made of a
 * "M x y hL v1 h-L z" subpath per horizontal run of dark modules.
 *
 * The markup is built from the bitmap alone and never contains text,
 * so a template may insert it unescaped (:none).  It has no script and
 * no style attribute (the CSP allows neither), only presentation
 * attributes.  Hidden from screen readers (aria-hidden): the template
 * around it names it, in the page's words.  It encodes what text says:
 * when that is a TOTP URI, the page that shows it is as secret as the
 * URI.
 *
 * 0 if text is NULL, empty or too long for a QR code, or if out ran out
 * of memory; out is then left as it was (or marked failed).
 */
int qr_svg(const char *text, struct buf *out);

#endif /* !POSTERN_QR_H */
