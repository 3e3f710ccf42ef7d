/* payload-info: a readable account of each payload of a message, for
 * `ipsec ike log ... payload-info` (Yamaha prints "generate|process IKE
 * header[msgID:n]" and "generate|process X payload" lines; the indented
 * detail lines below each are ours). */
#include "engine/msg.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/names.h"

struct out {
	dump_line_fn fn;
	void *ctx;
};

static void line(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->fn(o->ctx, buf);
}

/* Up to 32 bytes in hex, then an ellipsis: enough to recognize a value. */
static const char *hex(struct chunk c, char *buf, size_t len)
{
	size_t n = c.len < 32 ? c.len : 32, w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && w + 3 < len; i++)
		w += (size_t)snprintf(buf + w, len - w, "%02x", c.ptr[i]);
	if (n < c.len && w + 4 < len)
		snprintf(buf + w, len - w, "...");
	return buf;
}

/* "ENCR_AES_CBC", or "ENCR_23" for an id no table knows. */
static const char *transform_name(unsigned type, unsigned id, char *buf, size_t len)
{
	const char *name = names_transform(type, id);
	if (name)
		return name;
	char tn[12];
	snprintf(buf, len, "%s_%u", names_or_num(names_transform_type(type), type, tn, sizeof(tn)), id);
	return buf;
}

#define NAME(fn, v) names_or_num(fn(v), v, num, sizeof(num))

static void dump_sa(struct out *o, const struct payload_sa *sa)
{
	char num[24], spi[40];
	for (size_t i = 0; i < sa->nproposals; i++) {
		const struct sa_proposal *p = &sa->proposals[i];
		line(o, "  proposal[%u] protocol:%s SPI:%s", p->num,
		     NAME(names_protocol, p->protocol),
		     hex((struct chunk){ p->spi, p->spi_size }, spi, sizeof(spi)));
		for (size_t j = 0; j < p->ntransforms; j++) {
			const struct sa_transform *t = &p->transforms[j];
			char kl[24] = "";
			uint16_t bits = sa_transform_keylen(t);
			if (bits)
				snprintf(kl, sizeof(kl), " keylen:%u", bits);
			line(o, "    %s%s", transform_name(t->type, t->id, num, sizeof(num)), kl);
		}
	}
}

static void dump_ts(struct out *o, const struct payload_ts *p)
{
	for (size_t i = 0; i < p->nts; i++) {
		const struct ts_selector *ts = &p->ts[i];
		int af = ts->type == IKEV2_TS_IPV6_ADDR_RANGE ? AF_INET6 : AF_INET;
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
		inet_ntop(af, ts->start, a, sizeof(a));
		inet_ntop(af, ts->end, b, sizeof(b));
		line(o, "  %s-%s protocol:%u port:%u-%u", a, b, ts->ip_proto,
		     ts->start_port, ts->end_port);
	}
}

static void dump_id(struct out *o, const struct payload_id *id)
{
	char num[16], buf[80], text[260];
	const char *t = NAME(names_id_type, id->id_type);
	if (id->id_type == IKEV2_ID_IPV4_ADDR && id->data.len == 4)
		inet_ntop(AF_INET, id->data.ptr, text, sizeof(text));
	else if (id->id_type == IKEV2_ID_IPV6_ADDR && id->data.len == 16)
		inet_ntop(AF_INET6, id->data.ptr, text, sizeof(text));
	else if (id->id_type == IKEV2_ID_FQDN || id->id_type == IKEV2_ID_RFC822_ADDR) {
		size_t n = id->data.len < sizeof(text) - 1 ? id->data.len : sizeof(text) - 1;
		for (size_t i = 0; i < n; i++)   /* the peer's bytes: keep the log printable */
			text[i] = id->data.ptr[i] >= 0x20 && id->data.ptr[i] < 0x7f ?
				  (char)id->data.ptr[i] : '.';
		text[n] = '\0';
	} else
		snprintf(text, sizeof(text), "%s", hex(id->data, buf, sizeof(buf)));
	line(o, "  type:%s data:%s", t, text);
}

static void dump_notify(struct out *o, const struct payload_notify *n)
{
	char num[16], buf[80], spi[40];
	line(o, "  type:%s", NAME(names_notify, n->type));
	if (n->spi_size)
		line(o, "  protocol:%s SPI:%s", NAME(names_protocol, n->protocol),
		     hex((struct chunk){ n->spi, n->spi_size }, spi, sizeof(spi)));
	if (n->data.len)
		line(o, "  data:%s", hex(n->data, buf, sizeof(buf)));
}

static void dump_delete(struct out *o, const struct payload_delete *d)
{
	char num[16];
	line(o, "  protocol:%s SPIs:%u", NAME(names_protocol, d->protocol), d->nspis);
	for (size_t i = 0; i < d->nspis && d->spi_size == 4; i++)
		line(o, "  SPI:%08x", payload_delete_spi(d, i));
}

