/* `rtxsh --connect PATH`: the client side of the console protocol (see
 * console.c). One request at a time, each answered before the next, so
 * the client can wait for the reply with plain blocking reads. */
#include "shell/console.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/err.h"
#include "engine/loop.h"
#include "shell/cli.h"
#include "shell/console_proto.h"
#include "shell/editline.h"
#include "shell/script.h"

struct client {
	int fd;
	struct loop *loop;
	struct script *script;
	struct editline *ed;
	char *prompt;
	bool secret;               /* the router asks a password next */
	char **words;            /* WORDS of the last COMPLETE */
	size_t nwords;
	bool bye;                /* the router ended the session */
	bool lost;               /* the connection broke mid-reply */
	bool ended;              /* the router ended a script session unasked */
	uint8_t rx[CONSOLE_HDR + CONSOLE_FRAME_MAX];
	size_t rx_len;
};

static int send_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -RTX_EIO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_frame(struct client *cl, enum console_frame type, uint32_t lineno,
		      const char *text, size_t tlen)
{
	size_t extra = type == CONSOLE_LINE ? 4 : 0;
	if (tlen + extra > CONSOLE_FRAME_MAX)
		return -RTX_ERANGE;
	uint8_t hdr[CONSOLE_HDR + 4];
	console_frame_header(hdr, type, tlen + extra);
	if (extra)
		console_put_be32(hdr + CONSOLE_HDR, lineno);
	if (send_all(cl->fd, hdr, CONSOLE_HDR + extra) < 0 || send_all(cl->fd, text, tlen) < 0)
		return -RTX_EIO;
	return 0;
}

/* Blocks until one whole frame is there; false at end of file. */
static bool recv_frame(struct client *cl, unsigned *type, const uint8_t **p, size_t *n)
{
	for (;;) {
		int got = console_frame_parse(cl->rx, cl->rx_len, type, p, n);
		if (got < 0)
			return false;
		if (got > 0)
			return true;
		ssize_t r = recv(cl->fd, cl->rx + cl->rx_len, sizeof(cl->rx) - cl->rx_len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		cl->rx_len += (size_t)r;
	}
}

static void frame_consumed(struct client *cl, size_t plen)
{
	size_t used = CONSOLE_HDR + plen;
	memmove(cl->rx, cl->rx + used, cl->rx_len - used);
	cl->rx_len -= used;
}

static void words_free(struct client *cl)
{
	for (size_t i = 0; i < cl->nwords; i++)
		free(cl->words[i]);
	free(cl->words);
	cl->words = NULL;
	cl->nwords = 0;
}

static void words_take(struct client *cl, const uint8_t *p, size_t n)
{
	words_free(cl);
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += p[i] == '\0';
	cl->words = calloc(count ? count : 1, sizeof(char *));
	if (!cl->words)
		return;
	for (size_t off = 0; off < n && cl->nwords < count;) {
		size_t len = strnlen((const char *)p + off, n - off);
		cl->words[cl->nwords] = strndup((const char *)p + off, len);
		if (!cl->words[cl->nwords])
			break;
		cl->nwords++;
		off += len + 1;
	}
}

/* Prints the reply to the request just sent; returns its status. */
static int read_reply(struct client *cl)
{
	unsigned type;
	const uint8_t *p;
	size_t n;
	cl->secret = false;
	while (recv_frame(cl, &type, &p, &n)) {
		int status = 0;
		bool done = false;
		switch (type) {
		case CONSOLE_SECRET:
			cl->secret = true;
			break;
		case CONSOLE_OUTPUT:
			fwrite(p, 1, n, stdout);
			break;
		case CONSOLE_PROMPT:
			free(cl->prompt);
			cl->prompt = strndup((const char *)p, n);
			break;
		case CONSOLE_WORDS:
			words_take(cl, p, n);
			break;
		case CONSOLE_BYE:
			cl->bye = true;
			break;
		case CONSOLE_STATUS:
			status = n == 4 ? (int)console_be32(p) : -RTX_EPARSE;
			done = true;
			break;
		default:
			break;
		}
		frame_consumed(cl, n);
		if (done) {
			fflush(stdout);
			return status;
		}
	}
	fflush(stdout);
	cl->lost = true;
	return -RTX_EIO;
}

static int request(struct client *cl, enum console_frame type, uint32_t lineno,
		   const char *text, size_t len)
{
	if (cl->bye || cl->lost)
		return -RTX_EIO;
	int rc = send_frame(cl, type, lineno, text, len);
	if (rc == -RTX_ERANGE)
		return rc;
	/* A router that hung up on us may still have said why: read it. */
	int status = read_reply(cl);
	if (rc < 0)
		cl->lost = !cl->bye;
	return rc < 0 ? rc : status;
}

static void session_over(struct client *cl)
{
	script_stop(cl->script);
	editline_free(cl->ed);
	cl->ed = NULL;
	loop_stop(cl->loop);
}

/* ---- script mode ---- */

static int script_line(void *arg, const char *line, size_t len, unsigned lineno)
{
	struct client *cl = arg;
	if (!line) {
		cli_report_too_long(stdout, lineno);
		return -RTX_EPARSE;
	}
	int rc = request(cl, CONSOLE_LINE, lineno, line, len);
	if (cl->bye || cl->lost)
		session_over(cl);
	return rc;
}

static void script_eof(void *arg)
{
	loop_stop(((struct client *)arg)->loop);
}

/* ---- interactive mode ---- */

static void ed_line(void *arg, const char *line, size_t len)
{
	struct client *cl = arg;
	if (line)
		request(cl, CONSOLE_LINE, 0, line, len);
	if (!line || cl->bye || cl->lost)
		session_over(cl);
}

static void ed_too_long(void *arg)
{
	(void)arg;
	cli_report_too_long(stdout, 0);
	fflush(stdout);
}

static void ed_help(void *arg, const char *prefix)
{
	request(arg, CONSOLE_HELP, 0, prefix, strlen(prefix));
}

static size_t ed_complete(void *arg, const char *prefix, char ***words)
{
	struct client *cl = arg;
	*words = NULL;
	if (request(cl, CONSOLE_COMPLETE, 0, prefix, strlen(prefix)) < 0)
		return 0;
	size_t n = cl->nwords;
	*words = cl->words;
	cl->words = NULL;
	cl->nwords = 0;
	return n;
}

static const char *ed_prompt(void *arg)
{
	struct client *cl = arg;
	return cl->prompt ? cl->prompt : "> ";
}

static bool ed_secret(void *arg)
{
	return ((struct client *)arg)->secret;
}

/* As on the router's own console: Ctrl-D is `quit`. */
static const struct editline_ops client_ops = {
	.line = ed_line, .too_long = ed_too_long, .help = ed_help,
	.complete = ed_complete, .prompt = ed_prompt, .secret = ed_secret,
	.eof_line = "quit", .line_max = CLI_LINE_MAX,
};

static bool frame_buffered(const struct client *cl)
{
	unsigned type;
	const uint8_t *p;
	size_t n;
	return console_frame_parse(cl->rx, cl->rx_len, &type, &p, &n) > 0;
}

/* The router spoke while we were waiting for the user or the script:
 * unasked, it only says why it is closing the session (OUTPUT), then
 * BYE; or the connection just ends. */
static void on_socket(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)revents;
	struct client *cl = arg;
	unsigned type = 0;
	const uint8_t *p;
	size_t n;
	bool alive;
	do {
		alive = recv_frame(cl, &type, &p, &n);
		if (!alive || type == CONSOLE_BYE)
			break;
		if (type == CONSOLE_OUTPUT) {
			fwrite(p, 1, n, stdout);
			fflush(stdout);
		}
		frame_consumed(cl, n);
	} while (frame_buffered(cl));
	if (alive && type != CONSOLE_BYE)
		return;   /* the BYE is still on its way */
	loop_fd_del(l, fd);
	if (cl->ed)
		fputs("\nConnection closed by the router.\n", stdout);
	else
		cl->ended = true;   /* the rest of the script did not run */
	cl->bye = true;
	session_over(cl);
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	struct client *cl = arg;
	if (signo == SIGWINCH || signo == SIGCONT)
		editline_resize(cl->ed);
	else if (signo == SIGINT && cl->ed)
		editline_cancel(cl->ed);
	else
		loop_stop(l);
}

