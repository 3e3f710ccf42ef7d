/* Two routers over the in-memory network: IKE_SA_INIT + IKE_AUTH + the
 * first CHILD SA from either side, and the ways it must fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/alg.h"
#include "base/err.h"
#include "base/log.h"
#include "engine/msg.h"
#include "engine/payload.h"
#include "tests/ike_pair.h"

static int setup(void **state)
{
	return ike_pair_setup(state, 1);
}

static const struct ike_sa_row *row_of(struct ike_sa_row *rows, size_t n, enum ike_sa_kind k)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == k)
			return &rows[i];
	return NULL;
}

/* x's outbound SA is y's inbound SA: same SPI, same keys and algorithms. */
static void assert_sa_pair(struct ike_router *x, struct ike_router *y)
{
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(x->engine, &rows, &n), 0);
	const struct ike_sa_row *send = row_of(rows, n, IKE_SA_ROW_SEND);
	assert_non_null(send);
	struct kernel_sa_id id = { x->addr, y->addr, send->spi, KERNEL_PROTO_ESP };
	const struct kernel_sa *out = kernel_sim_sa_find(x->kernel, &id);
	const struct kernel_sa *in = kernel_sim_sa_find(y->kernel, &id);
	assert_non_null(out);
	assert_non_null(in);
	assert_false(out->inbound);
	assert_true(in->inbound);
	assert_int_equal(out->encr, in->encr);
	assert_int_equal(out->integ, in->integ);
	assert_int_equal(out->encr_key_len, in->encr_key_len);
	assert_memory_equal(out->encr_key, in->encr_key, out->encr_key_len);
	assert_memory_equal(out->integ_key, in->integ_key, out->integ_key_len);
	assert_int_equal(out->if_id, kernel_tunnel_if_id(1));
	assert_int_equal(out->life.hard_secs, 28800);
	assert_int_equal(out->life.soft_secs, 21600);
	free(rows);
}

static void assert_up(struct ike_pair *p)
{
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_ike_up(&p->b), 1);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 2);
	assert_int_equal(kernel_sim_sa_count(p->b.kernel), 2);
	assert_int_equal(kernel_sim_policy_count(p->a.kernel), 3);
	assert_int_equal(kernel_sim_policy_count(p->b.kernel), 3);
	assert_int_equal(kernel_sim_route_count(p->a.kernel), 1);
	assert_int_equal(kernel_sim_route_count(p->b.kernel), 1);
	assert_sa_pair(&p->a, &p->b);
	assert_sa_pair(&p->b, &p->a);
	/* an established SA keeps only what it goes on using */
	assert_int_equal(ike_router_setup_kept(&p->a), 0);
	assert_int_equal(ike_router_setup_kept(&p->b), 0);
}

static void test_a_initiates(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_up(p);
	/* the seed's lines, on both sides */
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:1/IKE temporarily assigned"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:1/SA:1/INIT exchange started"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:1/SA:1/AUTH exchange terminated"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:1/IKE established"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:2/CHLD_SEND established"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:3/CHLD_RECV established"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:2/CHLD_SEND bound on SA:1/IKE"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "assigned policy TN:1/PY:1"), 2);
	assert_int_equal(ike_router_log_count(&p->b, "[IKE2] GW:*/SA:1/INIT exchange started"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "[IKE2] SA:1/IKE assigned gateway GW:1"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "[IKE2] SA:1/IKE established"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "no NAT box detected at local side"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "no NAT box detected at remote side"), 1);
	/* show rows: numbers, algorithms, peers */
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p->a.engine, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].number, 1);
	assert_int_equal(rows[0].kind, IKE_SA_ROW_IKE);
	assert_true(rows[0].initiator);
	assert_string_equal(rows[0].algorithm, "3DES-CBC, SHA-1, MODP 1024bit");
	assert_string_equal(rows[0].remote_id, "192.0.2.2");
	assert_int_equal(rows[1].kind, IKE_SA_ROW_SEND);
	assert_int_equal(rows[1].ike_number, 1);
	assert_int_equal(rows[1].tunnel, 1);
	assert_string_equal(rows[1].algorithm, "AES-CBC (for Auth.: HMAC-SHA)");
	assert_int_equal(rows[1].life_remaining, 28800 - rows[1].duration);
	free(rows);
}

static void test_b_initiates(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->b.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_up(p);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:*/SA:1/INIT exchange started"), 1);
	assert_int_equal(p->a.init_sent, 0);
	assert_int_equal(p->b.init_sent, 1);
}

/* Without `ipsec ike local address` the initiator sends from the address
 * the network would use to reach the peer. */
static void test_no_local_address(void **state)
{
	struct ike_pair *p = *state;
	free(p->a.config->gateways[0]->local_address);
	p->a.config->gateways[0]->local_address = NULL;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_up(p);
	assert_int_equal(ike_router_log_count(&p->a, "not configured ipsec ike local address"), 0);
}

