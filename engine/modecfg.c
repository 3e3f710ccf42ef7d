/* Mode-cfg over the CP payload (see modecfg.h). */
#include "engine/modecfg.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/auth_eap.h"
#include "engine/config.h"
#include "engine/exchange.h"
#include "engine/iana.h"
#include "engine/ike_engine.h"
#include "engine/ike_sa.h"
#include "engine/pool.h"
#include "engine/user.h"

static int add_cp(struct msg *m, uint8_t cfg_type, const struct cp_attr *attrs, size_t n)
{
	struct cp_attr *copy = (struct cp_attr *)exchange_copy(m, attrs, n * sizeof(*attrs));
	struct payload *p = copy ? msg_add(m, IKEV2_PAYLOAD_CP, true) : NULL;
	if (!p)
		return -RTX_ENOMEM;
	p->u.cp = (struct payload_cp){ cfg_type, n, copy };
	return 0;
}

int modecfg_add_request(struct msg *m)
{
	const struct cp_attr a = { IKEV2_CP_INTERNAL_IP4_ADDRESS, { NULL, 0 } };
	return add_cp(m, IKEV2_CFG_REQUEST, &a, 1);
}

void modecfg_read_reply(struct ike_sa *sa, const struct msg *m, const char *sub)
{
	const struct payload *p = msg_find(m, IKEV2_PAYLOAD_CP, 0);
	if (!p || p->u.cp.cfg_type != IKEV2_CFG_REPLY)
		return;
	for (size_t i = 0; i < p->u.cp.nattrs; i++) {
		const struct cp_attr *a = &p->u.cp.attrs[i];
		if (a->type != IKEV2_CP_INTERNAL_IP4_ADDRESS || a->value.len != 4)
			continue;
		const uint8_t *v = a->value.ptr;
		sa->cp_addr4 = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
			       (uint32_t)v[2] << 8 | v[3];
		char t[INET_ADDRSTRLEN];
		ip4_str(sa->cp_addr4, t, sizeof(t));
		log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s mode-cfg: assigned address %s", sub, t);
	}
	for (size_t i = 0; i < p->u.cp.nattrs; i++) {
		const struct cp_attr *a = &p->u.cp.attrs[i];
		if (a->type != IKEV2_CP_INTERNAL_IP4_DNS || a->value.len != 4)
			continue;
		const uint8_t *v = a->value.ptr;
		if (!sa->cp_dns4)   /* the first one named; the rest are only logged */
			sa->cp_dns4 = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
				      (uint32_t)v[2] << 8 | v[3];
		char t[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, a->value.ptr, t, sizeof(t));
		log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s mode-cfg: DNS server %s", sub, t);
	}
}

bool modecfg_requested(const struct msg *m)
{
	const struct payload *p = msg_find(m, IKEV2_PAYLOAD_CP, 0);
	if (!p || p->u.cp.cfg_type != IKEV2_CFG_REQUEST)
		return false;
	for (size_t i = 0; i < p->u.cp.nattrs; i++)
		if (p->u.cp.attrs[i].type == IKEV2_CP_INTERNAL_IP4_ADDRESS)
			return true;
	return false;
}

struct use_ctx {
	const struct ike_sa *self;
	const struct ike_sa *sas;
};

/* Taken: some other live IKE SA of this engine holds it. */
static bool in_use(void *ctx, uint32_t addr)
{
	const struct use_ctx *u = ctx;
	for (const struct ike_sa *o = u->sas; o; o = o->next)
		if (o != u->self && o->cp_addr4 == addr && o->state != IKE_STATE_CLOSED)
			return true;
	return false;
}

