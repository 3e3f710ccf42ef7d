# IKEv2 engine core: SAs, message I/O, windows, proposals, IKE_SA_INIT,
# IKE_AUTH (PSK), the first CHILD SA, and the ike.h implementation.
libengine_a_SOURCES += \
	engine/ike.h engine/ike_deps.h engine/ike_engine.h engine/ike.c \
	engine/ike_core.h engine/ike_core.c \
	engine/ike_sa.h engine/ike_sa.c \
	engine/workers.h engine/workers.c \
	engine/kex_job.h engine/kex_job.c \
	engine/child_sa.h engine/child_sa.c \
	engine/tunnel.h engine/tunnel.c \
	engine/window.h engine/window.c \
	engine/window_size.h engine/window_size.c \
	engine/msg_io.h engine/msg_io.c \
	engine/proposal.h engine/proposal.c \
	engine/exchange.h engine/exchange.c \
	engine/exchange_init.c engine/exchange_auth.c \
	engine/auth_psk.h engine/auth_psk.c \
	engine/exchange_child.h engine/exchange_child.c \
	engine/rekey.h engine/rekey.c \
	engine/child_retry.h engine/child_retry.c \
	engine/illegal_spi.h engine/illegal_spi.c

# Two-router scenarios share the harness in tests/ike_pair.c.
IKE_PAIR = tests/ike_pair.h tests/ike_pair.c
IKE_TESTS = tests/unit/test_ike_establish tests/unit/test_ike_faults \
	tests/unit/test_ike_proposals
check_PROGRAMS += $(IKE_TESTS)
TESTS += $(IKE_TESTS)
tests_unit_test_ike_establish_SOURCES = tests/unit/test_ike_establish.c $(IKE_PAIR)
tests_unit_test_ike_establish_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_establish_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/unit/test_ike_threads tests/unit/test_ike_index
TESTS += tests/unit/test_ike_threads tests/unit/test_ike_index
tests_unit_test_ike_index_SOURCES = tests/unit/test_ike_index.c $(IKE_PAIR)
tests_unit_test_ike_index_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_index_LDADD = $(TEST_LDADD)
tests_unit_test_ike_threads_SOURCES = tests/unit/test_ike_threads.c $(IKE_PAIR) $(PKI_FIXTURE)
tests_unit_test_ike_threads_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_threads_LDADD = $(TEST_LDADD)
tests_unit_test_ike_faults_SOURCES = tests/unit/test_ike_faults.c $(IKE_PAIR)
tests_unit_test_ike_faults_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_faults_LDADD = $(TEST_LDADD)
tests_unit_test_ike_proposals_SOURCES = tests/unit/test_ike_proposals.c $(IKE_PAIR)
tests_unit_test_ike_proposals_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_proposals_LDADD = $(TEST_LDADD)

# Half-open limits under a cookie-echoing IKE_SA_INIT flood (issue 15).
IKE_FLOOD = tests/ike_flood.h tests/ike_flood.c
check_PROGRAMS += tests/unit/test_ike_flood
TESTS += tests/unit/test_ike_flood
tests_unit_test_ike_flood_SOURCES = tests/unit/test_ike_flood.c $(IKE_PAIR) $(IKE_FLOOD)
tests_unit_test_ike_flood_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_flood_LDADD = $(TEST_LDADD)

# CREATE_CHILD_SA: CHILD and IKE SA rekeys, lifetimes, kernel events.
check_PROGRAMS += tests/unit/test_ike_rekey
TESTS += tests/unit/test_ike_rekey
tests_unit_test_ike_rekey_SOURCES = tests/unit/test_ike_rekey.c $(IKE_PAIR)
tests_unit_test_ike_rekey_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_rekey_LDADD = $(TEST_LDADD)

# Window size above 1 (ipsec ike window-size, SET_WINDOW_SIZE).
check_PROGRAMS += tests/unit/test_ike_window
TESTS += tests/unit/test_ike_window
tests_unit_test_ike_window_SOURCES = tests/unit/test_ike_window.c $(IKE_PAIR)
tests_unit_test_ike_window_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_window_LDADD = $(TEST_LDADD)

