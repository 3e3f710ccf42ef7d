#include "shell/editline.h"

#include <errno.h>
#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "engine/loop.h"

#define EDITLINE_HISTORY 500
#define EDITLINE_READ_CHUNK 4096
/* How long the rest of a key sequence (an arrow key's ESC [ A) may lag
 * behind its first byte; only waited for in the middle of a sequence. */
#define EDITLINE_SEQ_WAIT_MS 200
/* The longest password kept; more is dropped and the line refused. */
#define EDITLINE_SECRET_MAX 256

struct editline {
	struct loop *loop;
	const struct editline_ops *ops;
	void *arg;
	EditLine *el;
	HistoryW *hist;
	/* Bytes read from the terminal, not yet given to libedit. */
	unsigned char in[EDITLINE_READ_CHUNK * 2];
	size_t in_len;
	bool in_eof;             /* the terminal went away */
	bool fed;                /* libedit took a character in this el_wgets */
	bool overflow;           /* the line outgrew line_max: dropped at Enter */
	bool eof_key;            /* Ctrl-D on an empty line */
	bool editing;            /* libedit is in unbuffered mode */
	/* Freed from inside its own callback (the console logged out):
	 * the free waits until on_readable unwinds. */
	bool serving, dead;
	/* A password being read (see secret_mode). */
	bool secret, secret_over, saved_ok;
	struct termios saved;
	char sbuf[EDITLINE_SECRET_MAX + 1];
	size_t slen;
};

/* ---- UTF-8 ----------------------------------------------------------- */

static bool cont(unsigned char b)
{
	return (b & 0xc0) == 0x80;
}

size_t editline_utf8_decode(const unsigned char *s, size_t n, wchar_t *wc)
{
	unsigned char b = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf;   /* bounds of the second byte */
	if (b < 0x80) {
		*wc = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf)
		need = 2;
	else if (b >= 0xe0 && b <= 0xef)
		need = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		need = 4;
	else
		need = 0;
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;          /* no UTF-16 surrogates */
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;          /* nothing past U+10FFFF */
	bool ok = need > 0;
	size_t i = 1;
	for (; ok && i < need && i < n; i++)
		ok = i == 1 ? s[i] >= lo && s[i] <= hi : cont(s[i]);
	if (ok && i < need)
		return 0;
	if (!ok) {
		*wc = (wchar_t)(0xdc00 + b);
		return 1;
	}
	wchar_t v = b & (0x7f >> need);
	for (i = 1; i < need; i++)
		v = (v << 6) | (s[i] & 0x3f);
	*wc = v;
	return need;
}

