/* libFuzzer target for the config file loader: the bytes are a config
 * file, read by script_load_file (chunked reads, "\r\n", a last line
 * without "\n", over-long lines) and run line by line in an administrator
 * session as rtxsh -c FILE does at start. Then the round trip the design
 * promises: `show config` of what was loaded, loaded into a fresh router,
 * must print the same config again, refusing no more lines than the
 * first load did (a kept line naming a missing pki file is refused on
 * every load, by design: the config still round-trips).
 *
 * Inputs that mention "save" are skipped: `save FILE` writes FILE, and a
 * fuzzer must not write where it likes on the host. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/router.h"
#include "shell/cli.h"
#include "tests/fuzz/fuzz_guard.h"
#include "shell/script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one_line(void *arg, const char *line, size_t len, unsigned lineno)
{
	struct cli_session *s = arg;
	if (!line)
		return -1;
	return cli_exec_bytes(s, line, len, lineno);
}

/* Loads the bytes as a config file into a new router; returns its
 * `show config` (malloc'd) and the refused lines in *failed. */
static char *load(const uint8_t *data, size_t size, unsigned *failed)
{
	char *shown = NULL;
	size_t shown_len = 0;
	int fd = memfd_create("rtxsh-fuzz-config", MFD_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct router_opts o = { 0 };
	struct router *r = router_new(&o);
	struct cli *c = r ? cli_new(r) : NULL;
	FILE *sink = fopen("/dev/null", "w");
	struct cli_session *s = c && sink ? cli_session_new(c, sink, true) : NULL;
	if (s && script_load_file(path, one_line, s, failed) == 0) {
		FILE *m = open_memstream(&shown, &shown_len);
		if (m) {
			cli_show_config(c, m);
			fclose(m);
		}
	}
	cli_session_free(s);
	if (sink)
		fclose(sink);
	cli_free(c);
	router_free(r);
	close(fd);
	return shown;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_mentions_save(data, size))
		return 0;
	unsigned failed = 0, failed2 = 0;
	char *first = load(data, size, &failed);
	if (!first)
		return 0;
	char *second = load((const uint8_t *)first, strlen(first), &failed2);
	if (!second || failed2 > failed || strcmp(first, second)) {
		fprintf(stderr, "config round trip broke (%u refused lines)\n--- first\n%s\n"
			"--- second\n%s\n", failed2, first, second ? second : "(none)");
		abort();
	}
	free(first);
	free(second);
	return 0;
}
