/* libFuzzer target for the grammar: arbitrary bytes, split at newlines,
 * run as script lines in one session through cli_exec_bytes (NUL and
 * control bytes, byte order marks, over-long lines: as a script's lines
 * are judged), and every line is also asked for `?` and TAB (as a C
 * string, cut at a NUL). The first
 * byte picks the model so per-model ranges get exercised. The session ends
 * with `show config`, so the printer walks whatever the input stored.
 * Inputs naming save are skipped (fuzz_guard.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"
#include "engine/router.h"
#include "shell/cli.h"
#include "tests/fuzz/fuzz_guard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(struct cli_session *s, FILE *sink, const char *line,
		     size_t len, unsigned lineno)
{
	char **c = NULL;
	cli_exec_bytes(s, line, len, lineno);
	cli_help(s, line, sink);
	size_t n = cli_complete(s, line, &c);
	for (size_t i = 0; i < n; i++)
		free(c[i]);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || fuzz_mentions_save(data, size))
		return 0;
	const struct rtx_model *m = model_at(data[0] % 9);
	struct router_opts o = { .model = m ? m : model_default() };
	struct router *r = router_new(&o);
	struct cli *c = r ? cli_new(r) : NULL;
	FILE *sink = fopen("/dev/null", "w");
	struct cli_session *s = c && sink ? cli_session_new(c, sink, true) : NULL;
	char *buf = malloc(size);
	if (s && buf) {
		unsigned lineno = 0;
		size_t start = 1;
		for (size_t i = 1; i <= size; i++) {
			if (i < size && data[i] != '\n')
				continue;
			size_t len = i - start;
			memcpy(buf, data + start, len);
			buf[len] = '\0';
			one_line(s, sink, buf, len, ++lineno);
			start = i + 1;
		}
		cli_exec(s, "show config", 0);
	}
	free(buf);
	cli_session_free(s);
	if (sink)
		fclose(sink);
	cli_free(c);
	router_free(r);
	return 0;
}
