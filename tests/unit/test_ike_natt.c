/* Two routers, NAT traversal: A behind memnet's NAT box, force=on without
 * a NAT, a peer that fakes NAT detection, NAT-T switched off, and NAT
 * keepalives from the side behind the NAT. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/msg.h"
#include "engine/exchange_info.h"
#include "tests/ike_pair.h"

#define PUBLIC "198.51.100.1"     /* A's NAT box */
#define PUBLIC_B "198.51.100.2"   /* B's one-to-one NAT */

/* What went over the wire, as the tap saw it (after NAT). */
struct wire {
	struct ike_pair *p;
	struct ip_addr b_public;               /* B's address after its NAT, if any */
	unsigned a_keepalives, b_keepalives;   /* 1-byte NAT keepalives */
	unsigned ike_500, ike_4500;            /* IKE messages: plain, or from/to 4500 */
	unsigned auth_4500_marked;             /* IKE_AUTH on 4500 behind the marker */
	unsigned info_4500;                    /* INFORMATIONAL on 4500 */
	unsigned bad_frames;                   /* on 4500 without the marker */
	uint16_t a_src_4500;                   /* A's public port for NAT-T */
};

struct fixture {
	struct ike_pair p;
	struct wire w;
};

static void tap(void *arg, const struct endpoint *src, const struct endpoint *dst,
		const uint8_t *d, size_t len)
{
	struct wire *w = arg;
	bool from_a = !ip_addr_equal(&src->addr, &w->p->b.addr) &&
		      !ip_addr_equal(&src->addr, &w->b_public);
	if (len == 1 && d[0] == 0xff) {
		(from_a ? &w->a_keepalives : &w->b_keepalives)[0]++;
		return;
	}
	if (dst->port != IKE_NATT_PORT && src->port != IKE_NATT_PORT) {
		w->ike_500++;
		return;
	}
	w->ike_4500++;
	static const uint8_t marker[4];
	if (len < 4 + 28 || memcmp(d, marker, 4)) {
		w->bad_frames++;
		return;
	}
	if (d[4 + 18] == IKEV2_EXCH_IKE_AUTH)
		w->auth_4500_marked++;
	if (d[4 + 18] == IKEV2_EXCH_INFORMATIONAL)
		w->info_4500++;
	if (from_a && dst->port == IKE_NATT_PORT && !w->a_src_4500)
		w->a_src_4500 = src->port;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || ike_pair_init(&f->p, 5))
		return -1;
	f->w.p = &f->p;
	memnet_set_tap(f->p.net, tap, &f->w);
	for (int i = 0; i < 2; i++) {
		struct gateway_config *g = (i ? f->p.b.config : f->p.a.config)->gateways[0];
		g->natt.on = true;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ike_pair_free(&f->p);
	free(f);
	return 0;
}

/* A sits behind a NAT box: B sees it as PUBLIC and knows it by its ID. */
static void behind_nat(struct fixture *f)
{
	struct ip_addr pub;
	assert_int_equal(ip_addr_parse(PUBLIC, &pub), 0);
	assert_int_equal(memnet_add_nat(f->p.net, &f->p.a.addr, &pub), 0);
	struct gateway_config *gb = f->p.b.config->gateways[0];
	gb->remote_name = strdup("192.0.2.1");
	gb->remote_name_type = ID_TYPE_IPV4_ADDR;
}

