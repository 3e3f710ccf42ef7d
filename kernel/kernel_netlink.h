/* The netlink kernel backend: Linux XFRM SAs and policies, xfrm
 * interfaces and routes through libnl-3, one command socket and one event
 * socket per router. Sockets belong to the network namespace the thread
 * was in when kernel_netlink_new() ran, so one process can drive several
 * namespaces (setns before each new).
 *
 * Everything it installs is recognisable: if_ids from kernel_tunnel_if_id()
 * (KERNEL_NL_OURS_* below), interfaces named "rtx-tunN". flush() removes
 * exactly what this instance installed; kernel_netlink_cleanup_stale()
 * removes what a crashed rtxsh left, by that range, and nothing else. */
#ifndef RTX_KERNEL_NETLINK_H
#define RTX_KERNEL_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel/kernel.h"

struct log;

#define KERNEL_NL_IFNAME_FMT "rtx-tun%u"
/* The link group of those interfaces (rtxsh's 0x5254 mark, as in its
 * if_ids and reqids), so that the flush deletes them in one request. */
#define KERNEL_NL_IF_GROUP 0x52540000u

/* log may be NULL. On failure returns NULL with *err a negative rtx_err
 * (-RTX_EKERNEL when the netlink sockets cannot be opened). */
struct kernel *kernel_netlink_new(struct log *log, int *err);

/* The event socket (acquire, expire), non-blocking: poll it for reading
 * and call kernel_netlink_process_events(), which reads until the socket
 * is drained and passes each event to the kernel's handler. Returns the
 * number of events delivered or a negative rtx_err. */
int kernel_netlink_event_fd(struct kernel *k);
int kernel_netlink_process_events(struct kernel *k);

/* The sockets open beside the event socket, into fds (up to
 * KERNEL_NL_AUX_MAX), and their number: while watch_spi is on (`ipsec log
 * illegal-spi on`) the raw ESP sockets, while watch_echo is on (icmp-echo
 * keepalive) the raw ICMP ones, for each family this host could open.
 * Poll them for reading and call kernel_netlink_process_aux(), which reads
 * what is queued (bounded, like the events) and raises
 * KERNEL_EV_UNKNOWN_SPI for each ESP packet whose SPI neither an SA of
 * ours nor one of another XFRM user has, KERNEL_EV_ECHO_REPLY for each
 * echo reply. Returns the number of events or a negative rtx_err. The
 * sockets are opened in the network namespace the thread is in when the
 * watch turns on. */
#define KERNEL_NL_AUX_MAX 6
/* The local port of ESP in UDP (0, the default: 4500) that the illegal-SPI
 * watch looks at; before watch_spi turns on. */
void kernel_netlink_set_natt_port(struct kernel *k, uint16_t port);
size_t kernel_netlink_aux_fds(struct kernel *k, int fds[KERNEL_NL_AUX_MAX]);
int kernel_netlink_process_aux(struct kernel *k, int fd);

/* The routing table rtxsh's routes go into, and the priority of the ip
 * rule that selects it ahead of `main` (strongSwan uses 220 for both).
 * --route-table changes the table. */
#define KERNEL_NL_ROUTE_TABLE 221
#define KERNEL_NL_RULE_PRIO 221
/* Before the first route; 1..0xffffffff except 253-255 (default, main,
 * local: the shell checks). */
void kernel_netlink_set_route_table(struct kernel *k, uint32_t table);
uint32_t kernel_netlink_route_table(const struct kernel *k);

/* Lower-layer device for new xfrm interfaces (IFLA_XFRM_LINK); 0, the
 * default, leaves the route lookup to decide. */
void kernel_netlink_set_if_link(struct kernel *k, int ifindex);

/* The errno of the kernel's last refusal on this instance's command
 * sockets (EPROTONOSUPPORT, ENOSYS, EEXIST, ...), 0 after a success. */
int kernel_netlink_last_errno(const struct kernel *k);

/* Objects this instance currently tracks (what flush() would remove). */
size_t kernel_netlink_tracked(const struct kernel *k);

/* Delete every SA and policy whose if_id lies in rtxsh's range (or, for
 * an SA without if_id, whose reqid does), every xfrm interface named
 * rtx-tunN (and with them our table's routes), and the ip rule of k's
 * table at our priority, in the namespace of k. Returns the number of objects removed
 * or a negative rtx_err. */
int kernel_netlink_cleanup_stale(struct kernel *k);

/* True when v lies in the range rtxsh uses for if_ids and reqids. */
bool kernel_netlink_is_ours(uint32_t v);

/* What this process can do with the kernel it runs on. Each *_err is 0
 * or the positive errno the kernel answered. */
struct kernel_probe {
	bool cap_net_admin;
	bool xfrm;              int xfrm_err;
	bool esp_cbc;           int esp_cbc_err;    /* cbc(aes) + hmac(sha256) */
	bool esp_gcm;           int esp_gcm_err;    /* rfc4106(gcm(aes)) */
	bool xfrmi;             int xfrmi_err;      /* link type "xfrm" */
};

/* Tries each capability on throwaway objects in the current network
 * namespace and removes them again. 0, or a negative rtx_err when not
 * even a netlink socket could be opened. */
int kernel_netlink_probe(struct kernel_probe *out);
/* One plain line per missing capability ("this kernel cannot install ESP
 * SAs (no CONFIG_INET_ESP): EPROTONOSUPPORT"), or that all is present.
 * Returns the number of missing capabilities. */
int kernel_netlink_probe_print(const struct kernel_probe *p, FILE *out);

#endif
