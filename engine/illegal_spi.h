/* `ipsec log illegal-spi on` (reference 1.23): one line for each ESP packet
 * with an SPI the kernel has no SA for, at most ILLEGAL_SPI_PER_SEC a
 * second. The reference rate-limits to ten distinct packets a second and
 * keeps no count of the rest, so neither does this. */
#ifndef RTX_ILLEGAL_SPI_H
#define RTX_ILLEGAL_SPI_H

#include <stdbool.h>
#include <stdint.h>

struct clock;
struct kernel_event;
struct log;

#define ILLEGAL_SPI_PER_SEC 10

struct illegal_spi {
	uint64_t second;     /* of the clock's monotonic time: the one counted */
	unsigned logged;     /* lines in that second */
};

/* ev is a KERNEL_EV_UNKNOWN_SPI. Logs
 *   [IPSEC] illegal SPI 0x1234abcd from 192.0.2.1
 * (the sender's "[port]" after it for ESP-in-UDP) unless this second's
 * lines are used up; true when it logged. */
bool illegal_spi_report(struct illegal_spi *s, struct log *log, struct clock *clock,
			const struct kernel_event *ev);

#endif
