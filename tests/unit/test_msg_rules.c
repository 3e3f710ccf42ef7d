/* Message rules: which payloads each exchange and direction allows, how
 * many, whether inside SK; the checker's log lines; the encoder's order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "codec_util.h"
#include "base/err.h"
#include "engine/msg_rules.h"

static uint8_t data[64];
static struct sa_transform xf[] = { { IKEV2_TRANSFORM_ENCR, 20, 1,
				      { { IKEV2_ATTR_KEY_LENGTH, true, 128, { 0 } } } },
				    { IKEV2_TRANSFORM_PRF, 5, 0, { { 0 } } },
				    { IKEV2_TRANSFORM_DH, 19, 0, { { 0 } } } };
static struct sa_proposal prop = { 1, IKEV2_PROTO_IKE, 0, { 0 }, 3, xf };
static struct ts_selector tsel = { IKEV2_TS_IPV4_ADDR_RANGE, 0, 0, 65535, { 0 }, { 255, 255, 255, 255 } };

/* Adds one payload named by a letter: S SA, K KE, N Nonce, C COOKIE,
 * E INVALID_KE_PAYLOAD, n NAT_DETECTION_SOURCE_IP, R REKEY_SA, T TSi,
 * t TSr, D Delete, V Vendor ID, I IDi, A AUTH. */
static void add(struct msg *m, char c, bool enc)
{
	struct payload *p = NULL;
	switch (c) {
	case 'S': p = msg_add(m, IKEV2_PAYLOAD_SA, enc); p->u.sa = (struct payload_sa){ 1, &prop }; break;
	case 'K': p = msg_add(m, IKEV2_PAYLOAD_KE, enc); p->u.ke = (struct payload_ke){ 19, { data, 64 } }; break;
	case 'N': p = msg_add(m, IKEV2_PAYLOAD_NONCE, enc); p->u.nonce.data = (struct chunk){ data, 32 }; break;
	case 'C': p = msg_add(m, IKEV2_PAYLOAD_NOTIFY, enc);
		p->u.notify = (struct payload_notify){ .type = IKEV2_N_COOKIE, .data = { data, 16 } }; break;
	case 'E': p = msg_add(m, IKEV2_PAYLOAD_NOTIFY, enc);
		p->u.notify = (struct payload_notify){ .type = IKEV2_N_INVALID_KE_PAYLOAD, .data = { data, 2 } }; break;
	case 'n': p = msg_add(m, IKEV2_PAYLOAD_NOTIFY, enc);
		p->u.notify = (struct payload_notify){ .type = IKEV2_N_NAT_DETECTION_SOURCE_IP, .data = { data, 20 } }; break;
	case 'R': p = msg_add(m, IKEV2_PAYLOAD_NOTIFY, enc);
		p->u.notify = (struct payload_notify){ IKEV2_PROTO_ESP, 4, IKEV2_N_REKEY_SA, { 1, 2, 3, 4 }, { 0 } }; break;
	case 'T': p = msg_add(m, IKEV2_PAYLOAD_TSI, enc); p->u.ts = (struct payload_ts){ 1, &tsel }; break;
	case 't': p = msg_add(m, IKEV2_PAYLOAD_TSR, enc); p->u.ts = (struct payload_ts){ 1, &tsel }; break;
	case 'D': p = msg_add(m, IKEV2_PAYLOAD_DELETE, enc); p->u.del = (struct payload_delete){ IKEV2_PROTO_IKE, 0, 0, { 0 } }; break;
	case 'V': p = msg_add(m, IKEV2_PAYLOAD_VENDOR, enc); p->u.vendor.data = (struct chunk){ data, 16 }; break;
	case 'I': p = msg_add(m, IKEV2_PAYLOAD_IDI, enc);
		p->u.id = (struct payload_id){ IKEV2_ID_KEY_ID, { 0 }, { data, 8 } }; break;
	case 'A': p = msg_add(m, IKEV2_PAYLOAD_AUTH, enc); p->u.auth = (struct payload_auth){ 2, { data, 32 } }; break;
	default: fail();
	}
	assert_non_null(p);
}

static void build(struct msg *m, uint8_t exch, bool resp, const char *outer, const char *inner)
{
	msg_init(m, exch, 0, resp ? IKEV2_FLAG_RESPONSE : IKEV2_FLAG_INITIATOR);
	for (const char *c = outer; *c; c++)
		add(m, *c, false);
	for (const char *c = inner; inner && *c; c++)
		add(m, *c, true);
}

