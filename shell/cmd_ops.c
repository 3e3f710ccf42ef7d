/* Command handlers: storing config lines, modes, show commands, save. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "engine/model.h"
#include "engine/router.h"
#include "shell/cfgprint.h"
#include "shell/cfgsave.h"
#include "shell/cfgstore.h"
#include "engine/config.h"
#include "shell/cfgapply.h"
#include "shell/cfgtemplate.h"
#include "shell/cmd.h"
#include "shell/export_swanctl.h"

#define PP_ANONYMOUS 0xffffffffu

/* ---- the store -------------------------------------------------------- */

/* A tail equal to the setting's default is not stored: `show config`
 * prints only what differs from the factory state. */
static bool is_default(const struct cli *c, const struct cmd_row *r,
		       const char *tail)
{
	char buf[32];
	const char *d = r->dflt;
	if (!d)
		return false;
	if (strcmp(d, "@queue") == 0) {
		snprintf(buf, sizeof(buf), "%u", c->r->model->queue_default);
		d = buf;
	}
	size_t len = strlen(tail);
	while (*d) {
		size_t alt = strcspn(d, "|");
		if (alt == len && strncmp(d, tail, len) == 0)
			return true;
		d += alt + (d[alt] == '|');
	}
	return false;
}

static unsigned row_ctx(const struct cli_session *s, const struct cmd_row *r)
{
	if (r->flags & R_TUNNEL)
		return s->tunnel;
	if (r->flags & R_PP)
		return s->pp;
	return 0;
}

static enum gerr store_delete(struct cli_session *s, const struct cmd_args *a,
			      unsigned ctx)
{
	const struct cmd_row *r = a->row;
	bool seq = r->flags & R_SEQ;
	char *key = words_join(a->w, seq ? a->n : a->nkeyw);
	if (!key)
		return GE_NOMEM;
	if (cfgstore_del(s->c->cfg, r->setting, ctx, key, seq || a->nkeyw < r->nkey))
		s->c->dirty = true;
	free(key);
	return GE_OK;
}

/* One join for the line: its key is its first words and the tail the
 * rest (three joins and their allocations were a tenth of loading a
 * 6000-tunnel config). */
static enum gerr store_at(struct cli_session *s, const struct cmd_args *a,
			  unsigned ctx)
{
	const struct cmd_row *r = a->row;
	if (a->no)
		return store_delete(s, a, ctx);
	size_t tlen, klen;
	char lbuf[512], kbuf[256], *key = kbuf;
	char *line = words_join_at(a->w, a->n, a->nkeyw, &tlen, lbuf, sizeof(lbuf));
	if (!line)
		return GE_NOMEM;
	klen = r->flags & R_SEQ ? strlen(line) : tlen;
	if (klen >= sizeof(kbuf) && !(key = malloc(klen + 1))) {
		if (line != lbuf)
			free(line);
		return GE_NOMEM;
	}
	memcpy(key, line, klen);
	key[klen] = '\0';
	const char *tail = line + tlen + (tlen && line[tlen] == ' ');
	enum gerr e = GE_OK;
	if (is_default(s->c, r, tail))
		cfgstore_del(s->c->cfg, r->setting, ctx, key, false);
	else if (cfgstore_put(s->c->cfg, r, ctx, key, line, a->w, a->tok, a->n) < 0)
		e = GE_NOMEM;
	s->c->dirty = true;
	if (key != kbuf)
		free(key);
	if (line != lbuf)
		free(line);
	return e;
}

enum gerr cmd_store(struct cli_session *s, const struct cmd_args *a)
{
	return store_at(s, a, row_ctx(s, a->row));
}

/* ---- modes ------------------------------------------------------------ */

enum gerr cmd_administrator(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	/* A script is its owner's input (a console script logged in). */
	if (!s->admin && !s->script && cmd_password_stored(s->c, false)) {
		s->pw_ask = PW_ADMIN;
		return GE_OK;
	}
	s->admin = true;
	return GE_OK;
}

