/* Payload codec: every payload type round-trips (struct -> bytes -> struct
 * and bytes -> struct -> bytes), some against bytes laid out by hand from
 * RFC 7296 section 3, and malformed payloads give their exact log line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "codec_util.h"
#include "base/err.h"
#include "engine/names.h"

static const uint8_t blob[64] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb,
	0xfc, 0xfd, 0xfe, 0xff,
};

static struct chunk B(size_t n) { return (struct chunk){ blob, n }; }

/* Encodes p, compares with the expected bytes if given, decodes them back
 * and checks the struct and the re-encoding. */
static void roundtrip(const struct payload *p, const char *expect_hex)
{
	struct wr w, w2;
	struct arena ar = { 0 };
	struct pctx c = { .arena = &ar };
	struct payload q;
	uint8_t next = 0xff;
	wr_init(&w);
	wr_init(&w2);
	assert_int_equal(payload_encode(&w, p, IKEV2_PAYLOAD_NONCE), 0);
	if (expect_hex) {
		uint8_t exp[512];
		size_t n = HEX(exp, expect_hex);
		assert_int_equal(w.len, n);
		assert_memory_equal(w.buf, exp, n);
	}
	struct rd rd = rd_init(w.buf, w.len);
	assert_int_equal(payload_decode(&c, &rd, p->type, &next, &q), 0);
	assert_int_equal(rd_left(&rd), 0);
	if (p->type != IKEV2_PAYLOAD_SK && p->type != IKEV2_PAYLOAD_SKF)
		assert_int_equal(next, IKEV2_PAYLOAD_NONCE);
	assert_true(payload_equal(p, &q));
	assert_int_equal(q.body.len, w.len - 4);
	assert_int_equal(payload_encode(&w2, &q, next), 0);
	assert_int_equal(w2.len, w.len);
	assert_memory_equal(w2.buf, w.buf, w.len);
	wr_free(&w);
	wr_free(&w2);
	arena_free(&ar);
}

static void test_sa_ike(void **state)
{
	(void)state;
	struct sa_transform t[] = {
		{ IKEV2_TRANSFORM_ENCR, 12, 1, { { IKEV2_ATTR_KEY_LENGTH, true, 256, { 0 } } } },
		{ IKEV2_TRANSFORM_PRF, 5, 0, { { 0 } } },
		{ IKEV2_TRANSFORM_INTEG, 12, 0, { { 0 } } },
		{ IKEV2_TRANSFORM_DH, 14, 0, { { 0 } } },
	};
	struct sa_proposal prop = { .num = 1, .protocol = IKEV2_PROTO_IKE,
				    .ntransforms = 4, .transforms = t };
	struct payload p = { .type = IKEV2_PAYLOAD_SA,
			     .u.sa = { .nproposals = 1, .proposals = &prop } };
	roundtrip(&p,
		  "28 00 00 30"                     /* next Nonce, length 48 */
		  "00 00 00 2c 01 01 00 04"         /* last, len 44, #1 IKE, no SPI, 4 */
		  "03 00 00 0c 01 00 00 0c 80 0e 01 00" /* ENCR AES_CBC, TV keylen 256 */
		  "03 00 00 08 02 00 00 05"         /* PRF HMAC_SHA2_256 */
		  "03 00 00 08 03 00 00 0c"         /* INTEG HMAC_SHA2_256_128 */
		  "00 00 00 08 04 00 00 0e");       /* last: DH MODP2048 */
	assert_int_equal(sa_transform_keylen(&t[0]), 256);
	assert_int_equal(sa_transform_keylen(&t[1]), 0);
}

