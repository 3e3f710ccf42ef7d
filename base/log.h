/* The one logger: a timestamped ring buffer for `show log`, an optional
 * mirror stream (--log-file / stderr), and the catalogue of the operator
 * messages of Yamaha's IKEv2 SYSLOG list, so their wording stays exact.
 *
 * Call sites pass a catalogue id and arguments, never free text, for any
 * message the seed documents; log_text() is for the few router messages the
 * seed does not cover (shell events, kernel errors). */
#ifndef RTX_LOG_H
#define RTX_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct clock;

enum log_level {
	LOG_DEBUG,   /* recorded only with `syslog debug on` */
	LOG_INFO,
	LOG_NOTICE,
};

/* The SYSLOG list of Yamaha's IKEv2 document, in its order. Formats are
 * printf formats whose literal text is the seed's wording; the logger adds
 * the "[IKE2] " prefix and the caller's sub-prefix ("GW:1/SA:2/INIT"). */
enum log_id {
	/* INFO */
	LOG_SA_TEMP_ASSIGNED,      /* temporarily assigned */
	LOG_SA_ESTABLISHED,        /* established */
	LOG_DEAD_PEER,             /* dead peer detection */
	LOG_SA_DELETED,            /* deleted */
	/* DEBUG */
	LOG_NOT_CONFIGURED,        /* not configured %s */
	LOG_INVALID_NAME,          /* invalid %s */
	LOG_BOUND_ON_SA,           /* bound on SA:%u/IKE */
	LOG_BOUND_ON_SA_CHANGED,   /* bound on SA:%u/IKE (changed) */
	LOG_ASSIGNED_GATEWAY,      /* assigned gateway GW:%u */
	LOG_ASSIGNED_POLICY,       /* assigned policy TN:%u/PY:%u */
	LOG_EXCHANGE_STARTED,      /* exchange started */
	LOG_EXCHANGE_TERMINATED,   /* exchange terminated */
	LOG_INHIBITED_REKEY,       /* inhibited rekey (newer SA exists) */
	LOG_NAT_LOCAL,             /* NAT box detected at local side */
	LOG_NO_NAT_LOCAL,          /* no NAT box detected at local side */
	LOG_NAT_REMOTE,            /* NAT box detected at remote side */
	LOG_NO_NAT_REMOTE,         /* no NAT box detected at remote side */
	LOG_I_RETRANSMIT_REQ,      /* iWindow retransmit request[msgID:%u cnt:%u] */
	LOG_R_RETRANSMIT_REQ,      /* rWindow retransmit request[msgID:%u cnt:%u] */
	LOG_I_RETRANSMIT_TIMEOUT,  /* iWindow retransmission timed out[msgID:%u] */
	LOG_R_RETRANSMIT_TIMEOUT,  /* rWindow retransmission timed out[msgID:%u] */
	LOG_I_RETRANSMIT_RESP,     /* iWindow retransmit response[msgID:%u] */
	LOG_R_RETRANSMIT_RESP,     /* rWindow retransmit response[msgID:%u] */
	LOG_I_DROPPED,             /* iWindow dropped message[msgID:%u] */
	LOG_R_DROPPED,             /* rWindow dropped message[msgID:%u] */
	LOG_NO_IKE_SA,             /* cannot find or create IKE SA */
	LOG_NO_SKEYS,              /* not exists SKEYs */
	LOG_AUTH_WRONG,            /* authentication is wrong */
	LOG_NO_EXCHANGE,           /* cannot find or create exchange */
	LOG_CANNOT_PROCESS,        /* cannot process %s payload */
	LOG_PAYLOAD_NOT_CONTAINED, /* %s payload is not contained */
	LOG_CANNOT_ACCEPT,         /* cannot accept %s payload */
	LOG_TOO_FEW_LENGTH,        /* too few payload length */
	LOG_TOO_MATCH_LENGTH,      /* too match payload length, ignores extra data */
	LOG_SK_EXISTS,             /* encrypted payload already exists */
	LOG_IKE_HDR_SHORT,         /* IKE header size is not enough %zu/%zu */
	LOG_PAYLOAD_HDR_SHORT,     /* payload header size is not enough %zu/%zu */
	LOG_FIELD_HDR_SHORT,       /* field header size is not enough %zu/%zu */
	LOG_MSG_SHORT,             /* message size is not enough %zu/%zu */
	LOG_PAYLOAD_SHORT,         /* payload size is not enough %zu/%zu */
	LOG_FIELD_SHORT,           /* field size is not enough %zu/%zu */
	LOG_MSG_UNMATCHED,         /* message size unmatched %zu/%zu */
	LOG_PAYLOAD_UNMATCHED,     /* payload size unmatched %zu/%zu */
	LOG_FIELD_UNMATCHED,       /* field size unmatched %zu/%zu */
	LOG_NOT_CONTAINED,         /* not contained %s payload */
	LOG_UNMATCHED_AUTH_METHOD, /* unmatched auth method */
	LOG_UNMATCHED_AUTH_DATA,   /* unmatched auth data */
	LOG_CHILD_NOT_FOUND,       /* not found CHILD SA, ignored(SPI:%08x) */
	/* keepalive log (DEBUG) */
	LOG_SEND_KEEPALIVE,        /* send keepalive */
	LOG_RECV_KEEPALIVE,        /* received keepalive */
	/* rtxsh's own, not the seed's: SET_WINDOW_SIZE (ipsec ike window-size) */
	LOG_I_WINDOW_SIZE,         /* iWindow size[send:%u receive:%u] */
	LOG_R_WINDOW_SIZE,         /* rWindow size[send:%u receive:%u] */
	LOG_ID_COUNT
};

