# The program around the grammar: the event loop, the console (script mode,
# libedit, sockets) and the shell-script tests of the rtxsh binary.

# The loop belongs to the engine (the IKE sockets and timers will use it);
# it is listed here because this fragment is where its owner adds files.
libengine_a_SOURCES += engine/loop.h engine/loop.c

check_PROGRAMS += tests/unit/test_loop
tests_unit_test_loop_SOURCES = tests/unit/test_loop.c
tests_unit_test_loop_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_loop_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_loop

check_PROGRAMS += tests/unit/test_console
tests_unit_test_console_SOURCES = tests/unit/test_console.c
tests_unit_test_console_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_console_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_console

check_PROGRAMS += tests/unit/test_save
tests_unit_test_save_SOURCES = tests/unit/test_save.c
tests_unit_test_save_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_save_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_save

# Tests of the rtxsh binary itself (run from the build directory).
CONSOLE_TESTS = tests/console/script_mode.sh tests/console/startup_config.sh \
	tests/console/save.sh tests/console/socket.sh tests/console/options.sh \
	tests/console/interactive.sh tests/console/terminal_input.sh \
	tests/console/input_bytes.sh tests/console/socket_limits.sh \
	tests/console/tour.sh tests/console/help.sh tests/console/passwords.sh
TESTS += $(CONSOLE_TESTS)
EXTRA_DIST += $(CONSOLE_TESTS) tests/console/lib.sh