size_t editline_utf8_encode(wchar_t wc, char *out)
{
	unsigned long c = (unsigned long)wc;
	if (c >= 0xdc80 && c <= 0xdcff) {
		out[0] = (char)(c - 0xdc00);
		return 1;
	}
	if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static size_t utf8_len(const wchar_t *s, const wchar_t *end)
{
	char tmp[4];
	size_t n = 0;
	for (; s < end; s++)
		n += editline_utf8_encode(*s, tmp);
	return n;
}

/* The wide text [s, end) as malloc'd UTF-8; *len its length. */
static char *utf8_dup(const wchar_t *s, const wchar_t *end, size_t *len)
{
	char *out = malloc(utf8_len(s, end) + 1), *p = out;
	if (!out)
		return NULL;
	for (; s < end; s++)
		p += editline_utf8_encode(*s, p);
	*p = '\0';
	if (len)
		*len = (size_t)(p - out);
	return out;
}

static wchar_t *wide_dup(const char *s)
{
	size_t n = strlen(s), k = 0;
	wchar_t *w = calloc(n + 1, sizeof(*w));
	if (!w)
		return NULL;
	while (n) {
		size_t used = editline_utf8_decode((const unsigned char *)s, n, &w[k]);
		if (!used)   /* a cut sequence at the end: keep its bytes */
			w[k] = (wchar_t)(0xdc00 + (unsigned char)*s), used = 1;
		k++;
		s += used;
		n -= used;
	}
	return w;
}

/* ---- reading ---------------------------------------------------------- */

static struct editline *of(EditLine *el)
{
	void *e = NULL;
	el_wget(el, EL_CLIENTDATA, &e);
	return e;
}

/* Reads what the terminal has; false at the end of input. */
static bool fill(struct editline *e)
{
	if (e->in_len == sizeof(e->in))
		return true;
	ssize_t n = read(STDIN_FILENO, e->in + e->in_len, sizeof(e->in) - e->in_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		e->in_eof = true;
		return false;
	}
	e->in_len += (size_t)n;
	return true;
}

/* The next whole character in the queue, without taking it. */
static size_t peek(const struct editline *e, wchar_t *wc)
{
	return e->in_len ? editline_utf8_decode(e->in, e->in_len, wc) : 0;
}

static void take(struct editline *e, size_t n)
{
	memmove(e->in, e->in + n, e->in_len - n);
	e->in_len -= n;
}

/* Would inserting wc make the line longer than line_max bytes? */
static bool too_long(struct editline *e, wchar_t wc)
{
	const LineInfoW *li = el_wline(e->el);
	size_t chars = (size_t)(li->lastchar - li->buffer);
	if ((chars + 1) * 4 <= e->ops->line_max)
		return false;   /* cannot be, whatever the characters */
	char tmp[4];
	return utf8_len(li->buffer, li->lastchar) + editline_utf8_encode(wc, tmp) >
	       e->ops->line_max;
}

/* libedit's character source (EL_GETCFN): the queue filled from the
 * loop. 1 and a character, or -1 when none is there now: libedit then
 * returns from el_wgets with the line as it is. */
static int getcfn(EditLine *el, wchar_t *wc)
{
	struct editline *e = of(el);
	for (;;) {
		size_t used = peek(e, wc);
		if (!used) {
			/* Only the middle of a key sequence is worth a wait. */
			struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
			if (!e->fed || e->in_eof ||
			    poll(&p, 1, EDITLINE_SEQ_WAIT_MS) <= 0 || !fill(e) ||
			    !(used = peek(e, wc))) {
				errno = EAGAIN;
				return -1;
			}
		}
		take(e, used);
		bool enter = *wc == '\r' || *wc == '\n';
		/* Past the limit nothing reaches libedit but Enter, so a long
		 * paste costs no redraws and the line ends as one refusal. */
		if (e->overflow && !enter)
			continue;
		/* A byte order mark (a paste from Notepad) starts no line. */
		if (*wc == 0xfeff && el_wline(el)->lastchar == el_wline(el)->buffer)
			continue;
		if (!enter && *wc >= 0x20 && *wc != 0x7f && too_long(e, *wc)) {
			e->overflow = true;
			continue;
		}
		e->fed = true;
		return 1;
	}
}

/* ---- keys ------------------------------------------------------------- */

static unsigned char on_help_key(EditLine *el, int ch)
{
	(void)ch;
	struct editline *e = of(el);
	const LineInfoW *li = el_wline(el);
	char *prefix = utf8_dup(li->buffer, li->cursor, NULL);
	if (!prefix)
		return CC_ERROR;
	fputs("?\n", stdout);
	e->ops->help(e->arg, prefix);
	fflush(stdout);
	free(prefix);
	return CC_REDISPLAY;
}

/* Ctrl-D: the end (or eof_line) on an empty line, else delete forward. */
static unsigned char on_eof_key(EditLine *el, int ch)
{
	(void)ch;
	struct editline *e = of(el);
	const LineInfoW *li = el_wline(el);
	if (li->lastchar == li->buffer) {
		e->eof_key = true;
		return CC_NORM;
	}
	if (li->cursor == li->lastchar)
		return CC_ERROR;
	el_cursor(el, 1);
	el_wdeletestr(el, 1);
	return CC_REFRESH;
}

static void words_free(char **w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

static size_t common_prefix(char **w, size_t n)
{
	size_t len = strlen(w[0]);
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;
		while (k < len && w[i][k] == w[0][k])
			k++;
		len = k;
	}
	/* Never stop inside a UTF-8 sequence. */
	while (len && cont((unsigned char)w[0][len]))
		len--;
	return len;
}

static void list_words(char **w, size_t n)
{
	size_t width = 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(w[i]) > width)
			width = strlen(w[i]);
	size_t per = 78 / (width + 2);
	if (!per)
		per = 1;
	fputc('\n', stdout);
	for (size_t i = 0; i < n; i++)
		printf("%-*s%s", (int)width + 2, w[i], (i + 1) % per && i + 1 < n ? "" : "\n");
	fflush(stdout);
}

