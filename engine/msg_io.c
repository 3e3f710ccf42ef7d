#include "engine/msg_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/config.h"
#include "engine/crypto.h"
#include "base/err.h"
#include "engine/exchange.h"
#include "engine/exchange_info.h"
#include "engine/msg_rules.h"
#include "engine/ike_sa.h"
#include "base/ip_addr.h"
#include "base/log.h"
#include "engine/payload_sk.h"
#include "engine/sk.h"

/* The keys for what we send: SK_ei/ai when we are the original
 * initiator, SK_er/ar otherwise; received messages use the other pair. */
static void sk_keys_of(const struct ike_sa *sa, bool sending, struct sk_keys *k)
{
	bool ini = sa->initiator == sending;
	*k = (struct sk_keys){
		.encr = sa->keys.encr,
		.integ = sa->keys.integ,
		.ek = ini ? sa->keys.sk_ei : sa->keys.sk_er,
		.ak = sa->keys.integ ? (ini ? sa->keys.sk_ai : sa->keys.sk_ar) : NULL,
	};
}

static int rng(void *arg, uint8_t *buf, size_t len)
{
	return ike_core_random(arg, buf, len);
}

static void dump_msg(struct log *l, unsigned types, const char *sub, const char *title,
		     const uint8_t *buf, size_t len)
{
	if (types & LOGTYPE_MESSAGE)
		log_dump(l, sub, title, buf, len);
}

/* The plaintext as sk_protect pads it, for "encrypting message:". */
static void dump_plain(struct ike_sa *sa, const char *sub, const char *what,
		       const uint8_t *plain, size_t len,
		       size_t ct_len)
{
	if (!(ike_sa_log_types(sa) & LOGTYPE_MESSAGE) || ct_len <= len)
		return;
	size_t pad = ct_len - len - 1;
	uint8_t *p = calloc(1, ct_len);
	char title[64];
	if (!p)
		return;
	if (len)
		memcpy(p, plain, len);
	p[ct_len - 1] = (uint8_t)pad;
	snprintf(title, sizeof(title), "%s message: (pad size:%zu):", what, pad);
	log_dump(sa->e->d.log, sub, title, p, ct_len);
	free(p);
}

/* SK goes last among the outer payloads: encode with a placeholder body,
 * then encrypt into it with everything before it as AAD. */
static int seal(struct ike_sa *sa, struct msg *m, const char *sub, struct wr *out)
{
	struct sk_keys k;
	struct wr in;
	size_t n;
	uint8_t first;
	sk_keys_of(sa, true, &k);
	wr_init(&in);
	int err = msg_encode_inner(m, &in, &first);
	size_t body_len = err ? 0 : sk_body_len(&k, in.len);
	uint8_t *room = body_len ? calloc(1, body_len) : NULL;
	struct payload *sk = room ? msg_add(m, IKEV2_PAYLOAD_SK, false) : NULL;
	if (!err)
		err = sk ? 0 : -RTX_ENOMEM;
	if (!err) {
		sk->u.sk = (struct payload_sk){ first, { room, body_len } };
		err = msg_encode(m, out);
	}
	if (!err) {
		size_t ct_len = body_len - k.encr->iv_len - (k.integ ? k.integ->icv_len : k.encr->icv_len);
		dump_plain(sa, sub, "encrypting", in.buf, in.len, ct_len);
		size_t off = out->len - body_len;
		err = sk_protect(sa->e->d.crypto, &k, rng, sa->e, out->buf, off, in.buf, in.len,
				 out->buf + off, body_len, &n);
	}
	if (sk)
		m->npl--;      /* the placeholder view dies with room */
	free(room);
	wr_free(&in);
	return err;
}

/* ---- IKE fragmentation (RFC 7383) ------------------------------------------ */

/* The fragments of one message travel through the window (which keeps
 * what it must retransmit as one buffer) as a train: TRAIN_MAGIC_LEN zero
 * octets, then a 2-octet length and the datagram, for each fragment. An
 * IKE message of an SA never starts so: its SPIi is never zero. */
#define TRAIN_MAGIC_LEN 8

static bool is_train(const uint8_t *buf, size_t len)
{
	static const uint8_t zero[TRAIN_MAGIC_LEN];
	return len > TRAIN_MAGIC_LEN && !memcmp(buf, zero, TRAIN_MAGIC_LEN);
}

/* The IP datagram a message of len octets becomes: IP and UDP headers and
 * the non-ESP marker of port 4500 (counted always: the port may change). */
static size_t ip_size(const struct ike_sa *sa, size_t len)
{
	return len + (sa->remote.addr.family == AF_INET6 ? 40 : 20) + 8 + 4;
}

