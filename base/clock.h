/* One clock for everything that tells time: real in production, virtual in
 * tests, so retransmission and rekey scenarios run in milliseconds. */
#ifndef RTX_CLOCK_H
#define RTX_CLOCK_H

#include <stdint.h>
#include <time.h>

struct clock {
	/* Monotonic milliseconds, for timers. */
	uint64_t (*mono_ms)(struct clock *c);
	/* Wall-clock seconds since the epoch, for log timestamps. */
	time_t (*wall)(struct clock *c);
};

/* The process-wide real clock (stateless, so sharing it is safe). */
struct clock *clock_real(void);

/* A virtual clock that only moves when told to. */
struct clock_virtual {
	struct clock base;
	uint64_t now_ms;
	time_t epoch;  /* wall time at now_ms == 0 */
};

void clock_virtual_init(struct clock_virtual *v, time_t epoch);
void clock_virtual_advance(struct clock_virtual *v, uint64_t ms);

#endif
