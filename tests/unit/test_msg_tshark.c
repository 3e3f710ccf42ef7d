/* An independent decoder's opinion: a complete IKE_SA_INIT + IKE_AUTH
 * exchange (ECP_256 key exchange, keys from keys.h, PSK AUTH, SK with
 * AES-CBC-256 and HMAC-SHA2-256-128) built with the codec, written as a
 * pcap and handed to tshark with the SK keys in its IKEv2 decryption
 * table. tshark must decrypt both SK payloads, find their integrity
 * checksums correct, and report no malformed packet and no expert error.
 * Skipped when tshark is not installed (Debian package tshark). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "codec_util.h"
#include "engine/alg.h"
#include "engine/crypto.h"
#include "engine/dh.h"
#include "base/err.h"
#include "engine/keys.h"

#define GROUP IKEV2_DH_ECP_256

static const uint8_t spi_i[8] = { 0x8a, 0x31, 0x5c, 0x07, 0xd2, 0x44, 0x19, 0xe6 };
static const uint8_t spi_r[8] = { 0x3f, 0xc2, 0x90, 0x1b, 0x65, 0xaa, 0x0e, 0x57 };
static const char psk[] = "rtxsh-test-secret";

struct exchange {
	struct crypto_lib *lib;
	const struct alg *prf, *encr, *integ;
	uint8_t ke_i[64], ke_r[64], ni[32], nr[32];
	struct ike_keys keys;
	struct ike_auth_keys akeys;
	struct wr pkt[4];           /* INIT request/response, AUTH request/response */
};

static uint64_t be64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void derive(struct exchange *x)
{
	struct dh *a, *b;
	uint8_t gir_a[32], gir_b[32];
	assert_int_equal(dh_new(x->lib, GROUP, &a), 0);
	assert_int_equal(dh_new(x->lib, GROUP, &b), 0);
	assert_int_equal(dh_public(a, x->ke_i, sizeof(x->ke_i)), 0);
	assert_int_equal(dh_public(b, x->ke_r, sizeof(x->ke_r)), 0);
	assert_int_equal(dh_derive(a, x->ke_r, sizeof(x->ke_r), gir_a, sizeof(gir_a)), 0);
	assert_int_equal(dh_derive(b, x->ke_i, sizeof(x->ke_i), gir_b, sizeof(gir_b)), 0);
	assert_memory_equal(gir_a, gir_b, sizeof(gir_a));
	for (size_t i = 0; i < 32; i++) {
		x->ni[i] = (uint8_t)(0x10 + i);
		x->nr[i] = (uint8_t)(0xe0 - i);
	}
	const struct keys_input in = { x->prf, x->encr, x->integ, { x->ni, 32 }, { x->nr, 32 },
				       { gir_a, sizeof(gir_a) }, be64(spi_i), be64(spi_r) };
	assert_int_equal(keys_ike_sa_init(x->lib, &in, &x->keys, &x->akeys), 0);
	dh_free(a);
	dh_free(b);
}

static void add_sa(struct msg *m, bool enc, struct sa_proposal *p)
{
	struct payload *pl = msg_add(m, IKEV2_PAYLOAD_SA, enc);
	pl->u.sa = (struct payload_sa){ 1, p };
}

static void build_init(struct exchange *x, bool resp)
{
	static struct sa_transform t[] = {
		{ IKEV2_TRANSFORM_ENCR, IKEV2_ENCR_AES_CBC, 1, { { IKEV2_ATTR_KEY_LENGTH, true, 256, { 0 } } } },
		{ IKEV2_TRANSFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, { { 0 } } },
		{ IKEV2_TRANSFORM_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0, { { 0 } } },
		{ IKEV2_TRANSFORM_DH, GROUP, 0, { { 0 } } },
	};
	static struct sa_proposal prop = { 1, IKEV2_PROTO_IKE, 0, { 0 }, 4, t };
	static uint8_t natd[20];
	struct msg m;
	struct payload *p;
	msg_init(&m, IKEV2_EXCH_IKE_SA_INIT, 0,
		 resp ? IKEV2_FLAG_RESPONSE : IKEV2_FLAG_INITIATOR);
	m.hdr.spi_i = be64(spi_i);
	m.hdr.spi_r = resp ? be64(spi_r) : 0;
	add_sa(&m, false, &prop);
	p = msg_add(&m, IKEV2_PAYLOAD_KE, false);
	p->u.ke = (struct payload_ke){ GROUP, { resp ? x->ke_r : x->ke_i, 64 } };
	p = msg_add(&m, IKEV2_PAYLOAD_NONCE, false);
	p->u.nonce.data = (struct chunk){ resp ? x->nr : x->ni, 32 };
	p = msg_add(&m, IKEV2_PAYLOAD_NOTIFY, false);
	p->u.notify = (struct payload_notify){ .type = IKEV2_N_NAT_DETECTION_SOURCE_IP, .data = { natd, 20 } };
	p = msg_add(&m, IKEV2_PAYLOAD_NOTIFY, false);
	p->u.notify = (struct payload_notify){ .type = IKEV2_N_NAT_DETECTION_DESTINATION_IP, .data = { natd, 20 } };
	struct wr *w = &x->pkt[resp ? 1 : 0];
	wr_init(w);
	assert_int_equal(msg_encode(&m, w), 0);
	msg_free(&m);
}

