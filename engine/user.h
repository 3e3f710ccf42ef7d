/* `auth user` and `auth user group` (reference 2.4): the users an
 * EAP-MD5 server checks, kept apart from the gateway config because
 * every gateway shares them. Passwords are held as typed (the RTX
 * stores them so) and wiped when freed; nothing here logs. */
#ifndef RTX_USER_H
#define RTX_USER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ip_addr.h"
#include "base/pos_index.h"

struct user_config {
	unsigned id;
	char *name, *password;    /* NULL until `auth user ID NAME PASSWORD` */
	bool eap_md5;             /* `auth user attribute ID eap-md5=on` */
	bool eap_md5_set;         /* ... given: it wins over the groups' */
	struct ip_addr address;   /* xauth-address=: wins over the pool (family 0: unset) */
	struct ip_addr dns;       /* xauth-dns=: INTERNAL_IP4_DNS */
};

struct user_group {
	unsigned id;
	unsigned *ids;            /* member user ids */
	size_t n;
	bool eap_md5;             /* `auth user group attribute GID eap-md5=on` */
	unsigned pool;            /* xauth-address-pool=: its members' pool (0: unset) */
	struct ip_addr address;   /* xauth-address= (family 0: unset) */
	struct ip_addr dns;       /* xauth-dns= */
};

struct user_table {
	struct user_config *users;
	size_t n_users;
	/* users' positions by id and by name: a login looks its user up by
	 * name, and loading a config each user by id */
	struct pos_index by_id, by_name;
	struct user_group *groups;
	size_t n_groups;
};

/* User id in *t (created, and *t with it, when absent); NULL on
 * allocation failure. */
struct user_config *user_get(struct user_table **t, unsigned id);
/* Sets the name and password of user id; 0 or -RTX_ENOMEM. */
int user_set(struct user_table **t, unsigned id, const char *name, const char *password);
/* Group gid (created when absent); NULL on allocation failure. */
struct user_group *user_group_get(struct user_table **t, unsigned gid);
/* Group gid's members, replacing any earlier list; 0 or -RTX_ENOMEM. */
int user_group_set(struct user_table **t, unsigned gid, const unsigned *ids, size_t n);
/* The user called name, within group gid when gid is not 0; NULL when
 * there is none. */
const struct user_config *user_find(const struct user_table *t, const char *name,
				    unsigned gid);
/* Whether u may log in with EAP-MD5: its own attribute when given, else
 * the attribute of any group it is in. */
bool user_eap_md5(const struct user_table *t, const struct user_config *u);
/* The group whose attributes apply to u when no own attribute does: gid
 * (the group `ipsec ike eap request` names) when u is in it, else the
 * first group u is in, in the order the groups were made; NULL if none. */
const struct user_group *user_group_of(const struct user_table *t, const struct user_config *u,
				       unsigned gid);
void user_table_free(struct user_table *t);

#endif
