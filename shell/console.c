/* Console sessions on a Unix socket, served on the router's event loop.
 *
 * Protocol. Every message is a frame: one type byte, a 32-bit big-endian
 * payload length (at most CONSOLE_FRAME_MAX), then the payload. The client
 * speaks first with HELLO ('s': a script, run in administrator mode as on
 * stdin; 'i': an interactive login, starting in normal mode); with a
 * `login password` set, the first LINE of either must be that password.
 * After that,
 * strictly one request at a time:
 *
 *   LINE     u32 line number (0: interactive, no number in errors), text
 *   HELP     the text before the cursor when `?` was typed
 *   COMPLETE the text before the cursor when TAB was typed
 *
 * and every request, HELLO included, is answered by
 *
 *   OUTPUT*  what the console printed, byte for byte
 *   WORDS    (COMPLETE only) the candidates, each ended by a NUL
 *   SECRET   (empty) the next line is a password: read it without echo
 *   PROMPT   the prompt for the next line
 *   BYE      (if the session ended: `quit`, or the router is stopping)
 *   STATUS   s32: 0, or the negative rtx_err of a failed line
 *
 * A router that stops sends BYE to idle clients too and closes. Anything
 * else (an unknown type, a frame too long, a request before HELLO) ends
 * the connection: the router never trusts a client to be well-behaved,
 * and a client that stops reading is dropped once CONSOLE_TX_MAX bytes
 * wait for it, so no console can stall the loop.
 *
 * Unasked, the router may send OUTPUT then BYE (and STATUS) at any time:
 * a session idle for CONSOLE_IDLE_MS is closed (the RTX's default login
 * timer), and a connection past CONSOLE_SESSIONS_MAX, or one accepted
 * when the process is out of file descriptors, is told why and closed
 * at once, before its HELLO. Out of descriptors, the router keeps one
 * spare to say so; without it, it stops accepting for a while instead of
 * polling a listening socket it cannot serve. */
#include "shell/console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/err.h"
#include "engine/loop.h"
#include "engine/router.h"
#include "shell/cli.h"
#include "shell/console_proto.h"

#define CONSOLE_TX_MAX (8u << 20)
#define CONSOLE_BACKLOG 16
#define CONSOLE_ACCEPT_PAUSE_MS 1000

struct conn {
	struct console_server *srv;
	struct conn *next;
	int fd;
	struct cli_session *s;     /* NULL until HELLO */
	/* The session prints into a memory stream, sent after each request. */
	struct sink *out;
	uint8_t *rx;
	size_t rx_len;
	uint8_t *tx;
	size_t tx_len, tx_off, tx_cap;
	bool closing;              /* send what is queued, then close */
	struct loop_timer idle;    /* the login timer */
};

struct console_server {
	struct cli *cli;
	struct loop *loop;
	char *path;
	int fd;
	int spare;                 /* /dev/null, given up to refuse at EMFILE */
	struct loop_timer resume;  /* accepting again after a pause */
	struct conn *conns;
	unsigned nconns;
};

/* ---- frames ---- */

uint32_t console_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void console_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void console_frame_header(uint8_t hdr[CONSOLE_HDR], enum console_frame type, size_t len)
{
	hdr[0] = (uint8_t)type;
	console_put_be32(hdr + 1, (uint32_t)len);
}

int console_frame_parse(const uint8_t *buf, size_t len, unsigned *type,
			const uint8_t **payload, size_t *plen)
{
	if (len < CONSOLE_HDR)
		return 0;
	uint32_t n = console_be32(buf + 1);
	if (n > CONSOLE_FRAME_MAX)
		return -1;
	if (len < CONSOLE_HDR + (size_t)n)
		return 0;
	*type = buf[0];
	*payload = buf + CONSOLE_HDR;
	*plen = n;
	return 1;
}

/* ---- output streams ---- */

/* A memory stream with its own buffer slots: the old stream writes its
 * final buffer back on fclose, so it must not share them with the new one. */
struct sink {
	FILE *f;
	char *buf;
	size_t len;
};

static struct sink *sink_open(void)
{
	struct sink *k = calloc(1, sizeof(*k));
	if (k && !(k->f = open_memstream(&k->buf, &k->len))) {
		free(k);
		k = NULL;
	}
	return k;
}

static void sink_close(struct sink *k)
{
	if (!k)
		return;
	fclose(k->f);
	free(k->buf);
	free(k);
}

/* ---- connections: sending ---- */