static int zero_rng(void *arg, uint8_t *buf, size_t len)
{
	(void)arg;
	memset(buf, 0x5a, len);
	return 0;
}

/* IKE_AUTH with a real PSK AUTH value over the peer's INIT message. */
static void build_auth(struct exchange *x, bool resp)
{
	static struct sa_transform t[] = {
		{ IKEV2_TRANSFORM_ENCR, IKEV2_ENCR_AES_CBC, 1, { { IKEV2_ATTR_KEY_LENGTH, true, 256, { 0 } } } },
		{ IKEV2_TRANSFORM_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0, { { 0 } } },
		{ IKEV2_TRANSFORM_ESN, IKEV2_ESN_NONE, 0, { { 0 } } },
	};
	static struct sa_proposal prop_i = { 1, IKEV2_PROTO_ESP, 4, { 0xc1, 0, 0, 1 }, 3, t };
	static struct sa_proposal prop_r = { 1, IKEV2_PROTO_ESP, 4, { 0xc2, 0, 0, 2 }, 3, t };
	static struct ts_selector tsi = { IKEV2_TS_IPV4_ADDR_RANGE, 0, 0, 65535,
					  { 192, 168, 10, 0 }, { 192, 168, 10, 255 } };
	static struct ts_selector tsr = { IKEV2_TS_IPV4_ADDR_RANGE, 0, 0, 65535,
					  { 192, 168, 20, 0 }, { 192, 168, 20, 255 } };
	static uint8_t auth[2][ALG_MAX_PRF_LEN];
	static const uint8_t id_i[] = "rtx-a.example", id_r[] = "rtx-b.example";
	const uint8_t *id = resp ? id_r : id_i;
	uint8_t body[4 + 16] = { IKEV2_ID_FQDN };
	memcpy(body + 4, id, 13);
	/* AUTH covers the sender's INIT message, the peer's nonce and prf(SK_p, ID'). */
	const struct wr *init = &x->pkt[resp ? 1 : 0];
	const struct keys_octets o = {
		x->prf, { resp ? x->akeys.sk_pr : x->akeys.sk_pi, x->akeys.p_len },
		{ init->buf, init->len }, { resp ? x->ni : x->nr, 32 }, { body, 4 + 13 },
	};
	assert_int_equal(keys_psk_auth_parts(x->lib, &o, (const uint8_t *)psk, strlen(psk),
					     auth[resp]), 0);
	struct msg m;
	struct payload *p;
	msg_init(&m, IKEV2_EXCH_IKE_AUTH, 1, resp ? IKEV2_FLAG_RESPONSE : IKEV2_FLAG_INITIATOR);
	m.hdr.spi_i = be64(spi_i);
	m.hdr.spi_r = be64(spi_r);
	p = msg_add(&m, resp ? IKEV2_PAYLOAD_IDR : IKEV2_PAYLOAD_IDI, true);
	p->u.id = (struct payload_id){ IKEV2_ID_FQDN, { 0 }, { id, 13 } };
	if (!resp) {
		p = msg_add(&m, IKEV2_PAYLOAD_NOTIFY, true);
		p->u.notify = (struct payload_notify){ .type = IKEV2_N_INITIAL_CONTACT };
	}
	p = msg_add(&m, IKEV2_PAYLOAD_AUTH, true);
	p->u.auth = (struct payload_auth){ 2, { auth[resp], x->prf->out_len } };
	add_sa(&m, true, resp ? &prop_r : &prop_i);
	p = msg_add(&m, IKEV2_PAYLOAD_TSI, true);
	p->u.ts = (struct payload_ts){ 1, &tsi };
	p = msg_add(&m, IKEV2_PAYLOAD_TSR, true);
	p->u.ts = (struct payload_ts){ 1, &tsr };
	struct sk_keys k = { x->encr, x->integ, resp ? x->keys.sk_er : x->keys.sk_ei,
			     resp ? x->keys.sk_ar : x->keys.sk_ai };
	struct wr *w = &x->pkt[resp ? 3 : 2];
	wr_init(w);
	assert_int_equal(msg_encrypt(&m, x->lib, &k, zero_rng, NULL, w), 0);
	msg_free(&m);
	/* Our own decoder agrees before tshark is asked. */
	struct msg d;
	assert_int_equal(msg_decode(&d, w->buf, w->len, NULL, NULL), 0);
	assert_int_equal(msg_decrypt(&d, x->lib, &k, NULL, NULL, NULL), 0);
	assert_int_equal(d.npl, resp ? 6 : 7);
	msg_free(&d);
}

