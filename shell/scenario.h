/* rtxsh --scenario FILE: several routers in one process, on one virtual
 * clock and the in-memory network (loss, duplication, reordering, delay,
 * NAT, a network that goes down, routers that reboot), driven by a
 * timeline of console commands. Hours of rekeys run in milliseconds, and
 * the transcript is the same on every run: SPIs, nonces and the network's
 * faults all come from the scenario's seed. doc/scenario.md has the file
 * format; doc/scenarios/ holds examples that the test suite runs. */
#ifndef RTX_SCENARIO_H
#define RTX_SCENARIO_H

#include <stdio.h>

/* Runs the scenario file at path: the transcript goes to out, what is
 * wrong with the file to err. Returns 0; 1 when a router refused a line
 * (its error is in the transcript); 2 when the file is not a valid
 * scenario (then nothing runs); 3 when the routers cannot be built. */
int scenario_run(const char *path, FILE *out, FILE *err);

/* Only reads the scenario in (named name in messages): 0 when it is
 * valid, else 2 with what is wrong on err, as scenario_run says it.
 * Nothing runs: the fuzz target's way in. */
int scenario_check(FILE *in, const char *name, FILE *err);

/* "90s", "1h30m", "250ms", "2d", or a bare number of seconds, into
 * milliseconds; -1 for anything else (also past 1000 days). */
long long scenario_duration_ms(const char *text);

#endif