/* Inner octets per fragment so that each datagram fits sa->frag_size: the
 * IKE header, the SKF header (RFC 7383 2.5), IV, ICV, and CBC padding to
 * whole blocks with its length octet. 0 when nothing fits. */
static size_t frag_max_plain(const struct ike_sa *sa, const struct sk_keys *k)
{
	size_t icv = k->integ ? k->integ->icv_len : k->encr->icv_len;
	size_t over = ip_size(sa, 28 + 8) + k->encr->iv_len + icv;
	size_t block = k->encr->block_len ? k->encr->block_len : 1;
	if (sa->frag_size < over + 2 * block)
		return 0;
	return (sa->frag_size - over) / block * block - 1;
}

static int fragment(struct ike_sa *sa, struct msg *m, const char *sub, size_t whole,
		    struct wr *train)
{
	struct sk_keys k;
	struct wr out[SKF_MAX_FRAGMENTS];
	size_t n = 0;
	sk_keys_of(sa, true, &k);
	size_t max_plain = frag_max_plain(sa, &k);
	for (size_t i = 0; i < SKF_MAX_FRAGMENTS; i++)
		wr_init(&out[i]);
	int err = max_plain ? msg_encrypt_fragments(m, sa->e->d.crypto, &k, rng, sa->e,
						    max_plain, out, SKF_MAX_FRAGMENTS, &n)
			    : -RTX_ERANGE;
	if (!err) {
		wr_zero(train, TRAIN_MAGIC_LEN);
		for (size_t i = 0; i < n; i++) {
			wr_u16(train, (uint16_t)out[i].len);
			wr_bytes(train, out[i].buf, out[i].len);
		}
		err = train->err;
	}
	if (!err)
		log_text(sa->e->d.log, LOG_DEBUG,
			 "[IKE2] %s message of %zu octets sent in %zu fragments (fragment size %u)",
			 sub, whole, n, sa->frag_size);
	for (size_t i = 0; i < SKF_MAX_FRAGMENTS; i++)
		wr_free(&out[i]);
	return err;
}

/* Puts a message, or each datagram of a train, on the wire. */
static int send_bytes(struct ike_sa *sa, const char *sub, const uint8_t *buf, size_t len)
{
	struct transport *t = sa->e->d.transport;
	if (!is_train(buf, len)) {
		dump_msg(sa->e->d.log, ike_sa_log_types(sa), sub, "send message:", buf, len);
		return t->ops->send(t, &sa->local, &sa->remote, buf, len);
	}
	int err = 0;
	for (size_t off = TRAIN_MAGIC_LEN; !err && off + 2 <= len;) {
		size_t n = (size_t)buf[off] << 8 | buf[off + 1];
		off += 2;
		if (n > len - off)
			return -RTX_EINVAL;
		dump_msg(sa->e->d.log, ike_sa_log_types(sa), sub, "send message:", buf + off, n);
		err = t->ops->send(t, &sa->local, &sa->remote, buf + off, n);
		off += n;
	}
	return err;
}

static int encode(struct ike_sa *sa, struct msg *m, const char *sub, struct wr *w)
{
	if (ike_sa_log_types(sa) & LOGTYPE_PAYLOAD)
		payload_dump_log(m, true, sa->e->d.log, sub);
	if (m->hdr.exchange == IKEV2_EXCH_IKE_SA_INIT)
		return msg_encode(m, w);
	if (!(sa->flags & IKE_SAF_KEYED))
		return -RTX_EINVAL;
	int err = seal(sa, m, sub, w);
	/* RFC 7383 2.5: fragment only what does not fit, once both said so */
	if (err || !sa->frag || ip_size(sa, w->len) <= sa->frag_size)
		return err;
	struct wr train;
	wr_init(&train);
	if (!(err = fragment(sa, m, sub, w->len, &train))) {
		wr_free(w);
		*w = train;
	} else {
		wr_free(&train);
	}
	return err;
}

static int keep(uint8_t **dst, size_t *dst_len, const uint8_t *buf, size_t len)
{
	uint8_t *copy = bytes_dup(buf, len);
	if (!copy)
		return -RTX_ENOMEM;
	free(*dst);
	*dst = copy;
	*dst_len = len;
	return 0;
}

static const char *tag_of(uint8_t exchange);

/* A retransmission (of a request, or of the cached response to a repeated
 * request) is dumped under its exchange's prefix, read from the header. */
