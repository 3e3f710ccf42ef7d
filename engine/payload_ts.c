/* Traffic Selector payloads TSi/TSr (RFC 7296 3.13): a count, then
 * selectors whose length is fixed by their type (16 for IPv4, 40 for IPv6). */
#include "engine/payload_ts.h"

#include "base/err.h"
#include "engine/iana.h"

static size_t ts_addr_len(uint8_t type)
{
	switch (type) {
	case IKEV2_TS_IPV4_ADDR_RANGE: return 4;
	case IKEV2_TS_IPV6_ADDR_RANGE: return 16;
	default: return 0;
	}
}

static uint8_t ts_name(const struct pctx *c)
{
	return c->cur == IKEV2_PAYLOAD_TSR ? IKEV2_PAYLOAD_TSR : IKEV2_PAYLOAD_TSI;
}

static int selector_decode(struct pctx *c, struct rd *rd, struct ts_selector *ts)
{
	uint16_t len;
	if (rd_left(rd) < 8) {
		pctx_log(c, LOG_FIELD_HDR_SHORT, rd_left(rd), (size_t)8);
		return pctx_syntax(c);
	}
	rd_u8(rd, &ts->type);
	rd_u8(rd, &ts->ip_proto);
	rd_u16(rd, &len);
	rd_u16(rd, &ts->start_port);
	rd_u16(rd, &ts->end_port);
	size_t alen = ts_addr_len(ts->type);
	if (!alen)
		return pctx_cannot_process(c, ts_name(c));
	if (len != 8 + 2 * alen) {
		pctx_log(c, LOG_FIELD_UNMATCHED, (size_t)len, 8 + 2 * alen);
		return pctx_syntax(c);
	}
	if (rd_left(rd) < 2 * alen) {
		pctx_log(c, LOG_FIELD_SHORT, rd_left(rd) + 8, (size_t)len);
		return pctx_syntax(c);
	}
	rd_bytes(rd, ts->start, alen);
	rd_bytes(rd, ts->end, alen);
	return 0;
}

int payload_ts_decode(struct pctx *c, struct rd *rd, struct payload_ts *p)
{
	uint8_t n;
	*p = (struct payload_ts){ 0 };
	if (!rd_u8(rd, &n) || !rd_bytes(rd, (uint8_t[3]){ 0 }, 3))
		return pctx_syntax(c);
	if (n && !(p->ts = arena_alloc(c->arena, n * sizeof(*p->ts))))
		return -RTX_ENOMEM;
	for (p->nts = 0; p->nts < n; p->nts++) {
		int err = selector_decode(c, rd, &p->ts[p->nts]);
		if (err)
			return err;
	}
	return payload_ts_verify(c, p);
}

int payload_ts_verify(struct pctx *c, const struct payload_ts *p)
{
	if (p->nts == 0 || p->nts > 255)
		return pctx_cannot_process(c, ts_name(c));
	for (size_t i = 0; i < p->nts; i++)
		if (!ts_addr_len(p->ts[i].type))
			return pctx_cannot_process(c, ts_name(c));
	return 0;
}

int payload_ts_encode(struct wr *w, const struct payload_ts *p)
{
	if (p->nts > 255)
		return -RTX_EINVAL;
	wr_u8(w, (uint8_t)p->nts);
	wr_zero(w, 3);
	for (size_t i = 0; i < p->nts; i++) {
		const struct ts_selector *ts = &p->ts[i];
		size_t alen = ts_addr_len(ts->type);
		if (!alen)
			return -RTX_EINVAL;
		wr_u8(w, ts->type);
		wr_u8(w, ts->ip_proto);
		wr_u16(w, (uint16_t)(8 + 2 * alen));
		wr_u16(w, ts->start_port);
		wr_u16(w, ts->end_port);
		wr_bytes(w, ts->start, alen);
		wr_bytes(w, ts->end, alen);
	}
	return w->err;
}
