#include "ike_flood.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/iana.h"
#include "engine/transport.h"

#define HDR 28
#define MAX_MSG 2048

struct flood_host {
	struct ike_flood *f;
	struct transport *t;
	struct endpoint self;
	unsigned index;
};

struct ike_flood {
	struct endpoint target;
	uint8_t tmpl[MAX_MSG];
	size_t len;
	size_t nonce_off;               /* nonce data in tmpl (0: none found) */
	struct flood_host *hosts;
	unsigned n_hosts, next_host;
	uint32_t counter;
	struct ike_flood_stats st;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Request number n: the template with SPIi = 0xf100d000 | n and the
 * nonce's first bytes = n, so that a COOKIE answer names its request. */
static size_t request(const struct ike_flood *f, uint32_t n, const uint8_t *cookie,
		      size_t clen, uint8_t *out)
{
	uint8_t *p = out;
	memcpy(p, f->tmpl, HDR);
	put32(p, 0xf100d000u);
	put32(p + 4, n);
	if (cookie) {
		p[16] = IKEV2_PAYLOAD_NOTIFY;
		uint8_t *nt = p + HDR;
		nt[0] = f->tmpl[16];
		nt[1] = 0;
		nt[2] = (uint8_t)((8 + clen) >> 8);
		nt[3] = (uint8_t)(8 + clen);
		nt[4] = 0;                          /* protocol */
		nt[5] = 0;                          /* SPI size */
		nt[6] = (uint8_t)(IKEV2_N_COOKIE >> 8);
		nt[7] = (uint8_t)IKEV2_N_COOKIE;
		memcpy(nt + 8, cookie, clen);
		p += 8 + clen;
	}
	memcpy(p + HDR, f->tmpl + HDR, f->len - HDR);
	size_t total = f->len + (cookie ? 8 + clen : 0);
	put32(out + 24, (uint32_t)total);
	if (f->nonce_off)
		put32(p + f->nonce_off, n);
	return total;
}

static void recv_fn(void *arg, const struct endpoint *local, const struct endpoint *remote,
		    const uint8_t *msg, size_t len)
{
	(void)local;
	struct flood_host *h = arg;
	struct ike_flood *f = h->f;
	if (len < HDR + 8 || msg[18] != IKEV2_EXCH_IKE_SA_INIT || !(msg[19] & 0x20)) {
		f->st.other++;
		return;
	}
	uint32_t n = (uint32_t)msg[4] << 24 | (uint32_t)msg[5] << 16 | (uint32_t)msg[6] << 8 | msg[7];
	const uint8_t *pl = msg + HDR;
	size_t plen = (size_t)pl[2] << 8 | pl[3];
	bool is_cookie = msg[16] == IKEV2_PAYLOAD_NOTIFY && plen >= 8 && plen <= len - HDR &&
			 ((unsigned)pl[6] << 8 | pl[7]) == IKEV2_N_COOKIE;
	if (!is_cookie) {
		f->st.responses++;
		return;
	}
	f->st.cookies++;
	uint8_t out[MAX_MSG + 300];
	if (plen - 8 > 256)
		return;
	size_t olen = request(f, n, pl + 8, plen - 8, out);
	h->t->ops->send(h->t, &h->self, remote, out, olen);
}

/* Finds the Nonce payload's data in the template. */
static size_t find_nonce(const uint8_t *m, size_t len)
{
	uint8_t next = m[16];
	size_t off = HDR;
	while (next && off + 4 <= len) {
		size_t plen = (size_t)m[off + 2] << 8 | m[off + 3];
		if (plen < 4 || off + plen > len)
			return 0;
		if (next == IKEV2_PAYLOAD_NONCE)
			return plen >= 8 ? off + 4 : 0;
		next = m[off];
		off += plen;
	}
	return 0;
}

struct ike_flood *ike_flood_new(struct memnet *net, const struct ip_addr *target,
				uint16_t port, const uint8_t *tmpl, size_t len,
				unsigned n_hosts)
{
	if (len < HDR || len > MAX_MSG || !n_hosts || n_hosts > 4096)
		return NULL;
	struct ike_flood *f = calloc(1, sizeof(*f));
	if (!f || !(f->hosts = calloc(n_hosts, sizeof(*f->hosts)))) {
		free(f);
		return NULL;
	}
	f->target = (struct endpoint){ *target, port };
	memcpy(f->tmpl, tmpl, len);
	f->len = len;
	f->nonce_off = find_nonce(tmpl, len);
	f->n_hosts = n_hosts;
	for (unsigned i = 0; i < n_hosts; i++) {
		struct flood_host *h = &f->hosts[i];
		h->f = f;
		h->index = i;
		ip_addr_parse("203.0.113.0", &h->self.addr);
		h->self.addr.bytes[2] = (uint8_t)(113 + i / 256);
		h->self.addr.bytes[3] = (uint8_t)(i % 256);
		h->self.port = port;
		h->t = memnet_attach(net, &h->self.addr);
		if (!h->t) {
			f->n_hosts = i;
			ike_flood_free(f);
			return NULL;
		}
		transport_set_recv(h->t, recv_fn, h);
	}
	return f;
}

void ike_flood_free(struct ike_flood *f)
{
	if (!f)
		return;
	for (unsigned i = 0; i < f->n_hosts; i++)
		transport_free(f->hosts[i].t);
	free(f->hosts);
	free(f);
}

void ike_flood_send(struct ike_flood *f, unsigned count)
{
	uint8_t out[MAX_MSG];
	for (unsigned i = 0; i < count; i++) {
		struct flood_host *h = &f->hosts[f->next_host];
		f->next_host = (f->next_host + 1) % f->n_hosts;
		size_t len = request(f, ++f->counter, NULL, 0, out);
		h->t->ops->send(h->t, &h->self, &f->target, out, len);
		f->st.sent++;
	}
}

void ike_flood_stats(const struct ike_flood *f, struct ike_flood_stats *out)
{
	*out = f->st;
}
