#include "engine/window_size.h"

#include <stdint.h>

#include "base/err.h"
#include "base/log.h"
#include "engine/config.h"
#include "engine/exchange.h"
#include "engine/iana.h"
#include "engine/ike_sa.h"
#include "engine/msg.h"

_Static_assert(CONFIG_WINDOW_MAX <= WINDOW_MAX, "the window has a slot per request");

static unsigned configured(const struct ike_sa *sa)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	return g && g->window_size > 1 ? g->window_size : 1;
}

int window_size_announce(struct ike_sa *sa, struct msg *m)
{
	unsigned n = configured(sa);
	if (n <= 1)
		return 0;
	/* No memory for the larger window: announce nothing, stay at 1. */
	if (window_set_size(&sa->win, sa->win.send_size, n))
		return 0;
	uint8_t v[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
	return exchange_add_notify(m, IKEV2_N_SET_WINDOW_SIZE, true, v, sizeof(v))
	       ? 0 : -RTX_ENOMEM;
}

/* The peer's window, 1 when it announced none or something malformed
 * (3.10.1: the data is a 4-byte count). */
static uint32_t peer_window(const struct msg *m)
{
	const struct payload *p = msg_find_notify(m, IKEV2_N_SET_WINDOW_SIZE);
	if (!p || p->u.notify.data.len != 4)
		return 1;
	const uint8_t *d = p->u.notify.data.ptr;
	uint32_t n = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
	return n ? n : 1;
}

void window_size_adopt(struct ike_sa *sa, const struct msg *m)
{
	const struct gateway_config *g = ike_sa_gateway(sa);
	unsigned ours = configured(sa);
	if (ours <= 1)
		return;
	uint32_t peer = peer_window(m);
	unsigned send = peer < ours ? (unsigned)peer : ours;
	if (g->message_id_control)
		send = 1;
	/* no memory for more: the window stays as it is (logged so) */
	(void)window_set_size(&sa->win, send, sa->win.recv_size);
	char sub[40];
	ike_sa_xsub(sa, "AUTH", sub, sizeof(sub));
	log_ike(sa->e->d.log, sub, sa->initiator ? LOG_I_WINDOW_SIZE : LOG_R_WINDOW_SIZE,
		sa->win.send_size, sa->win.recv_size);
}
