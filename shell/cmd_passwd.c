/* `administrator password` and `login password`: set interactively (old
 * password, then the new one twice, without echo), stored only as a hash
 * (`... password encrypted HASH`, shell/passwd.h), asked for at
 * `administrator` and when a console session logs in. None is set by
 * default, so scripts and existing setups keep working. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "shell/cfgstore.h"
#include "shell/cmd.h"
#include "shell/passwd.h"

/* Wrong login passwords before the session is closed (as the RTX does). */
#define PW_LOGIN_TRIES 3

static const char *setting(bool login)
{
	return login ? "login password" : "administrator password";
}

const char *cmd_password_stored(const struct cli *c, bool login)
{
	const struct cfg_entry *e = cfgstore_find(c->cfg, setting(login), 0, setting(login));
	if (!e || e->n < 4 || !passwd_ours(e->w[3]))
		return NULL;
	return e->w[3];
}

const char *cmd_password_prompt(const struct cli_session *s)
{
	switch (s->pw_ask) {
	case PW_LOGIN:
	case PW_ADMIN:
		return "Password: ";
	case PW_OLD:
		return "Old_Password: ";
	default:
		return "New_Password: ";
	}
}

static void forget_new(struct cli_session *s)
{
	if (s->pw_new) {
		OPENSSL_cleanse(s->pw_new, strlen(s->pw_new));
		free(s->pw_new);
		s->pw_new = NULL;
	}
}

/* Stores the hash of pw as `... password encrypted HASH`; an empty pw
 * removes the password. */
static enum gerr store(struct cli_session *s, bool login, const char *pw)
{
	const char *set = setting(login);
	s->c->dirty = true;
	if (!*pw) {
		cfgstore_del(s->c->cfg, set, 0, set, false);
		return GE_OK;
	}
	const struct cmd_row *row = NULL;
	for (size_t i = 0; i < cmd_table_len && !row; i++)
		if (cmd_table[i].setting && strcmp(cmd_table[i].setting, set) == 0)
			row = &cmd_table[i];
	char *hash = passwd_hash(pw);
	if (!row || !hash) {
		free(hash);
		return GE_NOMEM;
	}
	char *w[4] = { login ? "login" : "administrator", "password", "encrypted", hash };
	static const unsigned char tok[4] = { 0, 1, 2, 3 };
	int err = cfgstore_set(s->c->cfg, row, 0, set, w, tok, 4);
	free(hash);
	return err ? GE_NOMEM : GE_OK;
}

enum gerr cmd_password(struct cli_session *s, const struct cmd_args *a)
{
	if (s->script)
		return GE_PW_SCRIPT;
	s->pw_login = strcmp(a->w[0], "login") == 0;
	s->pw_ask = cmd_password_stored(s->c, s->pw_login) ? PW_OLD : PW_NEW;
	return GE_OK;
}

enum gerr cmd_password_store(struct cli_session *s, const struct cmd_args *a)
{
	if (a->no)
		return cmd_store(s, a);
	if (a->n < 4)
		return GE_OK;   /* `... encrypted` alone: ours are never plain */
	const char *h = a->w[3];
	if (passwd_rtx(h)) {
		/* Pasted from an RTX: kept so the config round-trips, but
		 * rtxsh cannot check it, so it asks for nothing. */
		fprintf(s->out, "%s password encrypted: an RTX-encrypted password cannot be "
			"checked by rtxsh; none is asked (set one with %s password)\n",
			a->w[0], a->w[0]);
		return cmd_store(s, a);
	}
	if (!passwd_ours(h)) {
		free(s->detail);
		s->detail = strdup(h);
		return GE_INVALID;
	}
	return cmd_store(s, a);
}

static enum gerr answer_login(struct cli_session *s, const char *line)
{
	const char *h = cmd_password_stored(s->c, true);
	if (!h || passwd_check(line, h)) {
		s->pw_ask = PW_NONE;
		s->pw_tries = 0;
		return GE_OK;
	}
	if (++s->pw_tries >= PW_LOGIN_TRIES) {
		s->pw_ask = PW_NONE;
		s->closed = true;
		fputs("Too many incorrect passwords: the session is closed.\n", s->out);
	}
	return GE_PASSWORD;
}

enum gerr cmd_password_answer(struct cli_session *s, const char *line)
{
	const char *h;
	if (strlen(line) > PASSWD_MAX) {
		if (s->pw_ask != PW_LOGIN)
			s->pw_ask = PW_NONE;
		forget_new(s);
		return GE_LONG;
	}
	switch (s->pw_ask) {
	case PW_LOGIN:
		return answer_login(s, line);
	case PW_ADMIN:
		s->pw_ask = PW_NONE;
		h = cmd_password_stored(s->c, false);
		if (h && !passwd_check(line, h))
			return GE_PASSWORD;
		s->admin = true;
		return GE_OK;
	case PW_OLD:
		h = cmd_password_stored(s->c, s->pw_login);
		if (h && !passwd_check(line, h)) {
			s->pw_ask = PW_NONE;
			return GE_PASSWORD;
		}
		s->pw_ask = PW_NEW;
		return GE_OK;
	case PW_NEW:
		forget_new(s);
		if (!(s->pw_new = strdup(line))) {
			s->pw_ask = PW_NONE;
			return GE_NOMEM;
		}
		s->pw_ask = PW_AGAIN;
		return GE_OK;
	default: {
		s->pw_ask = PW_NONE;
		bool same = s->pw_new && strcmp(s->pw_new, line) == 0;
		enum gerr e = same ? store(s, s->pw_login, line) : GE_PW_DIFFER;
		forget_new(s);
		return e;
	}
	}
}
