/*
 * render.cc: the C API over ctemplate (a C++ library).
 *
 * Pages are expanded, then placed inside templates/layout.tpl as
 * {{CONTENT:none}}; every page template begins with
 * {{%AUTOESCAPE context="HTML"}}, so a value reaches HTML only escaped
 * for its position.  Templates are parsed at start-up, so a broken one
 * stops the program: a FastCGI program parses the ones it names
 * (render_init's list) and keeps each from its first use for the life
 * of the process, the mailer keeps every one.  No C++ exception
 * may cross into C: every entry point catches them and reports failure.
 */
#include <dirent.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <new>
#include <string>
#include <unordered_set>

#include <ctemplate/template.h>

extern "C" {
#include "log.h"
#include "render.h"
}

/*
 * A top dictionary owns its ctemplate dictionary; a section's belongs to
 * its parent there.  The C wrappers of sections are chained on the top
 * wrapper and freed with it, so callers never free a section.
 */
struct render_dict {
	ctemplate::TemplateDictionary *d;
	struct render_dict	      *top;  /* NULL for a top dictionary */
	struct render_dict	      *next; /* next section wrapper */
	struct render_dict	      *children; /* on a top dictionary */
};

static std::string render_dir;
/* What is in ctemplate's cache; empty when it loaded the whole folder. */
static std::unordered_set<std::string> render_loaded;
/* What the program lists: checked at start-up, loaded on first use. */
static std::unordered_set<std::string> render_listed;
static bool			       render_all;

static bool
render_load(const std::string &name)
{
	if (!ctemplate::LoadTemplate(name, ctemplate::DO_NOT_STRIP)) {
		log_err("templates: %s does not load", name.c_str());
		return false;
	}
	if (!render_all)
		render_loaded.insert(name);
	return true;
}

/* Load every *.tpl under dir (and one level of sub-folders, for mail). */
static bool
render_load_dir(const std::string &dir, const std::string &prefix)
{
	DIR	      *dp;
	struct dirent *de;
	bool	       ok = true;

	if ((dp = opendir(dir.c_str())) == NULL) {
		log_err("templates: cannot open %s", dir.c_str());
		return false;
	}
	while ((de = readdir(dp)) != NULL) {
		std::string name(de->d_name);

		if (name[0] == '.')
			continue;
		if (de->d_type == DT_DIR && prefix.empty()) {
			ok = render_load_dir(dir + "/" + name, name + "/") &&
			    ok;
			continue;
		}
		if (name.size() < 5 ||
		    name.compare(name.size() - 4, 4, ".tpl") != 0)
			continue;
		ok = render_load(prefix + name) && ok;
	}
	closedir(dp);
	return ok;
}

/*
 * A listed template is parsed at start-up, so that a broken one stops
 * the program before a user sees it, and then dropped: most processes
 * never render most of what they list (an idle account.fcgi held about
 * 200 kB of parsed mail, SMS and form templates), and render_ready
 * loads it again on first use.
 */
static bool
render_check(const char *name)
{
	if (!render_load(name))
		return false;
	ctemplate::mutable_default_template_cache()->Delete(name);
	render_loaded.erase(name);
	render_listed.insert(name);
	return true;
}

/*
 * The messages: one section per outcome (outcome.h), one line each.
 * Stripping the line ends leaves only the section shown.
 */
static const char render_messages[] = "messages.tpl";

static bool
render_load_messages(void)
{
	if (ctemplate::LoadTemplate(render_messages,
		ctemplate::STRIP_WHITESPACE))
		return true;
	log_err("templates: %s does not load", render_messages);
	return false;
}

extern "C" int
render_init(const char *dir, const char *const *names)
{
	bool ok = true;

	try {
		render_dir = dir;
		ctemplate::mutable_default_template_cache()
		    ->SetTemplateRootDirectory(render_dir);
		if (!render_load_messages())
			return 0;
		if (names == NULL) {
			render_all = true;
			if (!render_load_dir(render_dir, ""))
				return 0;
			/* Later changes to the files are not picked up. */
			ctemplate::mutable_default_template_cache()->Freeze();
			return 1;
		}
		/* Every page is shown inside the layout: it stays. */
		if (!render_load("layout.tpl"))
			return 0;
		/* login.tpl: app.c shows it for a session route without one. */
		ok = render_check("error.tpl") && render_check("login.tpl");
		for (; *names != NULL; names++)
			ok = render_check(*names) && ok;
#ifdef __GLIBC__
		/* Give the pages of the parsed templates back. */
		(void)malloc_trim(0);
#endif
		/*
		 * Not frozen, so that listed templates, and a name missing
		 * from the list, load on first use (render_ready).
		 * ctemplate never looks at a loaded file again unless asked
		 * to, frozen or not.
		 */
		return ok;
	} catch (...) {
		log_err("templates: out of memory");
		return 0;
	}
}