static void test_sa_esp_two_proposals(void **state)
{
	(void)state;
	struct sa_transform t1[] = {
		{ IKEV2_TRANSFORM_ENCR, 20, 1, { { IKEV2_ATTR_KEY_LENGTH, true, 128, { 0 } } } },
		{ IKEV2_TRANSFORM_ESN, 0, 0, { { 0 } } },
	};
	struct sa_transform t2[] = {
		/* A TLV attribute of an unknown type must survive verbatim. */
		{ IKEV2_TRANSFORM_ENCR, 3, 1, { { 99, false, 0, B(3) } } },
		{ IKEV2_TRANSFORM_INTEG, 2, 0, { { 0 } } },
		{ IKEV2_TRANSFORM_ESN, 1, 0, { { 0 } } },
	};
	struct sa_proposal props[] = {
		{ 1, IKEV2_PROTO_ESP, 4, { 0xc0, 0x01, 0xd0, 0x0d }, 2, t1 },
		{ 2, IKEV2_PROTO_ESP, 4, { 0xc0, 0x01, 0xd0, 0x0d }, 3, t2 },
	};
	struct payload p = { .type = IKEV2_PAYLOAD_SA, .critical = true,
			     .u.sa = { .nproposals = 2, .proposals = props } };
	roundtrip(&p,
		  "28 80 00 4f"
		  "02 00 00 20 01 03 04 02 c0 01 d0 0d"
		  "03 00 00 0c 01 00 00 14 80 0e 00 80"
		  "00 00 00 08 05 00 00 00"
		  "00 00 00 2b 02 03 04 03 c0 01 d0 0d"
		  "03 00 00 0f 01 00 00 03 00 63 00 03 00 01 02"
		  "03 00 00 08 03 00 00 02"
		  "00 00 00 08 05 00 00 01");
}

static void test_ke_id_cert_auth(void **state)
{
	(void)state;
	struct payload ke = { .type = IKEV2_PAYLOAD_KE, .u.ke = { 14, B(8) } };
	roundtrip(&ke, "28 00 00 10 00 0e 00 00 00 01 02 03 04 05 06 07");
	static const uint8_t fqdn[] = "vpn.example.com";
	struct payload id = { .type = IKEV2_PAYLOAD_IDI,
			      .u.id = { IKEV2_ID_FQDN, { 0 }, { fqdn, 15 } } };
	roundtrip(&id, "28 00 00 17 02 00 00 00 76 70 6e 2e 65 78 61 6d 70 6c 65 2e 63 6f 6d");
	static const uint8_t v4[] = { 192, 0, 2, 1 }, v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct payload idr = { .type = IKEV2_PAYLOAD_IDR, .u.id = { IKEV2_ID_IPV4_ADDR, { 0 }, { v4, 4 } } };
	roundtrip(&idr, "28 00 00 0c 01 00 00 00 c0 00 02 01");
	idr.u.id = (struct payload_id){ IKEV2_ID_IPV6_ADDR, { 0 }, { v6, 16 } };
	roundtrip(&idr, NULL);
	idr.u.id = (struct payload_id){ IKEV2_ID_KEY_ID, { 1, 2, 3 }, B(5) };
	roundtrip(&idr, "28 00 00 0d 0b 01 02 03 00 01 02 03 04");
	struct payload cert = { .type = IKEV2_PAYLOAD_CERT, .u.cert = { 4, B(40) } };
	roundtrip(&cert, NULL);
	struct payload creq = { .type = IKEV2_PAYLOAD_CERTREQ, .u.cert = { 4, B(0) } };
	roundtrip(&creq, "28 00 00 05 04");
	struct payload auth = { .type = IKEV2_PAYLOAD_AUTH, .u.auth = { 2, B(32) } };
	roundtrip(&auth, NULL);
}

