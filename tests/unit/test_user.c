/* The `auth user` table (engine/user.c): users found by id and by name
 * through its indexes, as a config of thousands of users and a login
 * each ask: one name shared by two users, a group narrowing the choice,
 * a user renamed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "engine/user.h"

static unsigned id_of(const struct user_table *t, const char *name, unsigned gid)
{
	const struct user_config *u = user_find(t, name, gid);
	return u ? u->id : 0;
}

static void test_shared_name_and_rename(void **state)
{
	(void)state;
	struct user_table *t = NULL;
	assert_null(user_find(t, "carol", 0));
	assert_int_equal(user_set(&t, 7, "carol", "one"), 0);
	assert_int_equal(user_set(&t, 3, "carol", "two"), 0);
	assert_int_equal(user_set(&t, 4, "dave", "three"), 0);
	/* the one made first, whatever the ids */
	assert_int_equal(id_of(t, "carol", 0), 7);
	unsigned members[] = { 4, 3 };
	assert_int_equal(user_group_set(&t, 5, members, 2), 0);
	assert_int_equal(id_of(t, "carol", 5), 3);
	assert_int_equal(id_of(t, "carol", 9), 0);
	/* renamed: found by the new name only */
	assert_int_equal(user_set(&t, 7, "erin", "four"), 0);
	assert_int_equal(id_of(t, "carol", 0), 3);
	assert_int_equal(id_of(t, "erin", 0), 7);
	assert_null(user_find(t, "caro", 0));
	/* a user without a name yet is found by id, never by name */
	struct user_config *u = user_get(&t, 11);
	assert_non_null(u);
	assert_ptr_equal(user_get(&t, 11), u);
	assert_null(user_find(t, "", 0));
	assert_int_equal(t->n_users, 4);
	user_table_free(t);
}

/* 6,000 users, the vRX's `auth user` limit: each found by id (no second
 * one made) and by name after the table grew. */
static void test_many_users(void **state)
{
	(void)state;
	enum { N = 6000 };
	struct user_table *t = NULL;
	char name[32];
	for (unsigned id = 1; id <= N; id++) {
		snprintf(name, sizeof(name), "user%u", id);
		assert_int_equal(user_set(&t, id, name, "pw"), 0);
	}
	for (unsigned id = 1; id <= N; id++) {
		assert_int_equal(user_get(&t, id)->id, id);
		snprintf(name, sizeof(name), "user%u", id);
		assert_int_equal(id_of(t, name, 0), id);
	}
	assert_int_equal(t->n_users, N);
	user_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_name_and_rename),
		cmocka_unit_test(test_many_users),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