/* ---- pcap ------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	assert_int_equal(fwrite(b, 1, 4, f), 4);
}

/* One IPv4/UDP datagram between 192.0.2.1:500 and 192.0.2.2:500. */
static void write_packet(FILE *f, uint32_t sec, const struct wr *ike, bool from_i)
{
	uint8_t hdr[28] = { 0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0,
			    192, 0, 2, from_i ? 1 : 2, 192, 0, 2, from_i ? 2 : 1 };
	size_t len = sizeof(hdr) + ike->len;
	put16(hdr + 2, (uint16_t)len);
	uint32_t sum = 0;
	for (size_t i = 0; i < 20; i += 2)
		sum += (uint32_t)hdr[i] << 8 | hdr[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(hdr + 10, (uint16_t)~sum);
	put16(hdr + 20, 500);
	put16(hdr + 22, 500);
	put16(hdr + 24, (uint16_t)(8 + ike->len));   /* UDP checksum 0: none (IPv4) */
	put_le32(f, sec);
	put_le32(f, 0);
	put_le32(f, (uint32_t)len);
	put_le32(f, (uint32_t)len);
	assert_int_equal(fwrite(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	assert_int_equal(fwrite(ike->buf, 1, ike->len, f), ike->len);
}

static void write_pcap(const char *path, const struct exchange *x)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	put_le32(f, 0xa1b2c3d4);
	put_le32(f, 0x00040002);           /* version 2.4 */
	put_le32(f, 0);
	put_le32(f, 0);
	put_le32(f, 65535);
	put_le32(f, 101);                  /* LINKTYPE_RAW: starts at the IP header */
	for (int i = 0; i < 4; i++)
		write_packet(f, 1764345600u + (uint32_t)i, &x->pkt[i], i % 2 == 0);
	fclose(f);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

/* Runs tshark with the decryption table (a UAT record: byte fields bare
 * hex, enum fields quoted); returns its output (malloc'd). */
static char *run_tshark(const char *pcap, const struct exchange *x, const char *extra)
{
	char si[17], sr[17], ei[65], er[65], ai[65], ar[65];
	hex(si, spi_i, 8);
	hex(sr, spi_r, 8);
	hex(ei, x->keys.sk_ei, x->keys.e_len);
	hex(er, x->keys.sk_er, x->keys.e_len);
	hex(ai, x->keys.sk_ai, x->keys.a_len);
	hex(ar, x->keys.sk_ar, x->keys.a_len);
	char *cmd;
	assert_true(asprintf(&cmd,
		"tshark -n -r '%s' -o 'uat:ikev2_decryption_table:"
		"%s,%s,%s,%s,\"AES-CBC-256 [RFC3602]\","
		"%s,%s,\"HMAC_SHA2_256_128 [RFC4868]\"' %s 2>&1",
		pcap, si, sr, ei, er, ai, ar, extra) > 0);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 20, len = 0, n;
	char *out = malloc(cap);
	assert_non_null(out);
	while ((n = fread(out + len, 1, cap - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	int rc = pclose(p);
	if (rc != 0 || getenv("RTXSH_KEEP_PCAP"))
		print_message("%s\n%s\n", cmd, out);
	assert_int_equal(rc, 0);
	free(cmd);
	return out;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_tshark_decrypts_exchange(void **state)
{
	(void)state;
	if (system("command -v tshark >/dev/null 2>&1") != 0)
		skip();
	struct exchange x = { 0 };
	assert_int_equal(crypto_lib_new(&x.lib), 0);
	x.prf = alg_find(ALG_PRF, IKEV2_PRF_HMAC_SHA2_256, 0);
	x.encr = alg_find(ALG_ENCR, IKEV2_ENCR_AES_CBC, 256);
	x.integ = alg_find(ALG_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0);
	derive(&x);
	build_init(&x, false);
	build_init(&x, true);
	build_auth(&x, false);
	build_auth(&x, true);

	char dir[] = "/tmp/rtxsh-tshark-XXXXXX", pcap[64];
	assert_non_null(mkdtemp(dir));
	snprintf(pcap, sizeof(pcap), "%s/exchange.pcap", dir);
	write_pcap(pcap, &x);

	char *detail = run_tshark(pcap, &x, "-V");
	assert_int_equal(count(detail, "Internet Security Association and Key Management Protocol"), 4);
	assert_int_equal(count(detail, "Malformed"), 0);
	/* Both SK payloads decrypted, their ICVs verified, inner payloads seen. */
	assert_int_equal(count(detail, "[correct]"), 2);
	assert_true(count(detail, "Decrypted Data") >= 2);
	assert_non_null(strstr(detail, "rtx-a.example"));
	assert_non_null(strstr(detail, "rtx-b.example"));
	assert_non_null(strstr(detail, "INITIAL_CONTACT"));
	assert_true(count(detail, "Traffic Selector") >= 4);
	char *expert = run_tshark(pcap, &x, "-q -z expert,error");
	assert_null(strstr(expert, "Errors ("));
	assert_null(strstr(expert, "Malformed"));
	free(expert);
	free(detail);
	if (!getenv("RTXSH_KEEP_PCAP"))
		unlink(pcap);
	else
		print_message("kept %s\n", pcap);
	rmdir(dir);
	for (int i = 0; i < 4; i++)
		wr_free(&x.pkt[i]);
	keys_ike_wipe(&x.keys);
	keys_ike_auth_wipe(&x.akeys);
	crypto_lib_free(x.lib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tshark_decrypts_exchange),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
