/* Every SYSLOG template of the seed's list (84 of them: the INFO and DEBUG
 * lines, message-info, payload-info, key-info and keepalive), each matched
 * exactly (after "[IKE2] " and the sub-prefix, placeholders as patterns)
 * against what two routers log over a set of scenarios with all logging
 * on: establishment, keepalive, dead peer, rekeys with PFS, deletes,
 * replays, refusals, a method mismatch, malformed datagrams and requests
 * with a bad inside sealed under the SA's own keys. Prints "N of 84" and
 * the templates not seen, and fails unless all 84 are seen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <regex.h>
#include <cmocka.h>

#include "engine/child_sa.h"
#include "engine/config.h"
#include "engine/ike_sa.h"
#include "engine/memnet.h"
#include "engine/pki.h"
#include "engine/pki_store.h"
#include "engine/rekey.h"
#include "engine/sk.h"
#include "engine/transport.h"
#include "base/log.h"
#include "tests/ike_pair.h"
#include "tests/pki_fixture.h"

#define N "[0-9]+"
#define W "[^ ]+"
static const char *const templates[] = {
	"temporarily assigned", "established", "dead peer detection", "deleted",
	"not configured .+", "invalid .+", "bound on SA:" N "/IKE",
	"bound on SA:" N "/IKE \\(changed\\)", "assigned gateway GW:" N,
	"assigned policy TN:" N "/PY:" N, "exchange started", "exchange terminated",
	"inhibited rekey \\(newer SA exists\\)", "NAT box detected at local side",
	"no NAT box detected at local side", "NAT box detected at remote side",
	"no NAT box detected at remote side",
	"iWindow retransmit request\\[msgID:" N " cnt:" N "\\]",
	"rWindow retransmit request\\[msgID:" N " cnt:" N "\\]",
	"iWindow retransmission timed out\\[msgID:" N "\\]",
	"rWindow retransmission timed out\\[msgID:" N "\\]",
	"iWindow retransmit response\\[msgID:" N "\\]",
	"rWindow retransmit response\\[msgID:" N "\\]",
	"iWindow dropped message\\[msgID:" N "\\]", "rWindow dropped message\\[msgID:" N "\\]",
	"cannot find or create IKE SA", "not exists SKEYs", "authentication is wrong",
	"cannot find or create exchange", "cannot process " W " payload",
	W " payload is not contained", "cannot accept " W " payload", "too few payload length",
	"too match payload length, ignores extra data", "encrypted payload already exists",
	"IKE header size is not enough " N "/" N, "payload header size is not enough " N "/" N,
	"field header size is not enough " N "/" N, "message size is not enough " N "/" N,
	"payload size is not enough " N "/" N, "field size is not enough " N "/" N,
	"message size unmatched " N "/" N, "payload size unmatched " N "/" N,
	"field size unmatched " N "/" N, "not contained " W " payload", "unmatched auth method",
	"unmatched auth data", "not found CHILD SA, ignored\\(SPI:[0-9a-f]{8}\\)",
	"send message:", "receive message:", "encrypting message: \\(pad size:" N "\\):",
	"decrypted message: \\(pad size:" N "\\):",
	"initiator " W, "responder " W, "generate IKE header\\[msgID:" N "\\]",
	"generate " W " payload", "process IKE header\\[msgID:" N "\\]", "process " W " payload",
	"Diffie-Hellman value:", "Ni:", "Nr:", "SKEYSEED:", "SPIi:", "SPIr:", "SK_d:", "SK_ai:",
	"SK_ar:", "SK_ei:", "SK_er:", "SK_pi:", "SK_pr:", "calculate xAuth data", "msg-octets:",
	"prf\\(secret, key-pad\\):", "prf\\(prf\\(secret, key-pad\\), msg-octets\\):",
	"calculate KEYMAT", "SPI\\(send\\):", "encryption key\\(send\\):",
	"authentication key\\(send\\):", "SPI\\(recv\\):", "encryption key\\(recv\\):",
	"authentication key\\(recv\\):", "send keepalive", "received keepalive",
};
#define NT (sizeof(templates) / sizeof(templates[0]))

static regex_t re[NT];
static bool seen[NT];

/* "[IKE2] GW:1/SA:2/INIT text" -> "text". */
static const char *body(const char *line)
{
	if (strncmp(line, "[IKE2] ", 7))
		return NULL;
	const char *t = line + 7;
	if (!strncmp(t, "GW:", 3) || !strncmp(t, "SA:", 3) || !strncmp(t, "TN:", 3)) {
		const char *sp = strchr(t, ' ');
		if (sp)
			t = sp + 1;
	}
	return t;
}

