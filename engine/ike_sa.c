#include "engine/ike_sa.h"
#include "engine/payload_sk.h"
#include "engine/auth_eap.h"
#include "engine/sig_job.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/config.h"
#include "engine/dh.h"

/* ---- the transition table ------------------------------------------------ */

#define M(f, t, ev) { IKE_STATE_##f, IKE_STATE_##t, SA_EV_##ev }
static const struct sa_move moves[] = {
	M(INIT, INIT_SENT, NONE),
	M(INIT, ESTABLISHED, ESTABLISHED),       /* made by an IKE SA rekey */
	M(INIT, DELETING, DELETING),
	M(INIT_SENT, AUTH_SENT, NONE),
	M(INIT_SENT, ESTABLISHED, ESTABLISHED),  /* responder */
	M(INIT_SENT, DELETING, DELETING),
	M(AUTH_SENT, ESTABLISHED, ESTABLISHED),
	M(AUTH_SENT, DELETING, DELETING),
	SA_MOVES_WHEN_UP(M),
};
#undef M

static const unsigned needs[IKE_STATE_COUNT] = {
	[IKE_STATE_INIT_SENT] = IKE_SAF_KEYED,
	[IKE_STATE_AUTH_SENT] = IKE_SAF_KEYED,
	[IKE_STATE_ESTABLISHED] = IKE_SAF_KEYED | IKE_SAF_AUTHED,
	[IKE_STATE_REKEYING] = IKE_SAF_KEYED | IKE_SAF_AUTHED,
};

static const char *const names[IKE_STATE_COUNT] = {
	"INIT", "INIT_SENT", "AUTH_SENT", "ESTABLISHED", "REKEYING", "DELETING", "CLOSED",
};

const struct sa_machine ike_sa_machine = {
	names, needs, IKE_STATE_COUNT, moves, sizeof(moves) / sizeof(moves[0]),
};

const char *ike_state_name(enum ike_state s)
{
	return ike_core_state_name(&ike_sa_machine, (int)s);
}

/* Counted in e->half_open: a responder SA not yet authenticated. */
static bool half_open(const struct ike_sa *sa)
{
	return !sa->initiator && sa->state < IKE_STATE_ESTABLISHED;
}

int ike_sa_set_state(struct ike_sa *sa, enum ike_state to)
{
	const struct sa_move *m = ike_core_move(&ike_sa_machine, (int)sa->state, (int)to,
						sa->flags);
	if (!m)
		return -RTX_EINVAL;
	bool was_half_open = half_open(sa);
	sa->state = to;
	if (was_half_open && !half_open(sa)) {
		sa->e->half_open--;
		if (sa->half_open_counted)
			addr_count_remove(&sa->e->half_open_src, &sa->half_open_from);
		sa->half_open_counted = false;
	}
	if (m->ev == SA_EV_ESTABLISHED) {
		sa->established_ms = ike_core_now_ms(sa->e);
		ike_sa_log(sa, LOG_SA_ESTABLISHED);
	}
	if (m->ev != SA_EV_NONE)
		ike_core_emit_ike(sa->e, sa, m->ev);
	return 0;
}

/* ---- configuration and logging --------------------------------------------- */

const struct gateway_config *ike_sa_gateway(const struct ike_sa *sa)
{
	return ike_core_gateway(sa->e, sa->gateway);
}

unsigned ike_sa_log_types(const struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	return sa->e->d.config->log_types | (g ? g->log_types : 0);
}

/* Decided by where IKE runs: an initiator moves to 4500 only when NAT-T
 * wants it (natt.c), a responder only by following the peer there. */
bool ike_sa_udp_encap(const struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	return sa->local.port == IKE_NATT_PORT && g && g->natt.on;
}

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
	if (!log_ike_wanted(sa->e->d.log, id))
		return;
	ike_sa_sub(sa, sub, sizeof(sub));
	va_start(ap, id);
	log_ikev(sa->e->d.log, sub, id, ap);
	va_end(ap);
}

