/* The grammar: one declarative table of command forms (cmd_table.c) and the
 * matcher that every consumer shares. Parsing, `?`, TAB, error text, the
 * config printer and the apply steps that fill the engine's typed config
 * all read the same rows, so they cannot drift apart.
 *
 * A row is a flat token list in Yamaha's fixed-position style. Optional
 * parts are tokens flagged T_OPT; a bracketed group such as
 * "[interval count [upwait]]" shares one grp number, so skipping its first
 * token skips the whole group. Trailing `key=value` options are one TK_OPTS
 * token whose allowed keys are themselves tokens (the value's type). */
#ifndef RTX_GRAMMAR_H
#define RTX_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/ip_addr.h"

struct rtx_model;
struct cli_session;
struct cfgapply;

enum tok_kind {
	TK_END = 0,   /* terminates a row's token list */
	TK_KW,        /* the literal keyword name */
	TK_ENUM,      /* one of vals; "canonical|alias" groups */
	TK_INT,       /* lo..hi, or one of vals */
	TK_GW,        /* 1..model->tunnel_max (gateway_id, tunnel_num) */
	TK_QLEN,      /* model->queue_min..queue_max */
	TK_USER,      /* 1..model->auth_user_max */
	TK_IDLIST,    /* N or N-M within lo..hi, or within the tunnel range if hi == 0 */
	TK_IPV4,      /* a.b.c.d */
	TK_IP,        /* IPv4 or IPv6 address */
	TK_IPMASK,    /* address[/len], IPv4 or IPv6 */
	TK_PREFIX,    /* address/len, IPv4 or IPv6; or one of vals */
	TK_HOST,      /* address, host name, or one of vals */
	TK_POOL,      /* address[-address][/len] */
	TK_HEX,       /* 0x followed by 1..hi bytes of hex digits */
	TK_TEXT,      /* any word (quotes allowed), lo..hi characters */
	TK_PERCENT,   /* N% with N in lo..hi, or one of vals */
	TK_LAN,       /* lan1 .. lan9 */
	TK_OPTS,      /* key=value words, each key once, keys from opts */
	TK_REST,      /* the rest of the line, checked by rest() if set */
};

/* Token flags. */
#define T_OPT    0x01u   /* may be absent (with its whole grp) */
#define T_REPEAT 0x02u   /* may match several words in a row */
#define T_REQ    0x04u   /* inside opts: this key must be present */
#define T_HOST   0x08u   /* TK_IPMASK: an address alone is a host (/32, /128),
			  * and a full-length prefix is spelled bare, so the
			  * two spellings are one setting */
#define T_V6     0x10u   /* TK_IPMASK, TK_PREFIX: an IPv6 address (`ipv6 ...`) */

/* Matcher outcomes; also the statuses handlers return. grammar.c alone
 * turns them into the Yamaha-style text (grammar_message). */
enum gerr {
	GE_OK = 0,
	GE_CMDNAME,      /* Invalid command name */
	GE_TOO_FEW,      /* Too few parameters */
	GE_TOO_MANY,     /* Too many parameters */
	GE_INVALID,      /* Invalid parameter */
	GE_RANGE,        /* Parameter out of range */
	GE_PERM,         /* Permission denied (normal mode) */
	GE_QUOTE,        /* Unterminated quote */
	GE_LONG,         /* Line too long */
	GE_NO_TUNNEL,    /* tunnel-scoped command with no tunnel selected */
	GE_NO_PP,        /* pp-scoped command with no pp selected */
	GE_NO_PATH,      /* save without a configuration file */
	GE_SAVE,         /* save failed (errno in the text) */
	GE_EMPTY,        /* "" where text is needed */
	GE_NO_SA,        /* ipsec sa delete N: no SA numbered N */
	GE_NO_GATEWAY,   /* a gateway id no line configures */
	GE_PASSWORD,     /* a wrong password */
	GE_PW_DIFFER,    /* the two new passwords differ */
	GE_PW_SCRIPT,    /* a script cannot answer password questions */
	GE_NOMEM,
	GE_PKI_LOAD,     /* pki ... file: the file does not load (line kept) */
	GE_NO_TUNNEL_N,  /* a tunnel number no line configures */
	GE_NOT_IPSEC,    /* a tunnel without an IPsec policy and gateway */
	GE_MODEL,        /* the emulated model lacks the command */
	GE_COUNT
};