/* Runs the checker as msg_decode/msg_decode_inner would; returns its
 * result and leaves the log line in l. */
static int check(struct msg *m, bool decrypted, struct log *l)
{
	struct pctx c = { .log = l, .arena = &m->arena };
	m->decrypted = decrypted;
	return msg_rules_check(msg_rules_find(m->hdr.exchange, msg_is_response(m)), m->pl,
			       m->npl, decrypted, &c);
}

struct rule_case {
	const char *what;
	uint8_t exch;
	bool resp;
	const char *outer, *inner;   /* inner NULL: not yet decrypted */
	bool sk;                     /* add an SK payload outside */
	int err;
	const char *line;
};

#define INIT IKEV2_EXCH_IKE_SA_INIT
#define AUTH IKEV2_EXCH_IKE_AUTH
#define CHILD IKEV2_EXCH_CREATE_CHILD_SA
#define INFO IKEV2_EXCH_INFORMATIONAL

static const struct rule_case cases[] = {
	{ "init request", INIT, false, "SKNnV", NULL, false, 0, NULL },
	{ "init request with cookie", INIT, false, "CSKN", NULL, false, 0, NULL },
	{ "init request: only a cookie", INIT, false, "C", NULL, false, -RTX_EPARSE,
	  "[IKE2] not contained SA payload" },
	{ "init request: two cookies", INIT, false, "CCSKN", NULL, false, -RTX_EPARSE,
	  "[IKE2] cannot accept Notify payload" },
	{ "init request: two KE", INIT, false, "SKKN", NULL, false, -RTX_EPARSE,
	  "[IKE2] cannot accept KE payload" },
	{ "init request: Delete", INIT, false, "SKND", NULL, false, -RTX_EPARSE,
	  "[IKE2] cannot accept Delete payload" },
	{ "init response: cookie only", INIT, true, "C", NULL, false, 0, NULL },
	{ "init response: INVALID_KE only", INIT, true, "E", NULL, false, 0, NULL },
	{ "init response: no nonce", INIT, true, "SKn", NULL, false, -RTX_EPARSE,
	  "[IKE2] not contained Nonce payload" },
	{ "auth request before decryption", AUTH, false, "", NULL, true, 0, NULL },
	{ "auth request without SK", AUTH, false, "", NULL, false, -RTX_EPARSE,
	  "[IKE2] not contained Encrypted payload" },
	{ "auth request: IDi outside SK", AUTH, false, "I", NULL, true, -RTX_EPARSE,
	  "[IKE2] cannot accept IDi payload" },
	{ "auth request decrypted", AUTH, false, "", "IASTt", true, 0, NULL },
	{ "auth request: KE inside", AUTH, false, "", "IAKSTt", true, -RTX_EPARSE,
	  "[IKE2] cannot accept KE payload" },
	{ "child request", CHILD, false, "", "RSNKTt", true, 0, NULL },
	{ "child request without nonce", CHILD, false, "", "STt", true, -RTX_EPARSE,
	  "[IKE2] not contained Nonce payload" },
	{ "child response: error notify", CHILD, true, "", "E", true, 0, NULL },
	{ "informational: empty", INFO, false, "", "", true, 0, NULL },
	{ "informational: delete", INFO, true, "", "DDn", true, 0, NULL },
	{ "informational: SA", INFO, false, "", "S", true, -RTX_EPARSE,
	  "[IKE2] cannot accept SA payload" },
};

static void test_rule_cases(void **state)
{
	(void)state;
	static uint8_t ct[32];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rule_case *rc = &cases[i];
		struct msg m;
		struct log *l = cap_log();
		print_message("%s\n", rc->what);
		build(&m, rc->exch, rc->resp, rc->outer, rc->inner);
		if (rc->sk) {
			struct payload *p = msg_add(&m, IKEV2_PAYLOAD_SK, false);
			p->u.sk.data = (struct chunk){ ct, sizeof(ct) };
		}
		assert_int_equal(check(&m, rc->inner != NULL, l), rc->err);
		if (rc->line)
			assert_string_equal(last_line(l), rc->line);
		else
			assert_int_equal(log_count(l), 0);
		msg_free(&m);
		log_free(l);
	}
}

static void test_unknown_exchange(void **state)
{
	(void)state;
	struct msg m;
	build(&m, 99, false, "SKN", NULL);
	assert_null(msg_rules_find(99, false));
	assert_int_equal(check(&m, false, NULL), -RTX_EUNSUPP);
	msg_free(&m);
}