enum gerr cmd_exit(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	if (!s->admin) {
		s->closed = true;
		return GE_OK;
	}
	if (s->c->dirty && s->script) {
		fputs("Configuration not saved: a script cannot answer the save question "
		      "(use save)\n", s->out);
	} else if (s->c->dirty) {
		s->ask_save = true;
		return GE_OK;
	}
	s->admin = false;
	s->tunnel = s->pp = 0;
	return GE_OK;
}

enum gerr cmd_shutdown(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	s->c->r->shutdown = true;
	return GE_OK;
}

enum gerr cmd_tunnel_select(struct cli_session *s, const struct cmd_args *a)
{
	const char *v = a->w[a->n - 1];
	s->tunnel = strcmp(v, "none") == 0 ? 0 : (unsigned)strtoul(v, NULL, 10);
	s->pp = 0;
	return GE_OK;
}

enum gerr cmd_pp_select(struct cli_session *s, const struct cmd_args *a)
{
	const char *v = a->w[a->n - 1];
	if (strcmp(v, "none") == 0)
		s->pp = 0;
	else if (strcmp(v, "anonymous") == 0)
		s->pp = PP_ANONYMOUS;
	else
		s->pp = (unsigned)strtoul(v, NULL, 10);
	s->tunnel = 0;
	return GE_OK;
}

/* ---- settings with side effects --------------------------------------- */

enum gerr cmd_syslog_debug(struct cli_session *s, const struct cmd_args *a)
{
	enum gerr e = cmd_store(s, a);
	if (e == GE_OK)
		log_set_debug(s->c->r->log, !a->no && strcmp(a->w[a->n - 1], "on") == 0);
	return e;
}

enum gerr cmd_console_character(struct cli_session *s, const struct cmd_args *a)
{
	enum gerr e = cmd_store(s, a);
	if (e == GE_OK)
		s->c->ja = !a->no && strncmp(a->w[a->n - 1], "ja.", 3) == 0;
	return e;
}

/* Tunnels that have a block in the config. */
static size_t known_tunnels(const struct cli *c, unsigned **out)
{
	size_t n = 0;
	unsigned *t = calloc(cfgstore_count(c->cfg) + 1, sizeof(*t));
	*out = t;
	if (!t)
		return 0;
	for (const struct cfg_entry *e = cfgstore_first(c->cfg); e; e = e->next)
		if (e->row->section == SEC_TUNNEL && e->ctx)
			t[n++] = e->ctx;
	return n;
}

/* The row `tunnel disable` stores through (its handler is this file's). */
static const struct cmd_row *enable_row(void)
{
	for (size_t i = 0; i < cmd_table_len; i++)
		if (cmd_table[i].run == cmd_tunnel_enable)
			return &cmd_table[i];
	return NULL;
}

/* `tunnel disable N` is the `no` form of `tunnel enable N`. */
static enum gerr enable_one(struct cli_session *s, const struct cmd_args *a,
			    unsigned num)
{
	char nbuf[16];
	snprintf(nbuf, sizeof(nbuf), "%u", num);
	char *w[3] = { "tunnel", "enable", nbuf };
	static const unsigned char tok[3] = { 0, 1, 2 };
	struct cmd_args one = *a;
	one.row = enable_row();
	if (!one.row)
		return GE_INVALID;
	one.w = w;
	one.tok = (unsigned char *)tok;
	one.n = 3;
	one.nkeyw = 3;
	enum gerr e = store_at(s, &one, num);
	if (e == GE_OK) {
		cmd_config_touched(s->c);
		cmd_engine_tunnel(s, num, !a->no);
	}
	return e;
}

