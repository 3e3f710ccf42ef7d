#include "engine/ike_core.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "engine/loop.h"
#include "engine/tunnel.h"

void ike_core_init(struct ike_core *c, const struct ike_deps *d,
		   const struct sa_listener *const *listeners, size_t n_listeners,
		   const struct window_ops *window_ops)
{
	memset(c, 0, sizeof(*c));
	c->d = *d;
	c->listeners = listeners;
	c->n_listeners = n_listeners;
	c->window_ops = window_ops;
	c->number_next = 1;
}

void ike_core_free(struct ike_core *c)
{
	half_open_table_free(&c->half_open_src);
	tunnel_forget_all(c);
	free(c->numbers);
	c->numbers = NULL;
	c->numbers_words = 0;
}

/* ---- state machines -------------------------------------------------------- */

const struct sa_move *ike_core_move(const struct sa_machine *m, int from, int to,
				    unsigned flags)
{
	if (to < 0 || to >= m->n_states || (flags & m->needs[to]) != m->needs[to])
		return NULL;
	for (size_t i = 0; i < m->n_moves; i++)
		if (m->moves[i].from == from && m->moves[i].to == to)
			return &m->moves[i];
	return NULL;
}

const char *ike_core_state_name(const struct sa_machine *m, int state)
{
	return state >= 0 && state < m->n_states ? m->names[state] : "?";
}

/* ---- lifecycle events ----------------------------------------------------- */

void ike_core_emit_ike(struct ike_core *c, struct ike_sa *sa, enum sa_event ev)
{
	for (size_t i = 0; i < c->n_listeners; i++)
		if (c->listeners[i]->ike)
			c->listeners[i]->ike(sa, ev);
}

void ike_core_emit_child(struct ike_core *c, struct child_sa *ch, enum sa_event ev)
{
	for (size_t i = 0; i < c->n_listeners; i++)
		if (c->listeners[i]->child)
			c->listeners[i]->child(ch, ev);
}

const char *ike_core_event_name(enum sa_event ev)
{
	static const char *const names[SA_EV_COUNT] = {
		"-", "created", "established", "rekeying", "deleting", "gone",
	};
	return (unsigned)ev < SA_EV_COUNT ? names[ev] : "?";
}

/* ---- clock, randomness, configuration ------------------------------------- */

uint64_t ike_core_now_ms(const struct ike_core *c)
{
	struct clock *clk = loop_clock(c->d.loop);
	return clk->mono_ms(clk);
}

int ike_core_random(struct ike_core *c, uint8_t *buf, size_t len)
{
	if (c->d.rng)
		return c->d.rng(c->d.rng_arg, buf, len);
	return crypto_random(c->d.crypto, buf, len);
}

const struct gateway_config *ike_core_gateway(const struct ike_core *c, unsigned id)
{
	return id ? config_gateway_find(c->d.config, id) : NULL;
}

/* ---- SA numbers ------------------------------------------------------------ */

/* A number comes back only after wrapping, and never while an SA still
 * holds it. */
#define NUMBER_MAX 0x7fffffffu

static bool number_used(const struct ike_core *c, unsigned n)
{
	size_t w = n / 32;
	return w < c->numbers_words && (c->numbers[w] >> (n % 32)) & 1u;
}

static int number_mark(struct ike_core *c, unsigned n)
{
	size_t w = n / 32;
	if (w >= c->numbers_words) {
		size_t nw = c->numbers_words ? c->numbers_words * 2 : 64;
		while (nw <= w)
			nw *= 2;
		uint32_t *grown = realloc(c->numbers, nw * sizeof(*grown));
		if (!grown)
			return -RTX_ENOMEM;
		memset(grown + c->numbers_words, 0, (nw - c->numbers_words) * sizeof(*grown));
		c->numbers = grown;
		c->numbers_words = nw;
	}
	c->numbers[w] |= 1u << (n % 32);
	return 0;
}

unsigned ike_core_number_alloc(struct ike_core *c)
{
	for (unsigned tries = 0; tries < NUMBER_MAX; tries++) {
		unsigned n = c->number_next;
		c->number_next = n >= NUMBER_MAX ? 1 : n + 1;
		if (n == 0 || number_used(c, n))
			continue;
		return number_mark(c, n) ? 0 : n;
	}
	return 0;
}

unsigned ike_core_number_peek(const struct ike_core *c)
{
	unsigned n = c->number_next;
	for (unsigned tries = 0; tries < NUMBER_MAX; tries++) {
		if (n != 0 && !number_used(c, n))
			return n;
		n = n >= NUMBER_MAX ? 1 : n + 1;
	}
	return 0;
}

void ike_core_number_free(struct ike_core *c, unsigned n)
{
	if (number_used(c, n))
		c->numbers[n / 32] &= ~(1u << (n % 32));
}