/* `ipsec auto refresh on` (global and per gateway) starts by itself. */
static void test_auto_refresh(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->auto_refresh = true;
	assert_int_equal(ike_pair_start(p), 0);
	ike_config_changed(p->b.engine);
	assert_int_equal(p->a.init_sent, 0);
	ike_config_changed(p->a.engine);
	assert_true(ike_pair_run_until_up(p, 2000));
	/* a second change while up starts nothing new */
	ike_config_changed(p->a.engine);
	ike_pair_run(p, 1000);
	assert_int_equal(p->a.init_sent, 1);
}

static void test_wrong_psk(void **state)
{
	struct ike_pair *p = *state;
	memcpy(p->b.config->gateways[0]->psk, "Secret", 6);
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 2000);
	assert_int_equal(ike_router_log_count(&p->b, "[IKE2] GW:1/SA:1/AUTH unmatched auth data"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "received AUTHENTICATION_FAILED"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:1/IKE deleted"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "[IKE2] SA:1/IKE deleted"), 1);
	assert_int_equal(ike_router_ike_up(&p->a) + ike_router_ike_up(&p->b), 0);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel) + kernel_sim_sa_count(p->b.kernel), 0);
	assert_int_equal(kernel_sim_policy_count(p->a.kernel), 0);
	/* without always-on the router pauses: no second attempt */
	ike_pair_run(p, 120000);
	assert_int_equal(p->a.init_sent, 1);
}

/* With always-on the router goes on, one retry interval apart plus up to
 * a tenth of it (where it initiates at all: `ipsec auto refresh on`,
 * reference 1.4). */
static void test_wrong_psk_always_on(void **state)
{
	struct ike_pair *p = *state;
	memcpy(p->b.config->gateways[0]->psk, "Secret", 6);
	p->a.config->gateways[0]->always_on = true;
	p->a.config->auto_refresh = true;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 4900);
	assert_int_equal(p->a.init_sent, 1);
	ike_pair_run(p, 700);
	assert_int_equal(p->a.init_sent, 2);
	ike_pair_run(p, 50000);
	assert_in_range(p->a.init_sent, 10, 12);
	assert_int_equal(kernel_sim_sa_count(p->b.kernel), 0);
}

/* The responder's AUTH is checked too: A's key changes while its AUTH
 * request is on the way, so B accepts A but A refuses B's answer. */
static void test_wrong_auth_from_responder(void **state)
{
	struct ike_pair *p = *state;
	struct memnet_faults f = { .delay_ms = 10 };
	memnet_set_faults(p->net, &f);
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 25);   /* INIT 0->10->20, AUTH request leaves at 20 */
	memcpy(p->a.config->gateways[0]->psk, "Secret", 6);
	ike_pair_run(p, 100);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:1/SA:1/AUTH unmatched auth data"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "unmatched auth data"), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 0);
}

static void test_no_common_proposal(void **state)
{
	struct ike_pair *p = *state;
	struct gateway_config *ga = p->a.config->gateways[0], *gb = p->b.config->gateways[0];
	ga->proposal_limitation = gb->proposal_limitation = true;
	ga->encryption = IKEV2_ENCR_3DES;
	gb->encryption = IKEV2_ENCR_AES_CBC;
	gb->encryption_bits = 128;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 2000);
	assert_int_equal(ike_router_log_count(&p->b, "[IKE2] GW:*/SA:1/INIT cannot accept SA payload"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:1/SA:1/INIT received NO_PROPOSAL_CHOSEN"), 1);
	assert_int_equal(ike_router_ike_up(&p->a) + ike_router_ike_up(&p->b), 0);
	ike_pair_run(p, 60000);
	assert_int_equal(p->a.init_sent, 1);
}

/* B expects A as an FQDN; A sends its address as ID_IPV4_ADDR. */
static void test_id_type_mismatch(void **state)
{
	struct ike_pair *p = *state;
	struct gateway_config *gb = p->b.config->gateways[0];
	gb->remote_name = strdup("192.0.2.1");
	gb->remote_name_type = ID_TYPE_FQDN;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 2000);
	assert_int_equal(ike_router_log_count(&p->b, "cannot accept IDi payload"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "received AUTHENTICATION_FAILED"), 1);
	assert_int_equal(kernel_sim_sa_count(p->b.kernel), 0);
	/* the same name with the right type is accepted */
	gb->remote_name_type = ID_TYPE_IPV4_ADDR;
	ike_config_changed(p->a.engine);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
}