IKE_UNIT_TESTS = tests/unit/test_proposal tests/unit/test_window tests/unit/test_workers
check_PROGRAMS += $(IKE_UNIT_TESTS)
TESTS += $(IKE_UNIT_TESTS)
tests_unit_test_proposal_SOURCES = tests/unit/test_proposal.c
tests_unit_test_proposal_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_proposal_LDADD = $(TEST_LDADD)
tests_unit_test_window_SOURCES = tests/unit/test_window.c
tests_unit_test_window_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_window_LDADD = $(TEST_LDADD)
tests_unit_test_workers_SOURCES = tests/unit/test_workers.c
tests_unit_test_workers_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_workers_LDADD = $(TEST_LDADD)

# Benchmark (not a test): handshakes/s per group vs crypto-only cost, and
# memory per established IKE SA with one CHILD SA.
noinst_PROGRAMS += tests/bench/bench_ike tests/bench/bench_flood
tests_bench_bench_flood_SOURCES = tests/bench/bench_flood.c $(IKE_PAIR) $(IKE_FLOOD)
tests_bench_bench_flood_CFLAGS = $(TEST_CFLAGS)
tests_bench_bench_flood_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
tests_bench_bench_ike_SOURCES = tests/bench/bench_ike.c $(IKE_PAIR) $(PKI_FIXTURE)
tests_bench_bench_ike_CFLAGS = $(TEST_CFLAGS)
tests_bench_bench_ike_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)

# INFORMATIONAL (Delete, liveness, error notifies) and NAT traversal.
libengine_a_SOURCES += \
	engine/exchange_info.h engine/exchange_info.c \
	engine/liveness.h engine/liveness.c \
	engine/natt.h engine/natt.c
IKE_INFO_TESTS = tests/unit/test_ike_info tests/unit/test_ike_natt tests/unit/test_ike_logs \
	tests/unit/test_ike_seed tests/unit/test_seed_lines tests/unit/test_ike_icmp_echo
check_PROGRAMS += $(IKE_INFO_TESTS)
TESTS += $(IKE_INFO_TESTS)
tests_unit_test_ike_info_SOURCES = tests/unit/test_ike_info.c $(IKE_PAIR)
tests_unit_test_ike_info_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_info_LDADD = $(TEST_LDADD)
tests_unit_test_ike_logs_SOURCES = tests/unit/test_ike_logs.c $(IKE_PAIR)
tests_unit_test_ike_logs_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_logs_LDADD = $(TEST_LDADD)
tests_unit_test_ike_seed_SOURCES = tests/unit/test_ike_seed.c $(IKE_PAIR)
tests_unit_test_ike_seed_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_seed_LDADD = $(TEST_LDADD)
tests_unit_test_seed_lines_SOURCES = tests/unit/test_seed_lines.c $(IKE_PAIR) $(PKI_FIXTURE)
tests_unit_test_seed_lines_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_seed_lines_LDADD = $(TEST_LDADD)
tests_unit_test_ike_icmp_echo_SOURCES = tests/unit/test_ike_icmp_echo.c $(IKE_PAIR)
tests_unit_test_ike_icmp_echo_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_icmp_echo_LDADD = $(TEST_LDADD)
tests_unit_test_ike_natt_SOURCES = tests/unit/test_ike_natt.c $(IKE_PAIR)
tests_unit_test_ike_natt_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_natt_LDADD = $(TEST_LDADD)

# The SA core's state machines on their own, and doc/sa-states.md, which
# `tests/unit/test_sa_state --doc` prints from the same tables.
check_PROGRAMS += tests/unit/test_sa_state
TESTS += tests/unit/test_sa_state
tests_unit_test_sa_state_SOURCES = tests/unit/test_sa_state.c
tests_unit_test_sa_state_CFLAGS = $(TEST_CFLAGS) -DSA_STATES_DOC='"$(abs_top_srcdir)/doc/sa-states.md"'
tests_unit_test_sa_state_LDADD = $(TEST_LDADD)
EXTRA_DIST += doc/sa-states.md

# Route-based tunnels (engine/tunnel.c) on the sim kernel: policies per
# distinct traffic selectors, templates, standing tunnels, our address.
check_PROGRAMS += tests/unit/test_tunnel
TESTS += tests/unit/test_tunnel
tests_unit_test_tunnel_SOURCES = tests/unit/test_tunnel.c
tests_unit_test_tunnel_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_tunnel_LDADD = $(TEST_LDADD)

# `ipsec log illegal-spi`: the engine's line and rate limit over the sim.
check_PROGRAMS += tests/unit/test_illegal_spi
tests_unit_test_illegal_spi_SOURCES = tests/unit/test_illegal_spi.c
tests_unit_test_illegal_spi_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_illegal_spi_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_illegal_spi
