# EAP-MD5 (RFC 3748, RFC 1994) and its use in IKE_AUTH (RFC 7296 2.16).
libengine_a_SOURCES += engine/eap_md5.h engine/eap_md5.c engine/user.h engine/user.c \
	engine/auth_eap.h engine/auth_eap.c engine/pool.h engine/pool.c engine/lease.h engine/lease.c \
	engine/modecfg.h engine/modecfg.c

check_PROGRAMS += tests/unit/test_eap_md5
TESTS += tests/unit/test_eap_md5
tests_unit_test_eap_md5_SOURCES = tests/unit/test_eap_md5.c
tests_unit_test_eap_md5_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_eap_md5_LDADD = $(TEST_LDADD)

check_PROGRAMS += tests/unit/test_user
TESTS += tests/unit/test_user
tests_unit_test_user_SOURCES = tests/unit/test_user.c
tests_unit_test_user_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_user_LDADD = $(TEST_LDADD)

check_PROGRAMS += tests/unit/test_lease
TESTS += tests/unit/test_lease
tests_unit_test_lease_SOURCES = tests/unit/test_lease.c
tests_unit_test_lease_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_lease_LDADD = $(TEST_LDADD)

# Two routers logging in with EAP-MD5 (tests/ike_pair.c, a test PKI).
check_PROGRAMS += tests/unit/test_ike_eap
TESTS += tests/unit/test_ike_eap
tests_unit_test_ike_eap_SOURCES = tests/unit/test_ike_eap.c $(PKI_FIXTURE) $(IKE_PAIR)
tests_unit_test_ike_eap_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_eap_LDADD = $(TEST_LDADD)

# Benchmark (not a test): remote-access logins per second and the
# server's heap per connected client (issue 11's figures).
noinst_PROGRAMS += tests/bench/bench_ra
tests_bench_bench_ra_SOURCES = tests/bench/bench_ra.c $(PKI_FIXTURE) $(IKE_PAIR)
tests_bench_bench_ra_CFLAGS = $(TEST_CFLAGS)
tests_bench_bench_ra_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
