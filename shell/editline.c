#include "shell/editline.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "engine/loop.h"

#define EDITLINE_HISTORY 500

struct editline {
	struct loop *loop;
	const struct editline_ops *ops;
	void *arg;
	/* The candidates of the TAB being served, handed out one by one to
	 * libedit's generator. */
	char **words;
	size_t nwords, next;
};

/* libedit's readline callbacks carry no user pointer: this is the one
 * piece of process state, and editline_new refuses a second instance. */
static struct editline *active;

static void words_free(struct editline *e)
{
	for (size_t i = 0; i < e->nwords; i++)
		free(e->words[i]);
	free(e->words);
	e->words = NULL;
	e->nwords = e->next = 0;
}

static void on_line(char *line);

/* Re-installing the handler is what makes libedit print the (possibly new)
 * prompt at once instead of at the next key press. */
static void prompt_show(struct editline *e)
{
	rl_callback_handler_install(e->ops->prompt(e->arg), on_line);
}

static void on_line(char *line)
{
	struct editline *e = active;
	if (!e) {
		free(line);
		return;
	}
	if (line && *line)
		add_history(line);
	e->ops->line(e->arg, line);
	free(line);
	/* The callee may have ended editing (the console logged out). */
	if (active == e)
		prompt_show(e);
}

static int on_help_key(int count, int key)
{
	(void)count;
	(void)key;
	struct editline *e = active;
	if (!e)
		return 0;
	char *prefix = strndup(rl_line_buffer ? rl_line_buffer : "", (size_t)rl_point);
	if (!prefix)
		return 0;
	fputs("?\n", stdout);
	e->ops->help(e->arg, prefix);
	fflush(stdout);
	free(prefix);
	rl_forced_update_display();
	return 0;
}

static char *next_word(const char *text, int state)
{
	(void)text;
	(void)state;
	struct editline *e = active;
	if (!e || e->next >= e->nwords)
		return NULL;
	return strdup(e->words[e->next++]);
}

static char **on_complete(const char *text, int start, int end)
{
	(void)start;
	struct editline *e = active;
	/* Never fall back to libedit's file name completion. */
	rl_attempted_completion_over = 1;
	if (!e)
		return NULL;
	char *prefix = strndup(rl_line_buffer ? rl_line_buffer : "", (size_t)end);
	if (!prefix)
		return NULL;
	words_free(e);
	e->nwords = e->ops->complete(e->arg, prefix, &e->words);
	if (!e->words)
		e->nwords = 0;
	free(prefix);
	char **m = e->nwords ? rl_completion_matches(text, next_word) : NULL;
	words_free(e);
	return m;
}

static void on_readable(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)l;
	(void)fd;
	(void)revents;
	(void)arg;
	rl_callback_read_char();
}

struct editline *editline_new(struct loop *l, const struct editline_ops *ops,
			      void *arg)
{
	if (active)
		return NULL;
	struct editline *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	*e = (struct editline){ .loop = l, .ops = ops, .arg = arg };
	if (loop_fd_add(l, STDIN_FILENO, LOOP_READ, on_readable, e) < 0) {
		free(e);
		return NULL;
	}
	active = e;
	rl_readline_name = "rtxsh";
	/* Words of the grammar hold '=', '"' and '/', so only blanks split. */
	rl_basic_word_break_characters = " \t";
	rl_completer_word_break_characters = (char *)" \t";
	rl_attempted_completion_function = on_complete;
	rl_completion_append_character = ' ';
	stifle_history(EDITLINE_HISTORY);
	rl_callback_handler_install(ops->prompt(arg), on_line);
	/* rl_bind_key only takes rl_insert in libedit: a named function is
	 * the way to own a key, and it must come after the install above. */
	rl_add_defun("rtx-help", on_help_key, '?');
	return e;
}

void editline_free(struct editline *e)
{
	if (!e)
		return;
	rl_callback_handler_remove();
	loop_fd_del(e->loop, STDIN_FILENO);
	words_free(e);
	if (active == e)
		active = NULL;
	free(e);
}

void editline_cancel(struct editline *e)
{
	if (!e)
		return;
	/* Installing again only resets the line when libedit left unbuffered
	 * mode first: remove, then install. */
	rl_callback_handler_remove();
	fputs("\n", stdout);
	fflush(stdout);
	prompt_show(e);
}

void editline_redraw(struct editline *e)
{
	if (e)
		rl_forced_update_display();
}
