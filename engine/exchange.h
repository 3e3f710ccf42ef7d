/* The exchange framework: each exchange type (IKE_SA_INIT, IKE_AUTH, and
 * later CREATE_CHILD_SA and INFORMATIONAL) is a table of build/process
 * functions chosen by role, as strongSwan's tasks are, without a task
 * queue. An IKE SA runs as many exchanges of its own at once as its window
 * lets out (1 unless `ipsec ike window-size` grew it, window_size.h): the
 * window keeps each request's exchange_ops as its tag, so a response finds
 * its exchange by message ID; each exchange keeps its own state (sa->cx
 * for CREATE_CHILD_SA, of which one runs at a time; exchange_info.c's
 * jobs by message ID).
 *
 * Adding an exchange: write its exchange_ops and list it in exchange.c's
 * table; the framework does message IDs, retransmission, SK, the
 * "exchange started/terminated" lines and failure handling. */
#ifndef RTX_EXCHANGE_H
#define RTX_EXCHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/msg_io.h"

struct ike_auth_keys;
struct ike_core;
struct ike_sa;
struct ip_addr;
struct proposal_offer;

enum xchg_rc {
	XCHG_DONE,   /* finished: the exchange succeeded */
	XCHG_MORE,   /* initiator: build and send the request again (restart) */
	XCHG_FAIL,   /* finished: the exchange failed */
	/* A job of the exchange runs on a worker (kex_job.h): the exchange
	 * goes on in exchange_resume_i / exchange_resume_r. A responder's
	 * respond that returns it has taken resp (moved into its job). */
	XCHG_PENDING,
};

struct exchange_ops {
	uint8_t type;                 /* IKEV2_EXCH_* */
	const char *tag;              /* "INIT", "AUTH", "CHLD", "INFO" */
	/* Initiator: fill the request (header already set). */
	int (*build_i)(struct ike_sa *sa, struct msg *req);
	/* Initiator: the response to our request. */
	enum xchg_rc (*process_i)(struct ike_sa *sa, struct msg_rx *rx);
	/* Initiator, after DONE was logged: start what follows (may be NULL). */
	void (*done_i)(struct ike_sa *sa);
	/* Responder: process the request and fill the response. */
	enum xchg_rc (*respond)(struct ike_sa *sa, struct msg_rx *rx, struct msg *resp);
	/* Responder, after the response went out (NULL: a FAIL deletes sa). */
	void (*after_r)(struct ike_sa *sa, enum xchg_rc rc);
};

extern const struct exchange_ops exchange_init_ops;
extern const struct exchange_ops exchange_auth_ops;

const struct exchange_ops *exchange_ops_find(uint8_t type);

/* Starts our exchange on sa: -RTX_EEXIST while the window is full. */
int exchange_start(struct ike_sa *sa, const struct exchange_ops *ops);
/* The same, only when nothing else of ours is outstanding, and nothing
 * goes out alongside until it is answered (an IKE SA rekey). */
int exchange_start_alone(struct ike_sa *sa, const struct exchange_ops *ops);
/* The response to a request that `ops` sent (the window's tag). */
void exchange_on_response(struct ike_sa *sa, struct msg_rx *rx, const struct exchange_ops *ops);
void exchange_on_request(struct ike_sa *sa, struct msg_rx *rx);
/* What follows process_i / respond once a pending job has its result:
 * the initiator's next step, or the response sent (resp freed). The
 * message that came in is passed while it is still there (NULL after a
 * job: only IKE_SA_INIT waits for one, and it carries nothing read here). */
void exchange_resume_i(struct ike_sa *sa, const struct exchange_ops *ops, enum xchg_rc rc,
		       const struct msg *resp);
void exchange_resume_r(struct ike_sa *sa, const struct exchange_ops *ops, struct msg *resp,
		       enum xchg_rc rc, const struct msg *req);
/* An initiator's IKE_SA_INIT with KE group `group`: nonce, offer, key
 * pair (on a worker when the engine has them), then the request goes out
 * (exchange_init.c). An error after the key pair deletes sa. */
int exchange_init_begin(struct ike_sa *sa, uint16_t group);
/* The initiator's IKE_AUTH after IKE_SA_INIT: with a certificate its
 * signature is made first (on a worker when the engine has them) and the
 * request goes out when it is ready (exchange_auth.c). */
int exchange_auth_start(struct ike_sa *sa);
/* key-info of a freshly keyed IKE SA (g^ir, nonces, SKEYSEED, SPIs, SK_*)
 * under sub-prefix sub, with `ipsec ike log ... key-info` (exchange_init.c;
 * also for an IKE SA made by CREATE_CHILD_SA). */
void exchange_dump_ike_keys(struct ike_sa *sa, const struct ike_auth_keys *ak,
			    const char *sub, const uint8_t *gir, size_t gir_len);
/* A new IKE_SA_INIT request with no SA yet (exchange_init.c). */
void exchange_init_new(struct ike_core *e, struct msg_rx *rx);

/* Helpers for building messages: payloads that point at data the message
 * owns (copied into its arena). NULL on allocation failure. */
struct payload *exchange_add_notify(struct msg *m, uint16_t type, bool encrypted,
				    const void *data, size_t len);
const uint8_t *exchange_copy(struct msg *m, const void *data, size_t len);
/* 0 or -RTX_ENOMEM, like the rest of the message builders. */
int exchange_add_sa(struct msg *m, struct proposal_offer *o, bool encrypted);
/* A TSi/TSr payload with one selector covering net/len, all protocols. */
int exchange_add_ts(struct msg *m, uint8_t type, const struct ip_addr *net, uint8_t len);
/* The first error notify (type below 16384) of a message, or 0. */
uint16_t exchange_error_notify(const struct msg *m);

#endif