static void conn_free(struct conn *c)
{
	struct console_server *srv = c->srv;
	for (struct conn **pp = &srv->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	srv->nconns--;
	loop_timer_disarm(srv->loop, &c->idle);
	loop_fd_del(srv->loop, c->fd);
	close(c->fd);
	cli_session_free(c->s);
	sink_close(c->out);
	free(c->rx);
	free(c->tx);
	free(c);
}

/* Sends what the socket takes now; the rest waits for LOOP_WRITE.
 * Returns false when the connection was freed. */
static bool conn_flush(struct conn *c)
{
	while (c->tx_off < c->tx_len) {
		ssize_t n = send(c->fd, c->tx + c->tx_off, c->tx_len - c->tx_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_free(c);
			return false;
		}
		c->tx_off += (size_t)n;
	}
	if (c->tx_off == c->tx_len) {
		c->tx_off = c->tx_len = 0;
		if (c->closing) {
			conn_free(c);
			return false;
		}
	}
	loop_fd_set_events(c->srv->loop, c->fd,
			   LOOP_READ | (c->tx_len ? LOOP_WRITE : 0));
	return true;
}

/* Queues a frame; false when the client is too far behind (or memory ran
 * out): the caller then drops the connection. */
static bool conn_queue(struct conn *c, enum console_frame type, const void *p, size_t n)
{
	size_t need = c->tx_len + CONSOLE_HDR + n;
	if (need > CONSOLE_TX_MAX)
		return false;
	if (need > c->tx_cap) {
		size_t cap = c->tx_cap ? c->tx_cap : 4096;
		while (cap < need)
			cap *= 2;
		uint8_t *t = realloc(c->tx, cap);
		if (!t)
			return false;
		c->tx = t;
		c->tx_cap = cap;
	}
	console_frame_header(c->tx + c->tx_len, type, n);
	if (n)
		memcpy(c->tx + c->tx_len + CONSOLE_HDR, p, n);
	c->tx_len = need;
	return true;
}

static bool conn_queue_status(struct conn *c, int rc)
{
	uint8_t v[4];
	console_put_be32(v, (uint32_t)rc);
	return conn_queue(c, CONSOLE_STATUS, v, sizeof(v));
}

/* Moves what the session printed into OUTPUT frames and gives the session
 * a fresh stream, so it never holds a closed one. */
static bool conn_queue_output(struct conn *c)
{
	struct sink *old = c->out;
	c->out = sink_open();
	if (!c->out) {
		c->out = old;
		return false;
	}
	if (c->s)
		cli_session_set_out(c->s, c->out->f);
	fclose(old->f);
	old->f = NULL;
	bool ok = true;
	for (size_t off = 0; ok && off < old->len; off += CONSOLE_FRAME_MAX) {
		size_t n = old->len - off;
		ok = conn_queue(c, CONSOLE_OUTPUT, old->buf + off,
				n < CONSOLE_FRAME_MAX ? n : CONSOLE_FRAME_MAX);
	}
	free(old->buf);
	free(old);
	return ok;
}

/* The tail every reply shares: output, prompt, BYE when over, status. */
static bool conn_reply(struct conn *c, int rc)
{
	if (!conn_queue_output(c))
		return false;
	const char *prompt = cli_prompt(c->s);
	if (cli_secret(c->s) && !conn_queue(c, CONSOLE_SECRET, NULL, 0))
		return false;
	if (!conn_queue(c, CONSOLE_PROMPT, prompt, strlen(prompt)))
		return false;
	/* The router stopping ends every session; saying so before STATUS
	 * lets a script client stop instead of sending its next line. */
	if (cli_session_closed(c->s) || cli_router(c->srv->cli)->shutdown) {
		c->closing = true;
		if (!conn_queue(c, CONSOLE_BYE, NULL, 0))
			return false;
	}
	return conn_queue_status(c, rc);
}

/* ---- connections: requests ---- */

static bool req_hello(struct conn *c, const uint8_t *p, size_t n)
{
	if (c->s || n != 1 || (p[0] != 's' && p[0] != 'i'))
		return false;
	c->s = cli_session_new(c->srv->cli, c->out->f, p[0] == 's');
	if (c->s && p[0] == 'i')
		cli_banner(c->srv->cli, c->out->f);
	if (c->s)
		cli_session_login(c->s);
	return c->s && conn_reply(c, 0);
}

static bool req_words(struct conn *c, const char *prefix)
{
	char **words = NULL;
	size_t n = cli_complete(c->s, prefix, &words);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok = f != NULL;
	for (size_t i = 0; i < n && words; i++) {
		if (f)
			fwrite(words[i], 1, strlen(words[i]) + 1, f);
		free(words[i]);
	}
	free(words);
	if (f)
		fclose(f);
	ok = ok && conn_queue(c, CONSOLE_WORDS, buf, len < CONSOLE_FRAME_MAX ? len : 0);
	free(buf);
	return ok;
}

/* Runs one request. Returns false to drop the connection. */
static bool conn_request(struct conn *c, unsigned type, const uint8_t *p, size_t n)
{
	if (type == CONSOLE_HELLO)
		return req_hello(c, p, n);
	if (!c->s)
		return false;
	if (type == CONSOLE_LINE) {
		if (n < 4)
			return false;
		/* The interpreter judges the bytes (NUL, length) as on stdin. */
		int rc = cli_exec_bytes(c->s, (const char *)p + 4, n - 4, console_be32(p));
		return conn_reply(c, rc);
	}
	/* A NUL inside would make the grammar see a shorter prefix than
	 * the client sent: refuse rather than answer something else. */
	if (memchr(p, '\0', n))
		return conn_reply(c, -RTX_EPARSE);
	char *text = strndup((const char *)p, n);
	if (!text)
		return false;
	int rc = 0;
	bool ok = true;
	switch (type) {
	case CONSOLE_HELP:
		cli_help(c->s, text, c->out->f);
		break;
	case CONSOLE_COMPLETE:
		ok = req_words(c, text);
		break;
	default:
		ok = false;
	}
	free(text);
	return ok && conn_reply(c, rc);
}

static void conn_readable(struct conn *c)
{
	uint8_t *rx = realloc(c->rx, CONSOLE_HDR + CONSOLE_FRAME_MAX);
	if (!rx) {
		conn_free(c);
		return;
	}
	c->rx = rx;
	ssize_t n = recv(c->fd, c->rx + c->rx_len, CONSOLE_HDR + CONSOLE_FRAME_MAX - c->rx_len,
			 MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		/* The client is done typing: its lines take effect now, not
		 * after the pause a paste needs (cli.h), so that what a script
		 * does next (a peer it starts, say) meets the config it typed. */
		if (n == 0 && c->s)
			(void)cli_apply(c->srv->cli);
		conn_free(c);
		return;
	}
	c->rx_len += (size_t)n;
	loop_timer_arm(c->srv->loop, &c->idle, CONSOLE_IDLE_MS);
	struct router *r = cli_router(c->srv->cli);
	unsigned type;
	const uint8_t *p;
	size_t plen;
	int got;
	while (!c->closing && (got = console_frame_parse(c->rx, c->rx_len, &type, &p, &plen)) != 0) {
		if (got < 0 || !conn_request(c, type, p, plen)) {
			conn_free(c);
			return;
		}
		size_t used = CONSOLE_HDR + plen;
		memmove(c->rx, c->rx + used, c->rx_len - used);
		c->rx_len -= used;
		if (r->shutdown)
			loop_stop(c->srv->loop);
	}
	conn_flush(c);
}

static void on_conn(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)l;
	(void)fd;
	struct conn *c = arg;
	if (revents & LOOP_WRITE) {
		if (!conn_flush(c))
			return;
	}
	if (revents & LOOP_READ)
		conn_readable(c);
}