int msg_io_send_raw(struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	char sub[40];
	const uint8_t *first = buf;
	size_t first_len = len;
	if (is_train(buf, len) && len >= TRAIN_MAGIC_LEN + 2) {
		first = buf + TRAIN_MAGIC_LEN + 2;
		first_len = len - TRAIN_MAGIC_LEN - 2;
	}
	if (first_len >= IKEV2_HDR_LEN)
		ike_sa_xsub(sa, tag_of(first[18]), sub, sizeof(sub));
	else
		ike_sa_sub(sa, sub, sizeof(sub));
	return send_bytes(sa, sub, buf, len);
}

int msg_io_send(struct ike_sa *sa, struct msg *m, const char *sub)
{
	struct wr w;
	bool response = msg_is_response(m);
	wr_init(&w);
	m->hdr.spi_i = sa->spi_i;
	m->hdr.spi_r = sa->spi_r;
	int err = encode(sa, m, sub, &w);
	if (!err && m->hdr.exchange == IKEV2_EXCH_IKE_SA_INIT)
		err = response ? keep(&sa->init_r, &sa->init_r_len, w.buf, w.len)
			       : keep(&sa->init_i, &sa->init_i_len, w.buf, w.len);
	if (!err)
		err = response ? window_sent_response(&sa->win, m->hdr.msgid, w.buf, w.len)
			       : window_sent_request(&sa->win, m->hdr.msgid, w.buf, w.len, sub);
	if (!err)
		send_bytes(sa, sub, w.buf, w.len);
	wr_free(&w);
	return err;
}

int msg_io_send_stateless(struct ike_core *e, const struct endpoint *local,
			  const struct endpoint *remote, struct msg *m, const char *sub)
{
	struct wr w;
	wr_init(&w);
	if (e->d.config->log_types & LOGTYPE_PAYLOAD)
		payload_dump_log(m, true, e->d.log, sub);
	int err = msg_encode(m, &w);
	if (!err) {
		dump_msg(e->d.log, e->d.config->log_types, sub, "send message:", w.buf, w.len);
		err = e->d.transport->ops->send(e->d.transport, local, remote, w.buf, w.len);
	}
	wr_free(&w);
	return err;
}

/* ---- receiving ---------------------------------------------------------- */

/* One SKF fragment (RFC 7383 2.6): checked and decrypted on its own, then
 * kept until the message is whole. 0: whole and decoded, 1: more needed,
 * or a negative rtx_err. Fragments of another message than the one being
 * collected replace it: one message is collected at a time. A window of 1
 * guarantees no more arrive at once; with a larger one (ipsec ike
 * window-size) two fragmented messages that interleave restart each other,
 * which costs retransmissions. Fragmented messages are IKE_AUTH's (before
 * the window grows) and CREATE_CHILD_SA's, of which we send one at a time. */
static int open_skf(struct ike_sa *sa, struct msg_rx *rx)
{
	struct sk_keys k;
	bool response = msg_is_response(&rx->m);
	if (!sa->frag || !(sa->flags & IKE_SAF_KEYED)) {
		/* not negotiated: RFC 7383 2.6 says drop */
		log_ike(sa->e->d.log, rx->sub, LOG_NOT_CONTAINED, "Encrypted");
		return -RTX_EPARSE;
	}
	if (!sa->frag_rx && !(sa->frag_rx = calloc(1, sizeof(*sa->frag_rx))))
		return -RTX_ENOMEM;
	if (sa->frag_rx->total && (sa->frag_rx_msgid != rx->m.hdr.msgid ||
				   sa->frag_rx_response != response))
		skf_reasm_reset(sa->frag_rx);
	sa->frag_rx_msgid = rx->m.hdr.msgid;
	sa->frag_rx_response = response;
	sk_keys_of(sa, false, &k);
	return msg_decrypt(&rx->m, sa->e->d.crypto, &k, sa->frag_rx, sa->e->d.log, rx->sub);
}

