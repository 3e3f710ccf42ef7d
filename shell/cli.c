/* The interpreter behind shell/cli.h: sessions, modes, the prompt, and
 * cli_exec(), which splits and matches a line, checks mode and scope, and
 * runs the row's handler (or stores the line). */
#include "config.h"

#include "shell/cli.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "engine/config.h"
#include "engine/model.h"
#include "base/clock.h"
#include "base/err.h"
#include "engine/router.h"
#include "shell/cfgapply.h"
#include "shell/cfgprint.h"
#include "shell/cfgstore.h"
#include "shell/cfgtemplate.h"
#include "shell/cmd.h"
#include "shell/grammar.h"

/* ---- applying config lines to the engine ---- */

/* The rebuilt config replaces the router's in place: the engine keeps its
 * pointer to it and looks everything up by number, never by address. */
int cli_apply(struct cli *c)
{
	struct ipsec_config *fresh;
	loop_timer_disarm(c->r->loop, &c->apply_timer);
	if (!c->apply_pending)
		return 0;
	struct cfgstore *expanded;
	uint64_t t0 = c->r->clock->mono_ms(c->r->clock);
	int err = cfgtemplate_expand(c->cfg, &expanded);
	if (err)
		return err;
	err = cfgapply_build(expanded ? expanded : c->cfg, c->r->model, &fresh);
	cfgstore_free(expanded);
	if (err)
		return err;
	struct ipsec_config old = *c->r->ipsec;
	*c->r->ipsec = *fresh;
	*fresh = old;
	config_free(fresh);
	c->apply_pending = false;
	router_config_changed(c->r);
	cmd_engine_applied(c);
	c->apply_ms = c->r->clock->mono_ms(c->r->clock) - t0;
	return 0;
}

static void apply_fired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	cli_apply(arg);
}

/* Every accepted line pushes the deadline on: applied when input pauses.
 * An apply rebuilds the whole config, so its cost grows with the config;
 * a paste arriving slower than rtxsh reads it pauses often, and applying
 * at every pause made pasting a large config quadratic. The pause that
 * counts is therefore CLI_APPLY_COST_FACTOR times the last apply's
 * duration when that is longer than CLI_APPLY_QUIET_MS (at most
 * CLI_APPLY_QUIET_MAX_MS): applies then take a bounded share of the
 * paste's time, and a small config still applies 20 ms after a line. */
void cmd_config_touched(struct cli *c)
{
	uint64_t quiet = c->apply_ms * CLI_APPLY_COST_FACTOR;
	if (quiet < CLI_APPLY_QUIET_MS)
		quiet = CLI_APPLY_QUIET_MS;
	if (quiet > CLI_APPLY_QUIET_MAX_MS)
		quiet = CLI_APPLY_QUIET_MAX_MS;
	c->apply_pending = true;
	loop_timer_arm(c->r->loop, &c->apply_timer, quiet);
}

struct cli *cli_new(struct router *r)
{
	struct cli *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->r = r;
	c->boot = r->clock->wall(r->clock);
	loop_timer_init(&c->apply_timer, apply_fired, c);
	c->cfg = cfgstore_new();
	if (!c->cfg) {
		free(c);
		return NULL;
	}
	return c;
}

void cli_free(struct cli *c)
{
	if (!c)
		return;
	loop_timer_disarm(c->r->loop, &c->apply_timer);
	free(c->disabled);
	cfgstore_free(c->cfg);
	free(c);
}

struct router *cli_router(struct cli *c)
{
	return c->r;
}

void cli_mark_saved(struct cli *c)
{
	c->dirty = false;
}

bool cli_dirty(const struct cli *c)
{
	return c->dirty;
}

void cli_banner(const struct cli *c, FILE *out)
{
	fprintf(out, "rtxsh %s emulating %s, kernel backend %s\n", PACKAGE_VERSION,
		c->r->model->name, c->r->backend == KERNEL_NETLINK ? "netlink (Linux XFRM)"
								   : "sim (SAs in memory only)");
}

void cli_show_config(struct cli *c, FILE *out)
{
	cfgprint(c->cfg, out, 0);
}

struct cli_session *cli_session_new(struct cli *c, FILE *out, bool admin)
{
	struct cli_session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->c = c;
	s->out = out;
	s->admin = admin;
	s->script = admin;
	return s;
}

