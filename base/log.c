#include "base/log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"

struct log {
	struct log_entry *ring;
	size_t cap, head, count;   /* head: index of the oldest entry */
	bool debug;
	FILE *stream;
	struct clock *clock;
};

static const struct {
	enum log_level level;
	const char *fmt;
} catalogue[LOG_ID_COUNT] = {
	[LOG_SA_TEMP_ASSIGNED] = { LOG_INFO, "temporarily assigned" },
	[LOG_SA_ESTABLISHED] = { LOG_INFO, "established" },
	[LOG_DEAD_PEER] = { LOG_INFO, "dead peer detection" },
	[LOG_SA_DELETED] = { LOG_INFO, "deleted" },
	[LOG_NOT_CONFIGURED] = { LOG_DEBUG, "not configured %s" },
	[LOG_INVALID_NAME] = { LOG_DEBUG, "invalid %s" },
	[LOG_BOUND_ON_SA] = { LOG_DEBUG, "bound on SA:%u/IKE" },
	[LOG_BOUND_ON_SA_CHANGED] = { LOG_DEBUG, "bound on SA:%u/IKE (changed)" },
	[LOG_ASSIGNED_GATEWAY] = { LOG_DEBUG, "assigned gateway GW:%u" },
	[LOG_ASSIGNED_POLICY] = { LOG_DEBUG, "assigned policy TN:%u/PY:%u" },
	[LOG_EXCHANGE_STARTED] = { LOG_DEBUG, "exchange started" },
	[LOG_EXCHANGE_TERMINATED] = { LOG_DEBUG, "exchange terminated" },
	[LOG_INHIBITED_REKEY] = { LOG_DEBUG, "inhibited rekey (newer SA exists)" },
	[LOG_NAT_LOCAL] = { LOG_DEBUG, "NAT box detected at local side" },
	[LOG_NO_NAT_LOCAL] = { LOG_DEBUG, "no NAT box detected at local side" },
	[LOG_NAT_REMOTE] = { LOG_DEBUG, "NAT box detected at remote side" },
	[LOG_NO_NAT_REMOTE] = { LOG_DEBUG, "no NAT box detected at remote side" },
	[LOG_I_RETRANSMIT_REQ] = { LOG_DEBUG, "iWindow retransmit request[msgID:%u cnt:%u]" },
	[LOG_R_RETRANSMIT_REQ] = { LOG_DEBUG, "rWindow retransmit request[msgID:%u cnt:%u]" },
	[LOG_I_RETRANSMIT_TIMEOUT] = { LOG_DEBUG, "iWindow retransmission timed out[msgID:%u]" },
	[LOG_R_RETRANSMIT_TIMEOUT] = { LOG_DEBUG, "rWindow retransmission timed out[msgID:%u]" },
	[LOG_I_RETRANSMIT_RESP] = { LOG_DEBUG, "iWindow retransmit response[msgID:%u]" },
	[LOG_R_RETRANSMIT_RESP] = { LOG_DEBUG, "rWindow retransmit response[msgID:%u]" },
	[LOG_I_DROPPED] = { LOG_DEBUG, "iWindow dropped message[msgID:%u]" },
	[LOG_R_DROPPED] = { LOG_DEBUG, "rWindow dropped message[msgID:%u]" },
	[LOG_NO_IKE_SA] = { LOG_DEBUG, "cannot find or create IKE SA" },
	[LOG_NO_SKEYS] = { LOG_DEBUG, "not exists SKEYs" },
	[LOG_AUTH_WRONG] = { LOG_DEBUG, "authentication is wrong" },
	[LOG_NO_EXCHANGE] = { LOG_DEBUG, "cannot find or create exchange" },
	[LOG_CANNOT_PROCESS] = { LOG_DEBUG, "cannot process %s payload" },
	[LOG_PAYLOAD_NOT_CONTAINED] = { LOG_DEBUG, "%s payload is not contained" },
	[LOG_CANNOT_ACCEPT] = { LOG_DEBUG, "cannot accept %s payload" },
	[LOG_TOO_FEW_LENGTH] = { LOG_DEBUG, "too few payload length" },
	[LOG_TOO_MATCH_LENGTH] = { LOG_DEBUG, "too match payload length, ignores extra data" },
	[LOG_SK_EXISTS] = { LOG_DEBUG, "encrypted payload already exists" },
	[LOG_IKE_HDR_SHORT] = { LOG_DEBUG, "IKE header size is not enough %zu/%zu" },
	[LOG_PAYLOAD_HDR_SHORT] = { LOG_DEBUG, "payload header size is not enough %zu/%zu" },
	[LOG_FIELD_HDR_SHORT] = { LOG_DEBUG, "field header size is not enough %zu/%zu" },
	[LOG_MSG_SHORT] = { LOG_DEBUG, "message size is not enough %zu/%zu" },
	[LOG_PAYLOAD_SHORT] = { LOG_DEBUG, "payload size is not enough %zu/%zu" },
	[LOG_FIELD_SHORT] = { LOG_DEBUG, "field size is not enough %zu/%zu" },
	[LOG_MSG_UNMATCHED] = { LOG_DEBUG, "message size unmatched %zu/%zu" },
	[LOG_PAYLOAD_UNMATCHED] = { LOG_DEBUG, "payload size unmatched %zu/%zu" },
	[LOG_FIELD_UNMATCHED] = { LOG_DEBUG, "field size unmatched %zu/%zu" },
	[LOG_NOT_CONTAINED] = { LOG_DEBUG, "not contained %s payload" },
	[LOG_UNMATCHED_AUTH_METHOD] = { LOG_DEBUG, "unmatched auth method" },
	[LOG_UNMATCHED_AUTH_DATA] = { LOG_DEBUG, "unmatched auth data" },
	[LOG_CHILD_NOT_FOUND] = { LOG_DEBUG, "not found CHILD SA, ignored(SPI:%08x)" },
	[LOG_SEND_KEEPALIVE] = { LOG_DEBUG, "send keepalive" },
	[LOG_RECV_KEEPALIVE] = { LOG_DEBUG, "received keepalive" },
};

