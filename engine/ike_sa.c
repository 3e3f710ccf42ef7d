#include "engine/ike_sa.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/child_sa.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "engine/dh.h"
#include "base/err.h"
#include "engine/exchange_info.h"
#include "engine/liveness.h"
#include "base/log.h"
#include "engine/msg_io.h"
#include "engine/rekey.h"

/* ---- SA numbers ------------------------------------------------------- */

/* The router shows small numbers that keep counting up; a number comes
 * back only after wrapping, and never while an SA still holds it. */
#define NUMBER_MAX 0x7fffffffu

static bool number_used(const struct ike_engine *e, unsigned n)
{
	size_t w = n / 32;
	return w < e->numbers_words && (e->numbers[w] >> (n % 32)) & 1u;
}

static int number_mark(struct ike_engine *e, unsigned n)
{
	size_t w = n / 32;
	if (w >= e->numbers_words) {
		size_t nw = e->numbers_words ? e->numbers_words * 2 : 64;
		while (nw <= w)
			nw *= 2;
		uint32_t *grown = realloc(e->numbers, nw * sizeof(*grown));
		if (!grown)
			return -RTX_ENOMEM;
		memset(grown + e->numbers_words, 0, (nw - e->numbers_words) * sizeof(*grown));
		e->numbers = grown;
		e->numbers_words = nw;
	}
	e->numbers[w] |= 1u << (n % 32);
	return 0;
}

unsigned ike_number_alloc(struct ike_engine *e)
{
	for (unsigned tries = 0; tries < NUMBER_MAX; tries++) {
		unsigned n = e->number_next;
		e->number_next = n >= NUMBER_MAX ? 1 : n + 1;
		if (n == 0 || number_used(e, n))
			continue;
		return number_mark(e, n) ? 0 : n;
	}
	return 0;
}

void ike_number_free(struct ike_engine *e, unsigned n)
{
	if (number_used(e, n))
		e->numbers[n / 32] &= ~(1u << (n % 32));
}

/* ---- logging helpers --------------------------------------------------- */

void ike_sa_sub(const struct ike_sa *sa, char *buf, size_t len)
{
	snprintf(buf, len, "SA:%u/IKE", sa->number);
}

void ike_sa_xsub(const struct ike_sa *sa, const char *tag, char *buf, size_t len)
{
	if (sa->gateway)
		snprintf(buf, len, "GW:%u/SA:%u/%s", sa->gateway, sa->number, tag);
	else
		snprintf(buf, len, "GW:*/SA:%u/%s", sa->number, tag);
}

void ike_sa_log(struct ike_sa *sa, enum log_id id, ...)
{
	char sub[24];
	va_list ap;
	ike_sa_sub(sa, sub, sizeof(sub));
	va_start(ap, id);
	log_ikev(sa->e->d.log, sub, id, ap);
	va_end(ap);
}

void ike_sa_dump_key(const struct ike_sa *sa, const char *sub, const char *title,
		     const void *data, size_t len)
{
	if (ike_log_types(sa) & LOGTYPE_KEY)
		log_dump(sa->e->d.log, sub, title, data, len);
}

