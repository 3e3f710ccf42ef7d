/* The console protocol: frame parsing bounds, and a server on the loop
 * answering HELLO and LINE, dropping misbehaving clients, stopping the
 * loop on `shutdown`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/clock.h"
#include "engine/config.h"
#include "engine/loop.h"
#include "engine/router.h"
#include "shell/cli.h"
#include "shell/console.h"
#include "shell/console_proto.h"

static void test_frame_parse(void **state)
{
	(void)state;
	uint8_t buf[CONSOLE_HDR + 3];
	unsigned type;
	const uint8_t *p;
	size_t n;
	console_frame_header(buf, CONSOLE_LINE, 3);
	memcpy(buf + CONSOLE_HDR, "abc", 3);
	for (size_t len = 0; len < sizeof(buf); len++)
		assert_int_equal(console_frame_parse(buf, len, &type, &p, &n), 0);
	assert_int_equal(console_frame_parse(buf, sizeof(buf), &type, &p, &n), 1);
	assert_int_equal(type, CONSOLE_LINE);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "abc", 3);

	/* A length past the limit is refused from the header alone. */
	console_frame_header(buf, CONSOLE_LINE, (size_t)CONSOLE_FRAME_MAX + 1);
	assert_int_equal(console_frame_parse(buf, CONSOLE_HDR, &type, &p, &n), -1);
	console_put_be32(buf + 1, 0xffffffffu);
	assert_int_equal(console_frame_parse(buf, CONSOLE_HDR, &type, &p, &n), -1);
	assert_int_equal(console_be32((const uint8_t *)"\x01\x02\x03\x04"), 0x01020304);
}