/* The login timer ran out: say so, then hang up. */
static void on_idle(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct conn *c = arg;
	if (c->closing)
		return;
	char msg[96];
	snprintf(msg, sizeof(msg), "\nConsole session closed: idle for %u seconds.\n",
		 CONSOLE_IDLE_MS / 1000);
	c->closing = true;
	if (!conn_queue(c, CONSOLE_OUTPUT, msg, strlen(msg)) ||
	    !conn_queue(c, CONSOLE_BYE, NULL, 0) || !conn_queue_status(c, -RTX_EIO)) {
		conn_free(c);
		return;
	}
	conn_flush(c);
}

/* ---- the listening socket ---- */

/* Tells a client it cannot be served, in one small write that fits any
 * socket buffer, and hangs up without waiting for its HELLO. */
static void refuse(int fd, const char *why)
{
	uint8_t buf[CONSOLE_HDR * 3 + 4 + 128];
	size_t n = strlen(why) < 128 ? strlen(why) : 128, len = 0;
	console_frame_header(buf, CONSOLE_OUTPUT, n);
	memcpy(buf + CONSOLE_HDR, why, n);
	len = CONSOLE_HDR + n;
	console_frame_header(buf + len, CONSOLE_BYE, 0);
	len += CONSOLE_HDR;
	console_frame_header(buf + len, CONSOLE_STATUS, 4);
	console_put_be32(buf + len + CONSOLE_HDR, (uint32_t)-RTX_EIO);
	len += CONSOLE_HDR + 4;
	(void)!send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void on_resume(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	struct console_server *srv = arg;
	loop_fd_set_events(l, srv->fd, LOOP_READ);
}

/* Out of file descriptors: the spare one makes room to accept and refuse
 * the client; without a spare, stop accepting for a while, as a level-
 * triggered poll would report the waiting client forever. */
static void out_of_fds(struct console_server *srv)
{
	if (srv->spare >= 0) {
		close(srv->spare);
		int cfd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd >= 0)
			refuse(cfd, "Console session refused: the router is out of file descriptors.\n");
		srv->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (cfd >= 0 && srv->spare >= 0)
			return;
	}
	loop_fd_set_events(srv->loop, srv->fd, 0);
	loop_timer_arm(srv->loop, &srv->resume, CONSOLE_ACCEPT_PAUSE_MS);
}

