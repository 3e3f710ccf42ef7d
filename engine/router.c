/* The router and the parts it owns; see router.h for the life cycle. */
#include "engine/router.h"

#include <libgen.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/clock.h"
#include "engine/auth_cert.h"
#include "engine/config.h"
#include "engine/crypto.h"
#include "base/err.h"
#include "engine/ike.h"
#include "base/log.h"
#include "engine/loop.h"
#include "engine/model.h"
#include "engine/pki_store.h"
#include "engine/transport.h"
#include "kernel/kernel_netlink.h"

#define ROUTER_LOG_LINES 2000
_Static_assert(ROUTER_LAN_MAX == CONFIG_LAN_MAX, "one lanN range for config and router");
_Static_assert(sizeof(((struct router *)0)->aux_fds) / sizeof(int) == KERNEL_NL_AUX_MAX,
	       "room for every raw socket of the netlink backend");
/* udp.c holds 32 sockets, two per address; past that the wildcards serve
 * every address anyway. */
#define ROUTER_BIND_MAX 15

/* What the engine sees as its transport: the UDP sockets, replaceable when
 * the local addresses change (the engine keeps its transport pointer for
 * life), and with test ports mapped so the engine always speaks of 500
 * and 4500, for peers as for itself. */
struct router_transport {
	struct transport base;
	struct router *r;
	struct transport *udp;
	struct ip_addr bound[ROUTER_BIND_MAX];
	size_t n_bound;                 /* 0: the wildcards */
	bool given;                     /* udp is router_opts.transport: kept for life */
};

static uint16_t peer_port(const struct router *r, uint16_t std)
{
	if (!r->ike_port)
		return std;
	return std == IKE_PORT ? r->ike_port : std == IKE_NATT_PORT ? r->natt_port : std;
}

static uint16_t std_port(const struct router *r, uint16_t wire)
{
	if (!r->ike_port)
		return wire;
	return wire == r->ike_port ? IKE_PORT : wire == r->natt_port ? IKE_NATT_PORT : wire;
}

static int rt_send(struct transport *t, const struct endpoint *local,
		   const struct endpoint *remote, const uint8_t *msg, size_t len)
{
	struct router_transport *rt = (struct router_transport *)t;
	struct endpoint to = *remote;
	if (!rt->udp)
		return -RTX_EIO;
	to.port = peer_port(rt->r, remote->port);
	return rt->udp->ops->send(rt->udp, local, &to, msg, len);
}

static int rt_send_keepalive(struct transport *t, const struct endpoint *local,
			     const struct endpoint *remote)
{
	struct router_transport *rt = (struct router_transport *)t;
	struct endpoint to = *remote;
	if (!rt->udp)
		return -RTX_EIO;
	to.port = peer_port(rt->r, remote->port);
	return rt->udp->ops->send_keepalive(rt->udp, local, &to);
}

static int rt_source_for(struct transport *t, const struct ip_addr *remote,
			 struct ip_addr *local)
{
	struct router_transport *rt = (struct router_transport *)t;
	if (!rt->udp)
		return -RTX_EIO;
	return rt->udp->ops->source_for(rt->udp, remote, local);
}

static void rt_destroy(struct transport *t)
{
	struct router_transport *rt = (struct router_transport *)t;
	transport_free(rt->udp);
	free(rt);
}

static const struct transport_ops router_transport_ops = {
	.send = rt_send,
	.send_keepalive = rt_send_keepalive,
	.source_for = rt_source_for,
	.destroy = rt_destroy,
};

static void rt_recv(void *arg, const struct endpoint *local, const struct endpoint *remote,
		    const uint8_t *msg, size_t len)
{
	struct router_transport *rt = arg;
	struct endpoint from = *remote;
	from.port = std_port(rt->r, remote->port);
	if (rt->base.recv)
		rt->base.recv(rt->base.recv_arg, local, &from, msg, len);
}

/* ---- which addresses to bind ---------------------------------------------- */

static bool addr_listed(const struct ip_addr *v, size_t n, const struct ip_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (ip_addr_equal(&v[i], a))
			return true;
	return false;
}

/* The distinct `ipsec ike local address` values that are addresses; 0
 * (the wildcards) when there is none or too many. */