static void harvest(const struct ike_router *r)
{
	for (size_t i = 0; i < log_count(r->log); i++) {
		const char *t = body(log_get(r->log, i)->text);
		for (size_t k = 0; t && k < NT; k++)
			if (!seen[k] && !regexec(&re[k], t, 0, NULL, 0))
				seen[k] = true;
	}
}

static void pair_new(struct ike_pair *p, uint64_t seed)
{
	assert_int_equal(ike_pair_init(p, seed), 0);
	unsigned all = LOGTYPE_MESSAGE | LOGTYPE_PAYLOAD | LOGTYPE_KEY;
	p->a.config->log_types = all;
	p->b.config->log_types = all;
}

static void pair_done(struct ike_pair *p)
{
	harvest(&p->a);
	harvest(&p->b);
	ike_pair_free(p);
}

static void up(struct ike_pair *p)
{
	assert_int_equal(ike_pair_start(p), 0);
	assert_int_equal(ike_initiate(p->a.engine, 1), 0);
	assert_true(ike_pair_run_until_up(p, 30000));
}

static void deliver(struct ike_pair *p, struct ike_router *to, const uint8_t *buf, size_t len)
{
	struct ike_router *from = to == &p->a ? &p->b : &p->a;
	struct endpoint src = { from->addr, IKE_PORT }, dst = { to->addr, IKE_PORT };
	to->transport->recv(to->transport->recv_arg, &dst, &src, buf, len);
}

static void put_len(uint8_t *m, size_t len)
{
	m[24] = (uint8_t)(len >> 24), m[25] = (uint8_t)(len >> 16);
	m[26] = (uint8_t)(len >> 8), m[27] = (uint8_t)len;
}

/* Appends a payload of type with body to the message m of n octets (its
 * chain's last payload now points at it); the new length. */
static size_t append(uint8_t *m, size_t n, uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t *next = &m[16];
	for (size_t off = 28; *next != IKEV2_PAYLOAD_NONE;
	     off += (size_t)m[off + 2] << 8 | m[off + 3])
		next = &m[off];
	*next = type;
	m[n] = IKEV2_PAYLOAD_NONE, m[n + 1] = 0;
	m[n + 2] = (uint8_t)((len + 4) >> 8), m[n + 3] = (uint8_t)(len + 4);
	memcpy(m + n + 4, body, len);
	put_len(m, n + 4 + len);
	return n + 4 + len;
}