/* Replaces the word before the cursor by text (UTF-8). */
static void replace_word(EditLine *el, size_t word_chars, const char *text, bool space)
{
	wchar_t *w = wide_dup(text);
	if (!w)
		return;
	el_wdeletestr(el, (int)word_chars);
	el_winsertstr(el, w);
	if (space)
		el_winsertstr(el, L" ");
	free(w);
}

static unsigned char on_tab_key(EditLine *el, int ch)
{
	(void)ch;
	struct editline *e = of(el);
	const LineInfoW *li = el_wline(el);
	const wchar_t *word = li->cursor;
	/* Words of the grammar hold '=', '"' and '/', so only blanks split. */
	while (word > li->buffer && word[-1] != ' ' && word[-1] != '\t')
		word--;
	size_t word_chars = (size_t)(li->cursor - word), word_len;
	char *prefix = utf8_dup(li->buffer, li->cursor, NULL);
	char *typed = utf8_dup(word, li->cursor, &word_len);
	char **w = NULL;
	size_t n = prefix && typed ? e->ops->complete(e->arg, prefix, &w) : 0;
	unsigned char rc = CC_REFRESH_BEEP;
	if (n == 1) {
		replace_word(el, word_chars, w[0], true);
		rc = CC_REFRESH;
	} else if (n > 1) {
		size_t common = common_prefix(w, n);
		if (common > word_len) {
			w[0][common] = '\0';
			replace_word(el, word_chars, w[0], false);
			rc = CC_REFRESH;
		} else {
			list_words(w, n);
			rc = CC_REDISPLAY;
		}
	}
	if (w)
		words_free(w, n);
	free(prefix);
	free(typed);
	return rc;
}

/* ---- lines ------------------------------------------------------------ */

static const char *prompt_fn(EditLine *el)
{
	struct editline *e = of(el);
	return e->ops->prompt(e->arg);
}

/* Entering unbuffered mode resets the line and prints the prompt;
 * leaving it puts the terminal back in cooked mode for the output. Keys
 * typed (or the rest of a paste) while a command runs belong to the next
 * line, so the terminal must leave them alone until libedit takes it
 * again: no echo (it would land before the next prompt) and no line
 * discipline (in canonical mode the kernel would eat Ctrl-V as its
 * literal-next and apply Ctrl-U or Backspace to the keys typed ahead).
 * ISIG stays, so Ctrl-C still reaches a running command; el_end
 * restores the user's settings. */
static void editing(struct editline *e, bool on)
{
	if (e->editing == on)
		return;
	e->editing = on;
	el_wset(e->el, EL_UNBUFFERED, on ? 1 : 0);
	struct termios t;
	const tcflag_t off = ECHO | ICANON | IEXTEN;
	if (!on && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t) == 0 &&
	    (t.c_lflag & off)) {
		t.c_lflag &= ~off;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
}

static void deliver(struct editline *e, const wchar_t *buf, const wchar_t *end)
{
	bool refused = e->overflow;
	e->overflow = false;
	if (refused) {
		e->ops->too_long(e->arg);
		return;
	}
	size_t len;
	char *line = utf8_dup(buf, end, &len);
	if (!line)
		return;
	if (end > buf) {
		size_t n = (size_t)(end - buf);
		wchar_t *h = malloc((n + 1) * sizeof(*h));
		HistEventW ev;
		if (h) {
			wmemcpy(h, buf, n);
			h[n] = L'\0';
			history_w(e->hist, &ev, H_ENTER, h);
		}
		free(h);
	}
	e->ops->line(e->arg, line, len);
	free(line);
}

