/* engine/tunnel.c against the sim kernel: one interface and the routes per
 * tunnel, one set of out/in/fwd policies per distinct traffic selectors,
 * counted by the CHILD SAs on them; a new template for known selectors,
 * a standing tunnel put up again as the first CHILD SA says, our
 * mode-cfg address on the interface, and a remote-access tunnel's
 * hundreds of sets found through their index as clients come and go. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "engine/config.h"
#include "engine/ike_core.h"
#include "engine/model.h"
#include "engine/tunnel.h"
#include "kernel/kernel.h"

struct fx {
	struct ike_core core;
	struct ipsec_config *cfg;
	struct kernel *k;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f || !(f->cfg = config_new(model_default())) || !(f->k = kernel_sim_new()))
		return -1;
	struct route_config r = { .len = 24, .tunnel = 1 };
	ip_addr_parse("10.8.0.0", &r.net);
	if (config_route_add(f->cfg, &r))
		return -1;
	struct ike_deps d = { .kernel = f->k, .config = f->cfg };
	ike_core_init(&f->core, &d, NULL, 0, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	ike_core_free(&f->core);
	kernel_free(f->k);
	config_free(f->cfg);
	free(f);
	return 0;
}

static struct ip_addr ip(const char *text)
{
	struct ip_addr a;
	assert_int_equal(ip_addr_parse(text, &a), 0);
	return a;
}

/* The LAN 10.251.1.0/24 to one client's lease/32, via the client at peer. */
static struct tunnel_sel sel(const char *lease, const char *peer)
{
	return (struct tunnel_sel){ .local = ip("10.250.0.1"), .remote = ip(peer),
				    .ts_l = ip("10.251.1.0"), .ts_l_len = 24,
				    .ts_r = ip(lease), .ts_r_len = 32 };
}

static size_t count(const struct fx *f, const char *text)
{
	char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	kernel_sim_dump(f->k, out);
	fclose(out);
	for (const char *s = buf; (s = strstr(s, text)); s++)
		n++;
	free(buf);
	return n;
}

static int hold(struct fx *f, const struct tunnel_sel *s)
{
	return tunnel_hold(&f->core, 1, kernel_tunnel_if_id(1), kernel_tunnel_reqid(1), s);
}

static void test_sets_per_selectors(void **state)
{
	struct fx *f = *state;
	struct tunnel_sel a = sel("10.8.0.1", "10.250.0.2"), b = sel("10.8.0.2", "10.250.1.2");
	assert_int_equal(hold(f, &a), 0);
	assert_int_equal(hold(f, &b), 0);
	assert_int_equal(hold(f, &a), 0);   /* a's rekey: same selectors and template */
	assert_int_equal(kernel_sim_policy_count(f->k), 6);
	assert_int_equal(count(f, "-> 10.8.0.1/32 dir out if_id 0x52540001 tmpl 10.250.0.1 -> 10.250.0.2"), 1);
	assert_int_equal(count(f, "-> 10.8.0.2/32 dir out if_id 0x52540001 tmpl 10.250.0.1 -> 10.250.1.2"), 1);
	assert_int_equal(count(f, "interface tunnel1"), 1);
	assert_int_equal(kernel_sim_route_count(f->k), 1);

	tunnel_release(&f->core, 1, &a);    /* the rekeyed one goes */
	assert_int_equal(kernel_sim_policy_count(f->k), 6);
	tunnel_release(&f->core, 1, &a);    /* a's last */
	assert_int_equal(kernel_sim_policy_count(f->k), 3);
	assert_int_equal(count(f, "10.8.0.1/32"), 0);
	assert_int_equal(kernel_sim_route_count(f->k), 1);
	tunnel_release(&f->core, 1, &b);
	assert_int_equal(kernel_sim_policy_count(f->k), 0);
	assert_int_equal(kernel_sim_route_count(f->k), 0);
	assert_false(tunnel_is_up(&f->core, 1));
}

/* The tunnel's sets are the live clients', each counted as often as
 * its client holds it. */
static void check_sets(const struct fx *f, const struct tunnel_sel *s, const unsigned *refs,
		       unsigned n, unsigned live)
{
	const struct tunnel_state *t = tunnel_state_of(&f->core, 1);
	assert_int_equal(t->n_sels, live);
	for (unsigned i = 0; i < n; i++) {
		if (!refs[i])
			continue;
		size_t k = 0;
		while (k < t->n_sels && memcmp(t->sels[k].ts_r.bytes, s[i].ts_r.bytes, 4))
			k++;
		assert_true(k < t->n_sels);
		assert_int_equal(t->sels[k].refs, refs[i]);
	}
}

/* A remote-access gateway: one set per client on one tunnel, some held
 * twice (rekeyed), released in random order. Each release takes exactly
 * its client's policies; a live client's rekey finds its set and adds
 * none. */
