/* struct router owns everything one emulated router has: no global mutable
 * state, so tests and benchmarks can run many routers in one process.
 * The shell keeps its own per-router state (grammar, config lines) beside
 * it and never the other way round: the engine includes no shell header.
 *
 * Life cycle: router_new() gives the parts the shell needs to read a
 * config (clock, log, loop, an empty typed config); router_start() adds
 * the IPsec machinery (crypto library, kernel backend, IKE sockets,
 * engine) once the startup config is in, so the sockets can be bound to
 * its `ipsec ike local address` lines; router_free() tears it all down in
 * dependency order. A router that was never started (transcripts, unit
 * tests) has no engine and answers operations as a router with no SA. */
#ifndef RTX_ROUTER_H
#define RTX_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/ike_deps.h"
#include "kernel/kernel.h"

struct clock;
struct crypto_lib;
struct ike_engine;
struct ipsec_config;
struct log;
struct loop;
struct pki_store;
struct router_transport;
struct rtx_model;

/* lan1..lanN that `--interface` can map; the config's CONFIG_LAN_MAX. */
#define ROUTER_LAN_MAX 16

/* A tunnel whose policies the router keeps without CHILD SA. */
struct router_standing {
	unsigned tunnel;
	struct ip_addr local, remote;
};

struct router {
	const struct rtx_model *model;
	struct clock *clock;
	struct log *log;
	struct loop *loop;        /* the one event loop, on clock */
	enum kernel_backend backend;
	char *config_path;        /* -c FILE: where `save` writes; may be NULL */
	bool shutdown;            /* set by `shutdown` or a signal: leave the loop */

	struct ipsec_config *ipsec;      /* the typed view the engine reads */
	struct pki_store *pki;           /* files of `pki certificate/crl file` */
	uint16_t ike_port, natt_port;    /* UDP ports, ours and the peers' */
	uint32_t route_table;            /* netlink: 0 for the default */
	/* Started parts (NULL before router_start). */
	struct crypto_lib *crypto;
	struct kernel *kernel;
	struct router_transport *net;    /* port mapping over the UDP sockets */
	bool own_loop;                   /* loop made by router_new, freed with it */
	struct transport *given_transport;   /* router_opts.transport until started */
	ike_rng_fn rng;
	void *rng_arg;
	unsigned threads;                /* router_opts.threads */
	struct ike_engine *engine;

	/* Kernel-side config: lanN's host interface (NULL: the default
	 * eth<N-1>), the `ip lanN address` put there, standing tunnels. */
	char *lan_if[ROUTER_LAN_MAX + 1];
	struct router_lan {
		bool set;
		struct ip_addr addr;
		uint8_t len;
	} lan_on[ROUTER_LAN_MAX + 1], lan6_on[ROUTER_LAN_MAX + 1];   /* ip, ipv6 */
	struct router_standing *standing;
	size_t n_standing;
	/* What the kernel watches for the config: ESP with an unknown SPI
	 * (`ipsec log illegal-spi on`), echo replies (icmp-echo keepalive);
	 * on netlink the loop serves the raw sockets of both. */
	bool spi_watch, echo_watch;
	int aux_fds[6];
	size_t n_aux_fds;
};

struct router_opts {
	const struct rtx_model *model;   /* NULL: the default model */
	struct clock *clock;             /* NULL: the real clock */
	enum kernel_backend kernel;
	const char *config_path;
	unsigned log_lines;              /* 0: the default ring size */
	/* 0: the standard 500 and 4500. Otherwise every router of a test
	 * uses the same pair, for itself and for its peers. */
	uint16_t ike_port, natt_port;
	/* netlink: the routing table of the router's routes; 0: the default
	 * (KERNEL_NL_ROUTE_TABLE). */
	uint32_t route_table;
	/* Several routers in one process (scenario runs): a loop they share
	 * (on clock; NULL: the router's own); a transport given to the router
	 * instead of UDP sockets, which the router frees (also when router_new
	 * fails) and to which neither port mapping nor `ipsec ike queue
	 * length` applies; the engine's randomness (NULL: OpenSSL's DRBG),
	 * which also seeds the sim kernel's SPIs. */
	struct loop *loop;
	struct transport *transport;
	ike_rng_fn rng;
	void *rng_arg;
	/* Worker threads for the key exchange of IKE_SA_INIT (0: on the
	 * loop's thread, deterministic: scenario runs and tests). */
	unsigned threads;
};

/* The backend a --kernel name selects: "sim" or "netlink"; 0 or
 * -RTX_EINVAL. The shell names backends only through the router. */
int router_backend_parse(const char *name, enum kernel_backend *out);

struct router *router_new(const struct router_opts *opts);
void router_free(struct router *r);

/* Opens the kernel backend, the crypto library, the IKE sockets and the
 * engine, then applies the current typed config. For netlink the kernel is
 * probed first: without CAP_NET_ADMIN nothing starts (-RTX_EKERNEL, the
 * probe's words on diag); a kernel without ESP starts with a warning on
 * diag and in the log (SPIs and policies work, CHILD SAs then fail with
 * logged kernel errors). Returns 0 or a negative rtx_err. */
int router_start(struct router *r, FILE *diag);
bool router_started(const struct router *r);

/* The typed config was replaced: rebind the IKE sockets if the set of
 * local addresses changed, then let the engine apply it. */
void router_config_changed(struct router *r);

/* `--interface lanN=IFNAME`: the host interface that stands for lanN
 * (default: lan1 is eth0, lan2 eth1, ...). 0, -RTX_EINVAL for a bad
 * spec, -RTX_ENOMEM. Call before router_start. */
int router_map_interface(struct router *r, const char *spec);
/* The host interface of lanN (1..ROUTER_LAN_MAX) into buf. */
const char *router_lan_ifname(const struct router *r, unsigned n, char *buf, size_t len);

/* IKE datagrams the kernel dropped because a socket's receive queue (`ipsec
 * ike queue length`) was full, since the sockets opened. */
uint64_t router_ike_queue_drops(const struct router *r);
/* Local addresses the IKE sockets are bound to now (0: the wildcards). */
size_t router_bound_addrs(const struct router *r, const struct ip_addr **out);

#endif
