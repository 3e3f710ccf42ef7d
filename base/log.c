#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"

/* One (source, message) of the rate limiter: a token bucket in
 * thousandths of a line. */
struct rl_slot {
	char src[48];
	const void *key;           /* catalogue entry or format string */
	uint64_t last_ms;
	uint64_t milli;            /* tokens * 1000 */
	unsigned long long held;   /* suppressed since the last line passed */
};

struct log {
	struct log_entry *ring;
	size_t cap, head, count;   /* head: index of the oldest entry */
	bool debug;
	FILE *stream;
	struct clock *clock;
	/* --log-file and its rotation */
	FILE *file;
	char *path;
	size_t file_bytes, file_max;
	/* rate limiting */
	char src[48];              /* "" when no source is set */
	struct rl_slot *slots;     /* LOG_RL_SLOTS, allocated on first use */
	uint64_t all_last_ms, all_milli;
	unsigned long long all_held, suppressed;
};

#define L true   /* the line reports bad or unwanted input */

static const struct {
	enum log_level level;
	const char *fmt;
	bool limited;
} catalogue[LOG_ID_COUNT] = {
	[LOG_SA_TEMP_ASSIGNED] = { LOG_INFO, "temporarily assigned" },
	[LOG_SA_ESTABLISHED] = { LOG_INFO, "established" },
	[LOG_DEAD_PEER] = { LOG_INFO, "dead peer detection" },
	[LOG_SA_DELETED] = { LOG_INFO, "deleted" },
	[LOG_NOT_CONFIGURED] = { LOG_DEBUG, "not configured %s" },
	[LOG_INVALID_NAME] = { LOG_DEBUG, "invalid %s", L },
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
	[LOG_I_DROPPED] = { LOG_DEBUG, "iWindow dropped message[msgID:%u]", L },
	[LOG_R_DROPPED] = { LOG_DEBUG, "rWindow dropped message[msgID:%u]", L },
	[LOG_NO_IKE_SA] = { LOG_DEBUG, "cannot find or create IKE SA", L },
	[LOG_NO_SKEYS] = { LOG_DEBUG, "not exists SKEYs", L },
	[LOG_AUTH_WRONG] = { LOG_DEBUG, "authentication is wrong", L },
	[LOG_NO_EXCHANGE] = { LOG_DEBUG, "cannot find or create exchange", L },
	[LOG_CANNOT_PROCESS] = { LOG_DEBUG, "cannot process %s payload", L },
	[LOG_PAYLOAD_NOT_CONTAINED] = { LOG_DEBUG, "%s payload is not contained", L },
	[LOG_CANNOT_ACCEPT] = { LOG_DEBUG, "cannot accept %s payload", L },
	[LOG_TOO_FEW_LENGTH] = { LOG_DEBUG, "too few payload length", L },
	[LOG_TOO_MATCH_LENGTH] = { LOG_DEBUG, "too match payload length, ignores extra data", L },
	[LOG_SK_EXISTS] = { LOG_DEBUG, "encrypted payload already exists", L },
	[LOG_IKE_HDR_SHORT] = { LOG_DEBUG, "IKE header size is not enough %zu/%zu", L },
	[LOG_PAYLOAD_HDR_SHORT] = { LOG_DEBUG, "payload header size is not enough %zu/%zu", L },
	[LOG_FIELD_HDR_SHORT] = { LOG_DEBUG, "field header size is not enough %zu/%zu", L },
	[LOG_MSG_SHORT] = { LOG_DEBUG, "message size is not enough %zu/%zu", L },
	[LOG_PAYLOAD_SHORT] = { LOG_DEBUG, "payload size is not enough %zu/%zu", L },
	[LOG_FIELD_SHORT] = { LOG_DEBUG, "field size is not enough %zu/%zu", L },
	[LOG_MSG_UNMATCHED] = { LOG_DEBUG, "message size unmatched %zu/%zu", L },
	[LOG_PAYLOAD_UNMATCHED] = { LOG_DEBUG, "payload size unmatched %zu/%zu", L },
	[LOG_FIELD_UNMATCHED] = { LOG_DEBUG, "field size unmatched %zu/%zu", L },
	[LOG_NOT_CONTAINED] = { LOG_DEBUG, "not contained %s payload", L },
	[LOG_UNMATCHED_AUTH_METHOD] = { LOG_DEBUG, "unmatched auth method", L },
	[LOG_UNMATCHED_AUTH_DATA] = { LOG_DEBUG, "unmatched auth data", L },
	[LOG_CHILD_NOT_FOUND] = { LOG_DEBUG, "not found CHILD SA, ignored(SPI:%08x)", L },
	[LOG_SEND_KEEPALIVE] = { LOG_DEBUG, "send keepalive" },
	[LOG_RECV_KEEPALIVE] = { LOG_DEBUG, "received keepalive" },
	[LOG_I_WINDOW_SIZE] = { LOG_DEBUG, "iWindow size[send:%u receive:%u]" },
	[LOG_R_WINDOW_SIZE] = { LOG_DEBUG, "rWindow size[send:%u receive:%u]" },
};