static int open_sk(struct ike_sa *sa, struct msg_rx *rx)
{
	const struct payload *sk = msg_find(&rx->m, IKEV2_PAYLOAD_SK, 0);
	struct sk_keys k;
	size_t plain_len;
	if (!sk && msg_find(&rx->m, IKEV2_PAYLOAD_SKF, 0))
		return open_skf(sa, rx);
	if (!sk) {
		log_ike(sa->e->d.log, rx->sub, LOG_NOT_CONTAINED, "Encrypted");
		return -RTX_EPARSE;
	}
	if (!(sa->flags & IKE_SAF_KEYED)) {
		log_ike(sa->e->d.log, rx->sub, LOG_NO_SKEYS);
		return -RTX_EAUTH;
	}
	sk_keys_of(sa, false, &k);
	struct chunk body = sk->u.sk.data;
	uint8_t *plain = arena_alloc(&rx->m.arena, body.len ? body.len : 1);
	if (!plain)
		return -RTX_ENOMEM;
	int err = sk_unprotect(sa->e->d.crypto, &k, rx->buf, (size_t)(body.ptr - rx->buf),
			       body.ptr, body.len, plain, body.len, &plain_len);
	if (err) {
		log_ike(sa->e->d.log, rx->sub, err == -RTX_EAUTH ? LOG_AUTH_WRONG : LOG_CANNOT_PROCESS,
			"Encrypted");
		return err;
	}
	size_t ct_len = body.len - k.encr->iv_len - (k.integ ? k.integ->icv_len : k.encr->icv_len);
	if (ike_sa_log_types(sa) & LOGTYPE_MESSAGE) {
		char title[64];
		snprintf(title, sizeof(title), "decrypted message: (pad size:%zu):",
			 ct_len - plain_len - 1);
		log_dump(sa->e->d.log, rx->sub, title, plain, ct_len);
	}
	return msg_decode_inner(&rx->m, sk->u.sk.inner_next, plain, plain_len,
				sa->e->d.log, rx->sub);
}

static const char *tag_of(uint8_t exchange)
{
	switch (exchange) {
	case IKEV2_EXCH_IKE_SA_INIT: return "INIT";
	case IKEV2_EXCH_IKE_AUTH: return "AUTH";
	case IKEV2_EXCH_CREATE_CHILD_SA: return "CHLD";
	default: return "INFO";
	}
}

/* An SA DELETING waits only for the answer to its Delete
 * (exchange_info_delete_ike) and answers a crossing INFORMATIONAL request;
 * anything else is dropped. True when rx was dealt with here. */
static bool deleting_rx(struct ike_sa *sa, struct msg_rx *rx, bool response)
{
	const struct ike_hdr *h = &rx->m.hdr;
	if (sa->state != IKE_STATE_DELETING)
		return false;
	if (!response)
		return h->exchange != IKEV2_EXCH_INFORMATIONAL;
	if (!window_awaits(&sa->win, h->msgid) || h->exchange != IKEV2_EXCH_INFORMATIONAL) {
		window_drop(&sa->win, h->msgid, rx->sub);
		return true;
	}
	if (open_sk(sa, rx))
		return true;
	if (ike_sa_log_types(sa) & LOGTYPE_PAYLOAD)
		payload_dump_log(&rx->m, false, sa->e->d.log, rx->sub);
	if (window_accept_response(&sa->win, h->msgid, rx->sub)) {
		log_ike(sa->e->d.log, rx->sub, LOG_EXCHANGE_TERMINATED);
		ike_sa_delete(sa);
	}
	return true;
}

/* Window, decryption and exchange for a message of a known SA. */
static void dispatch(struct ike_sa *sa, struct msg_rx *rx)
{
	struct ike_core *e = sa->e;
	const struct ike_hdr *h = &rx->m.hdr;
	bool response = msg_is_response(&rx->m);
	ike_sa_xsub(sa, tag_of(h->exchange), rx->sub, sizeof(rx->sub));
	dump_msg(e->d.log, ike_sa_log_types(sa), rx->sub, "receive message:", rx->buf, rx->len);
	if (deleting_rx(sa, rx, response))
		return;
	/* RFC 7383 2.6.1: a retransmitted fragmented request is answered
	 * once, on its first fragment */
	const struct payload *skf = msg_find(&rx->m, IKEV2_PAYLOAD_SKF, 0);
	if (!response && skf && skf->u.skf.frag_num != 1 &&
	    window_answered(&sa->win, h->msgid))
		return;
	/* A request while a worker computes for this SA (the peer's
	 * retransmission of what it answers): the answer goes out when
	 * ready, and answers the next one. */
	if (!response && sa->job_busy)
		return;
	if (!response && window_check_request(&sa->win, h->msgid, rx->sub, rx->buf, rx->len,
					      &rx->remote, &sa->remote) != WINDOW_NEW)
		return;
	/* the exchange that sent the request this answers */
	const struct exchange_ops *ops = response ? window_tag(&sa->win, h->msgid) : NULL;
	if (response && (!ops || ops->type != h->exchange)) {
		window_drop(&sa->win, h->msgid, rx->sub);
		return;
	}
	if (h->exchange != IKEV2_EXCH_IKE_SA_INIT) {
		int rc = open_sk(sa, rx);
		if (rc == 1)
			return;    /* a fragment kept; the message is not whole yet */
		if (rc) {
			/* A codec notify after SK opened: the request was genuine. */
			if (!response && rx->m.notify)
				exchange_info_answer_error(sa, rx);
			return;
		}
		exchange_info_on_authenticated(sa, rx);
	}
	if (ike_sa_log_types(sa) & LOGTYPE_PAYLOAD)
		payload_dump_log(&rx->m, false, e->d.log, rx->sub);
	if (response) {
		if (window_accept_response(&sa->win, h->msgid, rx->sub))
			exchange_on_response(sa, rx, ops);
	} else {
		exchange_on_request(sa, rx);
	}
}

