/* Messages on the wire for the IKE SAs: encoding with SK protection
 * (RFC 7296 3.14) on the way out, and on the way in the header peek, the
 * SA lookup, the message-ID window, decryption and hand-over to the
 * exchange code. Also the message-info and payload-info debug dumps. */
#ifndef RTX_MSG_IO_H
#define RTX_MSG_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/msg.h"
#include "engine/transport.h"

struct ike_core;
struct ike_sa;

/* A received message with where it came from. */
struct msg_rx {
	struct msg m;
	const uint8_t *buf;       /* the datagram as received */
	size_t len;
	struct endpoint local, remote;
	char sub[40];             /* log sub-prefix for this message */
};

/* Keeps a message for an exchange that goes on after the datagram is
 * gone (a job ran on a worker): its decrypted payloads, addresses and
 * sub-prefix move to `to`; to->buf is NULL. */
void msg_rx_keep(struct msg_rx *from, struct msg_rx *to);

/* Encodes m (inside SK unless it is IKE_SA_INIT), sends it, and hands it
 * to the window: a request is kept for retransmission, a response cached
 * for a duplicate request. The raw IKE_SA_INIT messages are kept on sa for
 * the AUTH payload. sub is the exchange's log sub-prefix. */
int msg_io_send(struct ike_sa *sa, struct msg *m, const char *sub);
/* Puts already encoded bytes on the wire again (retransmission). */
int msg_io_send_raw(struct ike_sa *sa, const uint8_t *buf, size_t len);
/* An IKE_SA_INIT answer that creates no state (COOKIE, INVALID_KE). */
int msg_io_send_stateless(struct ike_core *e, const struct endpoint *local,
			  const struct endpoint *remote, struct msg *m, const char *sub);

/* The transport's receive callback (arg: the engine's struct ike_core). */
void msg_io_recv(void *arg, const struct endpoint *local, const struct endpoint *remote,
		 const uint8_t *buf, size_t len);

#endif