void ike_sa_dump_key(const struct ike_sa *sa, const char *sub, const char *title,
		     const void *data, size_t len)
{
	if (ike_sa_log_types(sa) & LOGTYPE_KEY)
		log_dump(sa->e->d.log, sub, title, data, len);
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

/* The chain an SA's link is in, by the link's offset in struct ike_sa. */
static void unlink_from(struct ike_sa **head, struct ike_sa *sa, size_t link)
{
#define LINK(x) (*(struct ike_sa **)((char *)(x) + link))
	for (struct ike_sa **p = head; *p; p = &LINK(*p))
		if (*p == sa) {
			*p = LINK(sa);
			LINK(sa) = NULL;
			return;
		}
#undef LINK
}

static size_t side_bucket(uint64_t key)
{
	return (size_t)((key ^ (key >> 29) ^ (key >> 47)) % IKE_SA_SIDE_BUCKETS);
}

/* Not while the gateway is unknown (0): nobody asks for those, and every
 * half-open responder SA would be on one chain. */
static void gateway_link(struct ike_sa *sa)
{
	struct ike_sa **b = &sa->e->gw_bucket[side_bucket(sa->gateway)];
	if (sa->gateway) {
		sa->gnext = *b;
		*b = sa;
	}
}

static void gateway_unlink(struct ike_sa *sa)
{
	if (sa->gateway)
		unlink_from(&sa->e->gw_bucket[side_bucket(sa->gateway)], sa,
			    offsetof(struct ike_sa, gnext));
}

struct ike_sa *ike_sa_of_gateway(struct ike_core *e, unsigned gw, struct ike_sa *after)
{
	struct ike_sa *sa = after ? after->gnext : e->gw_bucket[side_bucket(gw)];
	while (sa && sa->gateway != gw)
		sa = sa->gnext;
	return sa;
}

static size_t identity_bucket(unsigned gw, const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull ^ gw;     /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return side_bucket(h);
}

/* Like gateway_link: only SAs with a gateway and an identity are asked
 * for; and not one that has closed (its unlink is done). */
static void identity_link(struct ike_sa *sa)
{
	if (sa->gateway && sa->remote_id[0] && sa->state != IKE_STATE_CLOSED) {
		struct ike_sa **b = &sa->e->id_bucket[identity_bucket(sa->gateway, sa->remote_id)];
		sa->inext = *b;
		*b = sa;
	}
}

static void identity_unlink(struct ike_sa *sa)
{
	if (sa->gateway && sa->remote_id[0])
		unlink_from(&sa->e->id_bucket[identity_bucket(sa->gateway, sa->remote_id)], sa,
			    offsetof(struct ike_sa, inext));
}

struct ike_sa *ike_sa_of_identity(struct ike_core *e, unsigned gw, const char *id,
				  struct ike_sa *after)
{
	struct ike_sa *sa = after ? after->inext : e->id_bucket[identity_bucket(gw, id)];
	while (sa && (sa->gateway != gw || strcmp(sa->remote_id, id)))
		sa = sa->inext;
	return sa;
}

/* The address sa held is free again (cp_addr itself stays). */
static void cp_release(struct ike_sa *sa)
{
	if (sa->cp_held)
		lease_release(&sa->e->leases, &sa->cp_addr);
	sa->cp_held = false;
}

int ike_sa_set_cp_addr(struct ike_sa *sa, const struct ip_addr *a)
{
	cp_release(sa);
	sa->cp_addr = (struct ip_addr){ 0 };
	if (!a || !a->family)
		return 0;
	if (sa->state != IKE_STATE_CLOSED) {
		int err = lease_hold(&sa->e->leases, a);
		if (err)
			return err;
		sa->cp_held = true;
	}
	sa->cp_addr = *a;
	return 0;
}

void ike_sa_set_remote_id(struct ike_sa *sa, const char *id)
{
	identity_unlink(sa);
	snprintf(sa->remote_id, sizeof(sa->remote_id), "%s", id);
	identity_link(sa);
}

void ike_sa_set_spi_i(struct ike_sa *sa, uint64_t spi_i)
{
	struct ike_sa **b = &sa->e->peer_bucket[side_bucket(sa->spi_i)];
	assert(!sa->initiator);
	unlink_from(b, sa, offsetof(struct ike_sa, pnext));
	sa->spi_i = spi_i;
	b = &sa->e->peer_bucket[side_bucket(spi_i)];
	sa->pnext = *b;
	*b = sa;
}

struct ike_sa *ike_sa_find(struct ike_core *e, uint64_t spi_i, uint64_t spi_r,
			   bool from_initiator)
{
	uint64_t ours = from_initiator ? spi_r : spi_i;
	for (struct ike_sa *sa = e->bucket[bucket_of(ours)]; sa; sa = sa->hnext) {
		if (sa->state == IKE_STATE_CLOSED || sa->initiator == from_initiator ||
		    our_spi(sa) != ours)
			continue;
		/* The responder SPI is still unknown to an initiator in INIT. */
		if (sa->spi_i == spi_i && (sa->spi_r == spi_r || (sa->initiator && !sa->spi_r)))
			return sa;
	}
	return NULL;
}

struct ike_sa *ike_sa_find_half_open(struct ike_core *e, uint64_t spi_i,
				     const struct endpoint *remote)
{
	for (struct ike_sa *sa = e->peer_bucket[side_bucket(spi_i)]; sa; sa = sa->pnext)
		if (sa->state != IKE_STATE_CLOSED && sa->spi_i == spi_i &&
		    endpoint_equal(&sa->remote, remote))
			return sa;
	return NULL;
}

/* ---- life cycle --------------------------------------------------------- */

struct ike_sa *ike_sa_new(struct ike_core *e, bool initiator, unsigned gateway,
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
	sa->created_ms = ike_core_now_ms(e);
	if (!(sa->number = ike_core_number_alloc(e, SA_KIND_IKE, sa))) {
		free(sa);
		return NULL;
	}
	uint8_t spi[8];
	do {
		if (ike_core_random(e, spi, sizeof(spi))) {
			ike_core_number_free(e, sa->number);
			free(sa);
			return NULL;
		}
		memcpy(initiator ? &sa->spi_i : &sa->spi_r, spi, 8);
	} while (!our_spi(sa));
	window_init(&sa->win, e->d.loop, e->d.log, initiator, e->window_ops, sa);
	window_set_retry(&sa->win, e->d.config->retry_count, e->d.config->retry_interval);
	sa->next = e->sas;
	if (e->sas)
		e->sas->prev = sa;
	e->sas = sa;
	e->n_sas++;
	index_add(sa);
	gateway_link(sa);
	if (half_open(sa)) {
		e->half_open++;
		/* remote may move (NAT-T) before the SA is up: remember the
		 * address that was counted */
		sa->half_open_from = remote->addr;
		sa->half_open_counted = addr_count_add(&e->half_open_src, &remote->addr) == 0;
	}
	ike_sa_log(sa, LOG_SA_TEMP_ASSIGNED);
	if (gateway)
		ike_sa_log(sa, LOG_ASSIGNED_GATEWAY, gateway);
	ike_core_emit_ike(e, sa, SA_EV_CREATED);
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
	gateway_unlink(sa);
	identity_unlink(sa);
	sa->gateway = gateway;
	gateway_link(sa);
	identity_link(sa);
	ike_sa_log(sa, LOG_ASSIGNED_GATEWAY, gateway);
}

uint8_t *ike_sa_nonce(struct ike_sa *sa, bool responder, size_t len)
{
	uint8_t **n = responder ? &sa->nr : &sa->ni;
	size_t *n_len = responder ? &sa->nr_len : &sa->ni_len;
	if (!len || len > IKE_NONCE_MAX)
		return NULL;
	uint8_t *p = malloc(len);
	if (!p)
		return NULL;
	if (*n)
		OPENSSL_cleanse(*n, *n_len);
	free(*n);
	*n = p;
	*n_len = len;
	return p;
}

int ike_sa_set_nonce(struct ike_sa *sa, bool responder, const uint8_t *data, size_t len)
{
	if (!len || len > IKE_NONCE_MAX)
		return -RTX_EINVAL;
	uint8_t *p = ike_sa_nonce(sa, responder, len);
	if (!p)
		return -RTX_ENOMEM;
	memcpy(p, data, len);
	return 0;
}

struct ike_auth_keys *ike_sa_auth_keys(struct ike_sa *sa)
{
	if (!sa->akeys)
		sa->akeys = calloc(1, sizeof(*sa->akeys));
	return sa->akeys;
}

bool sa_nonce_lower(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int d = memcmp(a, b, n);
	return d < 0 || (d == 0 && alen < blen);
}

void sa_nonce_min(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		  uint8_t *out, uint8_t *out_len)
{
	const uint8_t *m = sa_nonce_lower(a, alen, b, blen) ? a : b;
	size_t len = m == a ? alen : blen;
	if (len > 32)
		len = 32;
	memcpy(out, m, len);
	*out_len = (uint8_t)len;
}

static void drop_setup(struct ike_sa *sa)
{
	if (sa->ni)
		OPENSSL_cleanse(sa->ni, sa->ni_len);
	if (sa->nr)
		OPENSSL_cleanse(sa->nr, sa->nr_len);
	free(sa->ni);
	free(sa->nr);
	sa->ni = sa->nr = NULL;
	sa->ni_len = sa->nr_len = 0;
	keys_ike_auth_wipe(sa->akeys);
	free(sa->akeys);
	sa->akeys = NULL;
	free(sa->init_i);
	free(sa->init_r);
	sa->init_i = sa->init_r = NULL;
	sa->init_i_len = sa->init_r_len = 0;
	sig_job_free(sa->own_sig);
	sa->own_sig = NULL;
}

void ike_sa_nonce_min(const struct ike_sa *sa, uint8_t *out, uint8_t *out_len)
{
	if (sa->ni && sa->nr) {
		sa_nonce_min(sa->ni, sa->ni_len, sa->nr, sa->nr_len, out, out_len);
	} else {
		memcpy(out, sa->nonce_min, sa->nonce_min_len);
		*out_len = sa->nonce_min_len;
	}
}

void ike_sa_setup_done(struct ike_sa *sa)
{
	if (sa->ni && sa->nr)
		sa_nonce_min(sa->ni, sa->ni_len, sa->nr, sa->nr_len, sa->nonce_min,
			     &sa->nonce_min_len);
	drop_setup(sa);
}

static void release(struct ike_sa *sa)
{
	drop_setup(sa);
	dh_free(sa->dh);
	dh_free(sa->spare_dh);
	auth_eap_free(sa);
	free(sa->eap_user);
	free(sa->offer);
	free(sa->cookie);
	if (sa->frag_rx)
		skf_reasm_reset(sa->frag_rx);
	free(sa->frag_rx);
	keys_ike_wipe(&sa->keys);
	free(sa);
}

void ike_sa_delete(struct ike_sa *sa)
{
	struct ike_core *e = sa->e;
	if (sa->state == IKE_STATE_CLOSED)
		return;
	/* Every state may go: these moves are in the table. */
	int err = sa->state == IKE_STATE_DELETING ? 0 : ike_sa_set_state(sa, IKE_STATE_DELETING);
	if (!err)
		err = ike_sa_set_state(sa, IKE_STATE_CLOSED);
	assert(!err);
	(void)err;
	window_free(&sa->win);
	ike_sa_log(sa, LOG_SA_DELETED);
	unlink_from(&e->bucket[bucket_of(our_spi(sa))], sa, offsetof(struct ike_sa, hnext));
	/* thousands of SAs: no walk to find the one before */
	*(sa->prev ? &sa->prev->next : &e->sas) = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	sa->next = sa->prev = NULL;
	gateway_unlink(sa);
	identity_unlink(sa);
	cp_release(sa);           /* cp_addr stays for the log */
	unlink_from(&e->peer_bucket[side_bucket(sa->spi_i)], sa, offsetof(struct ike_sa, pnext));
	e->n_sas--;
	ike_core_number_free(e, sa->number);
	if (!sa->holds)
		release(sa);
}

void ike_sa_hold(struct ike_sa *sa)
{
	sa->holds++;
}

void ike_sa_put(struct ike_sa *sa)
{
	if (!--sa->holds && sa->state == IKE_STATE_CLOSED)
		release(sa);
}