struct log *log_new(size_t capacity, struct clock *clock)
{
	struct log *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->cap = capacity ? capacity : 1;
	l->ring = calloc(l->cap, sizeof(*l->ring));
	if (!l->ring) {
		free(l);
		return NULL;
	}
	l->clock = clock ? clock : clock_real();
	return l;
}

void log_clear(struct log *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->ring[(l->head + i) % l->cap].text);
	l->head = l->count = 0;
}

void log_free(struct log *l)
{
	if (!l)
		return;
	log_clear(l);
	free(l->ring);
	free(l);
}

void log_set_debug(struct log *l, bool on) { l->debug = on; }
bool log_debug_enabled(const struct log *l) { return l->debug; }
void log_set_stream(struct log *l, FILE *f) { l->stream = f; }

static void format_time(long long when, char *buf, size_t len)
{
	time_t t = (time_t)when;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y/%m/%d %H:%M:%S", &tm);
}

/* Takes ownership of text. */
static void log_push(struct log *l, enum log_level lvl, char *text)
{
	if (!text)
		return;
	if (lvl == LOG_DEBUG && !l->debug) {
		free(text);
		return;
	}
	long long now = (long long)l->clock->wall(l->clock);
	if (l->stream) {
		char ts[32];
		format_time(now, ts, sizeof(ts));
		fprintf(l->stream, "%s: %s\n", ts, text);
		fflush(l->stream);
	}
	size_t slot;
	if (l->count == l->cap) {          /* full: drop the oldest */
		slot = l->head;
		free(l->ring[slot].text);
		l->head = (l->head + 1) % l->cap;
	} else {
		slot = (l->head + l->count) % l->cap;
		l->count++;
	}
	l->ring[slot] = (struct log_entry){ now, lvl, text };
}

void log_ikev(struct log *l, const char *sub, enum log_id id, va_list ap)
{
	if (id < 0 || id >= LOG_ID_COUNT)
		return;
	if (catalogue[id].level == LOG_DEBUG && !l->debug)
		return;
	char *body = NULL, *line = NULL;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (vasprintf(&body, catalogue[id].fmt, ap) < 0)
		return;
#pragma GCC diagnostic pop
	/* An empty sub-prefix is none: the seed's bare "[IKE2] text" form. */
	bool has = sub && *sub;
	if (asprintf(&line, "[IKE2] %s%s%s", has ? sub : "", has ? " " : "", body) < 0)
		line = NULL;
	free(body);
	log_push(l, catalogue[id].level, line);
}

void log_ike(struct log *l, const char *sub, enum log_id id, ...)
{
	va_list ap;
	va_start(ap, id);
	log_ikev(l, sub, id, ap);
	va_end(ap);
}

void log_text(struct log *l, enum log_level lvl, const char *fmt, ...)
{
	if (lvl == LOG_DEBUG && !l->debug)
		return;
	char *line = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	log_push(l, lvl, line);
}

void log_dump(struct log *l, const char *sub, const char *title,
	      const void *data, size_t len)
{
	if (!l->debug)
		return;
	const unsigned char *p = data;
	bool has = sub && *sub;
	log_text(l, LOG_DEBUG, "[IKE2] %s%s%s", has ? sub : "", has ? " " : "", title);
	for (size_t off = 0; off < len; off += 16) {
		char hex[16 * 3 + 1];
		size_t n = len - off < 16 ? len - off : 16, w = 0;
		for (size_t i = 0; i < n; i++)
			w += (size_t)snprintf(hex + w, sizeof(hex) - w, "%02x%s",
					      p[off + i], i + 1 < n ? " " : "");
		hex[w] = '\0';
		log_text(l, LOG_DEBUG, "[IKE2]    %s", hex);
	}
}

void log_print(const struct log *l, FILE *out, bool reverse)
{
	for (size_t k = 0; k < l->count; k++) {
		size_t i = reverse ? l->count - 1 - k : k;
		const struct log_entry *e = log_get(l, i);
		char ts[32];
		format_time(e->when, ts, sizeof(ts));
		fprintf(out, "%s: %s\n", ts, e->text);
	}
}

size_t log_count(const struct log *l) { return l->count; }

const struct log_entry *log_get(const struct log *l, size_t i)
{
	if (i >= l->count)
		return NULL;
	return &l->ring[(l->head + i) % l->cap];
}

const char *log_format(enum log_id id)
{
	return id < LOG_ID_COUNT ? catalogue[id].fmt : NULL;
}

enum log_level log_id_level(enum log_id id)
{
	return id < LOG_ID_COUNT ? catalogue[id].level : LOG_DEBUG;
}