/* Names with types: FQDN both ways, matched by name and type. */
static void test_fqdn_ids(void **state)
{
	struct ike_pair *p = *state;
	struct gateway_config *ga = p->a.config->gateways[0], *gb = p->b.config->gateways[0];
	ga->local_name = strdup("a.example");
	ga->local_name_type = ID_TYPE_FQDN;
	ga->remote_name = strdup("b.example");
	ga->remote_name_type = ID_TYPE_FQDN;
	gb->local_name = strdup("b.example");
	gb->local_name_type = ID_TYPE_FQDN;
	gb->remote_name = strdup("a.example");
	gb->remote_name_type = ID_TYPE_FQDN;
	free(gb->remote_address);
	gb->remote_address = NULL;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p->b.engine, &rows, &n), 0);
	assert_string_equal(rows[0].remote_id, "a.example");
	assert_string_equal(rows[0].local_id, "b.example");
	free(rows);
}

static void test_not_configured(void **state)
{
	struct ike_pair *p = *state;
	p->a.config->gateways[0]->psk_len = 0;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_not_equal(ike_initiate(p->a.engine, 1), 0);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:1 not configured ipsec ike pre-shared-key"), 1);
	p->a.config->gateways[0]->psk_len = 6;
	p->a.config->gateways[0]->local_name = strdup("not-an-address");
	p->a.config->gateways[0]->local_name_type = ID_TYPE_IPV4_ADDR;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 1000);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:1 invalid ipsec ike local name"), 1);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	/* certificates without `ipsec ike pki file`; EAP-MD5 without
	 * `ipsec ike eap myname` */
	p->a.config->gateways[0]->auth_method = AUTH_METHOD_CERTIFICATE;
	assert_int_not_equal(ike_initiate(p->a.engine, 1), 0);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:1 not configured ipsec ike pki file"), 1);
	p->a.config->gateways[0]->auth_method = AUTH_METHOD_EAP_MD5;
	assert_int_not_equal(ike_initiate(p->a.engine, 1), 0);
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] GW:1 not configured ipsec ike eap myname"), 1);
}

/* A middlebox adds MODP 2048 to every proposal of the first IKE_SA_INIT
 * request from `from`: the responder sees two groups offered with a KE
 * of the first (as from a peer that offers several groups). */
struct group_adder {
	struct ip_addr from;
	bool done;
};

static size_t add_group(void *arg, const struct endpoint *src, const struct endpoint *dst,
			const uint8_t *dgram, size_t len, uint8_t *out, size_t cap)
{
	(void)dst;
	struct group_adder *g = arg;
	struct sa_transform tr[2][PROPOSAL_MAX_TRANSFORMS];
	struct msg m;
	struct wr w;
	size_t n = 0;
	if (g->done || !ip_addr_equal(&src->addr, &g->from))
		return 0;
	wr_init(&w);
	int err = msg_decode(&m, dgram, len, NULL, "");
	for (size_t i = 0; !err && i < m.npl; i++) {
		struct payload_sa *sa = &m.pl[i].u.sa;
		for (size_t k = 0; m.pl[i].type == IKEV2_PAYLOAD_SA && k < sa->nproposals; k++) {
			struct sa_proposal *p = &sa->proposals[k];
			assert_true(k < 2 && p->ntransforms < PROPOSAL_MAX_TRANSFORMS);
			memcpy(tr[k], p->transforms, p->ntransforms * sizeof(*tr[k]));
			tr[k][p->ntransforms++] = (struct sa_transform){ .type = ALG_DH,
								       .id = IKEV2_DH_MODP_2048 };
			p->transforms = tr[k];
		}
	}
	if (!err && !msg_encode(&m, &w) && w.len <= cap) {
		memcpy(out, w.buf, w.len);
		n = w.len;
	}
	wr_free(&w);
	msg_free(&m);
	g->done = n != 0;
	return n;
}

/* A offers MODP 1024 alone, the middlebox adds 2048, B insists on 2048:
 * A hears INVALID_KE_PAYLOAD and tries again with 2048. */
static void test_invalid_ke(void **state)
{
	struct ike_pair *p = *state;
	struct gateway_config *gs[2] = { p->a.config->gateways[0], p->b.config->gateways[0] };
	struct group_adder adder = { .from = p->a.addr };
	for (int i = 0; i < 2; i++) {
		gs[i]->proposal_limitation = true;
		gs[i]->encryption = IKEV2_ENCR_AES_CBC;
		gs[i]->encryption_bits = 128;
		gs[i]->hash = IKEV2_PRF_HMAC_SHA2_256;
		gs[i]->group[0] = i ? IKEV2_DH_MODP_2048 : IKEV2_DH_MODP_1024;
	}
	memnet_set_mangle(p->net, add_group, &adder);
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_true(adder.done);
	assert_int_equal(ike_router_log_count(&p->b, "cannot accept KE payload"), 1);
	assert_int_equal(p->a.init_sent, 2);
	assert_int_equal(ike_gw_state(&p->a.engine->core, 1)->ke_group, IKEV2_DH_MODP_2048);
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p->a.engine, &rows, &n), 0);
	assert_non_null(strstr(rows[0].algorithm, "MODP 2048bit"));
	free(rows);
	/* remembered for this peer until the configuration changes */
	ike_config_changed(p->a.engine);
	assert_int_equal(ike_gw_state(&p->a.engine->core, 1)->ke_group, 0);
}

