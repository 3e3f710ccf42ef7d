/* `show ip route`: the router's routes in the RTX's table form. The
 * connected LAN routes (`ip lanN address`, kind implicit) and the tunnel
 * routes of `ip route NET gateway tunnel N` (kind static). A tunnel route
 * is in the kernel (rtxsh's own table, see doc/kernel.md) only while its
 * tunnel is up; rtxsh marks the others in the last column instead of
 * leaving them out. Routes through a plain gateway are kept in the config
 * but not installed by rtxsh, and are not listed. */
#include <arpa/inet.h>
#include <stdio.h>

#include "base/ip_addr.h"
#include "engine/config.h"
#include "engine/ike.h"
#include "engine/router.h"
#include "shell/cli.h"
#include "shell/cmd.h"

static void row(FILE *out, const struct ip_addr *net, uint8_t len, const char *gw,
		const char *ifname, const char *kind, const char *info)
{
	char a[INET6_ADDRSTRLEN], dest[INET6_ADDRSTRLEN + 8];
	if (len == 0)
		snprintf(dest, sizeof(dest), "default");
	else
		snprintf(dest, sizeof(dest), "%s/%u", ip_addr_str(net, a, sizeof(a)), len);
	fprintf(out, "%-19s %-16s %10s %10s%s%s\n", dest, gw, ifname, kind, *info ? "  " : "",
		info);
}

/* The network of addr/len (host bits cleared). */
static struct ip_addr network_of(const struct ip_addr *addr, uint8_t len)
{
	struct ip_addr n = *addr;
	size_t bytes = addr->family == AF_INET6 ? 16 : 4;
	for (size_t i = 0; i < bytes; i++) {
		int bits = (int)len - (int)(i * 8);
		n.bytes[i] &= bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
	return n;
}

enum gerr cmd_show_ip_route(struct cli_session *s, const struct cmd_args *a)
{
	(void)a;
	struct router *r = s->c->r;
	if (cli_apply(s->c) < 0)   /* lines typed just before count */
		return GE_NOMEM;
	const struct ipsec_config *cfg = r->ipsec;
	FILE *out = s->out;
	fprintf(out, "Destination         Gateway          Interface       Kind  Additional Info.\n");
	for (unsigned i = 0; i < 2 * CONFIG_LAN_MAX; i++) {
		unsigned n = i % CONFIG_LAN_MAX + 1;   /* every ip lanN, then every ipv6 lanN */
		const struct lan_config *l = i < CONFIG_LAN_MAX ? &cfg->lan[n] : &cfg->lan6[n];
		if (!l->set)
			continue;
		char ifname[16], gw[INET6_ADDRSTRLEN];
		struct ip_addr net = network_of(&l->addr, l->len);
		snprintf(ifname, sizeof(ifname), "LAN%u", n);
		row(out, &net, l->len, ip_addr_str(&l->addr, gw, sizeof(gw)), ifname, "implicit", "");
	}
	for (size_t i = 0; i < cfg->n_routes; i++) {
		const struct route_config *rt = &cfg->routes[i];
		if (!rt->tunnel)
			continue;
		char ifname[24];
		bool up = r->engine && ike_tunnel_routed(r->engine, rt->tunnel);
		snprintf(ifname, sizeof(ifname), "TUNNEL[%u]", rt->tunnel);
		row(out, &rt->net, rt->len, "-", ifname, "static", up ? "" : "(tunnel down)");
	}
	return GE_OK;
}