/* Typed parameters: a token whose value an apply step reads names its slot
 * here (.param); params_fill() turns a matched line's words into typed
 * values by the token's kind, so no step reads words by position. Slots
 * are shared by the forms of one command and across commands whose
 * parameter means the same. */
enum param {
	P_NONE = 0,
	P_SWITCH,        /* on|off[|auto]: the index (SW_ON, SW_OFF, SW_AUTO) */
	P_GATEWAY,       /* gateway_id */
	P_TUNNEL,        /* tunnel_num */
	P_POLICY,        /* SA policy id */
	P_COUNT,         /* retry count, keepalive count */
	P_INTERVAL,      /* retry interval, keepalive interval */
	P_MAX_SESSION,
	P_UPWAIT,
	P_LENGTH,        /* queue length */
	P_ICMP_LENGTH,
	P_LOG,           /* log types: a set of value indexes */
	P_CIPHER,        /* encryption / esp algorithm keyword */
	P_INTEG,         /* AH/ESP integrity keyword */
	P_HASH,
	P_GROUP, P_GROUP2,
	P_ANTI_REPLAY,
	P_NETWORK,       /* prefix, or `default` */
	P_ROUTE_GW,      /* ip route gateways: the first tunnel N (rest_route) */
	P_LAN,           /* lanN: N */
	P_ADDRESS,       /* an address (or host), with its prefix length */
	P_VERSION,
	P_METHOD,        /* auth method index */
	P_KEY,           /* pre-shared key: hex or text */
	P_NAME, P_IDTYPE, P_PASSWORD, P_TEXT,
	P_SECONDS, P_KBYTES, P_REKEY, P_FORCED,
	P_NATT_KEEPALIVE, P_FORCE, P_TYPE,
	P_CERT, P_CRL, P_USER_GROUP,
	P_PKI_ID, P_FILE, P_FORMAT,   /* pki certificate/crl file */
	P_FRAG_SIZE,
	P_WINDOW,        /* ipsec ike window-size */
	P_USER_ID, P_EAP_MD5,         /* auth user */
	P_XAUTH_ADDRESS, P_XAUTH_DNS,  /* auth user (group) attribute: mode-cfg values */
	P_XAUTH_POOL,
	P_POOL,                       /* mode-cfg address pool id */
	NPARAM
};
_Static_assert(NPARAM <= 64, "struct params.given has a bit per slot");

/* Index of a switch token's value: the table lists on, off, auto. */
enum { SW_ON = 0, SW_OFF, SW_AUTO };

struct tok;

/* One parameter's typed value. idx is the value's index in tok->vals
 * (TK_ENUM always; other kinds when the word was one of their special
 * spellings, such as `off` or `default`), else -1. */
struct param_val {
	const struct tok *tok;       /* the token it matched */
	const char *text;            /* the normalized word */
	int idx;
	unsigned long long num;      /* numbers, N%, lanN, a rest function's result */
	unsigned long long set;      /* T_REPEAT enums: bit idx of each value given */
	struct ip_addr addr;         /* addresses; family 0 when the word is none */
	uint8_t plen;                /* prefix length (a dotted mask counted) */
};

/* A line's typed parameters; only the slots in given are filled. */
struct params {
	uint64_t given;              /* bit per enum param */
	struct param_val v[NPARAM];
};

/* Checks the words a TK_REST token took; out, when not NULL, receives
 * what the rest means as a typed value (its num). */
typedef enum gerr (*tok_rest_fn)(const struct rtx_model *m, char **w, size_t n,
				 size_t *bad, struct param_val *out);

struct tok {
	enum tok_kind kind;
	const char *name;            /* keyword, or the parameter's name */
	const char *help;            /* one line for `?` */
	long long lo, hi;
	const char *const *vals;     /* NULL-terminated */
	const struct tok *opts;      /* TK_OPTS: keys, TK_END-terminated */
	tok_rest_fn rest;
	unsigned char flags;
	unsigned char grp;
	unsigned char need;          /* model feature a value needs (see below) */
	unsigned char param;         /* enum param slot its value fills, or P_NONE */
};