static void test_cookie(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	p->b.engine->cookie_threshold = 0;
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_up(p);
	assert_int_equal(p->a.init_sent, 2);
	/* no state was spent on the cookie-less request */
	assert_int_equal(ike_router_log_count(&p->b, "temporarily assigned"), 3);
}

/* B reboots and comes back as initiator: its INITIAL_CONTACT makes A drop
 * the SAs of B's former life. */
static void test_initial_contact(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->b.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p->a.engine, &rows, &n), 0);
	uint32_t old_spi = rows[1].spi;
	free(rows);
	assert_int_equal(ike_pair_restart(p, &p->b), 0);
	assert_int_equal(kernel_sim_sa_count(p->b.kernel), 0);
	assert_int_equal(ike_initiate(p->b.engine, 1), 0);
	ike_pair_run(p, 2000);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_router_child_up(&p->a), 1);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 2);
	struct kernel_sa_id id = { p->a.addr, p->b.addr, old_spi, KERNEL_PROTO_ESP };
	assert_null(kernel_sim_sa_find(p->a.kernel, &id));
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:1/IKE deleted"), 1);
	assert_up(p);
}

static void test_delete_and_refresh(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_int_equal(ike_delete_sa(p->a.engine, 2), 0);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 0);
	assert_int_equal(kernel_sim_route_count(p->a.kernel), 0);
	assert_int_equal(ike_router_ike_up(&p->a), 1);
	assert_int_equal(ike_delete_sa(p->a.engine, 99), -RTX_ENOENT);
	ike_tunnel_enable(p->b.engine, 1, false);
	assert_int_equal(ike_router_ike_up(&p->b), 0);
	assert_int_equal(kernel_sim_policy_count(p->b.kernel), 0);
	ike_delete_all(p->a.engine);
	assert_int_equal(ike_router_ike_up(&p->a), 0);
	/* numbers are not reused while... and do not collide afterwards */
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_int_equal(ike_router_log_count(&p->a, "[IKE2] SA:4/IKE established"), 1);
}

/* A tunnel that goes takes its interface with it, except when the engine
 * itself goes: then the kernel's flush deletes every interface at once
 * (one link group; alone each costs an RCU grace period under RTNL). The
 * SAs, policies and routes still go with their tunnel. */
static void test_exit_leaves_interfaces_to_flush(void **state)
{
	struct ike_pair *p = *state;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
	assert_int_equal(kernel_sim_if_count(p->a.kernel), 1);
	assert_int_equal(kernel_sim_if_count(p->b.kernel), 1);
	ike_delete_all(p->b.engine);
	assert_int_equal(kernel_sim_if_count(p->b.kernel), 0);
	ike_engine_free(p->a.engine);
	p->a.engine = NULL;
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 0);
	assert_int_equal(kernel_sim_policy_count(p->a.kernel), 0);
	assert_int_equal(kernel_sim_route_count(p->a.kernel), 0);
	assert_int_equal(kernel_sim_if_count(p->a.kernel), 1);
	assert_int_equal(p->a.kernel->ops->flush(p->a.kernel), 0);
	assert_int_equal(kernel_sim_if_count(p->a.kernel), 0);
}

/* `ipsec ike negotiation receive 1 off` on B: A's IKE_SA_INIT is dropped
 * (a debug line, no answer, no SA); B initiating still works. */
static void test_negotiation_receive_off(void **state)
{
	struct ike_pair *p = *state;
	p->b.config->gateways[0]->negotiation_receive = false;
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	ike_pair_run(p, 3000);
	assert_int_equal(ike_router_ike_up(&p->a) + ike_router_ike_up(&p->b), 0);
	assert_int_equal(p->b.msgs_sent, 0);
	assert_true(ike_router_log_count(&p->b, "IKE_SA_INIT from 192.0.2.1 dropped: ipsec ike "
					 "negotiation receive 1 off") >= 1);
	assert_int_equal(ike_initiate(p->b.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 2000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_initiates, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_b_initiates, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_no_local_address, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_auto_refresh, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_psk, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_psk_always_on, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_auth_from_responder, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_no_common_proposal, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_id_type_mismatch, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_fqdn_ids, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_not_configured, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_ke, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_cookie, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_initial_contact, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_delete_and_refresh, setup, ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_exit_leaves_interfaces_to_flush, setup,
						ike_pair_teardown),
		cmocka_unit_test_setup_teardown(test_negotiation_receive_off, setup, ike_pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