struct log_entry {
	long long when;           /* wall-clock seconds */
	enum log_level level;
	char *text;               /* the full line without the timestamp */
};

struct log;

/* capacity: how many lines the ring keeps. clock may be NULL (real clock). */
struct log *log_new(size_t capacity, struct clock *clock);
void log_free(struct log *l);

void log_set_debug(struct log *l, bool on);    /* syslog debug on|off */
bool log_debug_enabled(const struct log *l);
void log_set_stream(struct log *l, FILE *f);   /* NULL: no mirror */
/* --log-file: opens path for appending, created 0600 (with `syslog debug
 * on` the log holds key material; an existing file keeps its mode), and
 * mirrors the log to it. The file stays bounded: when a line would take
 * it past max_bytes (0: LOG_FILE_MAX) it is renamed to path.1 (replacing
 * the previous one) and a new path is started, so at most twice max_bytes
 * are on disk. 0 or -errno. */
#define LOG_FILE_MAX (16u << 20)
int log_open_file(struct log *l, const char *path, size_t max_bytes);

/* Lines longer than this are cut (with "..."), so the ring of N lines
 * holds at most N * LOG_LINE_MAX bytes of text. */
#define LOG_LINE_MAX 1024

/* Rate limiting of what a remote sender can make us log. While a source
 * is set (the engine sets the sender's address while it handles one
 * datagram), the lines that report bad or unwanted input (marked in the
 * catalogue, and log_text_limited) pass LOG_RL_BURST times per source and
 * message, then one per LOG_RL_INTERVAL_MS; over all sources at most
 * LOG_RL_ALL_BURST, then LOG_RL_ALL_PER_SEC a second. What is held back is
 * counted: the next line of that source and message that passes is
 * preceded by "[LOG] N similar lines from SOURCE suppressed", and the
 * total is log_suppressed(). The table of sources is fixed in size. */
#define LOG_RL_BURST 10
#define LOG_RL_INTERVAL_MS 1000
#define LOG_RL_ALL_BURST 200
#define LOG_RL_ALL_PER_SEC 50
#define LOG_RL_SLOTS 256
void log_set_source(struct log *l, const char *source);   /* NULL: none */
unsigned long long log_suppressed(const struct log *l);
/* A line outside the catalogue caused by input from the current source:
 * rate-limited like the catalogue's bad-input lines, keyed by fmt. */
void log_text_limited(struct log *l, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A catalogued IKEv2 message; sub may be NULL or "GW:1/SA:2/INIT". */
void log_ike(struct log *l, const char *sub, enum log_id id, ...);
/* False when line id would be dropped for its level now: callers skip
 * building its sub-prefix. */
bool log_ike_wanted(const struct log *l, enum log_id id);
void log_ikev(struct log *l, const char *sub, enum log_id id, va_list ap);

/* A message outside the seed's list, with its own prefix ("[IPSEC] ..."). */
void log_text(struct log *l, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Multi-line debug dumps (message-info, payload-info, key-info): one entry
 * per line, recorded only when debug is on. */
void log_dump(struct log *l, const char *sub, const char *title,
	      const void *data, size_t len);

/* `show log`: oldest first, or newest first with reverse. */
void log_print(const struct log *l, FILE *out, bool reverse);
void log_clear(struct log *l);

/* For tests: the number of lines kept and line i (0 = oldest), without the
 * timestamp. */
size_t log_count(const struct log *l);
const struct log_entry *log_get(const struct log *l, size_t i);

/* The catalogue itself, for tests and documentation. */
const char *log_format(enum log_id id);
enum log_level log_id_level(enum log_id id);
/* Whether the line reports bad or unwanted input (rate-limited). */
bool log_id_limited(enum log_id id);

#endif