/* Values only some models accept (sha384/sha512 ...). */
#define NEED_SHA2_LONG 1

#define ROW_TOKS 14

/* Where a stored line goes in `show config`; the printer's walk order. */
enum cfg_section {
	SEC_NONE = 0,    /* operational command, nothing stored */
	SEC_HEAD,        /* console, syslog */
	SEC_ROUTE,       /* ip route */
	SEC_LAN,         /* ip lanN ..., description lanN */
	SEC_PP,          /* inside `pp select N` blocks */
	SEC_TUNNEL,      /* inside `tunnel select N` blocks */
	SEC_FILTER,      /* ip filter ... */
	SEC_NAT,         /* nat descriptor ... */
	SEC_IPSEC,       /* global ipsec lines and unbound gateways/policies */
	SEC_AUTH,        /* pki, auth user */
	SEC_MISC,        /* everything else, in input order */
};

/* Row flags. */
#define R_ADMIN   0x01u   /* refused in normal mode */
#define R_TUNNEL  0x02u   /* applies to the selected tunnel */
#define R_PP      0x04u   /* applies to the selected pp */
#define R_PASS    0x08u   /* accepted and kept, not emulated */
#define R_SEQ     0x10u   /* keyed by the whole line, kept in input order */
#define R_NONO    0x20u   /* has no `no` form */
#define R_KEPT    0x40u   /* typed and stored, nothing for the engine: not
			   * emulated, or its own handler acts on it */
#define R_RA      0x80u   /* a remote-access VPN server command: refused on
			   * models without that firmware */

struct cmd_args;
typedef enum gerr (*cmd_fn)(struct cli_session *s, const struct cmd_args *a);
/* Writes a stored line's typed parameters into the engine's typed config
 * (shell/cfgapply.h); 0 or -RTX_ENOMEM. */
typedef int (*cmd_apply_fn)(struct cfgapply *a, const struct params *p);

/* Every stored setting either has an apply step or is R_PASS / R_KEPT
 * (tests/unit/test_cfgapply.c holds the table to that). */
struct cmd_row {
	const char *setting;         /* store identity shared by a command's forms */
	struct tok tok[ROW_TOKS];
	unsigned char nkey;          /* leading tokens that form the store key */
	unsigned char flags;
	enum cfg_section section;
	const char *dflt;            /* "a|b": tails equal to the default; "@queue" */
	cmd_fn run;                  /* NULL: store the line */
	cmd_apply_fn apply;          /* NULL: the engine never sees the line */
	unsigned short field;        /* the generic switch steps: offset of the bool */
};

/* A matched line, normalized: canonical keywords and enum spellings,
 * numbers without leading zeros, addresses in inet_ntop form. */
struct cmd_args {
	const struct cmd_row *row;
	bool no;                     /* the line began with `no` */
	size_t n;
	char **w;                    /* normalized words (without `no`) */
	unsigned char *tok;          /* the row token each word matched */
	size_t nkeyw;                /* words that form the key */
};

extern const struct cmd_row cmd_table[];
extern const size_t cmd_table_len;

/* Words of one line. Quotes group words and are removed; quoted records
 * which words were quoted. Returns GE_OK, GE_QUOTE or GE_LONG (bad is the
 * byte offset of the offending quote). */
struct words {
	size_t n;
	char **w;                    /* one block with off and the words */
	size_t *off;                 /* byte offset of each word in the line */
	size_t cap;
};
enum gerr words_split(const char *line, struct words *out, size_t *bad);
void words_free(struct words *w);

/* Matches a whole line. On failure *badw is the index of the word at
 * fault (n when words are missing). */
enum gerr grammar_match(const struct rtx_model *m, char **w, size_t n,
			struct cmd_args *out, size_t *badw);
void cmd_args_free(struct cmd_args *a);

