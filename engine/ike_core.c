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
	addr_count_free(&c->half_open_src);
	lease_table_free(&c->leases);
	tunnel_forget_all(c);
	free(c->numbers);
	c->numbers = NULL;
	c->numbers_cap = c->numbers_used = 0;
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
 * holds it. A CHILD SA holds two, n and n + 1, and only n is in the
 * table: one entry fewer per CHILD SA (the table is most of what the
 * numbers cost per SA). */
#define NUMBER_MAX 0x7fffffffu

static size_t home(unsigned n, size_t cap)
{
	return (size_t)(n * 2654435761u) & (cap - 1);
}

/* The slot holding n, or the free slot where n would go (cap > used). */
static size_t number_slot(const struct ike_core *c, unsigned n)
{
	size_t i = home(n, c->numbers_cap);
	while (c->numbers[i].n && c->numbers[i].n != n)
		i = (i + 1) & (c->numbers_cap - 1);
	return i;
}

static const struct sa_number *number_entry(const struct ike_core *c, unsigned n)
{
	const struct sa_number *s = n && c->numbers_cap ? &c->numbers[number_slot(c, n)] : NULL;
	return s && s->n == n ? s : NULL;
}

/* n itself, or the second number of the CHILD SA holding n - 1. */
static const struct sa_number *number_holder(const struct ike_core *c, unsigned n)
{
	const struct sa_number *s = number_entry(c, n);
	if (!s && n > 1 && (s = number_entry(c, n - 1)) && s->kind != SA_KIND_CHILD)
		s = NULL;
	return s;
}

static bool number_used(const struct ike_core *c, unsigned n)
{
	return number_holder(c, n) != NULL;
}

/* Kept at most three quarters full. */
static int number_grow(struct ike_core *c)
{
	size_t cap = c->numbers_cap ? c->numbers_cap * 2 : 64;
	struct sa_number *t = calloc(cap, sizeof(*t)), *old = c->numbers;
	size_t old_cap = c->numbers_cap;
	if (!t)
		return -RTX_ENOMEM;
	c->numbers = t;
	c->numbers_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].n)
			t[number_slot(c, old[i].n)] = old[i];
	free(old);
	return 0;
}

unsigned ike_core_number_alloc(struct ike_core *c, enum sa_kind kind, void *sa)
{
	unsigned span = kind == SA_KIND_CHILD ? 2 : 1;
	if ((c->numbers_used + 1) * 4 > c->numbers_cap * 3 && number_grow(c))
		return 0;
	for (unsigned tries = 0; tries < NUMBER_MAX; tries++) {
		unsigned n = c->number_next;
		c->number_next = n > NUMBER_MAX - span ? 1 : n + span;
		if (n == 0 || n > NUMBER_MAX - (span - 1) || number_used(c, n) ||
		    (span == 2 && number_used(c, n + 1)))
			continue;
		c->numbers[number_slot(c, n)] = (struct sa_number){ n, kind, sa };
		c->numbers_used++;
		return n;
	}
	return 0;
}

void *ike_core_number_sa(const struct ike_core *c, unsigned n, enum sa_kind kind)
{
	const struct sa_number *s = number_holder(c, n);
	return s && s->kind == kind ? s->sa : NULL;
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

/* Deletion without tombstones: the entries after the freed slot that
 * may not sit between their home and it move back into it. */
void ike_core_number_free(struct ike_core *c, unsigned n)
{
	if (!number_entry(c, n))
		return;          /* also a CHILD SA's second number: it goes with n - 1 */
	size_t mask = c->numbers_cap - 1, i = number_slot(c, n);
	for (size_t j = (i + 1) & mask; c->numbers[j].n; j = (j + 1) & mask) {
		size_t h = home(c->numbers[j].n, c->numbers_cap);
		/* j's entry stays when its home lies cyclically in (i, j] */
		if (i < j ? (h > i && h <= j) : (h > i || h <= j))
			continue;
		c->numbers[i] = c->numbers[j];
		i = j;
	}
	c->numbers[i] = (struct sa_number){ 0 };
	c->numbers_used--;
}