static size_t wanted_addrs(const struct ipsec_config *c, struct ip_addr *out)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_gateways; i++) {
		const struct gateway_config *g = c->gateways[i];
		struct ip_addr a;
		if (!g->local_address || ip_addr_parse(g->local_address, &a) ||
		    addr_listed(out, n, &a))
			continue;
		if (n == ROUTER_BIND_MAX)
			return 0;
		out[n++] = a;
	}
	return n;
}

static bool same_addrs(const struct ip_addr *a, const struct ip_addr *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ip_addr_equal(&a[i], &b[i]))
			return false;
	return true;
}

static void log_bind_failure(struct router *r, const struct ip_addr *a, size_t n, int err)
{
	char buf[64] = "the wildcard addresses";
	if (n)
		ip_addr_str(&a[0], buf, sizeof(buf));
	log_text(r->log, LOG_NOTICE, "[IKE2] cannot bind UDP %u/%u on %s%s: %s",
		 r->ike_port ? r->ike_port : IKE_PORT, r->natt_port ? r->natt_port : IKE_NATT_PORT,
		 buf, n > 1 ? " and others" : "", rtx_strerror(err));
}

/* The engine speaks IKEv2 only: without an IKEv2 gateway there is nothing
 * to listen for, and ports 500/4500 stay free for other routers. */
static bool wants_sockets(const struct ipsec_config *c)
{
	if (!c->ipsec_use)
		return false;
	for (size_t i = 0; i < c->n_gateways; i++)
		if (c->gateways[i]->version == 2)
			return true;
	return false;
}

static void close_sockets(struct router_transport *rt)
{
	transport_free(rt->udp);
	rt->udp = NULL;
	rt->n_bound = 0;
}

/* `ipsec ike queue length` (reference 1.17) bounds each IKE socket's
 * receive queue. Left at the model's default, rtxsh keeps its deeper
 * queue, so that thousands of tunnels starting at once are served rather
 * than dropped (the RTX's default is sized for its own CPU, not ours). */
static void apply_queue(struct router *r)
{
	const struct ipsec_config *c = r->ipsec;
	if (!r->net || !r->net->udp || r->net->given)
		return;
	bool set = c->model && c->queue_length != c->model->queue_default;
	udp_transport_set_queue(r->net->udp, set ? c->queue_length : 0);
}

uint64_t router_ike_queue_drops(const struct router *r)
{
	return r->net && r->net->udp && !r->net->given ? udp_transport_dropped(r->net->udp) : 0;
}

/* Replaces the sockets when the wanted set differs from the bound one.
 * The old sockets go first (the new ones need their ports); if the
 * addresses cannot be bound (not on this host), the wildcards serve. A
 * failure is logged and tried again at the next config change. */
static int rebind(struct router *r)
{
	struct router_transport *rt = r->net;
	if (rt->given)
		return 0;
	struct ip_addr want[ROUTER_BIND_MAX];
	size_t n = wanted_addrs(r->ipsec, want);
	if (!wants_sockets(r->ipsec)) {
		close_sockets(rt);
		return 0;
	}
	if (rt->udp && n == rt->n_bound && same_addrs(want, rt->bound, n)) {
		apply_queue(r);
		return 0;
	}
	close_sockets(rt);
	int err = 0;
	uint16_t ip = r->ike_port ? r->ike_port : IKE_PORT;
	uint16_t np = r->natt_port ? r->natt_port : IKE_NATT_PORT;
	if (n) {
		rt->udp = udp_transport_new(r->loop, want, n, ip, np, &err);
		if (!rt->udp)
			log_bind_failure(r, want, n, err);
	}
	if (!rt->udp) {
		n = 0;
		rt->udp = udp_transport_new(r->loop, NULL, 0, ip, np, &err);
		if (!rt->udp) {
			log_bind_failure(r, NULL, 0, err);
			return err;
		}
	}
	memcpy(rt->bound, want, n * sizeof(*want));
	rt->n_bound = n;
	transport_set_recv(rt->udp, rt_recv, rt);
	apply_queue(r);
	return 0;
}

size_t router_bound_addrs(const struct router *r, const struct ip_addr **out)
{
	*out = r->net ? r->net->bound : NULL;
	return r->net ? r->net->n_bound : 0;
}

/* ---- the kernel backend -------------------------------------------------- */

static void kernel_readable(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)l;
	(void)fd;
	(void)revents;
	kernel_netlink_process_events(arg);
}

