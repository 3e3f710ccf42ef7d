/* Line input for the shell: a reader that splits an fd (stdin, a config
 * file) into numbered lines, on the event loop or all at once.
 *
 * The same rules apply everywhere a script is read: lines end at "\n"
 * (a "\r" before it is dropped, so configs saved on Windows load), a last
 * line without "\n" still counts, a line longer than SCRIPT_LINE_MAX or
 * holding a NUL byte is refused as a whole (never cut into a different
 * command) and reported as failed. Comments and blank lines are passed on
 * too, so line numbers match the file and the interpreter decides. */
#ifndef RTX_SCRIPT_H
#define RTX_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>

#define SCRIPT_LINE_MAX 65536

struct loop;
struct script;

/* Called per line; a negative return counts the line as failed. bad is
 * set (and line empty) for a refused line, so the callee can report it
 * in its own style. */
typedef int script_line_fn(void *arg, const char *line, unsigned lineno, bool bad);
/* End of input (or a read error) */
typedef void script_eof_fn(void *arg);

/* Reads fd as it becomes readable on loop. fd is not closed. */
struct script *script_new(struct loop *l, int fd, script_line_fn *line,
			  script_eof_fn *eof, void *arg);
/* Stops reading: no more callbacks. Safe from inside a callback. */
void script_stop(struct script *sc);
void script_free(struct script *sc);
unsigned script_failed(const struct script *sc);

/* The report for a refused line, in the interpreter's error style, so
 * every mode words it the same. */
void script_report_bad(FILE *out, unsigned lineno);

/* Reads the whole of path now, line by line. Returns 0, -RTX_ENOENT,
 * -RTX_EIO or -RTX_ENOMEM; *failed counts the lines the callback refused. */
int script_load_file(const char *path, script_line_fn *line, void *arg,
		     unsigned *failed);

#endif