/* One key (or key sequence) through libedit, then whatever it finished. */
static void step(struct editline *e)
{
	int n;
	e->fed = false;
	const wchar_t *buf = el_wgets(e->el, &n);
	if (e->eof_key) {
		e->eof_key = false;
		editing(e, false);
		if (e->ops->eof_line) {
			fputs(e->ops->eof_line, stdout);
			fputc('\n', stdout);
			e->ops->line(e->arg, e->ops->eof_line, strlen(e->ops->eof_line));
		} else {
			fputc('\n', stdout);
			e->ops->line(e->arg, NULL, 0);
		}
		return;
	}
	if (!buf || n <= 0 || (buf[n - 1] != '\n' && buf[n - 1] != '\r'))
		return;
	editing(e, false);
	deliver(e, buf, buf + n - 1);
}

/* ---- secret lines (passwords) ------------------------------------------ */

/* A password is read outside libedit, which would echo it and keep it in
 * the history: the terminal goes to non-canonical mode without echo and
 * the bytes are collected here. Backspace and Ctrl-U edit, Enter or
 * Ctrl-D ends the line, Ctrl-C (SIGINT, editline_cancel) starts over. */
static bool want_secret(struct editline *e)
{
	return e->ops->secret && e->ops->secret(e->arg);
}

static void secret_wipe(struct editline *e)
{
	memset(e->sbuf, 0, sizeof(e->sbuf));
	e->slen = 0;
	e->secret_over = false;
}

static void secret_term(struct editline *e)
{
	struct termios t = e->saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void secret_mode(struct editline *e, bool on)
{
	if (e->secret == on)
		return;
	e->secret = on;
	if (on) {
		editing(e, false);
		e->saved_ok = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &e->saved) == 0;
		if (e->saved_ok)
			secret_term(e);
		fputs(e->ops->prompt(e->arg), stdout);
		fflush(stdout);
	} else {
		if (e->saved_ok)
			tcsetattr(STDIN_FILENO, TCSANOW, &e->saved);
		secret_wipe(e);
	}
}

/* Takes the queued bytes into the password; delivers it at Enter. */
static void secret_step(struct editline *e)
{
	while (e->in_len && !e->dead && e->secret) {
		unsigned char c = e->in[0];
		take(e, 1);
		if (c == '\r' || c == '\n' || c == 0x04) {
			char line[EDITLINE_SECRET_MAX + 1];
			size_t len = e->slen;
			bool over = e->secret_over;
			memcpy(line, e->sbuf, len);
			line[len] = '\0';
			secret_wipe(e);
			fputc('\n', stdout);
			if (over)
				e->ops->too_long(e->arg);
			else
				e->ops->line(e->arg, line, len);
			memset(line, 0, sizeof(line));
			if (e->dead)
				return;
			if (!want_secret(e)) {
				secret_mode(e, false);
				return;
			}
			fputs(e->ops->prompt(e->arg), stdout);   /* the next question */
			fflush(stdout);
		} else if (c == 0x7f || c == 0x08) {
			while (e->slen && ((unsigned char)e->sbuf[e->slen - 1] & 0xc0) == 0x80)
				e->slen--;   /* a whole UTF-8 character */
			if (e->slen)
				e->slen--;
		} else if (c == 0x15) {
			secret_wipe(e);
		} else if (c >= 0x20 && c != 0x7f) {
			if (e->slen < EDITLINE_SECRET_MAX)
				e->sbuf[e->slen++] = (char)c;
			else
				e->secret_over = true;
		}
	}
}

static void release(struct editline *e)
{
	el_end(e->el);
	history_wend(e->hist);
	free(e);
}