struct fixture {
	struct clock_virtual clock;
	struct router *r;
	struct cli *cli;
	struct console_server *srv;
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct router_opts o = { 0 };
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/rtxsh-console.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	clock_virtual_init(&f->clock, 1700000000);
	o.clock = &f->clock.base;
	snprintf(f->path, sizeof(f->path), "%s/sock", f->dir);
	f->r = router_new(&o);
	f->cli = cli_new(f->r);
	const char *err = NULL;
	f->srv = console_server_new(f->cli, f->r->loop, f->path, &err);
	*state = f;
	return f->srv ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	console_server_free(f->srv);
	cli_free(f->cli);
	router_free(f->r);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Connects and lets the router accept. */
static int connect_to(struct fixture *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, f->path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	loop_run_once(f->r->loop, 0);   /* accept */
	return fd;
}

static int dial(struct fixture *f)
{
	int fd = connect_to(f);
	assert_int_equal(console_server_sessions(f->srv), 1);
	return fd;
}

static void send_req(int fd, enum console_frame type, uint32_t lineno, const char *text)
{
	uint8_t hdr[CONSOLE_HDR + 4];
	size_t extra = type == CONSOLE_LINE ? 4 : 0;
	console_frame_header(hdr, type, strlen(text) + extra);
	console_put_be32(hdr + CONSOLE_HDR, lineno);
	assert_int_equal(send(fd, hdr, CONSOLE_HDR + extra, 0), (ssize_t)(CONSOLE_HDR + extra));
	assert_int_equal(send(fd, text, strlen(text), 0), (ssize_t)strlen(text));
}

/* Reads what the router sent up to STATUS: returns the status, the
 * output in out, the frame types seen in types. */
static int frames(int fd, char *out, size_t outsz, char *types)
{
	uint8_t buf[CONSOLE_HDR + CONSOLE_FRAME_MAX];
	size_t len = 0;
	out[0] = types[0] = '\0';
	for (;;) {
		unsigned type;
		const uint8_t *p;
		size_t n;
		int got = console_frame_parse(buf, len, &type, &p, &n);
		assert_true(got >= 0);
		if (got == 0) {
			ssize_t r = recv(fd, buf + len, sizeof(buf) - len, 0);
			assert_true(r > 0);
			len += (size_t)r;
			continue;
		}
		strncat(types, (char[]){ (char)type, 0 }, 15);
		if (type == CONSOLE_OUTPUT)
			strncat(out, (const char *)p, n < outsz - strlen(out) - 1 ? n : outsz - strlen(out) - 1);
		if (type == CONSOLE_STATUS)
			return (int)console_be32(p);
		memmove(buf, buf + CONSOLE_HDR + n, len - CONSOLE_HDR - n);
		len -= CONSOLE_HDR + n;
	}
}

/* Serves the request, then reads the reply (see frames). */
static int reply(struct fixture *f, int fd, char *out, size_t outsz, char *types)
{
	loop_run_once(f->r->loop, 0);
	return frames(fd, out, outsz, types);
}

static void test_hello_and_lines(void **state)
{
	struct fixture *f = *state;
	int fd = dial(f);
	char out[4096], types[16];

	send_req(fd, CONSOLE_HELLO, 0, "s");
	assert_int_equal(reply(f, fd, out, sizeof(out), types), 0);
	assert_string_equal(types, "PS");

	send_req(fd, CONSOLE_LINE, 0, "ip lan1 address 192.168.100.1/24");
	assert_int_equal(reply(f, fd, out, sizeof(out), types), 0);
	send_req(fd, CONSOLE_LINE, 7, "frobnicate");
	assert_true(reply(f, fd, out, sizeof(out), types) < 0);
	assert_non_null(strstr(out, "line 7: Error"));
	assert_string_equal(types, "OPS");

	send_req(fd, CONSOLE_LINE, 0, "show config");
	assert_int_equal(reply(f, fd, out, sizeof(out), types), 0);
	assert_non_null(strstr(out, "ip lan1 address 192.168.100.1/24"));

	/* A NUL inside a line is refused, not run shortened. */
	uint8_t hdr[CONSOLE_HDR + 4];
	console_frame_header(hdr, CONSOLE_LINE, 4 + 6);
	console_put_be32(hdr + CONSOLE_HDR, 1);
	send(fd, hdr, sizeof(hdr), 0);
	send(fd, "show\0x", 6, 0);
	assert_true(reply(f, fd, out, sizeof(out), types) < 0);
	close(fd);
	loop_run_once(f->r->loop, 0);
	assert_int_equal(console_server_sessions(f->srv), 0);
}

/* A typed line waits for a pause in the input before the engine sees it
 * (cli.h); a client that hangs up has no more to type, so it is applied
 * then, before the router reads anything else (a peer's packet). */
static void test_hangup_applies(void **state)
{
	struct fixture *f = *state;
	int fd = dial(f);
	char out[4096], types[16];
	send_req(fd, CONSOLE_HELLO, 0, "s");
	assert_int_equal(reply(f, fd, out, sizeof(out), types), 0);
	send_req(fd, CONSOLE_LINE, 0, "ipsec ike pre-shared-key 1 text typed-secret");
	assert_int_equal(reply(f, fd, out, sizeof(out), types), 0);
	assert_null(config_gateway_find(f->r->ipsec, 1));   /* still pending */
	close(fd);
	loop_run_once(f->r->loop, 0);   /* no time passes on the virtual clock */
	assert_int_equal(console_server_sessions(f->srv), 0);
	const struct gateway_config *g = config_gateway_find(f->r->ipsec, 1);
	assert_non_null(g);
	assert_int_equal(g->psk_len, strlen("typed-secret"));
	assert_memory_equal(g->psk, "typed-secret", g->psk_len);
}

static void test_misbehaving_clients_dropped(void **state)
{
	struct fixture *f = *state;
	static const struct { const char *bytes; size_t len; } junk[] = {
		{ "L\0\0\0\0", 5 },                  /* a line before HELLO */
		{ "H\0\0\0\1x", 6 },                 /* an unknown mode */
		{ "Z\0\0\0\0", 5 },                  /* an unknown type */
		{ "L\x7f\xff\xff\xff", 5 },          /* a frame far too long */
	};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		int fd = dial(f);
		assert_int_equal(send(fd, junk[i].bytes, junk[i].len, 0), (ssize_t)junk[i].len);
		loop_run_once(f->r->loop, 0);
		assert_int_equal(console_server_sessions(f->srv), 0);
		char c;
		assert_int_equal(recv(fd, &c, 1, 0), 0);   /* closed on us */
		close(fd);
	}
}