/* Hand-damaged copies of A's IKE_SA_INIT request (plain text) to B. */
static void codec_faults(struct ike_pair *p)
{
	uint8_t m[4200];
	size_t n = p->a.last_req_len;
	assert_int_equal(p->a.last_req[18], IKEV2_EXCH_IKE_SA_INIT);
	/* trailing bytes beyond the header's length */
	memcpy(m, p->a.last_req, n);
	memset(m + n, 0, 8);
	deliver(p, &p->b, m, n + 8);
	/* the last payload cut short, the header's length following */
	memcpy(m, p->a.last_req, n);
	put_len(m, n - 4);
	deliver(p, &p->b, m, n - 4);
	/* an unknown critical first payload */
	memcpy(m, p->a.last_req, n);
	m[16] = 60;
	m[29] |= 0x80;
	deliver(p, &p->b, m, n);
	/* a first payload claiming 2 bytes */
	memcpy(m, p->a.last_req, n);
	m[30] = 0, m[31] = 2;
	deliver(p, &p->b, m, n);
	/* the chain ended after the first payload: the rest is extra */
	memcpy(m, p->a.last_req, n);
	m[28] = IKEV2_PAYLOAD_NONE;
	deliver(p, &p->b, m, n);
	/* the KE payload renamed to an unknown non-critical type: skipped */
	memcpy(m, p->a.last_req, n);
	size_t off = 28;
	uint8_t *prev_next = &m[16];
	while (off + 4 <= n && *prev_next != IKEV2_PAYLOAD_KE) {
		prev_next = &m[off];
		off += (size_t)m[off + 2] << 8 | m[off + 3];
	}
	assert_int_equal(*prev_next, IKEV2_PAYLOAD_KE);
	*prev_next = 60;
	m[off + 1] &= 0x7f;
	deliver(p, &p->b, m, n);
	/* A's first proposal (SA is the first payload, the proposal right
	 * after its header at 32): a length shorter than its own header, a
	 * length beyond the payload, one transform more than it counts */
	assert_int_equal(p->a.last_req[16], IKEV2_PAYLOAD_SA);
	memcpy(m, p->a.last_req, n);
	m[34] = 0, m[35] = 4;
	deliver(p, &p->b, m, n);
	memcpy(m, p->a.last_req, n);
	m[34] = 0xff, m[35] = 0xf0;
	deliver(p, &p->b, m, n);
	memcpy(m, p->a.last_req, n);
	m[39]--;
	deliver(p, &p->b, m, n);
	/* a Delete (ESP, 4-octet SPIs, one of them) with 2 and with 6 octets
	 * of SPI: the codec reads every payload before the rules refuse a
	 * Delete in IKE_SA_INIT */
	static const uint8_t del[] = { IKEV2_PROTO_ESP, 4, 0, 1, 1, 2, 3, 4, 5, 6 };
	memcpy(m, p->a.last_req, n);
	deliver(p, &p->b, m, append(m, n, IKEV2_PAYLOAD_DELETE, del, 6));
	memcpy(m, p->a.last_req, n);
	deliver(p, &p->b, m, append(m, n, IKEV2_PAYLOAD_DELETE, del, sizeof(del)));
}

static int fixed_iv(void *arg, uint8_t *buf, size_t len)
{
	(void)arg;
	memset(buf, 0x5a, len);
	return 0;
}

/* Into m: a request of sa (message ID msgid, exchange xchg) whose SK
 * holds the raw inner chain given (first: its first payload's type),
 * sealed under sa's own sending keys, as only its peer could tell from
 * a real one. Returns the length. */
static size_t seal_raw(struct ike_pair *p, const struct ike_sa *sa, uint8_t xchg,
		       uint32_t msgid, uint8_t first, const uint8_t *inner, size_t len,
		       uint8_t *m, size_t cap)
{
	bool i = sa->initiator;
	struct sk_keys k = { .encr = sa->keys.encr, .integ = sa->keys.integ,
			     .ek = i ? sa->keys.sk_ei : sa->keys.sk_er,
			     .ak = !sa->keys.integ ? NULL : i ? sa->keys.sk_ai : sa->keys.sk_ar };
	size_t body = sk_body_len(&k, len), n;
	assert_true(body && 32 + body <= cap);
	memset(m, 0, 32);
	for (int b = 0; b < 8; b++)
		m[b] = (uint8_t)(sa->spi_i >> (56 - 8 * b)), m[8 + b] = (uint8_t)(sa->spi_r >> (56 - 8 * b));
	m[16] = IKEV2_PAYLOAD_SK, m[17] = 0x20, m[18] = xchg, m[19] = i ? 0x08 : 0;
	m[20] = (uint8_t)(msgid >> 24), m[21] = (uint8_t)(msgid >> 16);
	m[22] = (uint8_t)(msgid >> 8), m[23] = (uint8_t)msgid;
	put_len(m, 32 + body);
	m[28] = first, m[30] = (uint8_t)((4 + body) >> 8), m[31] = (uint8_t)(4 + body);
	assert_int_equal(sk_protect(p->crypto, &k, fixed_iv, NULL, m, 32, inner, len,
				    m + 32, body, &n), 0);
	return 32 + n;
}

