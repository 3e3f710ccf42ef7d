/* EAP-MD5 in IKE_AUTH (RFC 7296 2.16) between two routers on the
 * virtual clock: A logs in as an EAP-MD5 client (`ipsec ike eap myname`),
 * B authenticates itself with a certificate and asks for EAP
 * (`ipsec ike eap request 1 on`) against its `auth user` table. Success,
 * wrong password, unknown user, a user without eap-md5=on, and a group
 * the user is not in: refused with one `[IKE2]` line on B, the EAP
 * Failure and AUTHENTICATION_FAILED to A, no SA on either side, and the
 * password in no log line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/pki.h"
#include "engine/pki_store.h"
#include "engine/pool.h"
#include "engine/rekey.h"
#include "engine/user.h"
#include "kernel/kernel.h"
#include "tests/ike_pair.h"
#include "tests/pki_fixture.h"

#define EPOCH IKE_PAIR_EPOCH

static struct pki_fixture *fx;

static int group_setup(void **state)
{
	(void)state;
	return pki_fixture_new(EPOCH, &fx) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	pki_fixture_free(fx);
	return 0;
}

static int setup(void **state)
{
	return ike_pair_setup(state, 11);
}

/* `pki certificate file 1 ...` and `ipsec ike pki file 1 certificate=1`:
 * the key, leaf and chain; for the client only the chain's root matters,
 * as the CA that vouches for the server. */
static void use_cert(struct ike_router *r, enum pki_fx_cert leaf)
{
	assert_int_equal(pki_fixture_use(r->pki, 1, pki_fixture_cred(fx, leaf, NULL),
					 r->config->gateways[0]), 0);
}

/* A: client "alice"/password; B: server with alice (eap-md5=on,
 * "wonderland") and bob (no eap-md5, "builder"). */
static void configure(struct ike_pair *p, const char *name, const char *password)
{
	struct gateway_config *ga = p->a.config->gateways[0];
	struct gateway_config *gb = p->b.config->gateways[0];
	use_cert(&p->a, FX_LEAF_P256);
	use_cert(&p->b, FX_LEAF_RSA2048);
	ga->auth_method = AUTH_METHOD_EAP_MD5;
	ga->eap_name = strdup(name);
	ga->eap_password = strdup(password);
	gb->eap_request = true;
	free(gb->remote_address);
	gb->remote_address = strdup("any");
	assert_int_equal(user_set(&p->b.config->users, 1, "alice", "wonderland"), 0);
	user_get(&p->b.config->users, 1)->eap_md5 = true;
	user_get(&p->b.config->users, 1)->eap_md5_set = true;
	assert_int_equal(user_set(&p->b.config->users, 2, "bob", "builder"), 0);
}

static void run(struct ike_pair *p)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 3000);
}

static void assert_no_password(struct ike_pair *p, const char *password)
{
	assert_int_equal(ike_router_log_count(&p->a, password), 0);
	assert_int_equal(ike_router_log_count(&p->b, password), 0);
}

static void test_success(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	p->a.config->gateways[0]->log_types = LOGTYPE_KEY;
	p->b.config->gateways[0]->log_types = LOGTYPE_KEY;
	run(p);
	if (getenv("EAP_LOG") || ike_router_ike_up(&p->b) != 1) {
		ike_router_log_print(&p->a);
		ike_router_log_print(&p->b);
	}
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_int_equal(ike_router_child_up(&p->a), 1);
	assert_int_equal(ike_router_child_up(&p->b), 1);
	assert_int_equal(ike_router_setup_kept(&p->a), 0);
	assert_int_equal(ike_router_setup_kept(&p->b), 0);
	assert_int_equal(ike_router_log_count(&p->b, "EAP-MD5 user alice authenticated"), 1);
	assert_no_password(p, "wonderland");
}

static void assert_refused(struct ike_pair *p, const char *line)
{
	if (getenv("EAP_LOG") || ike_router_log_count(&p->b, line) != 1) {
		ike_router_log_print(&p->a);
		ike_router_log_print(&p->b);
	}
	assert_int_equal(ike_router_log_count(&p->b, line), 1);
	assert_int_equal(ike_router_log_count(&p->a, "the server refused user"), 1);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
	assert_int_equal(ike_router_child_up(&p->b), 0);
}