static void test_shutdown_stops_loop(void **state)
{
	struct fixture *f = *state;
	int fd = dial(f);
	char out[256], types[16];
	send_req(fd, CONSOLE_HELLO, 0, "s");
	reply(f, fd, out, sizeof(out), types);
	send_req(fd, CONSOLE_LINE, 1, "shutdown");
	assert_int_equal(reply(f, fd, out, sizeof(out), types), 0);
	assert_true(f->r->shutdown);
	assert_true(loop_stopped(f->r->loop));
	/* The client learns it before the status, so it sends no more. */
	assert_string_equal(types, "PBS");
	close(fd);
}

/* The login timer: a session without input for CONSOLE_IDLE_MS is told
 * why and closed; any request starts the time again. */
static void test_idle_session_closed(void **state)
{
	struct fixture *f = *state;
	int fd = dial(f);
	char out[256], types[16];
	send_req(fd, CONSOLE_HELLO, 0, "i");
	reply(f, fd, out, sizeof(out), types);
	clock_virtual_advance(&f->clock, CONSOLE_IDLE_MS - 1);
	loop_run_once(f->r->loop, 0);
	send_req(fd, CONSOLE_LINE, 0, "show config");
	reply(f, fd, out, sizeof(out), types);
	clock_virtual_advance(&f->clock, CONSOLE_IDLE_MS - 1);
	loop_run_once(f->r->loop, 0);
	assert_int_equal(console_server_sessions(f->srv), 1);

	clock_virtual_advance(&f->clock, 1);
	loop_run_once(f->r->loop, 0);
	assert_true(frames(fd, out, sizeof(out), types) < 0);
	assert_string_equal(types, "OBS");
	assert_non_null(strstr(out, "Console session closed: idle for 300 seconds."));
	assert_int_equal(console_server_sessions(f->srv), 0);
	char c;
	assert_int_equal(recv(fd, &c, 1, 0), 0);
	close(fd);
}

/* One connection past CONSOLE_SESSIONS_MAX is told so before its HELLO
 * and closed; the others go on. */
static void test_sessions_capped(void **state)
{
	struct fixture *f = *state;
	int fds[CONSOLE_SESSIONS_MAX];
	for (unsigned i = 0; i < CONSOLE_SESSIONS_MAX; i++)
		fds[i] = connect_to(f);
	assert_int_equal(console_server_sessions(f->srv), CONSOLE_SESSIONS_MAX);
	int extra = connect_to(f);
	char out[256], types[16];
	assert_true(frames(extra, out, sizeof(out), types) < 0);
	assert_string_equal(types, "OBS");
	assert_string_equal(out, "Console session refused: 16 sessions are open already.\n");
	assert_int_equal(console_server_sessions(f->srv), CONSOLE_SESSIONS_MAX);
	close(extra);
	send_req(fds[3], CONSOLE_HELLO, 0, "s");
	assert_int_equal(reply(f, fds[3], out, sizeof(out), types), 0);
	for (unsigned i = 0; i < CONSOLE_SESSIONS_MAX; i++)
		close(fds[i]);
	loop_run_once(f->r->loop, 0);
	assert_int_equal(console_server_sessions(f->srv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_parse),
		cmocka_unit_test_setup_teardown(test_hello_and_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hangup_applies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misbehaving_clients_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_stops_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_session_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions_capped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
