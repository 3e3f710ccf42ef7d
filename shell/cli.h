/* The command interpreter: what main.c, the line editor, the script runner
 * and the console sockets drive. Everything about the Yamaha grammar (the
 * one command table, matching, `?`, TAB, error text, the config store and
 * `show config`) sits behind this interface, so it can be tested without a
 * tty. */
#ifndef RTX_CLI_H
#define RTX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct router;
struct cli;           /* one per router: grammar state, running config */
struct cli_session;   /* one per console: mode, selected tunnel, output */

struct cli *cli_new(struct router *r);
void cli_free(struct cli *c);
struct router *cli_router(struct cli *c);

/* admin: start in administrator mode (script mode, startup config). Such
 * a session is also taken to be a script until told otherwise: nobody is
 * there to answer a question, so `exit` from administrator mode with
 * unsaved changes does not ask "Save new configuration ? (Y/N)" but
 * leaves the changes running, unsaved, and says so. */
struct cli_session *cli_session_new(struct cli *c, FILE *out, bool admin);
void cli_session_set_script(struct cli_session *s, bool script);
void cli_session_free(struct cli_session *s);
void cli_session_set_out(struct cli_session *s, FILE *out);

/* The longest line the router takes, in bytes without the line end, on
 * every input path alike: the prompt, stdin scripts, -c files and console
 * sockets. A longer line is refused as a whole ("Error: Line too long"). */
#define CLI_LINE_MAX 4096

/* Runs one input line (comments and blank lines are accepted and ignored).
 * Output and error messages go to the session's stream; lineno > 0 makes
 * error messages carry the line number (script mode, startup config).
 * Returns 0 when the line was accepted, a negative rtx_err otherwise; a
 * `pki ... file` line whose file does not load is stored all the same
 * (so the config round-trips) and returns -RTX_EIO after its error. */
int cli_exec(struct cli_session *s, const char *line, unsigned lineno);
/* The same for len raw bytes, as read: a UTF-8 byte order mark at the
 * start is dropped (Notepad), and a line longer than CLI_LINE_MAX or
 * holding a control character (a byte below 0x20 other than TAB, or DEL;
 * NUL included) is refused with the character shown escaped ("\x1b"),
 * so nothing raw is ever echoed to a terminal or stored. */
int cli_exec_bytes(struct cli_session *s, const char *line, size_t len,
		   unsigned lineno);
/* The refusal of a line that was too long to be read at all, worded as
 * cli_exec_bytes words it (needs no session: the console client uses it). */
void cli_report_too_long(FILE *out, unsigned lineno);

/* The prompt to show now: "> ", "# ", "tunnel1# ", or a pending question
 * such as "Save new configuration ? (Y/N)". */
const char *cli_prompt(const struct cli_session *s);

/* A console login (a --connect session): when a login password is set,
 * the first line must be it (prompt "Password: "); three wrong ones close
 * the session. The router's own terminal and stdin are its owner's and
 * are not asked. */
void cli_session_login(struct cli_session *s);
/* The next line answers a password prompt: read it without echo and keep
 * it out of any history. */
bool cli_secret(const struct cli_session *s);

/* `?` typed after prefix: the possible next words with one-line help. */
void cli_help(struct cli_session *s, const char *prefix, FILE *out);

/* TAB on prefix: completions of the word being typed (the text after the
 * last space). Returns how many; *out is a malloc'd array of malloc'd
 * strings, each a full replacement for that word. */
size_t cli_complete(struct cli_session *s, const char *prefix, char ***out);

/* True once the session asked to end (`exit`/`quit` from normal mode). */
bool cli_session_closed(const struct cli_session *s);

/* After loading the startup config: nothing unsaved, so `exit` from
 * administrator mode does not ask to save. */
void cli_mark_saved(struct cli *c);
bool cli_dirty(const struct cli *c);

/* Config lines reach the engine (the typed config is rebuilt from the
 * line store) once input pauses for CLI_APPLY_QUIET_MS on the router's
 * loop, so a pasted or piped config of thousands of tunnels is applied
 * once, not per line; operations that act on the engine apply first.
 * Where the last apply took longer than CLI_APPLY_QUIET_MS /
 * CLI_APPLY_COST_FACTOR, the pause must be CLI_APPLY_COST_FACTOR times
 * that long (up to CLI_APPLY_QUIET_MAX_MS): see cmd_config_touched.
 * cli_apply() applies pending changes now; 0 or -RTX_ENOMEM. */
#define CLI_APPLY_QUIET_MS 20
#define CLI_APPLY_COST_FACTOR 10
#define CLI_APPLY_QUIET_MAX_MS 2000
int cli_apply(struct cli *c);

/* One line for an interactive login: version, model, kernel backend. */
void cli_banner(const struct cli *c, FILE *out);

/* The running config as `show config` prints it. */
void cli_show_config(struct cli *c, FILE *out);

#endif
