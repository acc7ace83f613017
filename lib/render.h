#ifndef POSTERN_RENDER_H
#define POSTERN_RENDER_H

#include "buf.h"

/*
 * render.cc: a C API over ctemplate.  Every page template starts with
 * {{%AUTOESCAPE context="HTML"}} and is shown inside layout.tpl, which
 * places the expanded page with {{CONTENT:none}}.  Mail templates are plain
 * text: the first line is the subject, the rest after one blank line
 * is the body.
 */

struct render_dict;

/*
 * Parse templates from dir now, so a broken install fails at start-up
 * and not on a user's click: messages.tpl, layout.tpl, error.tpl,
 * login.tpl and the NULL-ended names, or every template under dir when
 * names is NULL (then all stay loaded).  With names, only messages.tpl
 * and layout.tpl stay loaded; the others are read again on first use
 * and kept from then on, since each costs its process memory.  A
 * program lists only what it renders.
 */
int render_init(const char *dir, const char *const *names);

struct render_dict *render_dict_new(void);
void		    render_dict_free(struct render_dict *);
/* Values are copied. */
void render_set(struct render_dict *, const char *name, const char *value);
void render_set_int(struct render_dict *, const char *name, long long v);
void render_show(struct render_dict *, const char *section);
/* A new repetition of section; owned by its parent. */
struct render_dict *render_section(struct render_dict *, const char *section);

/* Expand page template tpl inside the layout into out. */
int render_page(const char *tpl, struct render_dict *, struct buf *out);
/* Expand a text template (mails) into out. */
int render_text(const char *tpl, struct render_dict *, struct buf *out);
/*
 * Expand templates/messages.tpl, loaded by render_init() for every
 * program, into out: the words of the section(s) shown in the
 * dictionary, as plain text on one line (a page escapes it).
 */
int render_message(struct render_dict *, struct buf *out);

#endif /* !POSTERN_RENDER_H */