/* A's IKE_AUTH request rewritten on the way: the same message with an
 * empty SK, so B finds no IDi. */
static size_t empty_auth(void *arg, const struct endpoint *src, const struct endpoint *dst,
			 const uint8_t *dgram, size_t len, uint8_t *out, size_t cap)
{
	struct ike_pair *p = arg;
	(void)dst;
	if (!ip_addr_equal(&src->addr, &p->a.addr) || len < 28 || dgram[18] != IKEV2_EXCH_IKE_AUTH ||
	    (dgram[19] & 0x20))
		return 0;
	uint32_t msgid = (uint32_t)dgram[20] << 24 | (uint32_t)dgram[21] << 16 |
			 (uint32_t)dgram[22] << 8 | dgram[23];
	return seal_raw(p, p->a.engine->core.sas, IKEV2_EXCH_IKE_AUTH, msgid,
			IKEV2_PAYLOAD_NONE, NULL, 0, out, cap);
}

/* Requests with a bad inside, sealed under the SA's real keys: an
 * exchange type nobody defined, an SK inside SK, an IKE_AUTH without
 * IDi. */
static void sealed_faults(void)
{
	struct ike_pair p;
	uint8_t m[512];
	static const uint8_t sk_in_sk[] = { IKEV2_PAYLOAD_NONE, 0, 0, 4 };
	pair_new(&p, 31);
	up(&p);
	struct ike_sa *sa = p.a.engine->core.sas, *sb = p.b.engine->core.sas;
	deliver(&p, &p.b, m, seal_raw(&p, sa, 99, sb->win.msgid_expect, IKEV2_PAYLOAD_NONE,
				      NULL, 0, m, sizeof(m)));
	deliver(&p, &p.b, m, seal_raw(&p, sa, IKEV2_EXCH_INFORMATIONAL, sb->win.msgid_expect,
				      IKEV2_PAYLOAD_SK, sk_in_sk, sizeof(sk_in_sk), m, sizeof(m)));
	pair_done(&p);

	pair_new(&p, 32);
	memnet_set_mangle(p.net, empty_auth, &p);
	assert_int_equal(ike_pair_start(&p), 0);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	ike_pair_run(&p, 2000);
	assert_int_equal(ike_router_log_count(&p.b, "IDi payload is not contained"), 1);
	memnet_set_mangle(p.net, NULL, NULL);
	pair_done(&p);
}

/* An encrypted request for an SA that has no keys yet. */
static void forged(void)
{
	struct ike_pair p;
	pair_new(&p, 29);
	assert_int_equal(ike_pair_start(&p), 0);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	/* A waits for its IKE_SA_INIT answer, without keys: an encrypted
	 * request for that SA cannot be opened */
	struct ike_sa *sa = p.a.engine->core.sas;
	uint8_t m[28 + 20] = { 0 };
	for (int i = 0; i < 8; i++)
		m[i] = (uint8_t)(sa->spi_i >> (56 - 8 * i)), m[8 + i] = (uint8_t)(0x11 + i);
	m[16] = IKEV2_PAYLOAD_SK, m[17] = 0x20, m[18] = IKEV2_EXCH_INFORMATIONAL;
	put_len(m, sizeof(m));
	m[30] = 0, m[31] = 20;
	deliver(&p, &p.a, m, sizeof(m));
	assert_true(ike_pair_run_until_up(&p, 30000));
	pair_done(&p);
}