const char *ike_state_name(enum ike_state s)
{
	static const char *names[] = { "INIT", "INIT_SENT", "AUTH_SENT", "ESTABLISHED",
				       "REKEYING", "DELETING", "CLOSED" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* ---- index by our SPI --------------------------------------------------- */

static uint64_t our_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

static size_t bucket_of(uint64_t spi)
{
	return (size_t)((spi ^ (spi >> 29) ^ (spi >> 47)) % IKE_SA_BUCKETS);
}

static void index_add(struct ike_sa *sa)
{
	struct ike_sa **b = &sa->e->bucket[bucket_of(our_spi(sa))];
	sa->hnext = *b;
	*b = sa;
}

static void unlink_from(struct ike_sa **head, struct ike_sa *sa, bool hash)
{
	for (struct ike_sa **p = head; *p; p = hash ? &(*p)->hnext : &(*p)->next)
		if (*p == sa) {
			*p = hash ? sa->hnext : sa->next;
			return;
		}
}

struct ike_sa *ike_sa_find(struct ike_engine *e, uint64_t spi_i, uint64_t spi_r,
			   bool from_initiator)
{
	uint64_t ours = from_initiator ? spi_r : spi_i;
	for (struct ike_sa *sa = e->bucket[bucket_of(ours)]; sa; sa = sa->hnext) {
		if (sa->deleted || sa->initiator == from_initiator || our_spi(sa) != ours)
			continue;
		/* The responder SPI is still unknown to an initiator in INIT. */
		if (sa->spi_i == spi_i && (sa->spi_r == spi_r || (sa->initiator && !sa->spi_r)))
			return sa;
	}
	return NULL;
}

struct ike_sa *ike_sa_find_half_open(struct ike_engine *e, uint64_t spi_i,
				     const struct endpoint *remote)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		if (!sa->deleted && !sa->initiator && sa->spi_i == spi_i &&
		    endpoint_equal(&sa->remote, remote))
			return sa;
	return NULL;
}

/* ---- life cycle --------------------------------------------------------- */

static int sa_resend(void *arg, const uint8_t *buf, size_t len)
{
	struct ike_sa *sa = arg;
	return msg_io_send_raw(sa, buf, len);
}

static void sa_timed_out(void *arg, uint32_t msgid)
{
	(void)msgid;
	if (!liveness_timed_out(arg))
		ike_sa_failed(arg);
}

static const struct window_ops sa_window_ops = { sa_resend, sa_timed_out };

static void sa_expired(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	struct ike_sa *sa = arg;
	if (sa->state == IKE_STATE_ESTABLISHED)
		ike_sa_delete(sa);
	else
		ike_sa_failed(sa);
}

struct ike_sa *ike_sa_new(struct ike_engine *e, bool initiator, unsigned gateway,
			  const struct endpoint *local, const struct endpoint *remote)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	sa->e = e;
	sa->initiator = initiator;
	sa->gateway = gateway;
	sa->local = *local;
	sa->remote = *remote;
	sa->created_ms = ike_now_ms(e);
	if (!(sa->number = ike_number_alloc(e))) {
		free(sa);
		return NULL;
	}
	window_init(&sa->win, e->d.loop, e->d.log, initiator, &sa_window_ops, sa);
	window_set_retry(&sa->win, e->d.config->retry_count, e->d.config->retry_interval);
	loop_timer_init(&sa->expire, sa_expired, sa);
	rekey_ike_init(sa);
	uint8_t spi[8];
	do {
		if (ike_random(e, spi, sizeof(spi))) {
			ike_number_free(e, sa->number);
			free(sa);
			return NULL;
		}
		memcpy(initiator ? &sa->spi_i : &sa->spi_r, spi, 8);
	} while (!our_spi(sa));
	sa->next = e->sas;
	e->sas = sa;
	e->n_sas++;
	index_add(sa);
	if (!initiator) {
		sa->half_open = true;
		e->half_open++;
	}
	ike_sa_log(sa, LOG_SA_TEMP_ASSIGNED);
	if (gateway)
		ike_sa_log(sa, LOG_ASSIGNED_GATEWAY, gateway);
	return sa;
}

void ike_sa_set_spi_r(struct ike_sa *sa, uint64_t spi_r)
{
	sa->spi_r = spi_r;
}

void ike_sa_set_gateway(struct ike_sa *sa, unsigned gateway)
{
	if (sa->gateway == gateway)
		return;
	sa->gateway = gateway;
	ike_sa_log(sa, LOG_ASSIGNED_GATEWAY, gateway);
}

/* Forward-only, except that any state may close. */
int ike_sa_set_state(struct ike_sa *sa, enum ike_state to)
{
	if (to != IKE_STATE_CLOSED && to != IKE_STATE_DELETING &&
	    to != IKE_STATE_ESTABLISHED && to <= sa->state)
		return -RTX_EINVAL;
	if (sa->state >= IKE_STATE_DELETING && to != IKE_STATE_CLOSED)
		return -RTX_EINVAL;
	if (to == IKE_STATE_ESTABLISHED && sa->state == IKE_STATE_ESTABLISHED)
		return -RTX_EINVAL;
	enum ike_state from = sa->state;
	sa->state = to;
	if (to == IKE_STATE_ESTABLISHED && from != IKE_STATE_REKEYING) {
		if (sa->half_open) {
			sa->half_open = false;
			sa->e->half_open--;
		}
		sa->established_ms = ike_now_ms(sa->e);
		ike_sa_log(sa, LOG_SA_ESTABLISHED);
		exchange_info_sa_established(sa);
		rekey_ike_established(sa);
	}
	return 0;
}

static void free_negotiation(struct ike_sa *sa)
{
	dh_free(sa->dh);
	sa->dh = NULL;
	free(sa->offer);
	sa->offer = NULL;
	free(sa->init_i);
	free(sa->init_r);
	free(sa->cookie);
	sa->init_i = sa->init_r = sa->cookie = NULL;
}

void ike_sa_delete(struct ike_sa *sa)
{
	if (sa->deleted)
		return;
	struct ike_engine *e = sa->e;
	rekey_ike_gone(sa);
	while (sa->children)
		child_sa_delete(sa->children);
	if (sa->first_child) {
		child_sa_discard(sa->first_child);
		sa->first_child = NULL;
	}
	sa->state = IKE_STATE_CLOSED;
	sa->deleted = true;
	loop_timer_disarm(e->d.loop, &sa->expire);
	exchange_info_sa_deleted(sa);
	window_free(&sa->win);
	if (sa->half_open) {
		sa->half_open = false;
		e->half_open--;
	}
	ike_sa_log(sa, LOG_SA_DELETED);
	unlink_from(&e->bucket[bucket_of(our_spi(sa))], sa, true);
	unlink_from(&e->sas, sa, false);
	e->n_sas--;
	ike_number_free(e, sa->number);
	if (!msg_io_busy(sa))
		ike_sa_release(sa);
}

void ike_sa_release(struct ike_sa *sa)
{
	free_negotiation(sa);
	exchange_info_sa_release(sa);
	keys_ike_wipe(&sa->keys);
	free(sa);
}
