# The grammar, the config store and `show config`: unit tests, the
# transcript driver and its runner, and the CLI fuzz target.
check_PROGRAMS += tests/unit/test_grammar tests/unit/test_config_print
tests_unit_test_grammar_SOURCES = tests/unit/test_grammar.c
tests_unit_test_grammar_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_grammar_LDADD = $(TEST_LDADD)
tests_unit_test_config_print_SOURCES = tests/unit/test_config_print.c
tests_unit_test_config_print_CFLAGS = $(TEST_CFLAGS) -DCONFIGS_DIR='"$(abs_top_srcdir)/testdata/configs"'
tests_unit_test_config_print_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_grammar tests/unit/test_config_print

# The index over the command table against walks over the whole table.
check_PROGRAMS += tests/unit/test_grammar_index
tests_unit_test_grammar_index_SOURCES = tests/unit/test_grammar_index.c
tests_unit_test_grammar_index_CFLAGS = $(TEST_CFLAGS) -DTESTDATA_DIR='"$(abs_top_srcdir)/testdata"'
tests_unit_test_grammar_index_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_grammar_index

# The token types' fast paths against the plain spellings they replaced.
check_PROGRAMS += tests/unit/test_grammar_types
tests_unit_test_grammar_types_SOURCES = tests/unit/test_grammar_types.c
tests_unit_test_grammar_types_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_grammar_types_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_grammar_types

# The config line store's table against a plain model of it.
check_PROGRAMS += tests/unit/test_cfgstore
tests_unit_test_cfgstore_SOURCES = tests/unit/test_cfgstore.c
tests_unit_test_cfgstore_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cfgstore_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_cfgstore

check_PROGRAMS += tests/transcript_driver
tests_transcript_driver_SOURCES = tests/transcript_driver.c
tests_transcript_driver_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
TESTS += tests/run-transcripts.sh
EXTRA_DIST += tests/run-transcripts.sh testdata/transcripts testdata/configs

if ENABLE_FUZZING
FUZZ_TARGETS += tests/fuzz/fuzz_cli
noinst_PROGRAMS += tests/fuzz/fuzz_cli
tests_fuzz_fuzz_cli_SOURCES = tests/fuzz/fuzz_cli.c tests/fuzz/fuzz_guard.h
tests_fuzz_fuzz_cli_CFLAGS = $(FUZZER_CFLAGS)
tests_fuzz_fuzz_cli_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
tests_fuzz_fuzz_cli_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
# The config file loader with its show-config round trip, and the console
# socket protocol as a client speaks it.
FUZZ_TARGETS += tests/fuzz/fuzz_config tests/fuzz/fuzz_console
noinst_PROGRAMS += tests/fuzz/fuzz_config tests/fuzz/fuzz_console
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c
tests_fuzz_fuzz_config_CFLAGS = $(FUZZER_CFLAGS)
tests_fuzz_fuzz_config_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
tests_fuzz_fuzz_console_SOURCES = tests/fuzz/fuzz_console.c
tests_fuzz_fuzz_console_CFLAGS = $(FUZZER_CFLAGS)
tests_fuzz_fuzz_console_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
tests_fuzz_fuzz_console_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
FUZZ_TARGETS += tests/fuzz/fuzz_scenario
noinst_PROGRAMS += tests/fuzz/fuzz_scenario
tests_fuzz_fuzz_scenario_SOURCES = tests/fuzz/fuzz_scenario.c
tests_fuzz_fuzz_scenario_CFLAGS = $(FUZZER_CFLAGS)
tests_fuzz_fuzz_scenario_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
tests_fuzz_fuzz_scenario_LDFLAGS = $(AM_LDFLAGS) $(FUZZER_LINK)
endif

# rtxsh --scenario: the examples in doc/scenarios, deterministic and as recorded.
TESTS += tests/run-scenarios.sh
EXTRA_DIST += tests/run-scenarios.sh testdata/scenarios doc/scenarios doc/scenario.md