static void test_encoder_orders(void **state)
{
	(void)state;
	struct msg m, d;
	struct wr w;
	build(&m, INIT, false, "VnNKSC", NULL);
	wr_init(&w);
	assert_int_equal(msg_encode(&m, &w), 0);
	assert_int_equal(msg_decode(&d, w.buf, w.len, NULL, NULL), 0);
	static const uint8_t want[] = { IKEV2_PAYLOAD_NOTIFY, IKEV2_PAYLOAD_SA, IKEV2_PAYLOAD_KE,
					IKEV2_PAYLOAD_NONCE, IKEV2_PAYLOAD_NOTIFY, IKEV2_PAYLOAD_VENDOR };
	assert_int_equal(d.npl, 6);
	for (size_t i = 0; i < d.npl; i++)
		assert_int_equal(d.pl[i].type, want[i]);
	assert_int_equal(d.pl[0].u.notify.type, IKEV2_N_COOKIE);     /* RFC 7296 2.6 */
	assert_int_equal(d.pl[4].u.notify.type, IKEV2_N_NAT_DETECTION_SOURCE_IP);
	msg_free(&d);
	wr_free(&w);
	msg_free(&m);
}

static void test_encoder_orders_inner(void **state)
{
	(void)state;
	struct msg m, d;
	struct wr w;
	uint8_t first;
	build(&m, CHILD, false, "", "tTKNSR");
	wr_init(&w);
	assert_int_equal(msg_encode_inner(&m, &w, &first), 0);
	assert_int_equal(first, IKEV2_PAYLOAD_NOTIFY);             /* REKEY_SA leads */
	msg_init(&d, CHILD, 0, IKEV2_FLAG_INITIATOR);
	assert_int_equal(msg_decode_inner(&d, first, w.buf, w.len, NULL, NULL), 0);
	static const uint8_t want[] = { IKEV2_PAYLOAD_NOTIFY, IKEV2_PAYLOAD_SA, IKEV2_PAYLOAD_NONCE,
					IKEV2_PAYLOAD_KE, IKEV2_PAYLOAD_TSI, IKEV2_PAYLOAD_TSR };
	assert_int_equal(d.npl, 6);
	for (size_t i = 0; i < d.npl; i++) {
		assert_int_equal(d.pl[i].type, want[i]);
		assert_true(d.pl[i].encrypted);
	}
	msg_free(&d);
	wr_free(&w);
	msg_free(&m);
}

static void test_encoder_refuses_forbidden(void **state)
{
	(void)state;
	struct msg m;
	struct wr w;
	uint8_t first;
	wr_init(&w);
	build(&m, INIT, false, "SKNT", NULL);            /* TSi in IKE_SA_INIT */
	assert_int_equal(msg_encode(&m, &w), -RTX_EINVAL);
	msg_free(&m);
	build(&m, AUTH, false, "I", NULL);               /* IDi outside SK */
	assert_int_equal(msg_encode(&m, &w), -RTX_EINVAL);
	msg_free(&m);
	build(&m, INIT, false, "", "SKN");               /* SK in IKE_SA_INIT */
	assert_int_equal(msg_encode_inner(&m, &w, &first), -RTX_EINVAL);
	msg_free(&m);
	wr_free(&w);
}

static void test_tables_consistent(void **state)
{
	(void)state;
	static const uint8_t exch[] = { INIT, AUTH, CHILD, INFO };
	for (size_t i = 0; i < sizeof(exch); i++) {
		for (int resp = 0; resp < 2; resp++) {
			const struct msg_rules *rs = msg_rules_find(exch[i], resp);
			assert_non_null(rs);
			assert_true(rs->n <= 32);   /* the checker's count array */
			for (size_t k = 0; k < rs->n; k++) {
				const struct msg_rule *r = &rs->rules[k];
				assert_true(payload_type_known(r->type));
				assert_true(r->min <= r->max);
				bool sk = r->type == IKEV2_PAYLOAD_SK || r->type == IKEV2_PAYLOAD_SKF;
				/* SK itself is outside; everything else of a
				 * protected exchange is inside. */
				assert_int_equal(r->encrypted, rs->encrypted && !sk);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_cases),
		cmocka_unit_test(test_unknown_exchange),
		cmocka_unit_test(test_encoder_orders),
		cmocka_unit_test(test_encoder_orders_inner),
		cmocka_unit_test(test_encoder_refuses_forbidden),
		cmocka_unit_test(test_tables_consistent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
