#include "shell/script.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "engine/loop.h"
#include "shell/cli.h"

#define SCRIPT_READ_CHUNK 16384

struct script {
	struct loop *loop;      /* NULL when loading a file at once */
	int fd;
	script_line_fn *line;
	script_eof_fn *eof;
	void *arg;

	char *buf;              /* the line being assembled */
	size_t len, cap;
	bool too_long;          /* discarding the rest of an over-long line */
	unsigned lineno;
	unsigned failed;
	bool stopped;
};

static int buf_append(struct script *sc, const char *data, size_t n)
{
	if (sc->len + n + 1 > sc->cap) {
		size_t cap = sc->cap ? sc->cap : 256;
		while (cap < sc->len + n + 1)
			cap *= 2;
		char *b = realloc(sc->buf, cap);
		if (!b)
			return -RTX_ENOMEM;
		sc->buf = b;
		sc->cap = cap;
	}
	memcpy(sc->buf + sc->len, data, n);
	sc->len += n;
	return 0;
}

static void deliver(struct script *sc)
{
	size_t len = sc->too_long ? 0 : sc->len;
	char empty[1] = "";
	char *text = sc->buf && len ? sc->buf : empty;
	if (len && text[len - 1] == '\r')
		len--;
	text[len] = '\0';
	sc->lineno++;
	int rc = sc->line(sc->arg, sc->too_long ? NULL : text, len, sc->lineno);
	if (rc < 0)
		sc->failed++;
	sc->len = 0;
	sc->too_long = false;
}

/* Splits data into lines; a partial last line waits for more. */
static void feed(struct script *sc, const char *data, size_t n)
{
	while (n && !sc->stopped) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		/* One byte of slack for a "\r" before the "\n". */
		if (!sc->too_long && (sc->len + take > CLI_LINE_MAX + 1 ||
				      buf_append(sc, data, take) < 0)) {
			/* Out of bounds (or memory): drop the whole line, not just
			 * its tail, so no shortened command ever runs. */
			sc->too_long = true;
			sc->len = 0;
		}
		if (nl) {
			deliver(sc);
			take++;
		}
		data += take;
		n -= take;
	}
}

static void finish(struct script *sc)
{
	if (!sc->stopped && (sc->len || sc->too_long))
		deliver(sc);
}

static void on_readable(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)revents;
	struct script *sc = arg;
	char chunk[SCRIPT_READ_CHUNK];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		feed(sc, chunk, (size_t)n);
		return;
	}
	/* End of file, or an error that ends the input just the same. */
	finish(sc);
	loop_fd_del(l, fd);
	if (!sc->stopped) {
		sc->stopped = true;
		if (sc->eof)
			sc->eof(sc->arg);
	}
}

struct script *script_new(struct loop *l, int fd, script_line_fn *line,
			  script_eof_fn *eof, void *arg)
{
	struct script *sc = calloc(1, sizeof(*sc));
	if (!sc)
		return NULL;
	*sc = (struct script){ .loop = l, .fd = fd, .line = line, .eof = eof, .arg = arg };
	if (loop_fd_add(l, fd, LOOP_READ, on_readable, sc) < 0) {
		free(sc);
		return NULL;
	}
	return sc;
}

void script_stop(struct script *sc)
{
	if (!sc || sc->stopped)
		return;
	sc->stopped = true;
	if (sc->loop)
		loop_fd_del(sc->loop, sc->fd);
}

void script_free(struct script *sc)
{
	if (!sc)
		return;
	script_stop(sc);
	free(sc->buf);
	free(sc);
}

unsigned script_failed(const struct script *sc)
{
	return sc->failed;
}

int script_load_file(const char *path, script_line_fn *line, void *arg,
		     unsigned *failed)
{
	*failed = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -RTX_ENOENT : -RTX_EIO;
	struct script sc = { .fd = fd, .line = line, .arg = arg };
	char chunk[SCRIPT_READ_CHUNK];
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -RTX_EIO;
		if (n <= 0)
			break;
		feed(&sc, chunk, (size_t)n);
	}
	finish(&sc);
	close(fd);
	free(sc.buf);
	*failed = sc.failed;
	return rc;
}