static void on_readable(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)l;
	(void)fd;
	(void)revents;
	struct editline *e = arg;
	wchar_t wc;
	bool more = fill(e);
	e->serving = true;
	while (!e->dead && e->in_len && peek(e, &wc)) {
		if (e->secret || want_secret(e)) {
			secret_mode(e, true);
			secret_step(e);
			continue;
		}
		size_t before = e->in_len;
		editing(e, true);
		step(e);
		/* libedit took nothing (it could not set the terminal up):
		 * wait for the next input rather than spin. */
		if (!e->fed && e->in_len == before)
			break;
	}
	if (!more && !e->dead) {
		secret_mode(e, false);
		editing(e, false);
		e->ops->line(e->arg, NULL, 0);
	}
	e->serving = false;
	if (e->dead)
		release(e);
	else if (e->secret || want_secret(e))
		secret_mode(e, true);
	else
		editing(e, true);
}

void editline_resize(struct editline *e)
{
	if (e && e->secret && e->saved_ok) {
		secret_term(e);   /* a shell may have reset it (Ctrl-Z, fg) */
		return;
	}
	if (!e || !e->editing)
		return;
	/* After a stop (Ctrl-Z, fg) the shell has put the terminal back in
	 * its own mode while libedit still believes it raw: leave and enter
	 * raw mode again, keeping the line. */
	el_wset(e->el, EL_PREP_TERM, 0);
	el_wset(e->el, EL_PREP_TERM, 1);
	el_resize(e->el);
	el_wset(e->el, EL_REFRESH);
}

/* The editor measures and echoes characters by LC_CTYPE: UTF-8 it must
 * be, whatever the user's locale. */
static void locale_utf8(void)
{
	if (setlocale(LC_CTYPE, "") && strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return;
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "C");
}

static int el_setup(struct editline *e)
{
	e->el = el_init("rtxsh", stdin, stdout, stderr);
	e->hist = history_winit();
	if (!e->el || !e->hist)
		return -1;
	HistEventW ev;
	history_w(e->hist, &ev, H_SETSIZE, EDITLINE_HISTORY);
	el_wset(e->el, EL_CLIENTDATA, e);
	el_wset(e->el, EL_EDITOR, L"emacs");
	el_wset(e->el, EL_HIST, history_w, e->hist);
	el_set(e->el, EL_PROMPT, prompt_fn);
	el_wset(e->el, EL_GETCFN, getcfn);
	el_wset(e->el, EL_ADDFN, L"rtx-help", L"Help on the next word", on_help_key);
	el_wset(e->el, EL_ADDFN, L"rtx-complete", L"Complete the word", on_tab_key);
	el_wset(e->el, EL_ADDFN, L"rtx-eof", L"End of input or delete", on_eof_key);
	el_wset(e->el, EL_BIND, L"?", L"rtx-help", NULL);
	el_wset(e->el, EL_BIND, L"^I", L"rtx-complete", NULL);
	el_wset(e->el, EL_BIND, L"^D", L"rtx-eof", NULL);
	return 0;
}

struct editline *editline_new(struct loop *l, const struct editline_ops *ops,
			      void *arg)
{
	struct editline *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	*e = (struct editline){ .loop = l, .ops = ops, .arg = arg };
	locale_utf8();
	if (el_setup(e) < 0 || loop_fd_add(l, STDIN_FILENO, LOOP_READ, on_readable, e) < 0) {
		if (e->el)
			el_end(e->el);
		if (e->hist)
			history_wend(e->hist);
		free(e);
		return NULL;
	}
	editing(e, true);
	return e;
}

void editline_free(struct editline *e)
{
	if (!e || e->dead)
		return;
	secret_mode(e, false);
	editing(e, false);
	loop_fd_del(e->loop, STDIN_FILENO);
	e->dead = true;
	if (!e->serving)
		release(e);
}

void editline_cancel(struct editline *e)
{
	if (!e)
		return;
	e->overflow = false;
	if (e->secret) {
		secret_wipe(e);
		fputs("\n", stdout);
		fputs(e->ops->prompt(e->arg), stdout);
		fflush(stdout);
		return;
	}
	editing(e, false);
	fputs("\n", stdout);
	fflush(stdout);
	editing(e, true);
}

void editline_redraw(struct editline *e)
{
	if (e && e->editing)
		el_wset(e->el, EL_REFRESH);
}