void cli_session_set_script(struct cli_session *s, bool script)
{
	s->script = script;
}

void cli_session_free(struct cli_session *s)
{
	if (s) {
		free(s->help_last);
		if (s->pw_new)
			OPENSSL_cleanse(s->pw_new, strlen(s->pw_new));
		free(s->pw_new);
	}
	free(s);
}

bool cli_secret(const struct cli_session *s)
{
	return s->pw_ask != PW_NONE;
}

void cli_session_login(struct cli_session *s)
{
	if (cmd_password_stored(s->c, true))
		s->pw_ask = PW_LOGIN;
}

void cli_session_set_out(struct cli_session *s, FILE *out)
{
	s->out = out;
}

bool cli_session_closed(const struct cli_session *s)
{
	return s->closed;
}

const char *cli_prompt(const struct cli_session *s)
{
	struct cli_session *m = (struct cli_session *)s;
	if (s->pw_ask)
		return cmd_password_prompt(s);
	if (s->ask_save)
		return "Save new configuration ? (Y/N) ";
	if (!s->admin)
		return "> ";
	if (s->tunnel)
		snprintf(m->prompt, sizeof(m->prompt), "tunnel%u# ", s->tunnel);
	else if (s->pp == 0xffffffffu)
		snprintf(m->prompt, sizeof(m->prompt), "anonymous# ");
	else if (s->pp)
		snprintf(m->prompt, sizeof(m->prompt), "pp%u# ", s->pp);
	else
		return "# ";
	return m->prompt;
}

static int to_rtx_err(enum gerr e)
{
	switch (e) {
	case GE_OK: return 0;
	case GE_RANGE: return -RTX_ERANGE;
	case GE_NOMEM: return -RTX_ENOMEM;
	case GE_SAVE: return -RTX_EIO;
	case GE_PKI_LOAD: return -RTX_EIO;
	case GE_PERM: return -RTX_EINVAL;
	default: return -RTX_EPARSE;
	}
}

static int report(struct cli_session *s, enum gerr e, const char *word)
{
	grammar_error(s->out, s->lineno, e, s->c->ja, word);
	return to_rtx_err(e);
}

/* The line after "Save new configuration ? (Y/N)". */
static int answer_save(struct cli_session *s, const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	char a = (char)toupper((unsigned char)*line);
	if (a != 'Y' && a != 'N')
		return 0;   /* ask again */
	s->ask_save = false;
	if (a == 'Y') {
		s->detail = NULL;
		enum gerr e = s->c->r->config_path ? cmd_save_to(s, s->c->r->config_path)
						   : GE_NO_PATH;
		if (e) {
			int rc = report(s, e, s->detail);
			free(s->detail);
			s->detail = NULL;
			return rc;
		}
	}
	s->admin = false;
	s->tunnel = s->pp = 0;
	return 0;
}

static enum gerr check_scope(const struct cli_session *s, const struct cmd_row *r)
{
	if ((r->flags & R_ADMIN) && !s->admin)
		return GE_PERM;
	if ((r->flags & R_TUNNEL) && !s->tunnel)
		return GE_NO_TUNNEL;
	if ((r->flags & R_PP) && !s->pp)
		return GE_NO_PP;
	if ((r->flags & R_RA) && !s->c->r->model->remote_access)
		return GE_MODEL;
	return GE_OK;
}

/* Shows where an unterminated quote starts. */
static int report_split(struct cli_session *s, enum gerr e, const char *line,
			size_t bad)
{
	char word[24];
	if (e != GE_QUOTE)
		return report(s, e, NULL);
	snprintf(word, sizeof(word), "%s", line + bad);
	return report(s, e, word);
}

