#include "engine/config.h"
#include "engine/pool.h"
#include "engine/user.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/alg.h"
#include "base/err.h"
#include "engine/model.h"

/* Gateways, policies and tunnels are kept in arrays of pointers sorted by
 * their number, each struct starting with that number, so one set of
 * helpers serves all three and a 6000-tunnel config stays O(log n) a
 * lookup. */
struct sorted {
	void ***items;
	size_t *n;
};

_Static_assert(offsetof(struct gateway_config, id) == 0, "key first");
_Static_assert(offsetof(struct policy_config, id) == 0, "key first");
_Static_assert(offsetof(struct tunnel_config, num) == 0, "key first");

static uint32_t key_of(const void *item)
{
	return *(const uint32_t *)item;
}

/* Index of key, or of where it would be inserted. The last item is
 * looked at first: a config lists its gateways, policies and tunnels in
 * ascending order, and the apply of a 6000-tunnel config looks up the one
 * being filled 60,000 times; each step of a bisection reads another
 * item, a cache miss. */
static size_t sorted_pos(void **items, size_t n, uint32_t key, bool *found)
{
	size_t lo = 0, hi = n;
	*found = false;
	if (n && key_of(items[n - 1]) <= key) {
		*found = key_of(items[n - 1]) == key;
		return *found ? n - 1 : n;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t k = key_of(items[mid]);
		if (k == key) {
			*found = true;
			return mid;
		}
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static void *sorted_find(void **items, size_t n, uint32_t key)
{
	bool found;
	size_t i = sorted_pos(items, n, key, &found);
	return found ? items[i] : NULL;
}

/* Inserts item (whose key is absent) keeping the order; 0 or -RTX_ENOMEM. */
static int sorted_insert(struct sorted s, void *item)
{
	bool found;
	size_t i = sorted_pos(*s.items, *s.n, key_of(item), &found);
	void **grown = realloc(*s.items, (*s.n + 1) * sizeof(void *));
	if (!grown)
		return -RTX_ENOMEM;
	memmove(grown + i + 1, grown + i, (*s.n - i) * sizeof(void *));
	grown[i] = item;
	*s.items = grown;
	(*s.n)++;
	return 0;
}

/* Removes and returns the item with key, or NULL. */
static void *sorted_remove(struct sorted s, uint32_t key)
{
	bool found;
	size_t i = sorted_pos(*s.items, *s.n, key, &found);
	if (!found)
		return NULL;
	void *item = (*s.items)[i];
	memmove(*s.items + i, *s.items + i + 1, (*s.n - i - 1) * sizeof(void *));
	(*s.n)--;
	return item;
}

#define SORTED(c, field) ((struct sorted){ (void ***)&(c)->field, &(c)->n_##field })

void config_gateway_defaults(struct gateway_config *g, unsigned id)
{
	*g = (struct gateway_config){
		.id = id,
		.version = 1,
		.auto_refresh = true,
		.child_exchange_type = 1,
		.window_size = 1,
		.negotiation_receive = true,
		.encryption = IKEV2_ENCR_3DES,
		.hash = IKEV2_PRF_HMAC_SHA1,
		.group = { IKEV2_DH_MODP_1024, 0 },
		.keepalive = { .sw = TRI_AUTO, .kind = KEEPALIVE_RFC4306, .interval = 10,
			       .count = 6, .icmp_length = 64, .log = true },
		.natt = { .keepalive = 300, .type = 1 },
		.ike_life = { .seconds = 28800, .rekey_pct = 75 },
		.child_life = { .seconds = 28800, .kbytes = 2000000, .rekey_pct = 75 },
		/* RFC 7383 2.5.1: 1280 fits the IPv6 minimum MTU and every IPv4
		 * path a VPN sensibly runs over */
		.frag = true, .frag_size = CONFIG_FRAG_SIZE_DEFAULT,
	};
}

static void gateway_free(struct gateway_config *g)
{
	if (!g)
		return;
	explicit_bzero(g->psk, sizeof(g->psk));
	free(g->remote_name);
	free(g->remote_address);
	free(g->local_name);
	free(g->local_address);
	free(g->keepalive.icmp_target);
	free(g->eap_name);
	if (g->eap_password) {
		explicit_bzero(g->eap_password, strlen(g->eap_password));
		free(g->eap_password);
	}
	free(g);
}

static void tunnel_free(struct tunnel_config *t)
{
	if (t)
		free(t->description);
	free(t);
}

struct ipsec_config *config_new(const struct rtx_model *model)
{
	struct ipsec_config *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (!model)
		model = model_default();
	c->model = model;
	c->ipsec_use = true;
	c->retry_count = 10;
	c->retry_interval = 5;
	c->retry_max_session = 3;
	c->queue_length = model->queue_default;
	return c;
}

void config_free(struct ipsec_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_gateways; i++)
		gateway_free(c->gateways[i]);
	for (size_t i = 0; i < c->n_policies; i++)
		free(c->policies[i]);
	for (size_t i = 0; i < c->n_tunnels; i++)
		tunnel_free(c->tunnels[i]);
	free(c->gateways);
	free(c->policies);
	free(c->tunnels);
	free(c->routes);
	pos_index_free(&c->route_index);
	free(c->route_by_tunnel);
	for (unsigned i = 0; i <= CONFIG_PKI_MAX; i++) {
		config_pki_file_clear(&c->pki_cert[i]);
		config_pki_file_clear(&c->pki_crl[i]);
	}
	user_table_free(c->users);
	pool_table_free(c->pools);
	free(c);
}

void config_pki_file_clear(struct pki_file_config *f)
{
	free(f->path);
	if (f->password) {
		explicit_bzero(f->password, strlen(f->password));
		free(f->password);
	}
	*f = (struct pki_file_config){ 0 };
}

enum auth_method config_gateway_auth(const struct gateway_config *g)
{
	if (g->auth_method != AUTH_METHOD_AUTO)
		return g->auth_method;
	if (g->psk_len)
		return AUTH_METHOD_PSK;
	if (g->pki_cert)
		return g->eap_request || g->eap_name ? AUTH_METHOD_EAP_MD5
						     : AUTH_METHOD_CERTIFICATE;
	return AUTH_METHOD_PSK;
}

struct gateway_config *config_gateway_find(const struct ipsec_config *c, unsigned id)
{
	return sorted_find((void **)c->gateways, c->n_gateways, id);
}

struct gateway_config *config_gateway_get(struct ipsec_config *c, unsigned id)
{
	struct gateway_config *g = config_gateway_find(c, id);
	if (g)
		return g;
	if (!(g = malloc(sizeof(*g))))
		return NULL;
	config_gateway_defaults(g, id);
	if (sorted_insert(SORTED(c, gateways), g)) {
		free(g);
		return NULL;
	}
	return g;
}

void config_gateway_del(struct ipsec_config *c, unsigned id)
{
	gateway_free(sorted_remove(SORTED(c, gateways), id));
}

struct policy_config *config_policy_find(const struct ipsec_config *c, uint32_t id)
{
	return sorted_find((void **)c->policies, c->n_policies, id);
}

struct policy_config *config_policy_get(struct ipsec_config *c, uint32_t id)
{
	struct policy_config *p = config_policy_find(c, id);
	if (p)
		return p;
	if (!(p = malloc(sizeof(*p))))
		return NULL;
	*p = (struct policy_config){ .id = id, .esp = true, .encr = IKEV2_ENCR_AES_CBC,
				     .encr_bits = 128,
				     .anti_replay = c->model->anti_replay_default };
	if (sorted_insert(SORTED(c, policies), p)) {
		free(p);
		return NULL;
	}
	return p;
}

void config_policy_del(struct ipsec_config *c, uint32_t id)
{
	free(sorted_remove(SORTED(c, policies), id));
}

struct tunnel_config *config_tunnel_find(const struct ipsec_config *c, unsigned num)
{
	return sorted_find((void **)c->tunnels, c->n_tunnels, num);
}

struct tunnel_config *config_tunnel_get(struct ipsec_config *c, unsigned num)
{
	struct tunnel_config *t = config_tunnel_find(c, num);
	if (t)
		return t;
	if (!(t = calloc(1, sizeof(*t))))
		return NULL;
	t->num = num;
	if (sorted_insert(SORTED(c, tunnels), t)) {
		free(t);
		return NULL;
	}
	return t;
}

void config_tunnel_del(struct ipsec_config *c, unsigned num)
{
	tunnel_free(sorted_remove(SORTED(c, tunnels), num));
}

/* Routes are found through a hash index of their networks: a 6000-tunnel
 * config adds 6000 routes, each checked against the ones before it. */
static uint32_t route_hash(const struct ip_addr *net, uint8_t len)
{
	return pos_hash_addr(pos_hash(POS_HASH0, &len, 1), net);
}

static struct route_config *route_find(const struct ipsec_config *c,
				       const struct ip_addr *net, uint8_t len)
{
	const struct pos_index *x = &c->route_index;
	for (size_t i = pos_index_first(x, route_hash(net, len)); i != POS_NONE;
	     i = pos_index_next(x, i)) {
		struct route_config *r = &c->routes[i];
		if (r->len == len && ip_addr_equal(&r->net, net))
			return r;
	}
	return NULL;
}

/* Routes by tunnel: a tunnel that comes up installs its own routes, and
 * finding them with a walk over every route made standing 6000 tunnels
 * quadratic. route_by_tunnel holds the indexes of c->routes sorted by
 * (tunnel, index); where (tunnel, i) is, or would go. */
static size_t by_tunnel_pos(const struct ipsec_config *c, size_t n, unsigned tunnel,
			    size_t i)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t k = c->route_by_tunnel[mid];
		if (c->routes[k].tunnel < tunnel || (c->routes[k].tunnel == tunnel && k < i))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Takes route i out of the order while routes[i].tunnel still holds the
 * tunnel it was sorted under. */
static void by_tunnel_remove(struct ipsec_config *c, size_t i)
{
	size_t at = by_tunnel_pos(c, c->n_routes, c->routes[i].tunnel, i);
	memmove(c->route_by_tunnel + at, c->route_by_tunnel + at + 1,
		(c->n_routes - at - 1) * sizeof(*c->route_by_tunnel));
}

/* Puts route i into the order, which holds the other n - 1 routes. */
static void by_tunnel_insert(struct ipsec_config *c, size_t i, size_t n)
{
	size_t at = by_tunnel_pos(c, n - 1, c->routes[i].tunnel, i);
	memmove(c->route_by_tunnel + at + 1, c->route_by_tunnel + at,
		(n - 1 - at) * sizeof(*c->route_by_tunnel));
	c->route_by_tunnel[at] = (uint32_t)i;
}

size_t config_tunnel_routes(const struct ipsec_config *c, unsigned tunnel,
			    const uint32_t **idx)
{
	size_t from = by_tunnel_pos(c, c->n_routes, tunnel, 0), to = from;
	*idx = NULL;
	if (from == c->n_routes)
		return 0;
	while (to < c->n_routes && c->routes[c->route_by_tunnel[to]].tunnel == tunnel)
		to++;
	*idx = c->route_by_tunnel + from;
	return to - from;
}

int config_route_add(struct ipsec_config *c, const struct route_config *r)
{
	struct route_config *e = route_find(c, &r->net, r->len);
	if (e) {          /* the router replaces a route to the same network */
		size_t i = (size_t)(e - c->routes);
		by_tunnel_remove(c, i);
		*e = *r;
		by_tunnel_insert(c, i, c->n_routes);
		return 0;
	}
	if (c->n_routes == c->cap_routes) {
		size_t cap = c->cap_routes ? 2 * c->cap_routes : 16;
		struct route_config *grown = realloc(c->routes, cap * sizeof(*grown));
		if (!grown)
			return -RTX_ENOMEM;
		c->routes = grown;
		uint32_t *order = realloc(c->route_by_tunnel, cap * sizeof(*order));
		if (!order)
			return -RTX_ENOMEM;
		c->route_by_tunnel = order;
		c->cap_routes = cap;
	}
	if (pos_index_reserve(&c->route_index, c->n_routes + 1))
		return -RTX_ENOMEM;
	c->routes[c->n_routes++] = *r;
	pos_index_push(&c->route_index, route_hash(&r->net, r->len));
	by_tunnel_insert(c, c->n_routes - 1, c->n_routes);
	return 0;
}

void config_route_del(struct ipsec_config *c, const struct ip_addr *net, uint8_t len)
{
	struct route_config *e = route_find(c, net, len);
	if (!e)
		return;
	size_t i = (size_t)(e - c->routes);
	by_tunnel_remove(c, i);
	memmove(e, e + 1, (c->n_routes - i - 1) * sizeof(*e));
	c->n_routes--;
	for (size_t k = 0; k < c->n_routes; k++)
		if (c->route_by_tunnel[k] > i)
			c->route_by_tunnel[k]--;
	/* the positions behind it moved: index them again (deletes are rare) */
	pos_index_clear(&c->route_index);
	for (size_t k = 0; k < c->n_routes; k++)
		pos_index_push(&c->route_index, route_hash(&c->routes[k].net, c->routes[k].len));
}

struct gateway_config *config_tunnel_gateway(const struct ipsec_config *c,
					     const struct tunnel_config *t)
{
	const struct policy_config *p = t->policy ? config_policy_find(c, t->policy) : NULL;
	return p ? config_gateway_find(c, p->gateway) : NULL;
}

bool config_icmp_keepalive(const struct gateway_config *g)
{
	return g->keepalive.kind == KEEPALIVE_ICMP_ECHO && g->keepalive.sw != TRI_OFF &&
	       g->keepalive.icmp_target;
}

uint64_t config_retry_ms(const struct ipsec_config *c)
{
	return (uint64_t)(c->retry_interval ? c->retry_interval : 1) * 1000;
}

uint64_t config_retry_span_ms(const struct ipsec_config *c)
{
	return (uint64_t)(c->retry_count + 1) * config_retry_ms(c);
}

unsigned config_gateway_tunnel(const struct ipsec_config *c, unsigned gw)
{
	for (size_t i = 0; i < c->n_tunnels; i++) {
		const struct gateway_config *g = config_tunnel_gateway(c, c->tunnels[i]);
		if (g && g->id == gw)
			return c->tunnels[i]->num;
	}
	return 0;
}
