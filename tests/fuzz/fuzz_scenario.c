/* libFuzzer target for the scenario file reader (rtxsh --scenario,
 * doc/scenario.md): the bytes are a scenario file, read but not run.
 * Durations, percentages, addresses, router blocks, `at` lines with
 * their targets and the network directives must be refused with a
 * message or taken, never crash or leak; a refusal must say why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "shell/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = NULL;
	size_t msg_len = 0;
	FILE *in = fmemopen((void *)data, size, "r");
	FILE *err = open_memstream(&msg, &msg_len);
	if (in && err) {
		int rc = scenario_check(in, "fuzz.scn", err);
		fflush(err);
		if (rc != 0 && rc != 2)
			abort();
		if (rc == 2 && msg_len == 0) {   /* refused without a word */
			fprintf(stderr, "scenario refused with no message\n");
			abort();
		}
		if (rc == 0 && msg_len != 0) {
			fprintf(stderr, "scenario taken but a message was printed: %s\n", msg);
			abort();
		}
	}
	if (in)
		fclose(in);
	if (err)
		fclose(err);
	free(msg);
	return 0;
}