#undef L

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
	l->all_milli = (uint64_t)LOG_RL_ALL_BURST * 1000;
	l->all_last_ms = l->clock->mono_ms(l->clock);
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
	if (l->file)
		fclose(l->file);
	free(l->path);
	free(l->slots);
	free(l->ring);
	free(l);
}

void log_set_debug(struct log *l, bool on) { l->debug = on; }
bool log_debug_enabled(const struct log *l) { return l->debug; }
void log_set_stream(struct log *l, FILE *f) { l->stream = f; }

static FILE *open_append(const char *path, size_t *size)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return NULL;
	}
	*size = fstat(fd, &st) == 0 ? (size_t)st.st_size : 0;
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int log_open_file(struct log *l, const char *path, size_t max_bytes)
{
	size_t size;
	char *copy = strdup(path);
	FILE *f = copy ? open_append(path, &size) : NULL;
	if (!f) {
		int e = copy ? errno : ENOMEM;
		free(copy);
		return -e;
	}
	if (l->file)
		fclose(l->file);
	free(l->path);
	l->file = f;
	l->path = copy;
	l->file_bytes = size;
	l->file_max = max_bytes ? max_bytes : LOG_FILE_MAX;
	l->stream = f;
	return 0;
}

/* The file would grow past its bound: path -> path.1, start afresh. On
 * failure the old file is kept and simply not written to any more than
 * its bound allows (lines are dropped from the file, not from the ring). */
static bool rotate(struct log *l)
{
	char *old = NULL;
	size_t size;
	if (asprintf(&old, "%s.1", l->path) < 0)
		return false;
	bool ok = rename(l->path, old) == 0;
	free(old);
	FILE *f = ok ? open_append(l->path, &size) : NULL;
	if (!f)
		return false;
	fclose(l->file);
	l->file = l->stream = f;
	l->file_bytes = size;
	return true;
}

static void write_stream(struct log *l, const char *ts, const char *text)
{
	size_t n = strlen(ts) + 2 + strlen(text) + 1;
	if (l->file && l->stream == l->file && l->file_bytes + n > l->file_max &&
	    l->file_bytes && !rotate(l))
		return;
	fprintf(l->stream, "%s: %s\n", ts, text);
	fflush(l->stream);
	if (l->stream == l->file)
		l->file_bytes += n;
}

void log_set_source(struct log *l, const char *source)
{
	snprintf(l->src, sizeof(l->src), "%s", source ? source : "");
}

unsigned long long log_suppressed(const struct log *l) { return l->suppressed; }

/* Refills a bucket of `burst` lines at one line per `per_ms`; true when a
 * line may pass (and takes it). */
static bool bucket_take(uint64_t *milli, uint64_t *last_ms, uint64_t now,
			unsigned burst, uint64_t per_ms)
{
	uint64_t max = (uint64_t)burst * 1000;
	if (now > *last_ms) {
		uint64_t add = (now - *last_ms) * 1000 / per_ms;
		*milli = *milli + add > max ? max : *milli + add;
		*last_ms = now;
	}
	if (*milli < 1000)
		return false;
	*milli -= 1000;
	return true;
}

