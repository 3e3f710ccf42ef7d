/* Console sessions over a Unix stream socket: `rtxsh --socket PATH` serves
 * them on the router's event loop, `rtxsh --connect PATH` is the client.
 * A connection is like a telnet login to the router: its own cli session
 * (mode, selected tunnel) on the router's one running config. The framed
 * protocol is described at the top of console.c. */
#ifndef RTX_CONSOLE_H
#define RTX_CONSOLE_H

#include <stdbool.h>

struct cli;
struct loop;
struct console_server;

/* At most this many console connections at once; one more is told so
 * and closed. */
#define CONSOLE_SESSIONS_MAX 16
/* A session with no input for this long is closed, as an RTX closes a
 * login after its default `login timer` of 300 seconds. */
#define CONSOLE_IDLE_MS (300u * 1000u)

/* Listens on path (mode 0600: a console can change the router). A stale
 * socket left by a dead rtxsh is replaced; a live one, or any other kind
 * of file, is an error. NULL on failure with *err (a static message). */
struct console_server *console_server_new(struct cli *c, struct loop *l,
					  const char *path, const char **err);
/* Says goodbye to every client, closes them, removes the socket file. */
void console_server_free(struct console_server *srv);
unsigned console_server_sessions(const struct console_server *srv);

/* Client mode: attach to the router serving path. interactive: edit lines
 * on the terminal with `?` and TAB served by the router, starting in
 * normal mode; otherwise run stdin as a script in administrator mode.
 * Returns the process exit status: 0, 1 when a line failed or the router
 * went away mid-script, 3 when the router cannot be reached. */
int console_client_run(const char *path, bool interactive);

#endif
