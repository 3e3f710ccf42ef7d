/* `show config tunnel N swanctl`: a swanctl.conf for the strongSwan peer of
 * tunnel N, written from the typed config (the peer's local side is this
 * router's remote side and the other way round). Proposals come from the
 * same builder the engine offers with (engine/proposal.c), spelled with the
 * strongSwan keywords of the one algorithm table (engine/alg.c), so what
 * the peer offers is what rtxsh would send and accept. */
#ifndef RTX_EXPORT_SWANCTL_H
#define RTX_EXPORT_SWANCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct crypto_lib;
struct ipsec_config;
struct sa_proposal;

enum export_rc {
	EXPORT_OK = 0,
	EXPORT_NO_TUNNEL,      /* no line configures tunnel N */
	EXPORT_NOT_IPSEC,      /* tunnel N has no `ipsec tunnel` policy or gateway */
	EXPORT_NOMEM,
};

/* One SA proposal in strongSwan's spelling, "aes256-sha256-modp2048" or
 * "aes128gcm16-prfsha256-ecp256": ciphers, integrity, PRFs (left out when
 * they are exactly the ones strongSwan derives from the integrity list),
 * groups, then "-modpX" for extra_dh when not 0 (PFS on an ESP proposal).
 * Legacy algorithms (single DES) are left out.
 * 0; -RTX_ERANGE when buf is too short; -RTX_EUNSUPP for a transform
 * strongSwan has no keyword for. */
int swanctl_proposal(const struct sa_proposal *p, unsigned extra_dh, char *buf, size_t len);

/* Writes the whole file (connections { } and secrets { }) for tunnel
 * num's peer to out. lib says which algorithms this build can run. */
enum export_rc export_swanctl(FILE *out, const struct ipsec_config *c,
			      struct crypto_lib *lib, unsigned num);

#endif
