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

/* The CP attribute that carries an address of family f. */
static uint16_t addr_attr(uint8_t f)
{
	return f == AF_INET6 ? IKEV2_CP_INTERNAL_IP6_ADDRESS : IKEV2_CP_INTERNAL_IP4_ADDRESS;
}

int modecfg_add_request(struct msg *m, uint8_t family)
{
	const struct cp_attr a = { addr_attr(family), { NULL, 0 } };
	return add_cp(m, IKEV2_CFG_REQUEST, &a, 1);
}

/* An address attribute's value of family f: 4 octets, or 16 and a
 * prefix length (RFC 7296 3.15.1). */
static bool read_addr(const struct cp_attr *a, uint8_t f, struct ip_addr *out)
{
	size_t n = f == AF_INET6 ? 16 : 4;
	if (a->value.len != (f == AF_INET6 ? 17 : 4))
		return false;
	*out = (struct ip_addr){ .family = f };
	memcpy(out->bytes, a->value.ptr, n);
	return true;
}

void modecfg_read_reply(struct ike_sa *sa, const struct msg *m, const char *sub)
{
	const struct payload *p = msg_find(m, IKEV2_PAYLOAD_CP, 0);
	if (!p || p->u.cp.cfg_type != IKEV2_CFG_REPLY)
		return;
	char t[INET6_ADDRSTRLEN];
	for (size_t i = 0; i < p->u.cp.nattrs; i++) {
		const struct cp_attr *a = &p->u.cp.attrs[i];
		struct ip_addr v;
		uint8_t f = a->type == IKEV2_CP_INTERNAL_IP6_ADDRESS ? AF_INET6 : AF_INET;
		/* only the family of the tunnel's traffic (child_sa_ts_pick) */
		if (a->type != addr_attr(f) || f != sa->remote.addr.family || !read_addr(a, f, &v))
			continue;
		if (ike_sa_set_cp_addr(sa, &v))
			continue;
		log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s mode-cfg: assigned address %s", sub,
			 ip_addr_str(&v, t, sizeof(t)));
	}
	for (size_t i = 0; i < p->u.cp.nattrs; i++) {
		const struct cp_attr *a = &p->u.cp.attrs[i];
		uint8_t f = a->type == IKEV2_CP_INTERNAL_IP6_DNS ? AF_INET6 : AF_INET;
		size_t n = f == AF_INET6 ? 16 : 4;
		if ((a->type != IKEV2_CP_INTERNAL_IP4_DNS && a->type != IKEV2_CP_INTERNAL_IP6_DNS) ||
		    a->value.len != n)
			continue;
		struct ip_addr v = { .family = f };
		memcpy(v.bytes, a->value.ptr, n);
		if (!sa->cp_dns.family)   /* the first one named; the rest are only logged */
			sa->cp_dns = v;
		log_text(sa->e->d.log, LOG_INFO, "[IKE2] %s mode-cfg: DNS server %s", sub,
			 ip_addr_str(&v, t, sizeof(t)));
	}
}

bool modecfg_requested(const struct msg *m, uint8_t family)
{
	const struct payload *p = msg_find(m, IKEV2_PAYLOAD_CP, 0);
	if (!p || p->u.cp.cfg_type != IKEV2_CFG_REQUEST)
		return false;
	for (size_t i = 0; i < p->u.cp.nattrs; i++)
		if (p->u.cp.attrs[i].type == addr_attr(family))
			return true;
	return false;
}

/* The `auth user` EAP logged in on sa (server side), or NULL. */
static const struct user_config *lease_user(const struct ike_sa *sa)
{
	const char *name = auth_eap_user(sa);
	return name ? user_find(sa->e->d.config->users, name, 0) : NULL;
}

/* Where sa's address comes from (reference 2.4, 2.5), in the family of
 * its traffic: the user's own xauth-address=, else its group's, else the
 * group's xauth-address-pool=, else the gateway's `ipsec ike mode-cfg
 * address`; values of the other family are passed over. */
struct lease_src {
	const struct user_config *user;
	const struct user_group *group;
	const struct ip_addr *fixed;     /* an xauth-address=, or NULL */
	const struct pool_config *pool;  /* else this pool, NULL: none */
	unsigned pool_id;                /* the pool named, found or not */
};

static struct lease_src lease_src(const struct ike_sa *sa, const struct gateway_config *g)
{
	uint8_t f = sa->remote.addr.family;
	const struct pool_table *pools = sa->e->d.config->pools;
	struct lease_src s = { .user = lease_user(sa) };
	if (s.user)
		s.group = user_group_of(sa->e->d.config->users, s.user, g->eap_request_group);
	if (s.user && s.user->address.family == f)
		s.fixed = &s.user->address;
	else if (s.group && s.group->address.family == f)
		s.fixed = &s.group->address;
	unsigned ids[] = { s.group ? s.group->pool : 0, g->modecfg_pool };
	for (size_t i = 0; i < 2 && !s.pool; i++) {
		const struct pool_config *p = ids[i] ? pool_find(pools, ids[i]) : NULL;
		if (ids[i] && !s.pool_id)
			s.pool_id = ids[i];
		if (p && p->family == f)
			s.pool = p;
	}
	return s;
}