/* Establish, keepalive, CHILD rekey with PFS, IKE rekey, deletes. */
static void life(void)
{
	struct ike_pair p;
	pair_new(&p, 21);
	p.a.config->gateways[0]->pfs = true;
	p.a.config->gateways[0]->keepalive.sw = TRI_ON;
	up(&p);
	uint8_t auth[4096];
	size_t auth_len = p.a.last_req_len;
	memcpy(auth, p.a.last_req, auth_len);
	ike_pair_replay(&p, &p.a);                   /* answered from the cache */
	ike_pair_run(&p, 11000);
	deliver(&p, &p.b, auth, auth_len);           /* stale by now: dropped */
	harvest(&p.a), harvest(&p.b), log_clear(p.a.log), log_clear(p.b.log);
	assert_int_equal(rekey_sa_number(p.a.engine, p.a.engine->core.sas->children->num_send), 0);
	ike_pair_run(&p, 2000);
	harvest(&p.a), harvest(&p.b), log_clear(p.a.log), log_clear(p.b.log);
	/* both rekey the IKE SA at once: one is inhibited */
	assert_int_equal(rekey_sa_number(p.a.engine, p.a.engine->core.sas->number), 0);
	assert_int_equal(rekey_sa_number(p.b.engine, p.b.engine->core.sas->number), 0);
	ike_pair_run(&p, 3000);
	harvest(&p.a), harvest(&p.b), log_clear(p.a.log), log_clear(p.b.log);
	/* a repeated request, then a stale one */
	ike_pair_replay(&p, &p.a);
	ike_delete_all(p.a.engine);
	ike_pair_run(&p, 2000);
	pair_done(&p);
}

/* Every datagram twice: answered from the cache and dropped, both ways. */
static void duplicates(void)
{
	struct ike_pair p;
	pair_new(&p, 26);
	struct memnet_faults f = { .dup_pct = 100 };
	memnet_set_faults(p.net, &f);
	up(&p);
	assert_int_equal(rekey_sa_number(p.b.engine, p.b.engine->core.sas->children->num_send), 0);
	ike_pair_run(&p, 2000);
	pair_done(&p);
}

/* The peer goes silent: retransmissions, time-out, dead peer (each side
 * probing, so both the iWindow and the rWindow wording). */
static void silence(bool from_b)
{
	struct ike_pair p;
	pair_new(&p, 22);
	(from_b ? p.b.config : p.a.config)->gateways[0]->keepalive.sw = TRI_ON;
	up(&p);
	struct memnet_faults f = { .drop_pct = 100 };
	memnet_set_faults(p.net, &f);
	ike_pair_run(&p, 120000);
	pair_done(&p);
}

/* Refusals and strangers: no policy, wrong key, no proposal, an SPI and
 * an SA nobody knows, a NAT, malformed datagrams. */
