/* Token types of the grammar: what each parameter kind accepts, how a value
 * is spelled back (normalized), and how `?` describes it. */
#include "shell/grammar.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/model.h"

/* Enum values are "canonical|alias|..."; a trailing '*' on the canonical
 * spelling marks a value that needs the model's long SHA-2 support.
 * Where the alternative at p ends: at '|', at the end, or at that '*'. */
static bool alt_end(const char *p)
{
	return !*p || *p == '|' || (*p == '*' && (!p[1] || p[1] == '|'));
}

/* One pass over the alternatives, no strlen or strcspn: every line of a
 * config checks and normalizes its words through here, several times. */
int tok_enum_index(const char *const *vals, const char *v)
{
	for (size_t i = 0; vals && vals[i]; i++) {
		const char *p = vals[i];
		while (*p) {
			const char *q = v;
			while (!alt_end(p) && *q &&
			       (*p == *q || tolower((unsigned char)*p) == tolower((unsigned char)*q)))
				p++, q++;
			if (alt_end(p) && !*q)
				return (int)i;
			p = strchrnul(p, '|');
			p += *p == '|';
		}
	}
	return -1;
}

const char *tok_enum_find(const char *const *vals, const char *v)
{
	int i = tok_enum_index(vals, v);
	return i < 0 ? NULL : vals[i];
}

/* Whether the model takes the enum value val (a vals entry, or NULL). */
static bool val_ok(const struct rtx_model *m, const char *val)
{
	if (!val)
		return true;
	size_t len = strcspn(val, "|");
	if (len && val[len - 1] == '*')
		return m->sha2_long;
	return true;
}

bool tok_needs_ok(const struct rtx_model *m, const struct tok *t, const char *v)
{
	return val_ok(m, tok_enum_find(t->vals, v));
}

/* Decimal digits only: Yamaha numbers have no sign or base prefix. */
static enum gerr parse_num(const char *s, long long *out)
{
	if (!*s)
		return GE_INVALID;
	long long v = 0;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return GE_INVALID;
		if (v > (INT64_MAX - 9) / 10)
			return GE_RANGE;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return GE_OK;
}

static void num_range(const struct rtx_model *m, const struct tok *t,
		      long long *lo, long long *hi)
{
	*lo = t->lo;
	*hi = t->hi;
	switch (t->kind) {
	case TK_GW:
		*lo = 1;
		*hi = m->tunnel_max;
		break;
	case TK_QLEN:
		*lo = m->queue_min;
		*hi = m->queue_max;
		break;
	case TK_USER:
		*lo = 1;
		*hi = m->auth_user_max;
		break;
	case TK_IDLIST:
		/* hi 0: user ids, hi -1: tunnel numbers */
		if (t->hi <= 0) {
			*lo = 1;
			*hi = t->hi == 0 ? m->auth_user_max : m->tunnel_max;
		}
		break;
	default:
		break;
	}
}

static enum gerr check_num(const struct rtx_model *m, const struct tok *t,
			   const char *w)
{
	long long v, lo, hi;
	enum gerr e = parse_num(w, &v);
	if (e)
		return e;
	num_range(m, t, &lo, &hi);
	return v < lo || v > hi ? GE_RANGE : GE_OK;
}