static void test_many_clients(void **state)
{
	enum { N = 300 };
	struct fx *f = *state;
	struct tunnel_sel s[N];
	unsigned refs[N], live = N;
	char lease[N][24], out[64];
	for (unsigned i = 0; i < N; i++) {
		snprintf(lease[i], sizeof(lease[i]), "10.8.%u.%u", i / 250, i % 250 + 1);
		s[i] = sel(lease[i], "10.250.0.2");
		refs[i] = i % 3 ? 1 : 2;
		for (unsigned r = 0; r < refs[i]; r++)
			assert_int_equal(hold(f, &s[i]), 0);
	}
	assert_int_equal(kernel_sim_policy_count(f->k), 3 * N);
	assert_int_equal(tunnel_state_of(&f->core, 1)->n_sels, N);
	srand(3);
	for (unsigned step = 0; live > 1; step++) {
		unsigned i = (unsigned)rand() % N, j = (unsigned)rand() % N;
		if (!refs[i])
			continue;
		tunnel_release(&f->core, 1, &s[i]);
		snprintf(out, sizeof(out), "-> %s/32 dir out", lease[i]);
		if (!--refs[i]) {
			live--;
			assert_int_equal(count(f, out), 0);
		} else {
			assert_int_equal(count(f, out), 1);
		}
		assert_int_equal(kernel_sim_policy_count(f->k), 3 * live);
		if (step % 7 == 0 && refs[j]) {
			assert_int_equal(hold(f, &s[j]), 0);
			assert_int_equal(kernel_sim_policy_count(f->k), 3 * live);
			refs[j]++;
		}
		check_sets(f, s, refs, N, live);
	}
	assert_int_equal(tunnel_state_of(&f->core, 1)->n_sels, 1);
}

/* The same selectors from a new outer address (the peer moved while its
 * old SA lives out its grace): the policies follow the newest template,
 * and stay until the last CHILD SA on them goes. */
static void test_new_template(void **state)
{
	struct fx *f = *state;
	struct tunnel_sel old = sel("10.8.0.1", "10.250.0.2"), moved = sel("10.8.0.1", "10.250.0.9");
	assert_int_equal(hold(f, &old), 0);
	assert_int_equal(hold(f, &moved), 0);
	assert_int_equal(kernel_sim_policy_count(f->k), 3);
	assert_int_equal(count(f, "tmpl 10.250.0.1 -> 10.250.0.9"), 1);      /* out */
	assert_int_equal(count(f, "tmpl 10.250.0.9 -> 10.250.0.1"), 2);      /* in, fwd */
	assert_int_equal(count(f, "10.250.0.2"), 0);
	tunnel_release(&f->core, 1, &old);
	assert_int_equal(kernel_sim_policy_count(f->k), 3);
	tunnel_release(&f->core, 1, &moved);
	assert_int_equal(kernel_sim_policy_count(f->k), 0);
}

/* A refused set leaves the tunnel as it was. */
static void test_refused_policies(void **state)
{
	struct fx *f = *state;
	struct tunnel_sel a = sel("10.8.0.1", "10.250.0.2"), b = sel("10.8.0.2", "10.250.1.2");
	assert_int_equal(hold(f, &a), 0);
	kernel_sim_fail(f->k, KERNEL_SIM_OP_ADD_POLICY, -RTX_EKERNEL, 1);
	assert_int_not_equal(hold(f, &b), 0);
	assert_int_equal(kernel_sim_policy_count(f->k), 3);
	assert_int_equal(count(f, "10.8.0.2/32"), 0);
	tunnel_release(&f->core, 1, &a);    /* b counted for nothing: a's release ends it */
	assert_false(tunnel_is_up(&f->core, 1));
}

/* A standing tunnel's guess (0/0 <-> 0/0) makes way for the first CHILD
 * SA's selectors, and the last CHILD SA's policies stay while it stands. */
static void test_standing(void **state)
{
	struct fx *f = *state;
	struct ip_addr l = ip("10.250.0.1"), r = ip("10.250.0.2");
	struct tunnel_sel a = sel("10.8.0.1", "10.250.0.2");
	assert_int_equal(tunnel_stand(&f->core, 1, &l, &r), 0);
	assert_int_equal(count(f, "policy 0.0.0.0/0 -> 0.0.0.0/0 dir out"), 1);
	assert_int_equal(hold(f, &a), 0);
	assert_int_equal(count(f, "0.0.0.0/0"), 0);
	assert_int_equal(kernel_sim_policy_count(f->k), 3);
	tunnel_release(&f->core, 1, &a);
	assert_int_equal(kernel_sim_policy_count(f->k), 3);
	assert_true(tunnel_standing(&f->core, 1));
	tunnel_unstand(&f->core, 1);
	assert_false(tunnel_is_up(&f->core, 1));
	assert_int_equal(kernel_sim_policy_count(f->k), 0);
}

/* Our mode-cfg address: counted, replaced by another, gone with the last. */
static void test_address(void **state)
{
	struct fx *f = *state;
	struct tunnel_sel a = sel("10.9.0.0", "10.250.0.2");
	struct ip_addr one = ip("10.9.0.1"), two = ip("10.9.0.2");
	assert_int_equal(tunnel_addr_hold(&f->core, 1, &one), -RTX_ENOENT);   /* no tunnel */
	assert_int_equal(hold(f, &a), 0);
	assert_int_equal(tunnel_addr_hold(&f->core, 1, &one), 0);
	assert_int_equal(tunnel_addr_hold(&f->core, 1, &one), 0);
	tunnel_addr_release(&f->core, 1, &one);
	assert_int_equal(count(f, "address 10.9.0.1/32 dev tunnel1"), 1);
	assert_int_equal(tunnel_addr_hold(&f->core, 1, &two), 0);
	assert_int_equal(count(f, "address 10.9.0.2/32 dev tunnel1"), 1);
	assert_int_equal(count(f, "10.9.0.1/32"), 0);
	tunnel_addr_release(&f->core, 1, &one);   /* replaced: nothing of it left */
	assert_int_equal(count(f, "address 10.9.0.2/32"), 1);
	tunnel_addr_release(&f->core, 1, &two);
	assert_int_equal(count(f, "address "), 0);
	tunnel_release(&f->core, 1, &a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sets_per_selectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_template, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_policies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_standing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