/* Each line of the probe's report, to diag and to the log. */
static void report_probe(struct router *r, const struct kernel_probe *p, FILE *diag)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return;
	kernel_netlink_probe_print(p, m);
	fclose(m);
	for (char *line = text, *nl; line && *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		fprintf(diag, "rtxsh: %.*s\n", (int)(nl - line), line);
		log_text(r->log, LOG_NOTICE, "[KERNEL] %.*s", (int)(nl - line), line);
		if (!*nl)
			break;
	}
	free(text);
}

static int open_netlink(struct router *r, FILE *diag)
{
	struct kernel_probe p;
	int err = kernel_netlink_probe(&p);
	if (!p.cap_net_admin) {
		/* The probe's first line says why; the rest follow from it. */
		fprintf(diag, "rtxsh: -k netlink: this process lacks CAP_NET_ADMIN: run rtxsh as "
			"root (or with that capability) to use the kernel\n");
		return -RTX_EKERNEL;
	}
	if (err) {
		fprintf(diag, "rtxsh: cannot open netlink sockets: %s\n", rtx_strerror(err));
		return -RTX_EKERNEL;
	}
	if (!p.xfrm) {
		report_probe(r, &p, diag);
		return -RTX_EKERNEL;
	}
	/* Policies and SPIs still work: start, and let CHILD SAs fail loudly. */
	if (!p.esp_cbc || !p.esp_gcm || !p.xfrmi)
		report_probe(r, &p, diag);
	if (!(r->kernel = kernel_netlink_new(r->log, &err))) {
		fprintf(diag, "rtxsh: netlink kernel backend: %s\n", rtx_strerror(err));
		return err;
	}
	if (r->route_table)
		kernel_netlink_set_route_table(r->kernel, r->route_table);
	kernel_netlink_set_natt_port(r->kernel, r->natt_port ? r->natt_port : IKE_NATT_PORT);
	int stale = kernel_netlink_cleanup_stale(r->kernel);
	if (stale > 0)
		log_text(r->log, LOG_NOTICE, "[KERNEL] removed %d objects a previous rtxsh left",
			 stale);
	return loop_fd_add(r->loop, kernel_netlink_event_fd(r->kernel), LOOP_READ,
			   kernel_readable, r->kernel);
}

/* ---- kernel watches: ipsec log illegal-spi, icmp-echo keepalive ---------- */

static void aux_readable(struct loop *l, int fd, unsigned revents, void *arg)
{
	(void)l;
	(void)revents;
	kernel_netlink_process_aux(arg, fd);
}

/* Out of the loop before a watch closes its sockets: a closed fd's number
 * may come back for the next socket opened. */
static void aux_release(struct router *r)
{
	while (r->n_aux_fds)
		loop_fd_del(r->loop, r->aux_fds[--r->n_aux_fds]);
}

static void aux_register(struct router *r)
{
	int fds[KERNEL_NL_AUX_MAX];
	size_t n = r->backend == KERNEL_NETLINK ? kernel_netlink_aux_fds(r->kernel, fds) : 0;
	for (size_t i = 0; i < n; i++) {
		int err = loop_fd_add(r->loop, fds[i], LOOP_READ, aux_readable, r->kernel);
		if (err)
			log_text(r->log, LOG_NOTICE, "[KERNEL] cannot serve a raw socket: %s",
				 rtx_strerror(err));
		else
			r->aux_fds[r->n_aux_fds++] = fds[i];
	}
}

static void set_watch(struct router *r, int (*op)(struct kernel *, bool), bool on, bool *state,
		      const char *what)
{
	if (!op || on == *state)
		return;
	int err = op(r->kernel, on);
	if (err)
		log_text(r->log, LOG_NOTICE, "[KERNEL] cannot %s: %s", what, rtx_strerror(err));
	else
		*state = on;
}

static bool echo_wanted(const struct ipsec_config *c)
{
	for (size_t i = 0; i < c->n_gateways; i++)
		if (config_icmp_keepalive(c->gateways[i]))
			return true;
	return false;
}

/* The kernel watches only while the config asks: on netlink a watch is
 * raw sockets that copy every inbound ESP packet, or every echo reply, of
 * the host to us, too costly to keep for nothing. */