static void test_nonce_notify_delete_vendor(void **state)
{
	(void)state;
	struct payload n = { .type = IKEV2_PAYLOAD_NONCE, .u.nonce = { B(16) } };
	roundtrip(&n, "28 00 00 14 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
	n.u.nonce.data = B(64);
	roundtrip(&n, NULL);
	struct payload nat = { .type = IKEV2_PAYLOAD_NOTIFY,
			       .u.notify = { 0, 0, IKEV2_N_NAT_DETECTION_SOURCE_IP, { 0 }, B(20) } };
	roundtrip(&nat, "28 00 00 1c 00 00 40 04 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13");
	struct payload rekey = { .type = IKEV2_PAYLOAD_NOTIFY,
				 .u.notify = { IKEV2_PROTO_ESP, 4, IKEV2_N_REKEY_SA,
					       { 0xde, 0xad, 0xbe, 0xef }, B(0) } };
	roundtrip(&rekey, "28 00 00 0c 03 04 40 09 de ad be ef");
	struct payload frag = { .type = IKEV2_PAYLOAD_NOTIFY,
				.u.notify = { 0, 0, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, { 0 }, B(0) } };
	roundtrip(&frag, "28 00 00 08 00 00 40 2e");
	static const uint8_t hashes[] = { 0, 2, 0, 3, 0, 4 };
	struct payload sig = { .type = IKEV2_PAYLOAD_NOTIFY,
			       .u.notify = { 0, 0, IKEV2_N_SIGNATURE_HASH_ALGORITHMS, { 0 },
					     { hashes, 6 } } };
	roundtrip(&sig, "28 00 00 0e 00 00 40 2f 00 02 00 03 00 04");
	static const uint8_t spis[] = { 0x11, 0x22, 0x33, 0x44, 0xaa, 0xbb, 0xcc, 0xdd };
	struct payload del = { .type = IKEV2_PAYLOAD_DELETE,
			       .u.del = { IKEV2_PROTO_ESP, 4, 2, { spis, 8 } } };
	roundtrip(&del, "28 00 00 10 03 04 00 02 11 22 33 44 aa bb cc dd");
	assert_int_equal(payload_delete_spi(&del.u.del, 1), 0xaabbccdd);
	assert_int_equal(payload_delete_spi(&del.u.del, 2), 0);
	struct payload dike = { .type = IKEV2_PAYLOAD_DELETE, .u.del = { IKEV2_PROTO_IKE, 0, 0, B(0) } };
	roundtrip(&dike, "28 00 00 08 01 00 00 00");
	struct payload vid = { .type = IKEV2_PAYLOAD_VENDOR, .u.vendor = { B(16) } };
	roundtrip(&vid, NULL);
}

static void test_ts(void **state)
{
	(void)state;
	struct ts_selector ts[] = {
		{ IKEV2_TS_IPV4_ADDR_RANGE, 0, 0, 65535, { 10, 0, 0, 0 }, { 10, 0, 0, 255 } },
		{ IKEV2_TS_IPV6_ADDR_RANGE, 6, 443, 443,
		  { 0x20, 0x01, 0x0d, 0xb8 },
		  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	};
	struct payload p = { .type = IKEV2_PAYLOAD_TSI, .u.ts = { 1, ts } };
	roundtrip(&p, "28 00 00 18 01 00 00 00 07 00 00 10 00 00 ff ff 0a 00 00 00 0a 00 00 ff");
	p.type = IKEV2_PAYLOAD_TSR;
	p.u.ts.nts = 2;
	roundtrip(&p,
		  "28 00 00 40 02 00 00 00 07 00 00 10 00 00 ff ff 0a 00 00 00 0a 00 00 ff"
		  "08 06 00 28 01 bb 01 bb 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 00"
		  "20 01 0d b8 00 00 00 00 ff ff ff ff ff ff ff ff");
}

static void test_cp_eap_sk_skf(void **state)
{
	(void)state;
	static const uint8_t addr[] = { 10, 1, 0, 5 };
	struct cp_attr attrs[] = { { 1, { addr, 4 } }, { 3, B(0) } };
	struct payload cp = { .type = IKEV2_PAYLOAD_CP, .u.cp = { 2, 2, attrs } };
	roundtrip(&cp, "28 00 00 14 02 00 00 00 00 01 00 04 0a 01 00 05 00 03 00 00");
	struct payload eap = { .type = IKEV2_PAYLOAD_EAP, .u.eap = { 1, 7, 1, B(3) } };
	roundtrip(&eap, "28 00 00 0c 01 07 00 08 01 00 01 02");
	struct payload ok = { .type = IKEV2_PAYLOAD_EAP, .u.eap = { 3, 7, 0, B(0) } };
	roundtrip(&ok, "28 00 00 08 03 07 00 04");
	/* SK and SKF carry the inner payload type in their own header. */
	struct payload sk = { .type = IKEV2_PAYLOAD_SK, .u.sk = { IKEV2_PAYLOAD_IDI, B(48) } };
	roundtrip(&sk, NULL);
	struct payload skf = { .type = IKEV2_PAYLOAD_SKF, .u.skf = { IKEV2_PAYLOAD_IDI, 1, 3, B(5) } };
	roundtrip(&skf, "23 00 00 0d 00 01 00 03 00 01 02 03 04");
}

/* ---- malformed payloads ----------------------------------------------- */

struct bad {
	uint8_t type;
	const char *hex;
	const char *line;        /* the exact log line */
	uint16_t notify;
};

static const struct bad bad_payloads[] = {
	{ IKEV2_PAYLOAD_KE, "00 00 00", "[IKE2] T payload header size is not enough 3/4", 7 },
	{ IKEV2_PAYLOAD_KE, "00 00 00 02 00 0e", "[IKE2] T payload header size is not enough 2/4", 7 },
	{ IKEV2_PAYLOAD_KE, "00 00 00 06 00 0e", "[IKE2] T payload header size is not enough 6/8", 7 },
	{ IKEV2_PAYLOAD_KE, "00 00 00 10 00 0e 00 00 01 02", "[IKE2] T too few payload length", 7 },
	{ IKEV2_PAYLOAD_KE, "00 00 00 08 00 0e 00 00", "[IKE2] T cannot process KE payload", 7 },
	/* SA: proposal says "more follow" but it is the last one */
	{ IKEV2_PAYLOAD_SA, "00 00 00 14 02 00 00 10 01 01 00 01 00 00 00 08 01 00 00 0c",
	  "[IKE2] T cannot process SA payload", 7 },
	/* SA: two transforms announced, one present */
	{ IKEV2_PAYLOAD_SA, "00 00 00 14 00 00 00 10 01 01 00 02 00 00 00 08 01 00 00 0c",
	  "[IKE2] T field size unmatched 1/2", 7 },
	/* SA: proposal longer than the payload */
	{ IKEV2_PAYLOAD_SA, "00 00 00 14 00 00 00 18 01 01 00 01 00 00 00 08 01 00 00 0c",
	  "[IKE2] T field size is not enough 16/24", 7 },
	/* SA: proposal header cut */
	{ IKEV2_PAYLOAD_SA, "00 00 00 0a 00 00 00 18 01 01",
	  "[IKE2] T field header size is not enough 6/8", 7 },
	/* SA: Key Length in TLV form */
	{ IKEV2_PAYLOAD_SA, "00 00 00 1a 00 00 00 16 01 01 00 01 00 00 00 0e 01 00 00 0c 00 0e 00 02 01 00",
	  "[IKE2] T cannot process SA payload", 7 },
	/* SA: TLV attribute longer than the transform */
	{ IKEV2_PAYLOAD_SA, "00 00 00 18 00 00 00 14 01 01 00 01 00 00 00 0c 01 00 00 0c 00 63 00 09",
	  "[IKE2] T field size is not enough 0/9", 7 },
	/* SA: ESP with an 8-byte SPI */
	{ IKEV2_PAYLOAD_SA, "00 00 00 1c 00 00 00 18 01 03 08 01 01 02 03 04 05 06 07 08 00 00 00 08 01 00 00 0c",
	  "[IKE2] T cannot process SA payload", 7 },
	/* TS: an IPv4 selector claiming 20 bytes */
	{ IKEV2_PAYLOAD_TSI, "00 00 00 1c 01 00 00 00 07 00 00 14 00 00 ff ff 0a 00 00 00 0a 00 00 ff 00 00 00 00",
	  "[IKE2] T field size unmatched 20/16", 7 },
	/* TS: two announced, one present */
	{ IKEV2_PAYLOAD_TSR, "00 00 00 18 02 00 00 00 07 00 00 10 00 00 ff ff 0a 00 00 00 0a 00 00 ff",
	  "[IKE2] T field header size is not enough 0/8", 7 },
	/* TS: trailing bytes after the announced selectors */
	{ IKEV2_PAYLOAD_TSI, "00 00 00 1c 01 00 00 00 07 00 00 10 00 00 ff ff 0a 00 00 00 0a 00 00 ff 00 00 00 00",
	  "[IKE2] T payload size unmatched 28/24", 7 },
	/* TS: an IPv6 selector cut short */
	{ IKEV2_PAYLOAD_TSI, "00 00 00 18 01 00 00 00 08 00 00 28 00 00 ff ff 0a 00 00 00 0a 00 00 ff",
	  "[IKE2] T field size is not enough 16/40", 7 },
	{ IKEV2_PAYLOAD_TSR, "00 00 00 18 01 00 00 00 09 00 00 10 00 00 ff ff 0a 00 00 00 0a 00 00 ff",
	  "[IKE2] T cannot process TSr payload", 7 },
	{ IKEV2_PAYLOAD_DELETE, "00 00 00 0c 03 04 00 02 11 22 33 44",
	  "[IKE2] T payload size is not enough 12/16", 7 },
	{ IKEV2_PAYLOAD_DELETE, "00 00 00 10 03 04 00 01 11 22 33 44 55 66 77 88",
	  "[IKE2] T payload size unmatched 16/12", 7 },
	{ IKEV2_PAYLOAD_NOTIFY, "00 00 00 08 03 04 40 09",
	  "[IKE2] T payload size is not enough 8/12", 7 },
	{ IKEV2_PAYLOAD_NOTIFY, "00 00 00 0c 00 00 40 04 01 02 03 04",
	  "[IKE2] T cannot process Notify payload", 7 },
	{ IKEV2_PAYLOAD_NONCE, "00 00 00 0c 00 01 02 03 04 05 06 07",
	  "[IKE2] T cannot process Nonce payload", 7 },
	{ IKEV2_PAYLOAD_IDI, "00 00 00 0b 01 00 00 00 c0 00 02",
	  "[IKE2] T cannot process IDi payload", 7 },
	{ IKEV2_PAYLOAD_EAP, "00 00 00 0c 01 07 00 09 01 00 01 02",
	  "[IKE2] T payload size unmatched 12/13", 7 },
	{ IKEV2_PAYLOAD_EAP, "00 00 00 09 03 07 00 05 01",
	  "[IKE2] T cannot process EAP payload", 7 },
	{ IKEV2_PAYLOAD_CP, "00 00 00 0e 01 00 00 00 00 01 00 04 0a 01",
	  "[IKE2] T field size is not enough 6/8", 7 },
	{ IKEV2_PAYLOAD_SKF, "00 00 00 0a 00 04 00 03 01 02",
	  "[IKE2] T cannot process Encrypted Fragment payload", 7 },
	{ IKEV2_PAYLOAD_AUTH, "00 00 00 08 02 00 00 00", "[IKE2] T cannot process AUTH payload", 7 },
	/* An unknown payload with the critical bit set */
	{ 60, "00 80 00 06 01 02", "[IKE2] T cannot process 60 payload", 1 },
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_payloads) / sizeof(bad_payloads[0]); i++) {
		const struct bad *b = &bad_payloads[i];
		struct log *l = cap_log();
		struct arena ar = { 0 };
		struct pctx c = { .log = l, .sub = "T", .arena = &ar };
		uint8_t buf[128], next;
		struct payload p;
		size_t n = HEX(buf, b->hex);
		struct rd rd = rd_init(buf, n);
		print_message("case %zu: %s\n", i, b->line);
		assert_int_equal(payload_decode(&c, &rd, b->type, &next, &p), -RTX_EPARSE);
		assert_int_equal(log_count(l), 1);
		assert_string_equal(last_line(l), b->line);
		assert_int_equal(c.notify, b->notify);
		if (b->notify == IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD)
			assert_int_equal(c.notify_type, b->type);
		arena_free(&ar);
		log_free(l);
	}
}

