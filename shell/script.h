/* Line input for the shell: a reader that splits an fd (stdin, a config
 * file) into numbered lines, on the event loop or all at once.
 *
 * The same rules apply everywhere a script is read: lines end at "\n"
 * (a "\r" before it is dropped, so configs saved on Windows load), a last
 * line without "\n" still counts, and a line longer than CLI_LINE_MAX is
 * not even buffered: it comes as NULL, to be refused as a whole (never
 * cut into a different command). Lines come with their length, NUL bytes
 * and all, for the interpreter to judge (cli_exec_bytes); comments and
 * blank lines are passed on too, so line numbers match the file. */
#ifndef RTX_SCRIPT_H
#define RTX_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>

struct loop;
struct script;

/* Called per line of len bytes (also NUL-terminated); line is NULL for
 * a line longer than CLI_LINE_MAX. A negative return counts the line as
 * failed. */
typedef int script_line_fn(void *arg, const char *line, size_t len, unsigned lineno);
/* End of input (or a read error) */
typedef void script_eof_fn(void *arg);

/* Reads fd as it becomes readable on loop. fd is not closed. */
struct script *script_new(struct loop *l, int fd, script_line_fn *line,
			  script_eof_fn *eof, void *arg);
/* Stops reading: no more callbacks. Safe from inside a callback. */
void script_stop(struct script *sc);
void script_free(struct script *sc);
unsigned script_failed(const struct script *sc);

/* Reads the whole of path now, line by line. Returns 0, -RTX_ENOENT,
 * -RTX_EIO or -RTX_ENOMEM; *failed counts the lines the callback refused. */
int script_load_file(const char *path, script_line_fn *line, void *arg,
		     unsigned *failed);

#endif
