/* libedit glue for an interactive terminal: prompt, history, TAB and `?`,
 * driven by the event loop through libedit's native interface (el_wgets
 * in unbuffered mode, fed by our own character reader). It knows nothing
 * of the grammar: what a line means, what `?` prints and what TAB offers
 * all come from the ops.
 *
 * Input is taken as UTF-8 whatever the locale says: the editor sets
 * LC_CTYPE from the environment and falls back to C.UTF-8 when that is
 * not a UTF-8 locale, so wide characters are echoed and measured right.
 * A byte that is not UTF-8 is kept (shown as an escape) and handed back
 * unchanged, never dropped. A line may hold at most ops->line_max bytes:
 * what is typed past that is dropped until Enter, and the line is refused
 * as a whole (ops->too_long), never cut into another command.
 *
 * libedit's readline-compatible callback interface is not used: in
 * libedit 3.1 it keeps writing through rl_line_buffer after el_line()
 * reallocated it (a line past ~1000 characters corrupts the heap). */
#ifndef RTX_EDITLINE_H
#define RTX_EDITLINE_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct editline;

struct editline_ops {
	/* An entered line of len bytes (NUL-terminated as well); NULL at the
	 * end of input (the terminal went away). */
	void (*line)(void *arg, const char *line, size_t len);
	/* A line longer than line_max was entered and dropped. */
	void (*too_long)(void *arg);
	/* `?` typed: print the help for prefix (the text before the cursor)
	 * to stdout; the line is redrawn unchanged afterwards. */
	void (*help)(void *arg, const char *prefix);
	/* TAB: candidates for the word being typed, each a full replacement
	 * of it, as a malloc'd array of malloc'd strings. */
	size_t (*complete)(void *arg, const char *prefix, char ***words);
	/* The prompt to show for the next line. */
	const char *(*prompt)(void *arg);
	/* Whether the next line is a password (NULL: never): it is read
	 * without echo, without ? or TAB, and kept out of the history. */
	bool (*secret)(void *arg);
	/* Ctrl-D on an empty line is this line typed (shown after the
	 * prompt, then entered); NULL: Ctrl-D ends the input. */
	const char *eof_line;
	size_t line_max;
};

/* Starts editing on stdin/stdout, served by loop. NULL on failure. */
struct editline *editline_new(struct loop *l, const struct editline_ops *ops,
			      void *arg);
/* Restores the terminal. Safe from inside the editor's own callbacks. */
void editline_free(struct editline *e);
/* Ctrl-C: drop the line being typed and start over at a fresh prompt. */
void editline_cancel(struct editline *e);
/* The terminal changed size (SIGWINCH) or was given back after a stop
 * (SIGCONT): the owner takes both signals and calls this. */
void editline_resize(struct editline *e);
/* Output was printed while a line was being edited (e.g. a console was
 * closed): draw the prompt and the line again. */
void editline_redraw(struct editline *e);

/* UTF-8 for the editor (exposed for tests): decodes one character of
 * s[0..n) into *wc; a byte that starts no valid sequence becomes
 * U+DC80+byte. Returns the bytes used, or 0 when s ends inside a
 * sequence that may still complete. */
size_t editline_utf8_decode(const unsigned char *s, size_t n, wchar_t *wc);
/* Encodes wc (U+DC80..U+DCFF as the raw byte) into out (4 bytes room);
 * returns the length. */
size_t editline_utf8_encode(wchar_t wc, char *out);

#endif