static uint32_t addr4(const struct ip_addr *a)
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
	       (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The lowest address of p no other live IKE SA holds: their addresses in
 * p, gathered in one pass and sorted. Asking in_use about each address in
 * turn made a lease cost a pass over all SAs per address taken, which
 * with thousands of clients took most of a login's time (bench_ra). */
static int pick_from_pool(const struct ike_sa *sa, const struct pool_config *p, uint32_t *out)
{
	size_t cap = sa->e->n_sas ? sa->e->n_sas : 1, n = 0;
	uint32_t *taken = malloc(cap * sizeof(*taken));
	if (!taken)
		return -RTX_ENOMEM;
	for (const struct ike_sa *o = sa->e->sas; o && n < cap; o = o->next)
		if (o != sa && o->state != IKE_STATE_CLOSED && o->cp_addr4 >= p->first &&
		    o->cp_addr4 <= p->last && o->cp_addr4)
			taken[n++] = o->cp_addr4;
	qsort(taken, n, sizeof(*taken), cmp_u32);
	int err = pool_pick_sorted(p, taken, n, out);
	free(taken);
	return err;
}

/* The `auth user` EAP logged in on sa (server side), or NULL. */
static const struct user_config *lease_user(const struct ike_sa *sa)
{
	const char *name = auth_eap_user(sa);
	return name ? user_find(sa->e->d.config->users, name, 0) : NULL;
}

/* Where sa's address comes from (reference 2.4, 2.5): the user's own
 * xauth-address=, else its group's, else the group's xauth-address-pool=,
 * else the gateway's `ipsec ike mode-cfg address`. */
struct lease_src {
	const struct user_config *user;
	const struct user_group *group;
	const struct ip_addr *fixed;     /* an xauth-address=, or NULL */
	unsigned pool;                   /* else this pool, 0: none */
};

static struct lease_src lease_src(const struct ike_sa *sa, const struct gateway_config *g)
{
	struct lease_src s = { .user = lease_user(sa) };
	if (s.user)
		s.group = user_group_of(sa->e->d.config->users, s.user, g->eap_request_group);
	if (s.user && s.user->address.family == AF_INET)
		s.fixed = &s.user->address;
	else if (s.group && s.group->address.family == AF_INET)
		s.fixed = &s.group->address;
	s.pool = s.group && s.group->pool ? s.group->pool : g->modecfg_pool;
	return s;
}

uint16_t modecfg_lease(struct ike_sa *sa, const struct gateway_config *g, bool requested,
		       const char *sub)
{
	struct log *l = sa->e->d.log;
	struct lease_src src = lease_src(sa, g);
	if (!src.fixed && !src.pool)
		return 0;
	if (!requested) {
		log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: the peer asked for no address", sub);
		return IKEV2_N_FAILED_CP_REQUIRED;
	}
	struct use_ctx u_ctx = { sa, sa->e->sas };
	char t[INET_ADDRSTRLEN], whose[300];
	if (src.fixed) {
		uint32_t a = addr4(src.fixed);
		ip4_str(a, t, sizeof(t));
		if (src.fixed == &src.user->address)
			snprintf(whose, sizeof(whose), "user %s", src.user->name);
		else
			snprintf(whose, sizeof(whose), "group %u", src.group->id);
		if (in_use(&u_ctx, a)) {
			log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: address %s of %s in use", sub, t,
				 whose);
			return IKEV2_N_INTERNAL_ADDRESS_FAILURE;
		}
		sa->cp_addr4 = a;
		log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: leased address %s of %s", sub, t, whose);
		return 0;
	}
	const struct pool_config *p = pool_find(sa->e->d.config->pools, src.pool);
	if (!p) {
		log_ike(l, sub, LOG_NOT_CONFIGURED, "ipsec ike mode-cfg address pool");
		return IKEV2_N_INTERNAL_ADDRESS_FAILURE;
	}
	int err = pick_from_pool(sa, p, &sa->cp_addr4);
	if (err) {
		if (err == -RTX_ENOENT)
			log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: address pool %u exhausted", sub,
				 p->id);
		return IKEV2_N_INTERNAL_ADDRESS_FAILURE;
	}
	ip4_str(sa->cp_addr4, t, sizeof(t));
	log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: leased address %s from pool %u", sub, t, p->id);
	return 0;
}

int modecfg_add_reply(struct ike_sa *sa, struct msg *m)
{
	uint8_t *v = (uint8_t *)exchange_copy(m, "\xff\xff\xff\xff\0\0\0\0", 8);
	if (!v)
		return -RTX_ENOMEM;
	for (int i = 0; i < 4; i++)
		v[4 + i] = (uint8_t)(sa->cp_addr4 >> (24 - 8 * i));
	struct lease_src src = lease_src(sa, ike_sa_gateway(sa));
	const struct ip_addr *d = src.user && src.user->dns.family == AF_INET ? &src.user->dns
				  : src.group && src.group->dns.family == AF_INET ? &src.group->dns
				  : NULL;
	const uint8_t *dns = d ? exchange_copy(m, d->bytes, 4) : NULL;
	const struct cp_attr a[] = {
		{ IKEV2_CP_INTERNAL_IP4_ADDRESS, { v + 4, 4 } },
		{ IKEV2_CP_INTERNAL_IP4_NETMASK, { v, 4 } },
		{ IKEV2_CP_INTERNAL_IP4_DNS, { dns, 4 } },
	};
	return add_cp(m, IKEV2_CFG_REPLY, a, dns ? 3 : 2);
}