static void test_unknown_noncritical_skipped(void **state)
{
	(void)state;
	uint8_t buf[16], next;
	size_t n = HEX(buf, "28 00 00 06 01 02");
	struct arena ar = { 0 };
	struct pctx c = { .arena = &ar };
	struct payload p;
	struct rd rd = rd_init(buf, n);
	assert_int_equal(payload_decode(&c, &rd, 60, &next, &p), 0);
	assert_int_equal(p.type, IKEV2_PAYLOAD_NONE);
	assert_int_equal(next, IKEV2_PAYLOAD_NONCE);
	assert_int_equal(rd_left(&rd), 0);
	assert_int_equal(c.notify, 0);
	arena_free(&ar);
}

static void test_encode_refuses_bad_structs(void **state)
{
	(void)state;
	struct wr w;
	wr_init(&w);
	struct ts_selector ts = { .type = 9 };
	struct payload p = { .type = IKEV2_PAYLOAD_TSI, .u.ts = { 1, &ts } };
	assert_int_equal(payload_encode(&w, &p, 0), -RTX_EINVAL);
	struct payload d = { .type = IKEV2_PAYLOAD_DELETE, .u.del = { 3, 4, 2, B(4) } };
	wr_free(&w);
	assert_int_equal(payload_encode(&w, &d, 0), -RTX_EINVAL);
	/* 70000 bytes of nonce do not fit a 16-bit length */
	static uint8_t big[70000];
	struct payload n = { .type = IKEV2_PAYLOAD_NONCE, .u.nonce = { { big, sizeof(big) } } };
	wr_free(&w);
	assert_int_equal(payload_encode(&w, &n, 0), -RTX_ERANGE);
	wr_free(&w);
}