static int client_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int client_start(struct client *cl, bool interactive)
{
	if (loop_fd_add(cl->loop, cl->fd, LOOP_READ, on_socket, cl) < 0)
		return -RTX_ENOMEM;
	if (interactive) {
		if (loop_signal_add(cl->loop, SIGINT, on_signal, cl) < 0 ||
		    loop_signal_add(cl->loop, SIGTERM, on_signal, cl) < 0 ||
		    loop_signal_add(cl->loop, SIGWINCH, on_signal, cl) < 0 ||
		    loop_signal_add(cl->loop, SIGCONT, on_signal, cl) < 0 ||
		    !(cl->ed = editline_new(cl->loop, &client_ops, cl)))
			return -RTX_EIO;
		return 0;
	}
	cl->script = script_new(cl->loop, STDIN_FILENO, script_line, script_eof, cl);
	return cl->script ? 0 : -RTX_ENOMEM;
}

int console_client_run(const char *path, bool interactive)
{
	struct client *cl = calloc(1, sizeof(*cl));
	if (!cl)
		return 3;
	cl->fd = client_connect(path);
	if (cl->fd < 0) {
		fprintf(stderr, "rtxsh: cannot connect to %s: %s\n", path, strerror(errno));
		free(cl);
		return 3;
	}
	int status = 3;
	cl->loop = loop_new(NULL);
	int hello = cl->loop ? request(cl, CONSOLE_HELLO, 0, interactive ? "i" : "s", 1) : -1;
	if (cl->bye)
		goto out;   /* refused: the router said why */
	if (hello < 0) {
		fprintf(stderr, "rtxsh: %s did not answer as an rtxsh console\n", path);
		goto out;
	}
	/* A script has nobody to ask: the login password comes from the
	 * environment, as sshpass-style tools take it. */
	if (!interactive && cl->secret) {
		const char *pw = getenv("RTXSH_PASSWORD");
		if (!pw) {
			fprintf(stderr, "rtxsh: %s asks for the login password: set RTXSH_PASSWORD\n",
				path);
			goto out;
		}
		if (request(cl, CONSOLE_LINE, 0, pw, strlen(pw)) < 0 || cl->secret || cl->bye) {
			fprintf(stderr, "rtxsh: %s refused the login password\n", path);
			goto out;
		}
	}
	if (client_start(cl, interactive) < 0) {
		fprintf(stderr, "rtxsh: cannot start the console session\n");
		goto out;
	}
	loop_run(cl->loop);
	status = 0;
	if (cl->script && script_failed(cl->script))
		status = 1;
	if (cl->lost) {
		fprintf(stderr, "rtxsh: the connection to the router was lost\n");
		status = 1;
	}
	if (cl->ended) {
		fprintf(stderr, "rtxsh: the router closed the session\n");
		status = 1;
	}
out:
	editline_free(cl->ed);
	script_free(cl->script);
	loop_free(cl->loop);
	close(cl->fd);
	words_free(cl);
	free(cl->prompt);
	free(cl);
	return status;
}