static void dump_cp(struct out *o, const struct payload_cp *cp)
{
	char num[16], buf[80];
	line(o, "  type:%s", NAME(names_cp_type, cp->cfg_type));
	for (size_t i = 0; i < cp->nattrs; i++)
		line(o, "  %s:%s", NAME(names_cp_attr, cp->attrs[i].type),
		     hex(cp->attrs[i].value, buf, sizeof(buf)));
}

static void dump_body(struct out *o, const struct payload *p)
{
	char num[24], buf[80];
	switch (p->type) {
	case IKEV2_PAYLOAD_SA: dump_sa(o, &p->u.sa); break;
	case IKEV2_PAYLOAD_KE:
		line(o, "  DH group:%s length:%zu",
		     transform_name(IKEV2_TRANSFORM_DH, p->u.ke.group, num, sizeof(num)),
		     p->u.ke.data.len);
		break;
	case IKEV2_PAYLOAD_IDI: case IKEV2_PAYLOAD_IDR: dump_id(o, &p->u.id); break;
	case IKEV2_PAYLOAD_CERT: case IKEV2_PAYLOAD_CERTREQ:
		line(o, "  encoding:%s length:%zu", NAME(names_cert_encoding, p->u.cert.encoding),
		     p->u.cert.data.len);
		break;
	case IKEV2_PAYLOAD_AUTH:
		line(o, "  method:%s length:%zu", NAME(names_auth_method, p->u.auth.method),
		     p->u.auth.data.len);
		break;
	case IKEV2_PAYLOAD_NONCE:
		line(o, "  length:%zu data:%s", p->u.nonce.data.len, hex(p->u.nonce.data, buf, sizeof(buf)));
		break;
	case IKEV2_PAYLOAD_NOTIFY: dump_notify(o, &p->u.notify); break;
	case IKEV2_PAYLOAD_DELETE: dump_delete(o, &p->u.del); break;
	case IKEV2_PAYLOAD_VENDOR: line(o, "  data:%s", hex(p->u.vendor.data, buf, sizeof(buf))); break;
	case IKEV2_PAYLOAD_TSI: case IKEV2_PAYLOAD_TSR: dump_ts(o, &p->u.ts); break;
	case IKEV2_PAYLOAD_CP: dump_cp(o, &p->u.cp); break;
	case IKEV2_PAYLOAD_EAP:
		line(o, "  code:%s id:%u type:%u length:%zu", NAME(names_eap_code, p->u.eap.code),
		     p->u.eap.id, p->u.eap.eap_type, p->u.eap.data.len);
		break;
	case IKEV2_PAYLOAD_SK: line(o, "  length:%zu", p->u.sk.data.len); break;
	case IKEV2_PAYLOAD_SKF:
		line(o, "  fragment:%u/%u length:%zu", p->u.skf.frag_num, p->u.skf.frag_total,
		     p->u.skf.data.len);
		break;
	default: break;
	}
}

void payload_dump(const struct payload *p, bool generate, dump_line_fn fn, void *ctx)
{
	struct out o = { fn, ctx };
	char num[16];
	line(&o, "%s %s payload", generate ? "generate" : "process",
	     NAME(names_payload, p->type));
	dump_body(&o, p);
}

void payload_dump_msg(const struct msg *m, bool generate, dump_line_fn fn, void *ctx)
{
	struct out o = { fn, ctx };
	char num[16];
	const struct ike_hdr *h = &m->hdr;
	line(&o, "%s IKE header[msgID:%u]", generate ? "generate" : "process", h->msgid);
	line(&o, "  SPIi:%016llx SPIr:%016llx", (unsigned long long)h->spi_i,
	     (unsigned long long)h->spi_r);
	line(&o, "  exchange:%s flags:%s%s%s version:%u.%u",
	     NAME(names_exchange, h->exchange), h->flags & IKEV2_FLAG_INITIATOR ? "I" : "",
	     h->flags & IKEV2_FLAG_RESPONSE ? "R" : "", h->flags & IKEV2_FLAG_VERSION ? "V" : "",
	     h->version >> 4, h->version & 0xf);
	for (size_t i = 0; i < m->npl; i++)
		payload_dump(&m->pl[i], generate, fn, ctx);
}

struct log_sink {
	struct log *l;
	const char *sub;
};

static void to_log(void *ctx, const char *text)
{
	struct log_sink *s = ctx;
	bool has = s->sub && *s->sub;
	log_text(s->l, LOG_DEBUG, "[IKE2] %s%s%s", has ? s->sub : "", has ? " " : "", text);
}

void payload_dump_log(const struct msg *m, bool generate, struct log *l, const char *sub)
{
	if (!l || !log_debug_enabled(l))
		return;
	struct log_sink s = { l, sub };
	/* The seed's "initiator x" / "responder x": our role in the exchange
	 * the message belongs to (we send requests and receive responses as
	 * its initiator), x its name. */
	char num[16], text[48];
	bool initiator = generate != msg_is_response(m);
	snprintf(text, sizeof(text), "%s %s", initiator ? "initiator" : "responder",
		 names_or_num(names_exchange(m->hdr.exchange), m->hdr.exchange, num, sizeof(num)));
	to_log(&s, text);
	payload_dump_msg(m, generate, to_log, &s);
}