static uint32_t slot_of(const char *src, const void *key)
{
	uint32_t h = 2166136261u;
	for (const char *p = src; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	uintptr_t k = (uintptr_t)key;
	for (size_t i = 0; i < sizeof(k); i++, k >>= 8)
		h = (h ^ (uint8_t)k) * 16777619u;
	return h % LOG_RL_SLOTS;
}

static void push_text(struct log *l, enum log_level lvl, char *text);

/* Whether a bad-input line keyed by key may be logged now. Reports what
 * was held back for it before letting it pass. */
static bool rl_pass(struct log *l, enum log_level lvl, const void *key)
{
	if (!l->src[0])
		return true;
	if (!l->slots && !(l->slots = calloc(LOG_RL_SLOTS, sizeof(*l->slots))))
		return true;
	uint64_t now = l->clock->mono_ms(l->clock);
	struct rl_slot *s = &l->slots[slot_of(l->src, key)];
	if (s->key != key || strcmp(s->src, l->src)) {
		/* another source or message takes the slot: what it held
		 * back is reported with the all-sources count */
		l->all_held += s->held;
		*s = (struct rl_slot){ .key = key, .last_ms = now,
				       .milli = (uint64_t)LOG_RL_BURST * 1000 };
		snprintf(s->src, sizeof(s->src), "%s", l->src);
	}
	if (!bucket_take(&s->milli, &s->last_ms, now, LOG_RL_BURST, LOG_RL_INTERVAL_MS) ||
	    !bucket_take(&l->all_milli, &l->all_last_ms, now, LOG_RL_ALL_BURST,
			 1000 / LOG_RL_ALL_PER_SEC)) {
		s->held++;
		l->suppressed++;
		return false;
	}
	char *note = NULL;
	if (s->held && asprintf(&note, "[LOG] %llu similar lines from %s suppressed",
				s->held, s->src) >= 0)
		push_text(l, lvl, note);
	s->held = 0;
	if (l->all_held && asprintf(&note, "[LOG] %llu lines from other sources suppressed",
				    l->all_held) >= 0)
		push_text(l, lvl, note);
	l->all_held = 0;
	return true;
}

static void format_time(long long when, char *buf, size_t len)
{
	time_t t = (time_t)when;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y/%m/%d %H:%M:%S", &tm);
}

/* Takes ownership of text. */
static void push_text(struct log *l, enum log_level lvl, char *text)
{
	if (strlen(text) > LOG_LINE_MAX)
		memcpy(text + LOG_LINE_MAX - 3, "...", 4);
	long long now = (long long)l->clock->wall(l->clock);
	if (l->stream) {
		char ts[32];
		format_time(now, ts, sizeof(ts));
		write_stream(l, ts, text);
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

/* Takes ownership of text. */
static void log_push(struct log *l, enum log_level lvl, char *text)
{
	if (!text)
		return;
	if (lvl == LOG_DEBUG && !l->debug) {
		free(text);
		return;
	}
	push_text(l, lvl, text);
}

bool log_ike_wanted(const struct log *l, enum log_id id)
{
	return id >= 0 && id < LOG_ID_COUNT && (catalogue[id].level != LOG_DEBUG || l->debug);
}

void log_ikev(struct log *l, const char *sub, enum log_id id, va_list ap)
{
	if (!log_ike_wanted(l, id))
		return;
	/* Check before formatting: a flood costs no allocation. */
	if (catalogue[id].limited && !rl_pass(l, catalogue[id].level, &catalogue[id]))
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

__attribute__((format(printf, 3, 0)))
static void push_textv(struct log *l, enum log_level lvl, const char *fmt, va_list ap)
{
	char *line = NULL;
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	log_push(l, lvl, line);
}

void log_text(struct log *l, enum log_level lvl, const char *fmt, ...)
{
	if (lvl == LOG_DEBUG && !l->debug)
		return;
	va_list ap;
	va_start(ap, fmt);
	push_textv(l, lvl, fmt, ap);
	va_end(ap);
}

void log_text_limited(struct log *l, enum log_level lvl, const char *fmt, ...)
{
	if ((lvl == LOG_DEBUG && !l->debug) || !rl_pass(l, lvl, fmt))
		return;
	va_list ap;
	va_start(ap, fmt);
	push_textv(l, lvl, fmt, ap);
	va_end(ap);
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

bool log_id_limited(enum log_id id)
{
	return id < LOG_ID_COUNT && catalogue[id].limited;
}
