/* The router's own routing table (as strongSwan keeps table 220): every
 * route rtxsh installs goes into table k->table, which an `ip rule` of
 * ours selects at priority KERNEL_NL_RULE_PRIO, before `main`. The host's
 * routes are never touched: a configured route to a LAN the host already
 * routes (through the clear link, a default route) is added beside it and
 * wins by the rule, and stopping removes the rule and our table entries
 * only. One rule per address family, added with the family's first route
 * and removed at flush. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <netlink/netlink.h>
#include <netlink/route/rule.h>

#include "base/err.h"
#include "base/log.h"
#include "kernel/kernel_netlink.h"
#include "kernel/kernel_nl.h"

static bool *rule_flag(struct kernel_nl *k, int family)
{
	return family == AF_INET6 ? &k->rule6 : &k->rule4;
}

static int rule_op(struct kernel_nl *k, int family, bool add)
{
	char what[96];
	snprintf(what, sizeof(what), "%s ip rule priority %u lookup %u (%s)",
		 add ? "add" : "delete", KERNEL_NL_RULE_PRIO, k->table,
		 family == AF_INET6 ? "IPv6" : "IPv4");
	struct rtnl_rule *r = rtnl_rule_alloc();
	if (!r)
		return kernel_nl_build_failed(k, -RTX_ENOMEM, what);
	rtnl_rule_set_family(r, family);
	rtnl_rule_set_prio(r, KERNEL_NL_RULE_PRIO);
	rtnl_rule_set_table(r, k->table);
	rtnl_rule_set_action(r, FR_ACT_TO_TBL);
	k->last_errno = 0;
	int err = add ? rtnl_rule_add(k->route, r, NLM_F_CREATE | NLM_F_EXCL)
		      : rtnl_rule_delete(k->route, r, 0);
	rtnl_rule_put(r);
	return kernel_nl_route_result(k, err, what);
}

int kernel_nl_rule_hold(struct kernel_nl *k, int family)
{
	bool *have = rule_flag(k, family);
	if (*have)
		return 0;
	int err = rule_op(k, family, true);
	if (!err)
		*have = true;
	return err;
}

int kernel_nl_rule_flush(struct kernel_nl *k)
{
	int first = 0;
	static const int fams[] = { AF_INET, AF_INET6 };
	for (size_t i = 0; i < 2; i++) {
		bool *have = rule_flag(k, fams[i]);
		if (!*have)
			continue;
		int err = rule_op(k, fams[i], false);
		if (!err || k->last_errno == ENOENT)
			*have = false;
		first = first ? first : err;
	}
	return first;
}

/* A crashed rtxsh's rule: the same priority and table as ours. Deleting
 * by both fields touches no other rule. */
int kernel_nl_rule_cleanup_stale(struct kernel_nl *k, int *removed)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct log *log = k->log;
	k->log = NULL;     /* "no such rule" is the usual answer: not news */
	for (size_t i = 0; i < 2; i++)
		for (int n = 0; n < 16 && rule_op(k, fams[i], false) == 0; n++)
			(*removed)++;
	k->log = log;
	return 0;
}

void kernel_netlink_set_route_table(struct kernel *k, uint32_t table)
{
	knl(k)->table = table;
}

uint32_t kernel_netlink_route_table(const struct kernel *k)
{
	return ((const struct kernel_nl *)k)->table;
}