static bool parse_addr(const char *s, unsigned char buf[16], int *family)
{
	if (inet_pton(AF_INET, s, buf) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

/* address[/len]; with need_len the length is mandatory. */
static enum gerr check_prefix(const char *w, bool need_len, bool v4_only, bool v6_only)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(w, '/');
	size_t alen = slash ? (size_t)(slash - w) : strlen(w);
	unsigned char buf[16];
	int fam;
	if (alen >= sizeof(addr))
		return GE_INVALID;
	memcpy(addr, w, alen);
	addr[alen] = '\0';
	if (!parse_addr(addr, buf, &fam) || (v4_only && fam != AF_INET) ||
	    (v6_only && fam != AF_INET6))
		return GE_INVALID;
	if (!slash)
		return need_len ? GE_INVALID : GE_OK;
	long long len;
	enum gerr e = parse_num(slash + 1, &len);
	if (e == GE_INVALID && fam == AF_INET &&
	    inet_pton(AF_INET, slash + 1, buf) == 1)
		return GE_OK;  /* dotted netmask */
	if (e)
		return e;
	return len > (fam == AF_INET ? 32 : 128) ? GE_RANGE : GE_OK;
}

/* Only digits and dots: meant as an IPv4 address, so it must be one
 * (300.1.1.1 is not a host name). Four numbers with one above 255 are out
 * of range; other shapes are invalid. */
static enum gerr check_dotted(const char *w)
{
	unsigned char buf[4];
	if (inet_pton(AF_INET, w, buf) == 1)
		return GE_OK;
	unsigned parts = 0;
	bool big = false;
	for (const char *p = w; *p; p += *p == '.') {
		size_t len = strspn(p, "0123456789");
		if (len == 0 || len > 10)
			return GE_INVALID;
		big |= strtoul(p, NULL, 10) > 255;
		parts++;
		p += len;
		if (*p == '.' && !p[1])
			return GE_INVALID;
	}
	return parts == 4 && big ? GE_RANGE : GE_INVALID;
}

static enum gerr check_host(const char *w)
{
	size_t len = strlen(w);
	if (len == 0 || len > 255)
		return len ? GE_RANGE : GE_INVALID;
	if (strspn(w, "0123456789.") == len)
		return check_dotted(w);
	for (const char *p = w; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' &&
		    *p != ':' && *p != '_')
			return GE_INVALID;
	return GE_OK;
}

static enum gerr check_pool(const char *w)
{
	char tmp[2 * INET6_ADDRSTRLEN + 8];
	size_t len = strcspn(w, "/");
	unsigned char buf[16];
	int fam, fam2;
	if (len >= sizeof(tmp))
		return GE_INVALID;
	memcpy(tmp, w, len);
	tmp[len] = '\0';
	char *dash = strchr(tmp, '-');
	if (dash) {
		*dash = '\0';
		if (!parse_addr(dash + 1, buf, &fam2))
			return GE_INVALID;
	}
	if (!parse_addr(tmp, buf, &fam) || (dash && fam != fam2))
		return GE_INVALID;
	if (!w[len])
		return GE_OK;
	long long bits;
	enum gerr e = parse_num(w + len + 1, &bits);
	if (e)
		return e;
	return bits > (fam == AF_INET ? 32 : 128) ? GE_RANGE : GE_OK;
}

static enum gerr check_hex(const struct tok *t, const char *w)
{
	if (strncasecmp(w, "0x", 2) != 0 || !w[2])
		return GE_INVALID;
	size_t n = 0;
	for (const char *p = w + 2; *p; p++, n++)
		if (!isxdigit((unsigned char)*p))
			return GE_INVALID;
	return (long long)((n + 1) / 2) > t->hi ? GE_RANGE : GE_OK;
}

static enum gerr check_idlist(const struct rtx_model *m, const struct tok *t,
			      const char *w)
{
	const char *dash = strchr(w, '-');
	if (!dash)
		return check_num(m, t, w);
	char first[24];
	size_t len = (size_t)(dash - w);
	if (len == 0 || len >= sizeof(first))
		return GE_INVALID;
	memcpy(first, w, len);
	first[len] = '\0';
	enum gerr e = check_num(m, t, first);
	if (e == GE_OK)
		e = check_num(m, t, dash + 1);
	if (e == GE_OK && atoll(first) > atoll(dash + 1))
		return GE_INVALID;
	return e;
}

static enum gerr check_percent(const struct tok *t, const char *w)
{
	size_t len = strlen(w);
	if (len < 2 || w[len - 1] != '%' || len > 20)
		return GE_INVALID;
	char num[24];
	memcpy(num, w, len - 1);
	num[len - 1] = '\0';
	long long v;
	enum gerr e = parse_num(num, &v);
	if (e)
		return e;
	return v < t->lo || v > t->hi ? GE_RANGE : GE_OK;
}

static enum gerr check_lan(const char *w)
{
	if (strncasecmp(w, "lan", 3) != 0 || !w[3])
		return GE_INVALID;
	long long v;
	enum gerr e = parse_num(w + 3, &v);
	if (e)
		return e;
	return v < 1 || v > 9 ? GE_RANGE : GE_OK;
}

enum gerr tok_check(const struct rtx_model *m, const struct tok *t,
		    const char *w)
{
	if (t->kind != TK_KW && t->kind != TK_ENUM && tok_enum_find(t->vals, w))
		return GE_OK;
	switch (t->kind) {
	case TK_KW:
		return strcasecmp(t->name, w) == 0 ? GE_OK : GE_CMDNAME;
	case TK_ENUM: {
		const char *val = tok_enum_find(t->vals, w);
		return val && val_ok(m, val) ? GE_OK : GE_INVALID;
	}
	case TK_INT:
	case TK_GW:
	case TK_QLEN:
	case TK_USER:
		return check_num(m, t, w);
	case TK_IDLIST:
		return check_idlist(m, t, w);
	case TK_IPV4:
	case TK_IP: {
		unsigned char buf[16];
		int fam;
		if (!parse_addr(w, buf, &fam))
			return GE_INVALID;
		return t->kind == TK_IPV4 && fam != AF_INET ? GE_INVALID : GE_OK;
	}
	case TK_IPMASK:
		return check_prefix(w, false, false, t->flags & T_V6);
	case TK_PREFIX:
		return check_prefix(w, true, false, t->flags & T_V6);
	case TK_HOST:
		return check_host(w);
	case TK_POOL:
		return check_pool(w);
	case TK_HEX:
		return check_hex(t, w);
	case TK_TEXT: {
		long long len = (long long)strlen(w);
		if (len == 0 && t->lo > 0)
			return GE_EMPTY;
		if (len < t->lo || len > t->hi)
			return GE_RANGE;
		return GE_OK;
	}
	case TK_PERCENT:
		return check_percent(t, w);
	case TK_LAN:
		return check_lan(w);
	case TK_OPTS:
	case TK_REST:
	case TK_END:
		break;
	}
	return GE_INVALID;
}

/* Where a normalized spelling goes: written while it fits, counted in
 * any case (as snprintf counts), so a matched line's words can be
 * written into one block instead of an allocation each. */
struct sink {
	char *p;
	size_t cap, len;
	bool oom;
};

static void put(struct sink *o, const char *s, size_t n)
{
	if (o->len + n < o->cap) {
		memcpy(o->p + o->len, s, n);
		o->p[o->len + n] = '\0';
	}
	o->len += n;
}

static void puts0(struct sink *o, const char *s)
{
	put(o, s, strlen(s));
}

/* The decimal spelling of the all-digit d as "%lld" of atoll() spells
 * it, without printf for the usual short numbers (leading zeros go). */
static void put_digits(struct sink *o, const char *d)
{
	size_t len = strspn(d, "0123456789");
	while (len > 1 && *d == '0')
		d++, len--;
	if (d[len] || len == 0 || len > 18) {
		char buf[24];
		snprintf(buf, sizeof(buf), "%lld", atoll(d));
		puts0(o, buf);
		return;
	}
	put(o, d, len);
}

/* inet_ntop's spelling, IPv4 without its printf. */
static bool addr_str(int fam, const unsigned char *buf, char *out, size_t cap)
{
	if (fam != AF_INET)
		return inet_ntop(fam, buf, out, (socklen_t)cap) != NULL;
	char *p = out;
	for (int i = 0; i < 4; i++) {
		unsigned b = buf[i];
		if (i)
			*p++ = '.';
		if (b >= 100)
			*p++ = (char)('0' + b / 100);
		if (b >= 10)
			*p++ = (char)('0' + b / 10 % 10);
		*p++ = (char)('0' + b % 10);
	}
	*p = '\0';
	return true;
}

static void norm_addr(struct sink *o, const char *w)
{
	char addr[INET6_ADDRSTRLEN + 8], out[INET6_ADDRSTRLEN];
	size_t alen = strcspn(w, "/");
	unsigned char buf[16];
	int fam;
	if (alen >= sizeof(addr)) {
		puts0(o, w);
		return;
	}
	memcpy(addr, w, alen);
	addr[alen] = '\0';
	if (!parse_addr(addr, buf, &fam) || !addr_str(fam, buf, out, sizeof(out))) {
		puts0(o, w);
		return;
	}
	puts0(o, out);
	if (w[alen] && isdigit((unsigned char)w[alen + 1]) && !strchr(w + alen + 1, '.')) {
		put(o, "/", 1);
		put_digits(o, w + alen + 1);
	} else {
		puts0(o, w + alen);
	}
}

static void norm_num(struct sink *o, const char *w)
{
	if (!isdigit((unsigned char)*w))
		puts0(o, w);
	else
		put_digits(o, w);
}

static void value_addr(const char *w, struct param_val *out);

/* T_HOST: "a/32" and "a/255.255.255.255" are "a" (the address normalized). */
static void norm_host(struct sink *o, const char *w)
{
	struct param_val v = { 0 };
	char small[128], *r = small;
	struct sink tmp = { small, sizeof(small), 0, false };
	norm_addr(&tmp, w);
	if (tmp.len >= sizeof(small)) {
		if (!(r = malloc(tmp.len + 1))) {
			o->oom = true;
			return;
		}
		tmp = (struct sink){ r, tmp.len + 1, 0, false };
		norm_addr(&tmp, w);
	}
	char *slash = strchr(r, '/');
	if (slash) {
		value_addr(r, &v);
		if (v.addr.family && v.plen == (v.addr.family == AF_INET ? 32 : 128))
			*slash = '\0';
	}
	puts0(o, r);
	if (r != small)
		free(r);
}

static void norm_to(struct sink *o, const struct tok *t, const char *w)
{
	const char *val;
	char buf[32];
	if (t->kind == TK_KW) {
		puts0(o, t->name);
		return;
	}
	if ((val = tok_enum_find(t->vals, w))) {
		put(o, val, strcspn(val, "|*"));
		return;
	}
	switch (t->kind) {
	case TK_INT:
	case TK_GW:
	case TK_QLEN:
	case TK_USER:
		norm_num(o, w);
		break;
	case TK_IPMASK:
		if (t->flags & T_HOST)
			norm_host(o, w);
		else
			norm_addr(o, w);
		break;
	case TK_IPV4:
	case TK_IP:
	case TK_PREFIX:
		norm_addr(o, w);
		break;
	case TK_HOST:
		if (strchr(w, ':') || isdigit((unsigned char)*w))
			norm_addr(o, w);
		else
			puts0(o, w);
		break;
	case TK_PERCENT:
		snprintf(buf, sizeof(buf), "%lld%%", atoll(w));
		puts0(o, buf);
		break;
	case TK_LAN:
		snprintf(buf, sizeof(buf), "lan%lld", atoll(w + 3));
		puts0(o, buf);
		break;
	default:
		puts0(o, w);
		break;
	}
}

size_t tok_norm_to(const struct tok *t, const char *w, char *out, size_t cap)
{
	struct sink o = { out, cap, 0, false };
	norm_to(&o, t, w);
	return o.oom ? SIZE_MAX : o.len;
}

char *tok_norm(const struct tok *t, const char *w)
{
	char small[64];
	size_t len = tok_norm_to(t, w, small, sizeof(small));
	if (len == SIZE_MAX)
		return NULL;
	if (len < sizeof(small))
		return strdup(small);
	char *r = malloc(len + 1);
	if (r && tok_norm_to(t, w, r, len + 1) == SIZE_MAX) {
		free(r);
		r = NULL;
	}
	return r;
}

/* ---- typed values -------------------------------------------------------- */

static uint8_t mask_len(const unsigned char *m, size_t bytes)
{
	uint8_t n = 0;
	for (size_t i = 0; i < bytes && m[i] == 0xff; i++)
		n += 8;
	for (unsigned char b = n / 8 < bytes ? m[n / 8] : 0; b & 0x80; b = (unsigned char)(b << 1))
		n++;
	return n;
}

/* address[/len or /dotted mask]; without a length, a host's. */
static void value_addr(const char *w, struct param_val *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(w, '/');
	size_t alen = slash ? (size_t)(slash - w) : strlen(w);
	unsigned char mask[4];
	if (alen >= sizeof(addr))
		return;
	memcpy(addr, w, alen);
	addr[alen] = '\0';
	if (ip_addr_parse(addr, &out->addr)) {
		out->addr.family = 0;
		return;
	}
	out->plen = out->addr.family == AF_INET ? 32 : 128;
	if (slash && strchr(slash, '.') && inet_pton(AF_INET, slash + 1, mask) == 1)
		out->plen = mask_len(mask, sizeof(mask));
	else if (slash)
		out->plen = (uint8_t)strtoul(slash + 1, NULL, 10);
}

/* strtoull(w, NULL, 10) for the stored numbers, without its generic
 * parser for a digit run short enough not to overflow. */
static unsigned long long dec_value(const char *w)
{
	unsigned long long v = 0;
	size_t i = 0;
	for (; i < 20 && isdigit((unsigned char)w[i]); i++)
		v = v * 10 + (unsigned)(w[i] - '0');
	if (i == 0 || i == 20)
		return strtoull(w, NULL, 10);
	return v;
}

void tok_value(const struct tok *t, const char *w, struct param_val *out)
{
	*out = (struct param_val){ .tok = t, .text = w, .idx = tok_enum_index(t->vals, w) };
	if (out->idx >= 0) {
		out->set = 1ull << out->idx;
		return;
	}
	switch (t->kind) {
	case TK_INT:
	case TK_GW:
	case TK_QLEN:
	case TK_USER:
	case TK_PERCENT:            /* N% reads up to the % */
		out->num = dec_value(w);
		break;
	case TK_LAN:
		out->num = dec_value(w + 3);
		break;
	case TK_IPV4:
	case TK_IP:
	case TK_IPMASK:
	case TK_PREFIX:
	case TK_HOST:               /* a host name leaves addr.family 0 */
		value_addr(w, out);
		break;
	default:
		break;
	}
}

static int hex_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

size_t tok_hex_bytes(const char *w, uint8_t *buf, size_t cap)
{
	if (strncasecmp(w, "0x", 2) != 0)
		return 0;
	const char *p = w + 2;
	size_t n = 0;
	bool high = strlen(p) % 2 == 0;
	unsigned acc = 0;
	for (; *p && n < cap; p++) {
		int d = hex_val(*p);
		if (d < 0)
			return 0;
		acc = (acc << 4) | (unsigned)d;
		if (!high)
			buf[n++] = (uint8_t)acc, acc = 0;
		high = !high;
	}
	return n;
}

/* ---- `?` ------------------------------------------------------------------ */

static void describe_vals(const struct tok *t, char *buf, size_t len, size_t used)
{
	for (size_t i = 0; t->vals && t->vals[i] && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%.*s", used ? "|" : "",
				 (int)strcspn(t->vals[i], "|*"), t->vals[i]);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}

const char *tok_describe(const struct rtx_model *m, const struct tok *t,
			 char *buf, size_t len)
{
	long long lo, hi;
	int n = 0;
	switch (t->kind) {
	case TK_KW:
		snprintf(buf, len, "%s", t->name);
		return buf;
	case TK_ENUM:
		buf[0] = '\0';
		describe_vals(t, buf, len, 0);
		return buf;
	case TK_INT:
	case TK_GW:
	case TK_QLEN:
	case TK_USER:
	case TK_IDLIST:
		num_range(m, t, &lo, &hi);
		n = snprintf(buf, len, "<%lld-%lld>", lo, hi);
		break;
	case TK_PERCENT:
		n = snprintf(buf, len, "<%lld%%-%lld%%>", t->lo, t->hi);
		break;
	case TK_OPTS:
		n = snprintf(buf, len, "%s=", t->name);
		break;
	default:
		n = snprintf(buf, len, "<%s>", t->name);
		break;
	}
	if (t->vals && n > 0 && (size_t)n < len)
		describe_vals(t, buf, len, (size_t)n);
	return buf;
}