/*
 * tpl is loaded: a listed one on its first use.  A program that renders
 * a template its list lacks still works, at the cost of a disk read on
 * first use; the warning (once per name) is what the tests look for.
 */
static bool
render_ready(const char *tpl)
{
	if (render_all || render_loaded.count(tpl) != 0)
		return true;
	if (render_listed.count(tpl) != 0)
		return render_load(tpl);
	log_warn("templates: %s is not in this program's list: loading it "
		 "now",
	    tpl);
	return render_load(tpl);
}

extern "C" struct render_dict *
render_dict_new(void)
{
	struct render_dict *rd;

	if ((rd = new (std::nothrow) render_dict) == NULL)
		return NULL;
	try {
		rd->d = new ctemplate::TemplateDictionary("page");
		rd->top = rd->next = rd->children = NULL;
	} catch (...) {
		delete rd;
		return NULL;
	}
	return rd;
}

extern "C" void
render_dict_free(struct render_dict *rd)
{
	struct render_dict *c;

	if (rd == NULL || rd->top != NULL)
		return;
	while ((c = rd->children) != NULL) {
		rd->children = c->next;
		delete c;
	}
	delete rd->d;
	delete rd;
}

extern "C" void
render_set(struct render_dict *rd, const char *name, const char *value)
{
	if (rd == NULL || value == NULL)
		return;
	try {
		rd->d->SetValue(name, value);
	} catch (...) {
		log_err("templates: out of memory");
	}
}

extern "C" void
render_set_int(struct render_dict *rd, const char *name, long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	render_set(rd, name, s);
}

extern "C" void
render_show(struct render_dict *rd, const char *section)
{
	if (rd == NULL)
		return;
	try {
		rd->d->ShowSection(section);
	} catch (...) {
		log_err("templates: out of memory");
	}
}

extern "C" struct render_dict *
render_section(struct render_dict *rd, const char *section)
{
	struct render_dict *c, *top;

	if (rd == NULL)
		return NULL;
	if ((c = new (std::nothrow) render_dict) == NULL)
		return NULL;
	try {
		c->d = rd->d->AddSectionDictionary(section);
	} catch (...) {
		delete c;
		return NULL;
	}
	top = rd->top != NULL ? rd->top : rd;
	c->top = top;
	c->children = NULL;
	c->next = top->children;
	top->children = c;
	return c;
}

extern "C" int
render_page(const char *tpl, struct render_dict *rd, struct buf *out)
{
	int ok = 0;

	/*
	 * Two passes: the page first, then the layout around it.  (An
	 * include dictionary would not see the values set on its parent.)
	 * CONTENT is inserted with :none because it is the output of an
	 * autoescaped template, never a user value.
	 */
	try {
		std::string page, s;

		if (!render_ready(tpl))
			return 0;
		if (!ctemplate::ExpandTemplate(tpl, ctemplate::DO_NOT_STRIP,
			rd->d, &page)) {
			log_err("templates: %s does not expand", tpl);
			return 0;
		}
		rd->d->SetValue("CONTENT", page);
		if (ctemplate::ExpandTemplate("layout.tpl",
			ctemplate::DO_NOT_STRIP, rd->d, &s))
			ok = buf_append(out, s.data(), s.size());
		else
			log_err("templates: layout.tpl does not expand");
	} catch (...) {
		log_err("templates: out of memory");
	}
	return ok;
}

extern "C" int
render_text(const char *tpl, struct render_dict *rd, struct buf *out)
{
	int ok = 0;

	try {
		std::string s;

		if (!render_ready(tpl))
			return 0;
		if (ctemplate::ExpandTemplate(tpl, ctemplate::DO_NOT_STRIP,
			rd->d, &s))
			ok = buf_append(out, s.data(), s.size());
		else
			log_err("templates: %s does not expand", tpl);
	} catch (...) {
		log_err("templates: out of memory");
	}
	return ok;
}

extern "C" int
render_message(struct render_dict *rd, struct buf *out)
{
	int ok = 0;

	try {
		std::string s;

		if (ctemplate::ExpandTemplate(render_messages,
			ctemplate::STRIP_WHITESPACE, rd->d, &s))
			ok = buf_append(out, s.data(), s.size());
		else
			log_err("templates: %s does not expand",
			    render_messages);
	} catch (...) {
		log_err("templates: out of memory");
	}
	return ok;
}