static void test_wrong_password(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "looking-glass");
	run(p);
	assert_refused(p, "[IKE2] GW:1/SA:1/AUTH EAP-MD5 authentication failed for user alice: "
			  "wrong password");
	assert_no_password(p, "looking-glass");
	assert_no_password(p, "wonderland");
}

static void test_unknown_user(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "carol", "wonderland");
	run(p);
	assert_refused(p, "authentication failed for user carol: unknown user");
}

static void test_not_allowed(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "bob", "builder");
	run(p);
	assert_refused(p, "authentication failed for user bob: eap-md5 not allowed");
}

/* `ipsec ike eap request 1 on 5`: only members of group 5 may log in. */
static void test_group(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	unsigned members[] = { 2, 3 };
	assert_int_equal(user_group_set(&p->b.config->users, 5, members, 2), 0);
	p->b.config->gateways[0]->eap_request_group = 5;
	run(p);
	assert_refused(p, "authentication failed for user alice: unknown user");
}

/* Loss, duplicates and reordering on the virtual clock: the EAP rounds
 * are ordinary IKE_AUTH exchanges, retransmitted and answered from the
 * responder's window, so the login still completes, exactly once. */
static void lossy(uint64_t seed)
{
	struct ike_pair p;
	struct memnet_faults f = { .drop_pct = 30, .dup_pct = 20, .reorder_pct = 10,
				   .delay_ms = 5 };
	assert_int_equal(ike_pair_init(&p, seed), 0);
	configure(&p, "alice", "wonderland");
	p.a.config->gateways[0]->always_on = true;
	assert_int_equal(ike_pair_start(&p), 0);
	memnet_set_faults(p.net, &f);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	bool up = ike_pair_run_until_up(&p, 600000);
	if (!up) {
		ike_router_log_print(&p.a);
		ike_router_log_print(&p.b);
	}
	assert_true(up);
	f.drop_pct = f.dup_pct = f.reorder_pct = 0;
	memnet_set_faults(p.net, &f);
	ike_pair_run(&p, 120000);   /* half-open leftovers of lost attempts time out */
	assert_int_equal(ike_router_ike_up(&p.a), 1);
	assert_int_equal(ike_router_ike_up(&p.b), 1);
	assert_int_equal(ike_router_child_up(&p.b), 1);
	assert_int_equal(ike_router_log_count(&p.b, "authentication failed"), 0);
	ike_pair_free(&p);
}

static void test_loss_and_duplication(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 8; seed++)
		lossy(seed);
}

/* ---- mode-cfg ------------------------------------------------------------- */

/* text as pool_parse reads it, back as "first-last" */
static const char *parsed(const char *text)
{
	static char out[128];
	struct pool_config p = { 0 };
	if (pool_parse(text, &p))
		return "refused";
	struct ip_addr f = pool_ip(p.family, p.first), l = pool_ip(p.family, p.last);
	char a[64], b[64];
	snprintf(out, sizeof(out), "%s-%s", ip_addr_str(&f, a, sizeof(a)),
		 ip_addr_str(&l, b, sizeof(b)));
	return out;
}

static void test_pool_parse(void **state)
{
	(void)state;
	assert_string_equal(parsed("10.8.0.1-10.8.0.3"), "10.8.0.1-10.8.0.3");
	assert_string_equal(parsed("10.8.0.1-10.8.0.3/24"), "10.8.0.1-10.8.0.3");
	assert_string_equal(parsed("10.9.0.0/24"), "10.9.0.1-10.9.0.254");
	assert_string_equal(parsed("10.9.0.4/30"), "10.9.0.5-10.9.0.6");
	assert_string_equal(parsed("10.9.0.4/31"), "10.9.0.4-10.9.0.5");
	assert_string_equal(parsed("192.0.2.7"), "192.0.2.7-192.0.2.7");
	assert_string_equal(parsed("192.0.2.7/32"), "192.0.2.7-192.0.2.7");
	assert_string_equal(parsed("2001:db8::1-2001:db8::9"), "2001:db8::1-2001:db8::9");
	assert_string_equal(parsed("2001:db8:1::/64"),
			    "2001:db8:1::1-2001:db8:1:0:ffff:ffff:ffff:ffff");
	assert_string_equal(parsed("2001:db8::/127"), "2001:db8::1-2001:db8::1");
	assert_string_equal(parsed("2001:db8::5/128"), "2001:db8::5-2001:db8::5");
	assert_string_equal(parsed("10.8.0.3-10.8.0.1"), "refused");
	assert_string_equal(parsed("10.8.0.1-2001:db8::1"), "refused");
	assert_string_equal(parsed("10.8.0.0/33"), "refused");
	assert_string_equal(parsed("10.8.0.0/"), "refused");
	assert_string_equal(parsed("10.8.0.0/0"), "refused");
	assert_string_equal(parsed("2001:db8::/129"), "refused");
}