static void on_accept(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)revents;
	struct console_server *srv = arg;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0 && (errno == EMFILE || errno == ENFILE)) {
		out_of_fds(srv);
		return;
	}
	if (cfd < 0)
		return;
	if (srv->nconns >= CONSOLE_SESSIONS_MAX) {
		char msg[96];
		snprintf(msg, sizeof(msg), "Console session refused: %u sessions are open "
			 "already.\n", CONSOLE_SESSIONS_MAX);
		refuse(cfd, msg);
		return;
	}
	struct conn *c = calloc(1, sizeof(*c));
	if (!c || !(c->out = sink_open())) {
		free(c);
		close(cfd);
		return;
	}
	c->srv = srv;
	c->fd = cfd;
	if (loop_fd_add(l, cfd, LOOP_READ, on_conn, c) < 0) {
		sink_close(c->out);
		free(c);
		close(cfd);
		return;
	}
	c->next = srv->conns;
	srv->conns = c;
	srv->nconns++;
	loop_timer_init(&c->idle, on_idle, c);
	loop_timer_arm(l, &c->idle, CONSOLE_IDLE_MS);
}

/* Refuses to take over a live router's socket or to unlink anything that
 * is not a socket; a socket nobody answers on is a leftover. */
static int path_claim(const struct sockaddr_un *sa, const char **err)
{
	struct stat st;
	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : (*err = "cannot inspect the socket path", -1);
	if (!S_ISSOCK(st.st_mode)) {
		*err = "the path exists and is not a socket";
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = "cannot create a socket";
		return -1;
	}
	int live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	if (live) {
		*err = "another rtxsh is serving this socket";
		return -1;
	}
	unlink(sa->sun_path);
	return 0;
}

static int listen_on(const char *path, const char **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path) || !*path) {
		*err = "the socket path is empty or too long";
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (path_claim(&sa, err) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = "cannot create a socket";
		return -1;
	}
	/* Owner only from the first moment: a console is administrator. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || listen(fd, CONSOLE_BACKLOG) < 0) {
		*err = rc < 0 ? "cannot bind the socket path" : "cannot listen";
		if (rc == 0)
			unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

struct console_server *console_server_new(struct cli *c, struct loop *l,
					  const char *path, const char **err)
{
	struct console_server *srv = calloc(1, sizeof(*srv));
	*err = "out of memory";
	if (!srv || !(srv->path = strdup(path))) {
		free(srv);
		return NULL;
	}
	srv->cli = c;
	srv->loop = l;
	loop_timer_init(&srv->resume, on_resume, srv);
	srv->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	srv->fd = listen_on(path, err);
	if (srv->fd < 0) {
		if (srv->spare >= 0)
			close(srv->spare);
		free(srv->path);
		free(srv);
		return NULL;
	}
	if (loop_fd_add(l, srv->fd, LOOP_READ, on_accept, srv) < 0) {
		*err = "cannot watch the socket";
		close(srv->fd);
		if (srv->spare >= 0)
			close(srv->spare);
		unlink(path);
		free(srv->path);
		free(srv);
		return NULL;
	}
	return srv;
}

void console_server_free(struct console_server *srv)
{
	if (!srv)
		return;
	while (srv->conns) {
		struct conn *c = srv->conns;
		/* Best effort: a client still reading gets its last reply and a
		 * BYE; one that is not is closed all the same. */
		if (c->s && !c->closing)
			conn_queue(c, CONSOLE_BYE, NULL, 0);
		c->closing = true;
		if (conn_flush(c))
			conn_free(c);
	}
	loop_timer_disarm(srv->loop, &srv->resume);
	loop_fd_del(srv->loop, srv->fd);
	close(srv->fd);
	if (srv->spare >= 0)
		close(srv->spare);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}

unsigned console_server_sessions(const struct console_server *srv)
{
	return srv->nconns;
}
