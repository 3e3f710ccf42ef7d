/* Why the last attempt of a gateway failed, kept as facts the shell turns
 * into config lines (`show ipsec sa gateway N diagnosis`). The engine
 * records what the peer offered or sent and what would have fitted; the
 * Yamaha keywords and command forms are the shell's business. One record
 * per gateway, replaced by each failure, dropped when an IKE or a CHILD
 * SA of the gateway comes up. Each record also logs one INFO hint line, so the
 * failure's cause is in `show log` without debug logging. */
#ifndef RTX_DIAGNOSIS_H
#define RTX_DIAGNOSIS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ip_addr.h"
#include "engine/proposal.h"

struct ike_sa;
struct ike_engine;
struct sa_listener;
struct gateway_config;
struct payload_sa;
struct policy_config;

enum diag_kind {
	DIAG_NONE = 0,
	DIAG_PROPOSAL_REFUSED,      /* we answered NO_PROPOSAL_CHOSEN */
	DIAG_PROPOSAL_REFUSED_BY_PEER,
	DIAG_NO_RESPONSE,           /* our requests timed out */
	DIAG_PSK_MISMATCH,          /* the peer's AUTH fails with our key */
	DIAG_AUTH_REFUSED_BY_PEER,  /* AUTHENTICATION_FAILED from the peer */
	DIAG_UNKNOWN_ID,            /* the peer's IDi names no gateway */
};

struct diagnosis {
	enum diag_kind kind;
	unsigned gateway;
	uint64_t at_ms;              /* the engine clock at the failure */
	uint8_t protocol;            /* proposals: IKEV2_PROTO_IKE or _ESP */
	uint32_t policy;             /* ESP: the `ipsec sa policy` in use */
	bool limited;                /* proposal-limitation was on */
	char offer[400];             /* proposals, IANA names, '|' between */
	bool fits;                   /* DIAG_PROPOSAL_REFUSED: fit is what we
	                              * would accept without the limitation */
	struct proposal_choice fit;
	struct ip_addr peer;         /* DIAG_NO_RESPONSE */
	uint16_t port;
	unsigned tries;
	uint8_t exchange;            /* the request that went unanswered */
	char peer_id[160];           /* DIAG_UNKNOWN_ID: as received */
	uint8_t peer_id_type;        /* IKEV2_ID_* */
	char local_id[160];          /* DIAG_AUTH_REFUSED_BY_PEER: what we sent */
};

/* The gateway's last failure, or NULL when there is none to explain. */
const struct diagnosis *ike_diagnosis(struct ike_engine *e, unsigned gateway);

/* Responder: none of offer fitted gateway g (the IKE SA when p is NULL,
 * else the CHILD SA of policy p). g NULL: nothing to explain against. */
void diag_proposal_refused(struct ike_sa *sa, const struct gateway_config *g,
			   const struct policy_config *p, const struct payload_sa *offer,
			   const char *sub);
/* Initiator: the peer answered NO_PROPOSAL_CHOSEN to our offer. */
void diag_proposal_refused_by_peer(struct ike_sa *sa, uint8_t protocol,
				   const struct payload_sa *offer, const char *sub);
/* Initiator: our request of exchange went unanswered `tries` times. */
void diag_no_response(struct ike_sa *sa, uint8_t exchange, unsigned tries);
/* The peer's AUTH did not verify with the pre-shared key. */
void diag_psk_mismatch(struct ike_sa *sa, const char *sub);
/* Initiator: the peer answered AUTHENTICATION_FAILED. */
void diag_auth_refused_by_peer(struct ike_sa *sa, const char *sub);
/* Responder: IDi (type, printable text) matched no gateway; the record
 * goes to the gateway of the peer's address, if there is one. */
void diag_unknown_id(struct ike_sa *sa, const struct ip_addr *from, uint8_t id_type,
		     const char *id, const char *sub);
/* Drops a gateway's record when one of its IKE or CHILD SAs comes up. */
extern const struct sa_listener diagnosis_listener;

#endif
