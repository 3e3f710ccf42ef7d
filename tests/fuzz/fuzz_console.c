/* libFuzzer target for the console socket protocol, server side: a router
 * serves console sessions on a Unix socket (shell/console.c) and the
 * bytes are what one client sends on it: frames (HELLO, LINE, HELP,
 * COMPLETE, and anything else) split and malformed as they come. The
 * client then stops sending; the loop runs until the router has closed
 * the connection or a bounded number of rounds passed, reading all that
 * the router answers. The router must neither crash nor hang nor leak.
 *
 * Inputs that mention "save" are skipped: `save FILE` writes FILE. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/loop.h"
#include "engine/router.h"
#include "shell/cli.h"
#include "tests/fuzz/fuzz_guard.h"
#include "shell/console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROUNDS 256

static char sock_path[108];

static int client(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_mentions_save(data, size))
		return 0;
	if (!sock_path[0])
		snprintf(sock_path, sizeof(sock_path), "/tmp/rtxsh-fuzz-console.%d.sock",
			 (int)getpid());
	struct router_opts o = { 0 };
	struct router *r = router_new(&o);
	struct cli *c = r ? cli_new(r) : NULL;
	const char *why;
	struct console_server *srv = c ? console_server_new(c, r->loop, sock_path, &why) : NULL;
	int fd = srv ? client() : -1;
	if (fd >= 0) {
		size_t off = 0;
		bool closed = false, shut = false;
		char buf[65536];
		for (int i = 0; i < ROUNDS && !closed; i++) {
			if (off < size) {
				ssize_t n = send(fd, data + off, size - off, MSG_NOSIGNAL);
				if (n > 0)
					off += (size_t)n;
				else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
					off = size;
			}
			if (off == size && !shut) {
				shutdown(fd, SHUT_WR);
				shut = true;
			}
			loop_run_once(r->loop, 0);
			for (;;) {
				ssize_t n = recv(fd, buf, sizeof(buf), 0);
				if (n == 0)
					closed = true;
				if (n <= 0)
					break;
			}
			if (r->shutdown)
				break;
		}
		close(fd);
	}
	console_server_free(srv);
	cli_free(c);
	router_free(r);
	return 0;
}