enum gerr cmd_tunnel_enable(struct cli_session *s, const struct cmd_args *a)
{
	if (a->n < 3 && a->no)
		return GE_TOO_FEW;
	bool all = strcmp(a->w[2], "all") == 0;
	if (!all)
		return enable_one(s, a, (unsigned)strtoul(a->w[2], NULL, 10));
	unsigned *t;
	size_t n = known_tunnels(s->c, &t);
	enum gerr e = t ? GE_OK : GE_NOMEM;
	for (size_t i = 0; e == GE_OK && i < n; i++)
		e = enable_one(s, a, t[i]);
	free(t);
	return e;
}

enum gerr cmd_tunnel_disable(struct cli_session *s, const struct cmd_args *a)
{
	struct cmd_args no = *a;
	no.no = true;
	return cmd_tunnel_enable(s, &no);
}

/* ---- show, log, SAs --------------------------------------------------- */

enum gerr cmd_show_config(struct cli_session *s, const struct cmd_args *a)
{
	unsigned only = a->n >= 4 ? (unsigned)strtoul(a->w[3], NULL, 10) : 0;
	struct cfgstore *expanded = NULL;
	if (a->n == 5 && cfgtemplate_expand(s->c->cfg, &expanded) < 0)
		return GE_NOMEM;
	cfgprint(expanded ? expanded : s->c->cfg, s->out, only);
	cfgstore_free(expanded);
	return GE_OK;
}

/* The peer's side of tunnel N as swanctl.conf, from the config as typed so
 * far (the engine may not have applied the last lines yet). */
enum gerr cmd_show_config_swanctl(struct cli_session *s, const struct cmd_args *a)
{
	unsigned num = (unsigned)strtoul(a->w[3], NULL, 10);
	struct cfgstore *expanded = NULL;
	struct ipsec_config *c = NULL;
	if (cfgtemplate_expand(s->c->cfg, &expanded) < 0 ||
	    cfgapply_build(expanded ? expanded : s->c->cfg, s->c->r->model, &c) < 0) {
		cfgstore_free(expanded);
		return GE_NOMEM;
	}
	cfgstore_free(expanded);
	enum export_rc rc = export_swanctl(s->out, c, s->c->r->crypto, num);
	config_free(c);
	if (rc == EXPORT_OK)
		return GE_OK;
	if (rc == EXPORT_NOMEM)
		return GE_NOMEM;
	s->detail = strdup(a->w[3]);
	if (!s->detail)
		return GE_NOMEM;
	return rc == EXPORT_NO_TUNNEL ? GE_NO_TUNNEL_N : GE_NOT_IPSEC;
}

enum gerr cmd_show_log(struct cli_session *s, const struct cmd_args *a)
{
	log_print(s->c->r->log, s->out, a->n == 3);
	return GE_OK;
}

enum gerr cmd_clear_log(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	log_clear(s->c->r->log);
	return GE_OK;
}

/* ---- save ------------------------------------------------------------- */

/* Writes the config to path, saying so as the RTX does ("Saving ...
 * CONFIG0 Done ."), with the path for the file name. */
enum gerr cmd_save_to(struct cli_session *s, const char *path)
{
	char *why;
	if (cfgsave_write(s->c->cfg, path, &why) < 0) {
		free(s->detail);
		s->detail = why;
		return why ? GE_SAVE : GE_NOMEM;
	}
	s->c->dirty = false;
	if (s->c->ja)
		fprintf(s->out, "セーブ中... %s 終了\n", path);
	else
		fprintf(s->out, "Saving ... %s Done .\n", path);
	return GE_OK;
}

/* `save [FILE]`: FILE, or the -c file. A named file becomes where a plain
 * `save` (and "Save new configuration ? Y") writes when there was none. */
enum gerr cmd_save(struct cli_session *s, const struct cmd_args *a)
{
	struct router *r = s->c->r;
	const char *path = a->n >= 2 ? a->w[1] : r->config_path;
	if (!path)
		return GE_NO_PATH;
	enum gerr e = cmd_save_to(s, path);
	if (e == GE_OK && !r->config_path && !(r->config_path = strdup(path)))
		return GE_NOMEM;
	return e;
}