static void apply_watches(struct router *r)
{
	const struct kernel_ops *o = r->kernel->ops;
	bool spi = r->ipsec->log_illegal_spi, echo = echo_wanted(r->ipsec);
	if ((!o->watch_spi || spi == r->spi_watch) && (!o->watch_echo || echo == r->echo_watch))
		return;
	aux_release(r);
	set_watch(r, o->watch_spi, spi, &r->spi_watch, "watch ESP for illegal SPIs");
	set_watch(r, o->watch_echo, echo, &r->echo_watch, "receive icmp-echo keepalive replies");
	aux_register(r);
}

static void close_kernel(struct router *r)
{
	if (!r->kernel)
		return;
	aux_release(r);
	set_watch(r, r->kernel->ops->watch_spi, false, &r->spi_watch, "close the ESP watch");
	set_watch(r, r->kernel->ops->watch_echo, false, &r->echo_watch, "close the ICMP watch");
	/* The engine already deleted its SAs; flush catches what is left
	 * (interfaces, routes, larval SPIs). */
	r->kernel->ops->flush(r->kernel);
	if (r->backend == KERNEL_NETLINK)
		loop_fd_del(r->loop, kernel_netlink_event_fd(r->kernel));
	kernel_free(r->kernel);
	r->kernel = NULL;
}

/* ---- lanN interfaces and standing tunnels --------------------------------- */

int router_map_interface(struct router *r, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char *end;
	if (strncasecmp(spec, "lan", 3) != 0 || !eq)
		return -RTX_EINVAL;
	unsigned long n = strtoul(spec + 3, &end, 10);
	size_t len = strlen(eq + 1);
	if (end != eq || spec[3] < '1' || spec[3] > '9' || n > ROUTER_LAN_MAX || !len ||
	    len >= IFNAMSIZ || strchr(eq + 1, '/') || strchr(eq + 1, ' '))
		return -RTX_EINVAL;
	char *name = strdup(eq + 1);
	if (!name)
		return -RTX_ENOMEM;
	free(r->lan_if[n]);
	r->lan_if[n] = name;
	return 0;
}

const char *router_lan_ifname(const struct router *r, unsigned n, char *buf, size_t len)
{
	if (n <= ROUTER_LAN_MAX && r->lan_if[n])
		snprintf(buf, len, "%s", r->lan_if[n]);
	else
		snprintf(buf, len, "eth%u", n ? n - 1 : 0);
	return buf;
}

static bool lan_same(const struct router_lan *on, const struct lan_config *want)
{
	return on->set == want->set &&
	       (!on->set || (on->len == want->len && ip_addr_equal(&on->addr, &want->addr)));
}

static void apply_lan(struct router *r, unsigned n, struct router_lan *on,
		      const struct lan_config *want)
{
	struct kernel *k = r->kernel;
	char ifname[IFNAMSIZ];
	if (lan_same(on, want))
		return;
	router_lan_ifname(r, n, ifname, sizeof(ifname));
	if (on->set)
		k->ops->del_addr(k, ifname, &on->addr, on->len);
	on->set = false;
	if (want->set && k->ops->add_addr(k, ifname, &want->addr, want->len) == 0)
		*on = (struct router_lan){ true, want->addr, want->len };
}

/* `ip lanN address` and `ipv6 lanN address` onto the host interfaces; a
 * backend without host interfaces (sim) has no add_addr and keeps them in
 * the config only. */
static void apply_lans(struct router *r)
{
	struct kernel *k = r->kernel;
	if (!k->ops->add_addr || !k->ops->del_addr)
		return;
	for (unsigned n = 1; n <= ROUTER_LAN_MAX; n++) {
		apply_lan(r, n, &r->lan_on[n], &r->ipsec->lan[n]);
		apply_lan(r, n, &r->lan6_on[n], &r->ipsec->lan6[n]);
	}
}

/* A tunnel stands (policies without SA, for acquires) where the router
 * would not start it by itself, `ipsec auto refresh off`, but could:
 * enabled, IKEv2, a peer address to send to and one of ours to send from. */
static bool standing_wanted(struct router *r, const struct tunnel_config *t,
			    struct router_standing *out)
{
	const struct ipsec_config *c = r->ipsec;
	const struct gateway_config *g = config_tunnel_gateway(c, t);
	if (!c->ipsec_use || !t->enabled || !g || g->version != 2 ||
	    (c->auto_refresh && g->auto_refresh) || !g->remote_address ||
	    ip_addr_parse(g->remote_address, &out->remote))
		return false;
	out->tunnel = t->num;
	if (g->local_address && !ip_addr_parse(g->local_address, &out->local))
		return out->local.family == out->remote.family;
	return r->net->base.ops->source_for(&r->net->base, &out->remote, &out->local) == 0;
}

