#include "base/clock.h"

static uint64_t real_mono_ms(struct clock *c)
{
	(void)c;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static time_t real_wall(struct clock *c)
{
	(void)c;
	return time(NULL);
}

struct clock *clock_real(void)
{
	static struct clock real = { real_mono_ms, real_wall };
	return &real;
}

static uint64_t virt_mono_ms(struct clock *c)
{
	return ((struct clock_virtual *)c)->now_ms;
}

static time_t virt_wall(struct clock *c)
{
	struct clock_virtual *v = (struct clock_virtual *)c;
	return v->epoch + (time_t)(v->now_ms / 1000u);
}

void clock_virtual_init(struct clock_virtual *v, time_t epoch)
{
	v->base.mono_ms = virt_mono_ms;
	v->base.wall = virt_wall;
	v->now_ms = 0;
	v->epoch = epoch;
}

void clock_virtual_advance(struct clock_virtual *v, uint64_t ms)
{
	v->now_ms += ms;
}