static const struct kernel_sa *sa_of(struct ike_router *r, bool out)
{
	struct ike_sa_row *rows;
	size_t n;
	const struct kernel_sa *k = NULL;
	assert_int_equal(ike_sa_rows(r->engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (rows[i].kind != (out ? IKE_SA_ROW_SEND : IKE_SA_ROW_RECV))
			continue;
		struct kernel_sa_id id = { out ? rows[i].local : rows[i].remote,
					   out ? rows[i].remote : rows[i].local, rows[i].spi,
					   KERNEL_PROTO_ESP };
		k = kernel_sim_sa_find(r->kernel, &id);
	}
	free(rows);
	assert_non_null(k);
	return k;
}

static void assert_encap(struct ike_router *r, uint16_t local, uint16_t remote)
{
	const struct kernel_sa *out = sa_of(r, true), *in = sa_of(r, false);
	assert_true(out->encap);
	assert_true(in->encap);
	assert_int_equal(out->encap_sport, local);
	assert_int_equal(out->encap_dport, remote);
	assert_int_equal(in->encap_sport, remote);
	assert_int_equal(in->encap_dport, local);
}

static void establish(struct fixture *f)
{
	assert_int_equal(ike_pair_start(&f->p), 0);
	assert_int_equal(ike_initiate(f->p.a.engine, 1), 0);
	if (!ike_pair_run_until_up(&f->p, 2000)) {
		ike_router_log_print(&f->p.a);
		ike_router_log_print(&f->p.b);
		fail();
	}
}

static void test_behind_nat(void **state)
{
	struct fixture *f = *state;
	struct ike_pair *p = &f->p;
	behind_nat(f);
	f->p.a.config->gateways[0]->natt.keepalive = 30;
	establish(f);
	assert_int_equal(ike_router_log_count(&p->a, "GW:1/SA:1/INIT NAT box detected at local side"), 1);
	assert_int_equal(ike_router_log_count(&p->a, "no NAT box detected at remote side"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "no NAT box detected at local side"), 1);
	assert_int_equal(ike_router_log_count(&p->b, "GW:*/SA:1/INIT NAT box detected at remote side"), 1);
	/* IKE_SA_INIT on 500, IKE_AUTH both ways on 4500 behind the marker */
	assert_int_equal(f->w.ike_500, 2);
	assert_int_equal(f->w.auth_4500_marked, 2);
	assert_int_equal(f->w.bad_frames, 0);
	assert_int_not_equal(f->w.a_src_4500, 0);
	assert_int_not_equal(f->w.a_src_4500, IKE_NATT_PORT);
	/* the kernels encapsulate: A toward 4500, B toward A's mapped port */
	assert_encap(&p->a, IKE_NATT_PORT, IKE_NATT_PORT);
	assert_encap(&p->b, IKE_NATT_PORT, f->w.a_src_4500);
	struct ike_sa_row r = { 0 };
	struct ike_sa_row *rows;
	size_t n;
	assert_int_equal(ike_sa_rows(p->b.engine, &rows, &n), 0);
	r = rows[0];
	free(rows);
	assert_true(r.nat_remote);
	assert_false(r.nat_local);
	char pub[64];
	assert_string_equal(ip_addr_str(&r.remote, pub, sizeof(pub)), PUBLIC);
	/* NAT keepalives from A, the side behind the NAT, every 30 s */
	ike_pair_run(p, 95000);
	assert_int_equal(f->w.a_keepalives, 3);
	assert_int_equal(f->w.b_keepalives, 0);
	/* later exchanges stay on 4500, both ways through the NAT */
	unsigned info = f->w.info_4500;
	struct ike_sa_row send = { 0 };
	assert_int_equal(ike_sa_rows(p->b.engine, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == IKE_SA_ROW_SEND)
			send = rows[i];
	free(rows);
	assert_int_equal(ike_delete_sa(p->b.engine, send.number), 0);
	ike_pair_run(p, 100);
	assert_int_equal(f->w.info_4500, info + 2);
	assert_int_equal(f->w.ike_500, 2);
	assert_int_equal(kernel_sim_sa_count(p->a.kernel), 0);
	/* no keepalives once the SA is gone */
	ike_delete_all(p->a.engine);
	ike_pair_run(p, 100);
	unsigned ka = f->w.a_keepalives;
	ike_pair_run(p, 120000);
	assert_int_equal(f->w.a_keepalives, ka);
}

/* keepalive=off: no NAT keepalives even behind a NAT. */
static void test_keepalive_off(void **state)
{
	struct fixture *f = *state;
	behind_nat(f);
	f->p.a.config->gateways[0]->natt.keepalive = 0;
	establish(f);
	ike_pair_run(&f->p, 700000);
	assert_int_equal(f->w.a_keepalives, 0);
	assert_encap(&f->p.a, IKE_NATT_PORT, IKE_NATT_PORT);
}

/* force=on: no NAT, still 4500 and encapsulation; nobody is behind a NAT,
 * so nobody sends NAT keepalives. */
static void test_force(void **state)
{
	struct fixture *f = *state;
	f->p.a.config->gateways[0]->natt.force = true;
	establish(f);
	assert_int_equal(ike_router_log_count(&f->p.a, "no NAT box detected at local side"), 1);
	assert_int_equal(ike_router_log_count(&f->p.a, "no NAT box detected at remote side"), 1);
	assert_int_equal(f->w.auth_4500_marked, 2);
	assert_encap(&f->p.a, IKE_NATT_PORT, IKE_NATT_PORT);
	assert_encap(&f->p.b, IKE_NATT_PORT, IKE_NATT_PORT);
	ike_pair_run(&f->p, 700000);
	assert_int_equal(f->w.a_keepalives + f->w.b_keepalives, 0);
}

/* B behind a one-to-one NAT that keeps ports looks to A exactly like a
 * peer that fakes NAT detection, as strongSwan's encap = yes does: A sees
 * a NAT at the remote side, moves to 4500, and both sides encapsulate. */
static void test_peer_fakes_detection(void **state)
{
	struct fixture *f = *state;
	struct gateway_config *ga = f->p.a.config->gateways[0];
	assert_int_equal(ip_addr_parse(PUBLIC_B, &f->w.b_public), 0);
	assert_int_equal(memnet_add_static_nat(f->p.net, &f->p.b.addr, &f->w.b_public), 0);
	free(ga->remote_address);
	ga->remote_address = strdup(PUBLIC_B);
	assert_int_equal(ike_pair_start(&f->p), 0);
	assert_int_equal(ike_initiate(f->p.a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(&f->p, 2000));
	assert_int_equal(ike_router_log_count(&f->p.a, "GW:1/SA:1/INIT NAT box detected at remote side"), 1);
	assert_int_equal(ike_router_log_count(&f->p.a, "no NAT box detected at local side"), 1);
	assert_int_equal(f->w.auth_4500_marked, 2);
	assert_encap(&f->p.a, IKE_NATT_PORT, IKE_NATT_PORT);
	assert_encap(&f->p.b, IKE_NATT_PORT, IKE_NATT_PORT);
}

/* Without `nat-traversal on` at the initiator IKE stays on 500 and ESP is
 * not encapsulated, NAT or not (reference 1.33). */
static void test_natt_off(void **state)
{
	struct fixture *f = *state;
	behind_nat(f);
	f->p.a.config->gateways[0]->natt.on = false;
	establish(f);
	assert_int_equal(ike_router_log_count(&f->p.a, "NAT box detected at local side"), 1);
	assert_int_equal(f->w.ike_4500, 0);
	assert_false(sa_of(&f->p.a, true)->encap);
	assert_false(sa_of(&f->p.b, true)->encap);
	ike_pair_run(&f->p, 700000);
	assert_int_equal(f->w.a_keepalives, 0);
}

/* The responder follows the peer to 4500 but encapsulates only with its
 * own `nat-traversal on`. */
static void test_responder_natt_off(void **state)
{
	struct fixture *f = *state;
	f->p.a.config->gateways[0]->natt.force = true;
	f->p.b.config->gateways[0]->natt.on = false;
	establish(f);
	assert_int_equal(f->w.auth_4500_marked, 2);
	assert_true(sa_of(&f->p.a, true)->encap);
	assert_false(sa_of(&f->p.b, true)->encap);
}

/* A's NAT forgets its mapping: A's next message leaves from a new public
 * port, B follows it with IKE and with its kernel SAs' encapsulation. */
static void test_nat_port_change(void **state)
{
	struct fixture *f = *state;
	struct ike_pair *p = &f->p;
	behind_nat(f);
	establish(f);
	uint16_t first = f->w.a_src_4500;
	assert_encap(&p->b, IKE_NATT_PORT, first);
	memnet_nat_rebind(p->net);
	f->w.a_src_4500 = 0;
	assert_int_equal(exchange_info_send_probe(p->a.engine->core.sas), 0);
	ike_pair_run(p, 200);
	uint16_t moved = f->w.a_src_4500;
	assert_int_not_equal(moved, 0);
	assert_int_not_equal(moved, first);
	assert_encap(&p->b, IKE_NATT_PORT, moved);
	assert_encap(&p->a, IKE_NATT_PORT, IKE_NATT_PORT);
	assert_int_equal(ike_router_log_count(&p->b, "NAT mapping moved to port"), 1);
	/* and B's next request reaches A there: A answers */
	assert_int_equal(exchange_info_send_probe(p->b.engine->core.sas), 0);
	ike_pair_run(p, 200);
	assert_int_equal(ike_router_log_count(&p->b, "received keepalive"), 1);   /* answered */
	assert_int_equal(ike_router_ike_up(&p->b), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_behind_nat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_fakes_detection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_natt_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_responder_natt_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nat_port_change, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