uint16_t modecfg_lease(struct ike_sa *sa, const struct gateway_config *g, bool requested,
		       const char *sub)
{
	struct log *l = sa->e->d.log;
	struct lease_src src = lease_src(sa, g);
	if (!src.fixed && !src.pool_id)
		return 0;
	if (!requested) {
		log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: the peer asked for no address", sub);
		return IKEV2_N_FAILED_CP_REQUIRED;
	}
	char t[INET6_ADDRSTRLEN], whose[300];
	struct ip_addr got;
	ike_sa_set_cp_addr(sa, NULL);      /* what sa held is not taken from it */
	if (src.fixed) {
		ip_addr_str(src.fixed, t, sizeof(t));
		if (src.fixed == &src.user->address)
			snprintf(whose, sizeof(whose), "user %s", src.user->name);
		else
			snprintf(whose, sizeof(whose), "group %u", src.group->id);
		if (lease_held(&sa->e->leases, src.fixed)) {
			log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: address %s of %s in use", sub, t,
				 whose);
			return IKEV2_N_INTERNAL_ADDRESS_FAILURE;
		}
		if (ike_sa_set_cp_addr(sa, src.fixed))
			return IKEV2_N_INTERNAL_ADDRESS_FAILURE;
		log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: leased address %s of %s", sub, t, whose);
		return 0;
	}
	if (!src.pool) {
		if (!pool_find(sa->e->d.config->pools, src.pool_id))
			log_ike(l, sub, LOG_NOT_CONFIGURED, "ipsec ike mode-cfg address pool");
		else
			log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: no %s address pool", sub,
				 sa->remote.addr.family == AF_INET6 ? "IPv6" : "IPv4");
		return IKEV2_N_INTERNAL_ADDRESS_FAILURE;
	}
	int err = lease_pick(&sa->e->leases, src.pool, &got);
	if (!err)
		err = ike_sa_set_cp_addr(sa, &got);
	if (err) {
		if (err == -RTX_ENOENT)
			log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: address pool %u exhausted", sub,
				 src.pool->id);
		return IKEV2_N_INTERNAL_ADDRESS_FAILURE;
	}
	log_text(l, LOG_INFO, "[IKE2] %s mode-cfg: leased address %s from pool %u", sub,
		 ip_addr_str(&sa->cp_addr, t, sizeof(t)), src.pool->id);
	return 0;
}

int modecfg_add_reply(struct ike_sa *sa, struct msg *m)
{
	struct lease_src src = lease_src(sa, ike_sa_gateway(sa));
	const struct ip_addr *d = src.user && src.user->dns.family ? &src.user->dns
				  : src.group && src.group->dns.family ? &src.group->dns : NULL;
	struct cp_attr a[3];
	size_t n = 0;
	if (sa->cp_addr.family == AF_INET6) {
		/* the address and its prefix length: a host of its own */
		uint8_t buf[17];
		memcpy(buf, sa->cp_addr.bytes, 16);
		buf[16] = 128;
		const uint8_t *v = exchange_copy(m, buf, sizeof(buf));
		if (!v)
			return -RTX_ENOMEM;
		a[n++] = (struct cp_attr){ IKEV2_CP_INTERNAL_IP6_ADDRESS, { v, 17 } };
	} else {
		const uint8_t *v = exchange_copy(m, sa->cp_addr.bytes, 4);
		const uint8_t *mask = exchange_copy(m, "\xff\xff\xff\xff", 4);
		if (!v || !mask)
			return -RTX_ENOMEM;
		a[n++] = (struct cp_attr){ IKEV2_CP_INTERNAL_IP4_ADDRESS, { v, 4 } };
		a[n++] = (struct cp_attr){ IKEV2_CP_INTERNAL_IP4_NETMASK, { mask, 4 } };
	}
	if (d) {
		size_t len = d->family == AF_INET6 ? 16 : 4;
		const uint8_t *v = exchange_copy(m, d->bytes, len);
		if (!v)
			return -RTX_ENOMEM;
		a[n++] = (struct cp_attr){ d->family == AF_INET6 ? IKEV2_CP_INTERNAL_IP6_DNS
					   : IKEV2_CP_INTERNAL_IP4_DNS, { v, len } };
	}
	return add_cp(m, IKEV2_CFG_REPLY, a, n);
}