static void standing_drop(struct router *r, size_t i)
{
	ike_tunnel_unstand(r->engine, r->standing[i].tunnel);
	r->standing[i] = r->standing[--r->n_standing];
}

static bool standing_same(const struct router_standing *a, const struct router_standing *b)
{
	return a->tunnel == b->tunnel && ip_addr_equal(&a->local, &b->local) &&
	       ip_addr_equal(&a->remote, &b->remote);
}

static void standing_add(struct router *r, const struct router_standing *s)
{
	struct router_standing *grown =
		realloc(r->standing, (r->n_standing + 1) * sizeof(*grown));
	if (!grown)
		return;
	r->standing = grown;
	int err = ike_tunnel_stand(r->engine, s->tunnel, &s->local, &s->remote);
	if (err) {
		log_text(r->log, LOG_NOTICE, "[KERNEL] tunnel %u: cannot install its policies "
			 "for traffic-triggered setup: %s", s->tunnel, rtx_strerror(err));
		return;
	}
	r->standing[r->n_standing++] = *s;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* Whether tunnel is among the n entries of r->standing whose numbers are
 * sorted into nums (NULL when that copy could not be made: walk them). */
static bool standing_has(const struct router *r, const unsigned *nums, size_t n,
			 unsigned tunnel)
{
	if (!nums) {
		for (size_t j = 0; j < n; j++)
			if (r->standing[j].tunnel == tunnel)
				return true;
		return false;
	}
	return bsearch(&tunnel, nums, n, sizeof(*nums), cmp_unsigned) != NULL;
}

static void apply_standing(struct router *r)
{
	const struct ipsec_config *c = r->ipsec;
	for (size_t i = r->n_standing; i-- > 0;) {
		const struct tunnel_config *t = config_tunnel_find(c, r->standing[i].tunnel);
		struct router_standing want;
		if (!ike_tunnel_standing(r->engine, r->standing[i].tunnel))
			/* The engine lost it (a failed reinstall): stand again below. */
			r->standing[i] = r->standing[--r->n_standing];
		else if (!t || !standing_wanted(r, t, &want) ||
			 !standing_same(&want, &r->standing[i]))
			standing_drop(r, i);
	}
	/* Looking each tunnel up in a sorted copy, not by a walk over the
	 * list, keeps standing 6000 tunnels linear. The entries added below
	 * are for tunnels later in c->tunnels, never looked up again. */
	size_t n = r->n_standing;
	unsigned *nums = malloc((n ? n : 1) * sizeof(*nums));
	for (size_t j = 0; nums && j < n; j++)
		nums[j] = r->standing[j].tunnel;
	if (nums)
		qsort(nums, n, sizeof(*nums), cmp_unsigned);
	for (size_t i = 0; i < c->n_tunnels; i++) {
		struct router_standing want;
		if (!standing_wanted(r, c->tunnels[i], &want) ||
		    ike_tunnel_standing(r->engine, want.tunnel))
			continue;
		if (!standing_has(r, nums, n, want.tunnel))
			standing_add(r, &want);
	}
	free(nums);
}

static void apply_kernel(struct router *r)
{
	apply_lans(r);
	apply_standing(r);
	apply_watches(r);
}

/* ---- life cycle ------------------------------------------------------------ */

int router_backend_parse(const char *name, enum kernel_backend *out)
{
	return kernel_backend_parse(name, out);
}

/* Relative `pki ... file` paths are read from the -c file's directory, so
 * a config and its certificates move together. */
static int pki_dir(struct router *r)
{
	if (!r->config_path)
		return 0;
	char *copy = strdup(r->config_path);
	if (!copy)
		return -RTX_ENOMEM;
	int err = pki_store_set_dir(r->pki, dirname(copy));
	free(copy);
	return err;
}

struct router *router_new(const struct router_opts *opts)
{
	struct router *r = calloc(1, sizeof(*r));
	if (!r) {
		transport_free(opts->transport);
		return NULL;
	}
	r->model = opts->model ? opts->model : model_default();
	r->clock = opts->clock ? opts->clock : clock_real();
	r->backend = opts->kernel;
	r->ike_port = opts->ike_port;
	r->route_table = opts->route_table;
	r->natt_port = opts->ike_port ? (opts->natt_port ? opts->natt_port : opts->ike_port + 1) : 0;
	r->log = log_new(opts->log_lines ? opts->log_lines : ROUTER_LOG_LINES, r->clock);
	r->own_loop = !opts->loop;
	r->loop = opts->loop ? opts->loop : loop_new(r->clock);
	r->given_transport = opts->transport;
	r->rng = opts->rng;
	r->rng_arg = opts->rng_arg;
	r->threads = opts->threads;
	r->ipsec = config_new(r->model);
	if (opts->config_path)
		r->config_path = strdup(opts->config_path);
	r->pki = pki_store_new();
	if (!r->log || !r->loop || !r->ipsec || !r->pki ||
	    (opts->config_path && !r->config_path) || pki_dir(r)) {
		router_free(r);
		return NULL;
	}
	return r;
}

static int open_net(struct router *r, FILE *diag)
{
	if (!(r->net = calloc(1, sizeof(*r->net))))
		return -RTX_ENOMEM;
	r->net->base.ops = &router_transport_ops;
	r->net->r = r;
	if (r->given_transport) {
		r->net->udp = r->given_transport;
		r->net->given = true;
		r->given_transport = NULL;
		transport_set_recv(r->net->udp, rt_recv, r->net);
		return 0;
	}
	/* Another IKE daemon on the ports must not stop the router: it still
	 * serves its console, and binds again after the next config change. */
	int err = rebind(r);
	if (err)
		fprintf(diag, "rtxsh: warning: cannot open the IKE sockets (UDP %u and %u): %s; "
			"running without IKE until the next configuration change\n",
			r->ike_port ? r->ike_port : IKE_PORT,
			r->natt_port ? r->natt_port : IKE_NATT_PORT, rtx_strerror(err));
	return 0;
}

int router_start(struct router *r, FILE *diag)
{
	int err = crypto_lib_new(&r->crypto);
	if (err) {
		fprintf(diag, "rtxsh: cannot set up OpenSSL: %s\n", rtx_strerror(err));
		return err;
	}
	if (r->backend == KERNEL_NETLINK) {
		if ((err = open_netlink(r, diag)))
			return err;
	} else {
		uint32_t seed;
		if (!(r->kernel = kernel_sim_new()))
			return -RTX_ENOMEM;
		err = r->rng ? r->rng(r->rng_arg, (uint8_t *)&seed, sizeof(seed))
			     : crypto_random(r->crypto, (uint8_t *)&seed, sizeof(seed));
		if (err)
			return err;
		kernel_sim_seed(r->kernel, seed);
	}
	if ((err = open_net(r, diag)))
		return err;
	struct ike_deps d = {
		.log = r->log, .loop = r->loop, .kernel = r->kernel,
		.transport = &r->net->base, .crypto = r->crypto, .config = r->ipsec,
		.pki = r->pki, .rng = r->rng, .rng_arg = r->rng_arg, .threads = r->threads,
	};
	if (!(r->engine = ike_engine_new(&d, &err))) {
		fprintf(diag, "rtxsh: cannot start the IKE engine: %s\n", rtx_strerror(err));
		return err;
	}
	pki_store_sync(r->pki, r->ipsec);
	ike_config_changed(r->engine);
	apply_kernel(r);
	return 0;
}

bool router_started(const struct router *r)
{
	return r->engine != NULL;
}

void router_config_changed(struct router *r)
{
	pki_store_sync(r->pki, r->ipsec);
	auth_cert_check_names(r->log, r->ipsec, r->pki);
	if (!r->engine)
		return;
	rebind(r);
	ike_config_changed(r->engine);
	apply_kernel(r);
}

void router_free(struct router *r)
{
	if (!r)
		return;
	ike_engine_free(r->engine);
	close_kernel(r);
	if (r->net)
		transport_free(&r->net->base);
	crypto_lib_free(r->crypto);
	config_free(r->ipsec);
	pki_store_free(r->pki);
	transport_free(r->given_transport);   /* never started */
	if (r->own_loop)
		loop_free(r->loop);
	log_free(r->log);
	free(r->config_path);
	for (unsigned n = 0; n <= ROUTER_LAN_MAX; n++)
		free(r->lan_if[n]);
	free(r->standing);
	free(r);
}
