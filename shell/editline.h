/* libedit glue for an interactive terminal: prompt, history, TAB and `?`,
 * driven by the event loop through libedit's readline-compatible callback
 * interface. It knows nothing of the grammar: what a line means, what `?`
 * prints and what TAB offers all come from the ops.
 *
 * libedit's readline interface keeps its state in the library, so there
 * is at most one editline per process; a second editline_new fails. */
#ifndef RTX_EDITLINE_H
#define RTX_EDITLINE_H

#include <stddef.h>

struct loop;
struct editline;

struct editline_ops {
	/* An entered line; NULL at the end of input (Ctrl-D on an empty
	 * line, or the terminal went away). */
	void (*line)(void *arg, const char *line);
	/* `?` typed: print the help for prefix (the text before the cursor)
	 * to stdout; the line is redrawn unchanged afterwards. */
	void (*help)(void *arg, const char *prefix);
	/* TAB: candidates for the word being typed, each a full replacement
	 * of it, as a malloc'd array of malloc'd strings. */
	size_t (*complete)(void *arg, const char *prefix, char ***words);
	/* The prompt to show for the next line. */
	const char *(*prompt)(void *arg);
};

/* Starts editing on stdin/stdout, served by loop. NULL on failure. */
struct editline *editline_new(struct loop *l, const struct editline_ops *ops,
			      void *arg);
/* Restores the terminal. */
void editline_free(struct editline *e);
/* Ctrl-C: drop the line being typed and start over at a fresh prompt. */
void editline_cancel(struct editline *e);
/* Output was printed while a line was being edited (e.g. a console was
 * closed): draw the prompt and the line again. */
void editline_redraw(struct editline *e);

#endif