/* The rows a line of words w[0..n) can match, into out (room for
 * cmd_table_len) in table order: those whose leading keywords (each
 * neither optional nor repeated) are all among the words, as each equals
 * the word at its position. Every other row fails on a keyword
 * (grammar_index.c); returns the count. */
size_t grammar_index_rows(char *const *w, size_t n, unsigned short *out);

/* What may follow the complete words w[0..n): calls fn for every token
 * reachable next (each row's, not deduplicated) and with tok == NULL when
 * the line may end here. The one routine behind `?`, TAB and errors. */
typedef void (*grammar_next_fn)(void *arg, const struct cmd_row *row,
				const struct tok *tok);
void grammar_next_tokens(const struct rtx_model *m, char **w, size_t n,
			 grammar_next_fn fn, void *arg);

/* Who asks `?`: the session's mode decides which rows it may run. all:
 * the second `?` on the same line, which also lists the rest (rows of
 * another mode and pass-through rows that are kept but not emulated). */
struct help_scope {
	bool admin, tunnel, pp;
	bool all;
};

/* `?` and TAB over a raw line prefix. `?` lists, alphabetically, what the
 * scope may run; the rest follows only with scope->all, marked, and is
 * otherwise counted in one closing line. TAB completes every row's words. */
void grammar_help(const struct rtx_model *m, const char *prefix,
		  const struct help_scope *scope, FILE *out);
size_t grammar_complete(const struct rtx_model *m, const char *prefix,
			char ***out);

/* Token types (grammar_types.c). */
enum gerr tok_check(const struct rtx_model *m, const struct tok *t,
		    const char *word);
/* The normalized spelling of a word tok_check accepted (malloc'd). */
char *tok_norm(const struct tok *t, const char *word);
/* The same into out (cap bytes, NUL-terminated when it fits, as snprintf);
 * its length, or SIZE_MAX when memory ran out. */
size_t tok_norm_to(const struct tok *t, const char *word, char *out, size_t cap);
/* "<1-100>", "on|off", "keyword" ... for `?` (into buf). */
const char *tok_describe(const struct rtx_model *m, const struct tok *t,
			 char *buf, size_t len);
/* Canonical spelling of value v among vals, or NULL. */
const char *tok_enum_find(const char *const *vals, const char *v);
/* Index of value v among vals, or -1. */
int tok_enum_index(const char *const *vals, const char *v);
bool tok_needs_ok(const struct rtx_model *m, const struct tok *t, const char *v);
/* The typed value of a normalized word the token accepted (set holds the
 * bit of idx). */
void tok_value(const struct tok *t, const char *word, struct param_val *out);
/* "0x..." into buf (an odd digit count reads as a leading zero nibble);
 * the byte count, 0 for no hex. */
size_t tok_hex_bytes(const char *word, uint8_t *buf, size_t cap);

/* The typed parameters of the normalized words w[0..n) that row r matched,
 * tok[i] being the row token of w[i] (as struct cmd_args holds them). */
void params_fill(const struct rtx_model *m, const struct cmd_row *r, char *const *w,
		 const unsigned char *tok, size_t n, struct params *out);
/* Slot id's value; an absent one reads as zero, "" and idx -1 (tok NULL). */
const struct param_val *param(const struct params *p, enum param id);
static inline bool param_given(const struct params *p, enum param id)
{
	return (p->given >> id) & 1;
}

/* Error text: English, or Japanese where the reference gives a wording. */
const char *grammar_message(enum gerr e, bool ja);
void grammar_error(FILE *out, unsigned lineno, enum gerr e, bool ja,
		   const char *word);

/* Row helpers. */
size_t row_ntok(const struct cmd_row *r);
/* Index of the first row of r's setting (rows of one setting are adjacent). */
size_t row_order(const struct cmd_row *r);

/* Joins words with single spaces, quoting those that need it (malloc'd). */
char *words_join(char *const *w, size_t n);
/* The same, with *at set to where the first k words end in it (they are
 * its first *at bytes): a stored line's key and tail without joining
 * them again. Written into buf when it fits in cap bytes (then returned,
 * not to be freed), else malloc'd. */
char *words_join_at(char *const *w, size_t n, size_t k, size_t *at, char *buf,
		    size_t cap);

#endif
