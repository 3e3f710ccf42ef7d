/* `tunnel template`: a tunnel's settings copied to other tunnels (Yamaha
 * reference §2.6). Expansion happens on the line store, so the engine
 * sees the copies as if typed and `show config tunnel N expand` prints
 * exactly what the engine gets; `show config` and save keep the template
 * line itself, as the RTX does. */
#ifndef RTX_SHELL_CFGTEMPLATE_H
#define RTX_SHELL_CFGTEMPLATE_H

struct cfgstore;

/* A new store holding st's lines plus, for every `tunnel template` line,
 * the copies of its tunnel's settings into each target tunnel:
 *   - the tunnel block (`ipsec tunnel`, `tunnel encapsulation`, `tunnel
 *     enable`, ...) except what names one tunnel only (`tunnel template`,
 *     `description tunnel`, `ip tunnel address`, `ip tunnel remote
 *     address`, `tunnel backup`);
 *   - the `ipsec sa policy` line of its `ipsec tunnel` policy and every
 *     gateway-keyed line of that policy's gateway (`ipsec ike ...`,
 *     `ipsec auto refresh GW`);
 * with every id (tunnel number, gateway_id, policy id) equal to the
 * source tunnel's number renumbered to the target's, and the target's
 * number appended to `ipsec ike remote name`. A line the target already
 * has (same setting and key after renumbering) wins over the copy; a
 * target with an `ipsec tunnel` line of its own gets no policy or gateway
 * lines. A later template line wins over an earlier one for one target.
 * *out is NULL when st has no template line (use st itself).
 * 0 or -RTX_ENOMEM. */
int cfgtemplate_expand(const struct cfgstore *st, struct cfgstore **out);

#endif