/* Logs what makes a datagram no IKE message at all ("IKE header size is
 * not enough 10/28", "message size unmatched 148/144"): no SA can be
 * named for it, so the line has no sub-prefix. */
static bool peek_header(struct log *log, const uint8_t *buf, size_t len, struct ike_hdr *h)
{
	if (len < IKEV2_HDR_LEN) {
		log_ike(log, NULL, LOG_IKE_HDR_SHORT, len, (size_t)IKEV2_HDR_LEN);
		return false;
	}
	struct arena a = { 0 };
	struct pctx c = { .arena = &a, .log = log };
	struct rd rd = rd_init(buf, len);
	bool ok = ike_hdr_decode(&c, &rd, h) == 0;
	arena_free(&a);
	return ok;
}

void msg_rx_keep(struct msg_rx *from, struct msg_rx *to)
{
	*to = (struct msg_rx){ .local = from->local, .remote = from->remote };
	memcpy(to->sub, from->sub, sizeof(to->sub));
	msg_move_inner(&from->m, &to->m);
}

void msg_io_recv(void *arg, const struct endpoint *local, const struct endpoint *remote,
		 const uint8_t *buf, size_t len)
{
	struct ike_core *e = arg;
	struct msg_rx rx = { .buf = buf, .len = len, .local = *local, .remote = *remote };
	struct ike_hdr h;
	char src[48];
	/* What this datagram makes us log is rate-limited per sender. */
	log_set_source(e->d.log, ip_addr_str(&remote->addr, src, sizeof(src)));
	if (!peek_header(e->d.log, buf, len, &h)) {
		log_set_source(e->d.log, NULL);
		return;
	}
	bool from_i = h.flags & IKEV2_FLAG_INITIATOR;
	bool response = h.flags & IKEV2_FLAG_RESPONSE;
	struct ike_sa *sa = NULL;
	if (h.exchange == IKEV2_EXCH_IKE_SA_INIT && !response && !h.spi_r)
		sa = ike_sa_find_half_open(e, h.spi_i, remote);
	else if (!(h.exchange == IKEV2_EXCH_IKE_SA_INIT && !response))
		sa = ike_sa_find(e, h.spi_i, h.spi_r, from_i);
	bool fresh = !sa && h.exchange == IKEV2_EXCH_IKE_SA_INIT && !response && !h.spi_r &&
		     from_i;
	/* A new IKE_SA_INIT is logged under the number its SA is about to
	 * get (the seed's GW:star/SA:n/INIT form before the gateway is
	 * known); a message for no SA of ours under none at all. */
	if (sa)
		ike_sa_xsub(sa, tag_of(h.exchange), rx.sub, sizeof(rx.sub));
	else if (fresh)
		snprintf(rx.sub, sizeof(rx.sub), "GW:*/SA:%u/INIT", ike_core_number_peek(e));
	/* An exchange type we have no rules for, on one of our SAs: the
	 * seed's line, and the message is dropped unanswered. */
	if (sa && !msg_rules_find(h.exchange, response)) {
		log_ike(e->d.log, rx.sub, LOG_NO_EXCHANGE);
		log_set_source(e->d.log, NULL);
		return;
	}
	int err = msg_decode(&rx.m, buf, len, e->d.log, rx.sub);
	if (err) {
		msg_free(&rx.m);
		log_set_source(e->d.log, NULL);
		return;
	}
	if (fresh) {
		if (e->d.config->log_types & LOGTYPE_MESSAGE)
			log_dump(e->d.log, rx.sub, "receive message:", buf, len);
		if (e->d.config->log_types & LOGTYPE_PAYLOAD)
			payload_dump_log(&rx.m, false, e->d.log, rx.sub);
		exchange_init_new(e, &rx);
	} else if (!sa) {
		log_ike(e->d.log, rx.sub, LOG_NO_IKE_SA);
	} else {
		ike_sa_hold(sa);
		dispatch(sa, &rx);
		ike_sa_put(sa);
	}
	msg_free(&rx.m);
	log_set_source(e->d.log, NULL);
}