/* A rebooted and logging in as user name: its INITIAL_CONTACT ends only
 * the SAs of that same user on B. */
static void relogin(struct ike_pair *p, const char *name)
{
	struct gateway_config *ga = p->a.config->gateways[0];
	free(ga->eap_name);
	ga->eap_name = strdup(name);
	assert_int_equal(ike_pair_restart(p, &p->a), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 3000);
}

static void set_pool(struct ike_router *r, unsigned id, const char *text)
{
	struct pool_config v = { 0 };
	assert_int_equal(pool_parse(text, &v), 0);
	assert_int_equal(pool_set(&r->config->pools, id, &v), 0);
}

/* r's only IKE SA, as `show ipsec sa` gets it: the login and the
 * mode-cfg address. */
static unsigned assert_ike_row(struct ike_router *r, const char *user, const char *addr)
{
	struct ike_sa_row *rows;
	size_t n, ike = 0;
	unsigned number = 0;
	assert_int_equal(ike_sa_rows(r->engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (rows[i].kind != IKE_SA_ROW_IKE)
			continue;
		ike++;
		assert_string_equal(rows[i].eap_user, user);
		char t[64];
		assert_string_equal(ip_addr_str(&rows[i].cp_addr, t, sizeof(t)), addr);
		/* the client is who logs in, whoever rekeyed the IKE SA last */
		assert_int_equal(rows[i].eap_client, !user[0]);
		number = rows[i].number;
	}
	assert_int_equal(ike, 1);
	free(rows);
	return number;
}

/* B hands out 10.8.0.1-10.8.0.2 (`ipsec ike mode-cfg address pool 1
 * ...`, `ipsec ike mode-cfg address 1 1`): each user gets the next free
 * address, a third finds the pool exhausted, and when an IKE SA goes
 * (here: its user reconnects with INITIAL_CONTACT) its address is handed
 * out again. */
static void test_modecfg_leases(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	for (unsigned id = 3; id <= 4; id++) {
		assert_int_equal(user_set(&p->b.config->users, id, id == 3 ? "carol" : "dave",
					  "wonderland"), 0);
		user_get(&p->b.config->users, id)->eap_md5 = true;
		user_get(&p->b.config->users, id)->eap_md5_set = true;
	}
	set_pool(&p->b, 1, "10.8.0.1-10.8.0.2");
	p->b.config->gateways[0]->modecfg_pool = 1;
	run(p);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_child_up(&p->b), 1);
	assert_int_equal(ike_router_log_count(&p->b, "mode-cfg: leased address 10.8.0.1 from pool 1"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: assigned address 10.8.0.1"), 1);
	assert_ike_row(&p->b, "alice", "10.8.0.1");
	assert_ike_row(&p->a, "", "10.8.0.1");
	relogin(p, "carol");
	assert_int_equal(ike_router_ike_up(&p->b), 2);
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: assigned address 10.8.0.2"), 1);
	relogin(p, "dave");
	if (getenv("EAP_LOG")) {
		ike_router_log_print(&p->a);
		ike_router_log_print(&p->b);
	}
	assert_int_equal(ike_router_log_count(&p->b, "mode-cfg: address pool 1 exhausted"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "INTERNAL_ADDRESS_FAILURE"), 1);
	relogin(p, "alice");
	assert_int_equal(ike_router_log_count(&p->b, "mode-cfg: leased address 10.8.0.1 from pool 1"), 2);
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: assigned address 10.8.0.1"), 2);
	/* carol's, alice's new one, and dave's: RFC 7296 3.15.4 refuses the
	 * CHILD SA, not the IKE SA, and dave's vanished host is B's
	 * liveness check's business */
	assert_int_equal(ike_router_ike_up(&p->b), 3);
	assert_int_equal(ike_router_child_up(&p->b), 2);
}

/* An IKE rekey by the server hands the login and the lease to the new IKE
 * SA: it still shows both, and the next user gets the next address. */
static void test_lease_survives_ike_rekey(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	assert_int_equal(user_set(&p->b.config->users, 3, "carol", "wonderland"), 0);
	user_get(&p->b.config->users, 3)->eap_md5 = true;
	user_get(&p->b.config->users, 3)->eap_md5_set = true;
	set_pool(&p->b, 1, "10.8.0.1-10.8.0.2");
	p->b.config->gateways[0]->modecfg_pool = 1;
	run(p);
	unsigned old = assert_ike_row(&p->b, "alice", "10.8.0.1");
	assert_int_equal(rekey_sa_number(p->b.engine, old), 0);
	ike_pair_run(p, 60000);
	assert_int_not_equal(assert_ike_row(&p->b, "alice", "10.8.0.1"), old);
	assert_ike_row(&p->a, "", "10.8.0.1");
	relogin(p, "carol");
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: assigned address 10.8.0.2"), 1);
}

/* `auth user group attribute 6 eap-md5=on` lets bob (no attribute of
 * his own) in as a member of group 6; his own eap-md5=off would win. */
static void test_group_attribute(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "bob", "builder");
	unsigned members[] = { 2 };
	assert_int_equal(user_group_set(&p->b.config->users, 6, members, 1), 0);
	user_group_get(&p->b.config->users, 6)->eap_md5 = true;
	run(p);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_int_equal(ike_router_log_count(&p->b, "EAP-MD5 user bob authenticated"), 1);
	struct user_config *bob = user_get(&p->b.config->users, 2);
	bob->eap_md5_set = true;   /* eap-md5=off given */
	assert_false(user_eap_md5(p->b.config->users, bob));
}

/* alice's own xauth-address= wins over the pool; xauth-dns= goes out as
 * INTERNAL_IP4_DNS. */
static void test_modecfg_user_address_and_dns(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	set_pool(&p->b, 1, "10.8.0.1-10.8.0.2");
	p->b.config->gateways[0]->modecfg_pool = 1;
	struct user_config *u = user_get(&p->b.config->users, 1);
	assert_int_equal(ip_addr_parse("10.9.9.9", &u->address), 0);
	assert_int_equal(ip_addr_parse("192.0.2.53", &u->dns), 0);
	run(p);
	assert_int_equal(ike_router_child_up(&p->b), 1);
	assert_int_equal(ike_router_log_count(&p->b, "mode-cfg: leased address 10.9.9.9 of user alice"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: assigned address 10.9.9.9"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: DNS server 192.0.2.53"), 1);
}

/* The client's IKE row: the DNS server it was given. */
static const char *client_dns(struct ike_router *r)
{
	static char dns[64];
	struct ike_sa_row *rows;
	size_t n;
	dns[0] = '\0';
	assert_int_equal(ike_sa_rows(r->engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_IKE) {
			assert_true(rows[i].eap_client);
			if (rows[i].cp_dns.family)
				ip_addr_str(&rows[i].cp_dns, dns, sizeof(dns));
		}
	free(rows);
	return dns;
}

/* Group 5's xauth-address-pool= wins over the gateway's pool for its
 * members and its xauth-dns= reaches them; the client keeps the DNS
 * server. A member of two groups takes the attributes of the group
 * `ipsec ike eap request GW on GID` names; a user's own xauth-address=
 * wins over any group's. */
static void test_modecfg_group_pool_and_dns(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	struct user_table **users = &p->b.config->users;
	assert_int_equal(user_set(users, 3, "carol", "wonderland"), 0);
	user_get(users, 3)->eap_md5 = user_get(users, 3)->eap_md5_set = true;
	set_pool(&p->b, 1, "10.8.0.1-10.8.0.2");
	set_pool(&p->b, 2, "10.7.0.1-10.7.0.1");
	p->b.config->gateways[0]->modecfg_pool = 1;
	unsigned members[] = { 1, 3 };
	assert_int_equal(user_group_set(users, 4, members, 2), 0);
	assert_int_equal(user_group_set(users, 5, members, 2), 0);
	user_group_get(users, 5)->pool = 2;
	assert_int_equal(ip_addr_parse("192.0.2.54", &user_group_get(users, 5)->dns), 0);
	/* group 4 comes first; without a group named, its (empty) attributes
	 * apply and the gateway's pool serves */
	run(p);
	assert_int_equal(ike_router_log_count(&p->b, "leased address 10.8.0.1 from pool 1"), 1);
	assert_string_equal(client_dns(&p->a), "");
	p->b.config->gateways[0]->eap_request_group = 5;
	relogin(p, "alice");
	assert_int_equal(ike_router_log_count(&p->b, "leased address 10.7.0.1 from pool 2"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: DNS server 192.0.2.54"), 1);
	assert_string_equal(client_dns(&p->a), "192.0.2.54");
	/* pool 2 has one address: carol finds it exhausted, not pool 1 */
	relogin(p, "carol");
	assert_int_equal(ike_router_log_count(&p->b, "address pool 2 exhausted"), 1);
	/* her own address wins over the group's pool */
	assert_int_equal(ip_addr_parse("10.9.9.8", &user_get(users, 3)->address), 0);
	relogin(p, "carol");
	assert_int_equal(ike_router_log_count(&p->b, "leased address 10.9.9.8 of user carol"), 1);
	/* a group's xauth-address= serves one member at a time */
	assert_int_equal(ip_addr_parse("10.6.0.6", &user_group_get(users, 5)->address), 0);
	relogin(p, "alice");
	assert_int_equal(ike_router_log_count(&p->b, "leased address 10.6.0.6 of group 5"), 1);
}

static size_t sa_count(const struct ike_router *r)
{
	size_t n = 0;
	for (const struct ike_sa *o = r->engine->core.sas; o; o = o->next)
		n++;
	return n;
}

/* A client that goes silent in the middle of EAP leaves nothing behind on
 * the server: the half-open SA (not yet authenticated) times out. */
static void test_client_vanishes_mid_eap(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	struct memnet_faults f = { .delay_ms = 5 };
	assert_int_equal(ike_pair_start(p), 0);
	memnet_set_faults(p->net, &f);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	/* until B has answered the identity with its challenge */
	for (int i = 0; i < 500 && ike_router_log_count(&p->b, "AUTH exchange terminated") < 2; i++)
		ike_pair_run(p, 1);
	assert_int_equal(ike_router_log_count(&p->b, "AUTH exchange terminated"), 2);
	f.drop_pct = 100;
	memnet_set_faults(p->net, &f);
	ike_pair_run(p, 3000);
	assert_int_equal(sa_count(&p->b), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
	ike_pair_run(p, 600000);
	if (getenv("EAP_LOG") || sa_count(&p->b)) {
		ike_router_log_print(&p->b);
	}
	assert_int_equal(sa_count(&p->b), 0);
}

/* How many times text appears in r's sim kernel dump (SAD, SPD,
 * interfaces, routes). */
static size_t kernel_count(const struct ike_router *r, const char *text)
{
	char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	kernel_sim_dump(r->kernel, f);
	fclose(f);
	for (const char *s = buf; (s = strstr(s, text)); s++)
		n++;
	free(buf);
	return n;
}

/* The number of user's IKE SA on r. */
static unsigned ike_number_of(struct ike_router *r, const char *user)
{
	struct ike_sa_row *rows;
	size_t n;
	unsigned number = 0;
	assert_int_equal(ike_sa_rows(r->engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_IKE && !strcmp(rows[i].eap_user, user))
			number = rows[i].number;
	free(rows);
	assert_int_not_equal(number, 0);
	return number;
}

/* Two road-warriors on one tunnel, each CHILD SA narrowed to its own
 * lease: each gets its own three policies on the tunnel's interface (a
 * kernel keys a policy by its selectors, and one set for the whole tunnel
 * carried only the first client's traffic, as the guest's ra-two-clients
 * cell showed). A client's policies go with its SA, the other's stay, and
 * the pool's route (`ip route 10.8.0.0/24 gateway tunnel 1`) stays on the
 * tunnel until the last client is gone. Nor does the second login count
 * as the first one's reauthentication (type 1 rekey): that retired
 * alice's CHILD SA 30 s after carol came. */
static void test_policies_per_client(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	assert_int_equal(user_set(&p->b.config->users, 3, "carol", "wonderland"), 0);
	user_get(&p->b.config->users, 3)->eap_md5 = true;
	user_get(&p->b.config->users, 3)->eap_md5_set = true;
	set_pool(&p->b, 1, "10.8.0.1-10.8.0.9");
	p->b.config->gateways[0]->modecfg_pool = 1;
	struct route_config pool_route = { .len = 24, .tunnel = 1 };
	assert_int_equal(ip_addr_parse("10.8.0.0", &pool_route.net), 0);
	assert_int_equal(config_route_add(p->b.config, &pool_route), 0);
	run(p);
	relogin(p, "carol");
	if (getenv("EAP_LOG"))
		kernel_sim_dump(p->b.kernel, stdout);
	assert_int_equal(ike_router_child_up(&p->b), 2);
	for (int i = 1; i <= 2; i++) {
		char lease[32];
		snprintf(lease, sizeof(lease), "-> 10.8.0.%d/32 dir out", i);
		assert_int_equal(kernel_count(&p->b, lease), 1);
		snprintf(lease, sizeof(lease), "policy 10.8.0.%d/32 -> ", i);
		assert_int_equal(kernel_count(&p->b, lease), 2);   /* in, fwd */
	}
	assert_int_equal(kernel_sim_policy_count(p->b.kernel), 6);
	assert_int_equal(kernel_count(&p->b, "route 10.8.0.0/24 dev tunnel1"), 1);
	/* carol's login is no reauthentication of alice's: her SAs outlive
	 * the 30 s a replaced CHILD SA keeps, and her life is not cut */
	ike_pair_run(p, 120000);
	assert_int_equal(ike_router_ike_up(&p->b), 2);
	assert_int_equal(ike_router_child_up(&p->b), 2);
	assert_int_equal(kernel_sim_policy_count(p->b.kernel), 6);
	assert_int_equal(ike_router_log_count(&p->b, "deleted"), 0);

	assert_int_equal(ike_delete_sa(p->b.engine, ike_number_of(&p->b, "alice")), 0);
	ike_pair_run(p, 3000);
	assert_int_equal(ike_router_child_up(&p->b), 1);
	assert_int_equal(kernel_count(&p->b, "10.8.0.1/32"), 0);
	assert_int_equal(kernel_count(&p->b, "-> 10.8.0.2/32 dir out"), 1);
	assert_int_equal(kernel_sim_policy_count(p->b.kernel), 3);
	assert_int_equal(kernel_count(&p->b, "route 10.8.0.0/24 dev tunnel1"), 1);

	assert_int_equal(ike_delete_sa(p->b.engine, ike_number_of(&p->b, "carol")), 0);
	ike_pair_run(p, 3000);
	assert_int_equal(kernel_sim_policy_count(p->b.kernel), 0);
	assert_int_equal(kernel_sim_route_count(p->b.kernel), 0);
}

/* The client puts the address the server assigned on its tunnel's
 * interface (the source of its traffic into the tunnel), keeps it across
 * a CHILD SA rekey and takes it off when its SAs go; the server puts
 * nothing there (its cp_addr is the client's lease). */
static void test_client_address(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	set_pool(&p->b, 1, "10.8.0.1-10.8.0.2");
	p->b.config->gateways[0]->modecfg_pool = 1;
	run(p);
	if (getenv("EAP_LOG"))
		kernel_sim_dump(p->a.kernel, stdout);
	assert_int_equal(ike_router_child_up(&p->a), 1);
	assert_int_equal(kernel_count(&p->a, "address 10.8.0.1/32 dev tunnel1"), 1);
	assert_int_equal(kernel_count(&p->b, "address "), 0);
	assert_int_equal(kernel_count(&p->a, "policy 10.8.0.1/32 -> "), 1);   /* out */

	struct ike_sa_row *rows;
	size_t n;
	unsigned child = 0;
	assert_int_equal(ike_sa_rows(p->a.engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_SEND)
			child = rows[i].number;
	free(rows);
	assert_int_equal(rekey_sa_number(p->a.engine, child), 0);
	ike_pair_run(p, 60000);
	assert_int_equal(ike_router_log_count(&p->a, "CHLD_SEND established"), 2);
	assert_int_equal(kernel_count(&p->a, "address 10.8.0.1/32 dev tunnel1"), 1);

	ike_delete_all(p->a.engine);
	ike_pair_run(p, 3000);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_int_equal(kernel_count(&p->a, "address "), 0);
}

static int setup6(void **state)
{
	struct ike_pair *p = calloc(1, sizeof(*p));
	*state = p;
	return p && !ike_pair_init6(p, 12) ? 0 : -1;
}

/* Over IPv6 the client asks for an INTERNAL_IP6_ADDRESS and the server
 * leases one of its IPv6 pool (a /64: its first host, not the anycast
 * address), answers with it and a /128 prefix, and narrows the client's
 * traffic to it; the client puts it on its tunnel interface. The group's
 * IPv4 pool is of the other family and is passed over. */
static void test_modecfg_ipv6(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	set_pool(&p->b, 1, "2001:db8:5::/64");
	set_pool(&p->b, 2, "10.7.0.1-10.7.0.9");
	p->b.config->gateways[0]->modecfg_pool = 1;
	unsigned members[] = { 1 };
	assert_int_equal(user_group_set(&p->b.config->users, 5, members, 1), 0);
	user_group_get(&p->b.config->users, 5)->pool = 2;
	assert_int_equal(ip_addr_parse("2001:db8::53", &user_get(&p->b.config->users, 1)->dns), 0);
	run(p);
	if (getenv("EAP_LOG")) {
		ike_router_log_print(&p->b);
		kernel_sim_dump(p->a.kernel, stdout);
		kernel_sim_dump(p->b.kernel, stdout);
	}
	assert_int_equal(ike_router_child_up(&p->a), 1);
	assert_int_equal(ike_router_child_up(&p->b), 1);
	assert_int_equal(ike_router_log_count(&p->b, "leased address 2001:db8:5::1 from pool 1"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: assigned address 2001:db8:5::1"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "mode-cfg: DNS server 2001:db8::53"), 1);
	assert_ike_row(&p->b, "alice", "2001:db8:5::1");
	assert_ike_row(&p->a, "", "2001:db8:5::1");
	assert_string_equal(client_dns(&p->a), "2001:db8::53");
	assert_int_equal(kernel_count(&p->a, "address 2001:db8:5::1/128 dev tunnel1"), 1);
	assert_int_equal(kernel_count(&p->a, "policy 2001:db8:5::1/128 -> "), 1);   /* out */
	assert_int_equal(kernel_count(&p->b, "-> 2001:db8:5::1/128 dir out"), 1);
	ike_delete_all(p->a.engine);
	ike_pair_run(p, 3000);
	assert_int_equal(kernel_count(&p->a, "address "), 0);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
}

/* An IPv6 client of a server with only IPv4 pools gets no address and
 * no CHILD SA: INTERNAL_ADDRESS_FAILURE, and a line saying why. */
static void test_modecfg_ipv6_without_pool(void **state)
{
	struct ike_pair *p = *state;
	configure(p, "alice", "wonderland");
	set_pool(&p->b, 1, "10.8.0.1-10.8.0.9");
	p->b.config->gateways[0]->modecfg_pool = 1;
	run(p);
	assert_int_equal(ike_router_log_count(&p->b, "mode-cfg: no IPv6 address pool"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "INTERNAL_ADDRESS_FAILURE"), 1);
	assert_int_equal(ike_router_child_up(&p->b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_success, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_user, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_not_allowed, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_group, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_group_attribute, setup, ike_pair_teardown),
		cmocka_unit_test(test_loss_and_duplication),
		cmocka_unit_test_setup_teardown(test_client_vanishes_mid_eap, setup, ike_pair_teardown),
		cmocka_unit_test(test_pool_parse),
		cmocka_unit_test_setup_teardown(test_modecfg_leases, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_lease_survives_ike_rekey, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_modecfg_user_address_and_dns, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_modecfg_group_pool_and_dns, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_policies_per_client, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_client_address, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_modecfg_ipv6, setup6, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_modecfg_ipv6_without_pool, setup6,
						ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
