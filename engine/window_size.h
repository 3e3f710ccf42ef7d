/* SET_WINDOW_SIZE (RFC 7296 2.3, 3.10.1) as an rtxsh extension: with
 * `ipsec ike window-size GW N` (N > 1) each side of an IKE SA tells the
 * other in IKE_AUTH how many of its requests it accepts at once. Without
 * the command nothing is sent and both windows stay at 1, whatever the
 * peer announces; with it we keep at most min(N, the peer's number) own
 * requests outstanding (1 under `ipsec ike message-id-control on`), and 1
 * with a peer that announces nothing (strongSwan, an RTX). */
#ifndef RTX_WINDOW_SIZE_H
#define RTX_WINDOW_SIZE_H

struct ike_sa;
struct msg;

/* Adds our SET_WINDOW_SIZE to IKE_AUTH message m when configured, and
 * opens our receive window to it (the peer may use it as soon as it
 * reads m). 0 or -RTX_ENOMEM. */
int window_size_announce(struct ike_sa *sa, struct msg *m);
/* The peer's IKE_AUTH message m, the SA just established: adopts its
 * SET_WINDOW_SIZE for our requests and logs both sizes ("iWindow
 * size[send:S receive:R]") when the extension is configured. */
void window_size_adopt(struct ike_sa *sa, const struct msg *m);

#endif
