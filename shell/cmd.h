/* Command handlers named by the table, and the session/router state they
 * share with cli.c. Internal to shell/. */
#ifndef RTX_SHELL_CMD_H
#define RTX_SHELL_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "engine/loop.h"
#include "shell/cli.h"
#include "shell/grammar.h"

struct cfgstore;

struct cli {
	struct router *r;
	struct cfgstore *cfg;
	bool ja;                  /* console character ja.*: Japanese errors */
	bool dirty;               /* changed since the last save or mark */
	bool apply_pending;       /* lines changed since the engine last saw them */
	unsigned *disabled;       /* tunnels disabled since, for the engine */
	size_t n_disabled;
	struct loop_timer apply_timer;
	uint64_t apply_ms;        /* how long the last apply took (cli_apply) */
	time_t boot;              /* wall time the router started (show environment) */
};

struct cli_session {
	struct cli *c;
	FILE *out;
	bool admin;
	bool closed;
	bool ask_save;            /* the next line answers "Save ... (Y/N)" */
	bool script;              /* nobody to answer questions (see cli.h) */
	unsigned tunnel;          /* tunnel select N (0: none) */
	unsigned pp;              /* pp select N (0: none) */
	unsigned lineno;          /* of the line being run, for messages */
	char *detail;             /* malloc'd: a handler's word for its error */
	unsigned char pw_ask;     /* the next line answers a password prompt (PW_*) */
	unsigned char pw_tries;   /* wrong login passwords so far */
	bool pw_login;            /* PW_OLD/NEW/AGAIN set the login password */
	char *pw_new;             /* malloc'd: the first New_Password, to confirm */
	char *help_last;          /* malloc'd: the prefix of the last `?`, until
				   * a line runs; `?` again there lists all */
	char prompt[32];
};

/* Stores a config line or, for a `no` form, deletes it. */
enum gerr cmd_store(struct cli_session *s, const struct cmd_args *a);

enum gerr cmd_show_config(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_config_swanctl(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_ipsec_sa(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_ipsec_diagnosis(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_pool(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_status_tunnel(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_status_ipsec(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_ip_route(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_log(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_clear_log(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_save(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_administrator(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_exit(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_shutdown(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_sa_delete(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_refresh_sa(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_tunnel_select(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_pp_select(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_tunnel_enable(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_tunnel_disable(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_syslog_debug(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_console_character(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_help(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_environment(struct cli_session *s, const struct cmd_args *a);
/* shell/cmd_pki.c */
enum gerr cmd_pki_file(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_pki_cert(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_show_pki_crl(struct cli_session *s, const struct cmd_args *a);

/* Password prompts (cmd_passwd.c): what the next line answers. */
enum { PW_NONE = 0, PW_LOGIN, PW_ADMIN, PW_OLD, PW_NEW, PW_AGAIN };
enum gerr cmd_password(struct cli_session *s, const struct cmd_args *a);
enum gerr cmd_password_store(struct cli_session *s, const struct cmd_args *a);
/* The answer to the pending password prompt; 0 or a negative rtx_err. */
enum gerr cmd_password_answer(struct cli_session *s, const char *line);
const char *cmd_password_prompt(const struct cli_session *s);
/* The stored hash of the login (or administrator) password, or NULL when
 * none that rtxsh can check is set. */
const char *cmd_password_stored(const struct cli *c, bool login);

/* A stored line changed: the engine sees it once input pauses (cli.c). */
void cmd_config_touched(struct cli *c);
/* `tunnel enable/disable N` as the engine hears it (at the next apply). */
void cmd_engine_tunnel(struct cli_session *s, unsigned tunnel, bool enable);
/* The config was applied: tell the engine about disabled tunnels. */
void cmd_engine_applied(struct cli *c);

/* Writes the running config to path (shell/cfgsave.h) and says so; on
 * failure GE_SAVE with s->detail naming the path and the reason. */
enum gerr cmd_save_to(struct cli_session *s, const char *path);

#endif
