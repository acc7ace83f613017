/*
 * postern.h -- the face of libpostern that the FastCGI programs in
 * cgi-bin/, the admin command in bin/ and the tests use.
 *
 * Conventions, once for the whole library:
 *  - Functions return 0 on failure and non-zero on success; allocators
 *    return NULL.  A look-up that finds nothing is not a failure: it
 *    succeeds and leaves the result's id at 0.  An enum is returned only
 *    where the caller must branch on the cause.
 *  - Every allocator has a NULL-safe *_free().  Pointers returned by
 *    accessors are borrowed from their owner unless the comment says the
 *    caller frees them.
 *  - Times are seconds since the epoch (int64_t); durations are seconds.
 *  - Storage errors are logged where they happen; a handler that sees a
 *    0 from a storage function answers 503 and changes nothing.
 */
#ifndef POSTERN_H
#define POSTERN_H

#include "buf.h"
#include "log.h"
#include "config.h"
#include "db.h"
#include "crypto.h"
#include "form.h"
#include "password.h"
#include "validate.h"
#include "http.h"
#include "render.h"
#include "session.h"
#include "account.h"
#include "link.h"
#include "event.h"
#include "rate.h"
#include "outbox.h"
#include "mailer.h"
#include "app.h"

#endif /* !POSTERN_H */