static void refusals(void)
{
	struct ike_pair p;
	pair_new(&p, 23);
	p.b.config->policies[0]->encr = IKEV2_ENCR_3DES;
	p.a.config->gateways[0]->proposal_limitation = true;
	p.b.config->gateways[0]->proposal_limitation = true;
	p.b.config->gateways[0]->encryption = IKEV2_ENCR_AES_CBC;
	p.b.config->gateways[0]->encryption_bits = 256;
	assert_int_equal(ike_pair_start(&p), 0);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	ike_pair_run(&p, 2000);
	codec_faults(&p);
	pair_done(&p);

	pair_new(&p, 24);
	memcpy(p.b.config->gateways[0]->psk, "other", 5);
	p.b.config->gateways[0]->psk_len = 5;
	assert_int_equal(ike_pair_start(&p), 0);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	ike_pair_run(&p, 2000);
	pair_done(&p);

	/* a local name unfit for its type (the engine checks it when it
	 * builds IDi) */
	pair_new(&p, 28);
	p.a.config->gateways[0]->local_name = strdup("not-an-address");
	p.a.config->gateways[0]->local_name_type = ID_TYPE_IPV4_ADDR;
	assert_int_equal(ike_pair_start(&p), 0);
	ike_initiate(p.a.engine, 1);
	ike_pair_run(&p, 1000);
	pair_done(&p);

	pair_new(&p, 27);
	p.a.config->gateways[0]->psk_len = 0;
	assert_int_equal(ike_pair_start(&p), 0);
	ike_initiate(p.a.engine, 1);
	ike_pair_run(&p, 1000);
	pair_done(&p);

	pair_new(&p, 25);
	up(&p);
	/* a request of A with the next message ID but its ICV broken */
	struct ike_sa *sb = p.b.engine->core.sas;
	uint8_t bad[4096];
	size_t bad_len = p.a.last_req_len;
	memcpy(bad, p.a.last_req, bad_len);
	uint32_t next = sb->win.msgid_expect;
	bad[20] = (uint8_t)(next >> 24), bad[21] = (uint8_t)(next >> 16);
	bad[22] = (uint8_t)(next >> 8), bad[23] = (uint8_t)next;
	deliver(&p, &p.b, bad, bad_len);
	/* B forgets its CHILD SA; A's Delete names an SPI B does not know */
	child_sa_delete(sb->children);
	assert_int_equal(ike_delete_sa(p.a.engine, p.a.engine->core.sas->children->num_send), 0);
	ike_pair_run(&p, 500);
	/* B forgets everything; A's next message finds no SA there */
	ike_refresh(p.b.engine);
	ike_pair_replay(&p, &p.a);
	/* malformed: short, wrong length, a bit flipped in the SK payload */
	uint8_t buf[4096];
	size_t n = p.a.last_req_len;
	memcpy(buf, p.a.last_req, n);
	deliver(&p, &p.b, buf, 10);
	buf[27] ^= 0x01;                              /* length field */
	deliver(&p, &p.b, buf, n);
	memcpy(buf, p.a.last_req, n);
	buf[27] = (uint8_t)(buf[27] + 8);
	deliver(&p, &p.b, buf, n);
	pair_done(&p);
}

/* A signs with its certificate where B expects the pre-shared key: B
 * finds the wrong method in A's AUTH. */
static void methods(void)
{
	struct pki_fixture *fx;
	struct ike_pair p;
	assert_int_equal(pki_fixture_new(IKE_PAIR_EPOCH, &fx), 0);
	pair_new(&p, 29);
	struct gateway_config *g = p.a.config->gateways[0];
	assert_int_equal(pki_fixture_use(p.a.pki, 1, pki_fixture_cred(fx, FX_LEAF_P256, NULL), g), 0);
	assert_int_equal(ike_pair_start(&p), 0);
	assert_int_equal(ike_initiate(p.a.engine, 1), 0);
	ike_pair_run(&p, 2000);
	assert_int_equal(ike_router_log_count(&p.b, "unmatched auth method"), 1);
	pair_done(&p);
	pki_fixture_free(fx);
}

static void test_seed_templates(void **state)
{
	(void)state;
	for (size_t k = 0; k < NT; k++)
		assert_int_equal(regcomp(&re[k], templates[k], REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(NT, 84);
	life();
	forged();
	sealed_faults();
	duplicates();
	silence(false);
	silence(true);
	refusals();
	methods();
	size_t n = 0;
	for (size_t k = 0; k < NT; k++)
		n += seen[k];
	printf("seed templates emitted exactly: %zu of %zu\n", n, NT);
	for (size_t k = 0; k < NT; k++)
		if (!seen[k])
			printf("  not seen: %s\n", templates[k]);
	for (size_t k = 0; k < NT; k++)
		regfree(&re[k]);
	assert_int_equal(n, NT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_templates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
