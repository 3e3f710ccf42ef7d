# Crypto suite (algorithm table, DH, PRF, key derivation, SK protection): sources and tests.
libengine_a_SOURCES += \
	engine/alg.h engine/alg.c \
	engine/crypto.h engine/crypto.c \
	engine/dh.h engine/dh.c \
	engine/prf.h engine/prf.c \
	engine/keys.h engine/keys.c \
	engine/sk.h engine/sk.c

# cmocka drivers: RFC known-answer vectors and round trips per module.
CRYPTO_TESTS = tests/unit/test_alg tests/unit/test_crypto tests/unit/test_dh \
	tests/unit/test_prf tests/unit/test_keys tests/unit/test_sk
check_PROGRAMS += $(CRYPTO_TESTS)
TESTS += $(CRYPTO_TESTS)
tests_unit_test_alg_SOURCES = tests/unit/test_alg.c
tests_unit_test_alg_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_alg_LDADD = $(TEST_LDADD)
tests_unit_test_crypto_SOURCES = tests/unit/test_crypto.c
tests_unit_test_crypto_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_crypto_LDADD = $(TEST_LDADD)
tests_unit_test_dh_SOURCES = tests/unit/test_dh.c
tests_unit_test_dh_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_dh_LDADD = $(TEST_LDADD)
tests_unit_test_prf_SOURCES = tests/unit/test_prf.c
tests_unit_test_prf_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_prf_LDADD = $(TEST_LDADD)
tests_unit_test_keys_SOURCES = tests/unit/test_keys.c
tests_unit_test_keys_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_keys_LDADD = $(TEST_LDADD)
tests_unit_test_sk_SOURCES = tests/unit/test_sk.c
tests_unit_test_sk_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_sk_LDADD = $(TEST_LDADD)

# Benchmark (not a test): IKE_SA_INIT key exchange cost per group.
noinst_PROGRAMS += tests/bench/bench_kex
tests_bench_bench_kex_SOURCES = tests/bench/bench_kex.c
tests_bench_bench_kex_CFLAGS = $(TEST_CFLAGS)
tests_bench_bench_kex_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
EXTRA_DIST += tests/unit/crypto_fixture.h