static int exec_line(struct cli_session *s, const char *line)
{
	struct words ws;
	struct cmd_args a;
	size_t bad = 0;
	if (s->pw_ask) {
		enum gerr pe = cmd_password_answer(s, line);
		return pe ? report(s, pe, NULL) : 0;
	}
	if (s->ask_save)
		return answer_save(s, line);
	const char *p = line;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	enum gerr e = words_split(p, &ws, &bad);
	if (e)
		return report_split(s, e, p, bad);
	e = grammar_match(s->c->r->model, ws.w, ws.n, &a, &bad);
	if (e) {
		int rc = report(s, e, e != GE_TOO_FEW && bad < ws.n ? ws.w[bad] : NULL);
		words_free(&ws);
		return rc;
	}
	words_free(&ws);
	e = check_scope(s, a.row);
	s->detail = e == GE_MODEL ? strdup(s->c->r->model->name) : NULL;
	if (e == GE_OK)
		e = (a.row->run ? a.row->run : cmd_store)(s, &a);
	if (e == GE_OK && a.row->setting && !(a.row->flags & R_PASS))
		cmd_config_touched(s->c);
	cmd_args_free(&a);
	int rc = e ? report(s, e, s->detail) : 0;
	free(s->detail);
	s->detail = NULL;
	return rc;
}

/* ---- what may enter at all ---- */

/* Below 0x20 but tab, and DEL; a table, as every byte of every line is
 * looked at. */
static const bool control[256] = {
	[0x00 ... 0x08] = true, [0x0a ... 0x1f] = true, [0x7f] = true,
};

static inline bool is_control(unsigned char c)
{
	return control[c];
}

/* Refuses a line holding a control character: the error shows the word
 * around the first one (at most ESC_AROUND bytes each side) with every
 * control character escaped, so the terminal never receives it raw. */
#define ESC_AROUND 24

static int refuse_control(struct cli_session *s, const char *line, size_t len, size_t at)
{
	size_t start = at, end = at;
	while (start > 0 && start + ESC_AROUND > at && line[start - 1] != ' ' &&
	       line[start - 1] != '\t')
		start--;
	while (end < len && end < at + ESC_AROUND && line[end] != ' ' && line[end] != '\t')
		end++;
	/* Whole UTF-8 characters only. */
	while (start < at && ((unsigned char)line[start] & 0xc0) == 0x80)
		start++;
	while (end > at + 1 && end < len && ((unsigned char)line[end] & 0xc0) == 0x80)
		end--;
	char word[(2 * ESC_AROUND + 1) * 4 + 1], *p = word;
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)line[i];
		if (is_control(c))
			p += sprintf(p, "\\x%02x", c);
		else if (c != '"')
			*p++ = (char)c;
	}
	*p = '\0';
	return report(s, GE_INVALID, word);
}

void cli_report_too_long(FILE *out, unsigned lineno)
{
	grammar_error(out, lineno, GE_LONG, false, NULL);
}

int cli_exec_bytes(struct cli_session *s, const char *line, size_t len,
		   unsigned lineno)
{
	static const char bom[] = "\xef\xbb\xbf";
	s->lineno = lineno;
	free(s->help_last);        /* the next `?` starts short again */
	s->help_last = NULL;
	if (len >= 3 && memcmp(line, bom, 3) == 0) {
		line += 3;
		len -= 3;
	}
	if (len > CLI_LINE_MAX)
		return report(s, GE_LONG, NULL);
	for (size_t i = 0; i < len; i++)
		if (is_control((unsigned char)line[i])) {
			if (!s->pw_ask)
				return refuse_control(s, line, len, i);
			/* A password is never shown, not even escaped. */
			if (s->pw_ask != PW_LOGIN)
				s->pw_ask = PW_NONE;
			return report(s, GE_INVALID, NULL);
		}
	char copy[CLI_LINE_MAX + 1];
	memcpy(copy, line, len);
	copy[len] = '\0';
	return exec_line(s, copy);
}

int cli_exec(struct cli_session *s, const char *line, unsigned lineno)
{
	return cli_exec_bytes(s, line, strlen(line), lineno);
}

void cli_help(struct cli_session *s, const char *prefix, FILE *out)
{
	struct help_scope sc = {
		.admin = s->admin, .tunnel = s->tunnel != 0, .pp = s->pp != 0,
		.all = s->help_last && strcmp(s->help_last, prefix) == 0,
	};
	grammar_help(s->c->r->model, prefix, &sc, out);
	free(s->help_last);
	s->help_last = strdup(prefix);
}

size_t cli_complete(struct cli_session *s, const char *prefix, char ***out)
{
	return grammar_complete(s->c->r->model, prefix, out);
}
