#include "engine/illegal_spi.h"

#include "base/clock.h"
#include "base/log.h"
#include "kernel/kernel.h"

/* A fixed window per second of the clock rather than a token bucket: the
 * reference speaks of packets per second, and a fixed window on the
 * virtual clock makes "the eleventh in the same second" exact in tests. */
static bool take(struct illegal_spi *s, uint64_t now_ms)
{
	uint64_t second = now_ms / 1000;
	if (second != s->second) {
		s->second = second;
		s->logged = 0;
	}
	if (s->logged >= ILLEGAL_SPI_PER_SEC)
		return false;
	s->logged++;
	return true;
}

bool illegal_spi_report(struct illegal_spi *s, struct log *log, struct clock *clock,
			const struct kernel_event *ev)
{
	if (ev->type != KERNEL_EV_UNKNOWN_SPI || !take(s, clock->mono_ms(clock)))
		return false;
	char from[48];
	ip_addr_str(&ev->sa.src, from, sizeof(from));
	if (ev->encap_port)
		log_text(log, LOG_INFO, "[IPSEC] illegal SPI 0x%08x from %s[%u]", ev->sa.spi, from,
			 ev->encap_port);
	else
		log_text(log, LOG_INFO, "[IPSEC] illegal SPI 0x%08x from %s", ev->sa.spi, from);
	return true;
}