static void test_cursor_bounds(void **state)
{
	(void)state;
	static const uint8_t b[] = { 1, 2, 3 };
	struct rd rd = rd_init(b, 3);
	uint32_t v32;
	uint16_t v16;
	struct chunk ch;
	assert_false(rd_u32(&rd, &v32));
	assert_int_equal(rd.off, 0);
	assert_true(rd_u16(&rd, &v16));
	assert_int_equal(v16, 0x0102);
	assert_false(rd_chunk(&rd, 2, &ch));
	assert_true(rd_chunk(&rd, 1, &ch));
	assert_int_equal(rd_left(&rd), 0);
}

/* An owned copy, and an empty one that is still not NULL. */
static void test_bytes_dup(void **state)
{
	(void)state;
	static const uint8_t b[] = { 1, 2, 3 };
	uint8_t *c = bytes_dup(b, sizeof(b)), *e = bytes_dup(NULL, 0);
	assert_non_null(c);
	assert_ptr_not_equal(c, b);
	assert_memory_equal(c, b, sizeof(b));
	assert_non_null(e);
	free(c);
	free(e);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(names_payload(IKEV2_PAYLOAD_SK), "Encrypted");
	assert_string_equal(names_payload(IKEV2_PAYLOAD_NONCE), "Nonce");
	assert_string_equal(names_notify(IKEV2_N_NAT_DETECTION_DESTINATION_IP),
			    "NAT_DETECTION_DESTINATION_IP");
	assert_string_equal(names_notify(IKEV2_N_SIGNATURE_HASH_ALGORITHMS),
			    "SIGNATURE_HASH_ALGORITHMS");
	assert_string_equal(names_notify(44), "CHILD_SA_NOT_FOUND");
	/* The algorithm table's spelling, and the registry's for the rest. */
	assert_string_equal(names_transform(IKEV2_TRANSFORM_ENCR, 20), "ENCR_AES_GCM_16");
	assert_string_equal(names_transform(IKEV2_TRANSFORM_DH, 31), "Curve25519");
	assert_string_equal(names_transform(IKEV2_TRANSFORM_ENCR, 23), "ENCR_CAMELLIA_CBC");
	assert_string_equal(names_transform(IKEV2_TRANSFORM_ESN, 0), "NO_ESN");
	assert_null(names_transform(IKEV2_TRANSFORM_PRF, 99));
	assert_int_equal(names_payload_value("TSr"), IKEV2_PAYLOAD_TSR);
	assert_int_equal(names_notify_value("COOKIE"), IKEV2_N_COOKIE);
	char buf[8];
	assert_string_equal(names_or_num(names_exchange(99), 99, buf, sizeof(buf)), "99");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_ike),
		cmocka_unit_test(test_sa_esp_two_proposals),
		cmocka_unit_test(test_ke_id_cert_auth),
		cmocka_unit_test(test_nonce_notify_delete_vendor),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_cp_eap_sk_skf),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_unknown_noncritical_skipped),
		cmocka_unit_test(test_encode_refuses_bad_structs),
		cmocka_unit_test(test_cursor_bounds),
		cmocka_unit_test(test_bytes_dup),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
