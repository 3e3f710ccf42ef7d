noinst_LIBRARIES += libshell.a
libshell_a_SOURCES = \
	shell/cli.h shell/cli.c \
	shell/cmd.h shell/cmd_ops.c shell/cmd_info.c shell/cmd_passwd.c shell/cmd_table.c \
	shell/grammar.h shell/grammar.c shell/grammar_index.c shell/grammar_types.c \
	shell/grammar_help.c \
	shell/cfgstore.h shell/cfgstore.c \
	shell/cfgprint.h shell/cfgprint.c \
	shell/cfgtemplate.h shell/cfgtemplate.c shell/passwd.h shell/passwd.c \
	shell/cfgapply.h shell/cfgapply.c shell/cmd_show_ipsec.c shell/cmd_diagnosis.c shell/cmd_show_pool.c shell/cmd_show_status.c shell/cmd_pki.c \
	shell/cmd_show_ip.c \
	shell/cmd_doc.h shell/cmd_doc.c \
	shell/export_swanctl.h shell/export_swanctl.c \
	shell/scenario.h shell/scenario.c

bin_PROGRAMS += rtxsh
rtxsh_SOURCES = shell/main.c
rtxsh_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
# The program around the grammar: script input, line editor, console sockets.
libshell_a_SOURCES += shell/script.h shell/script.c shell/cfgsave.h shell/cfgsave.c \
	shell/editline.h shell/editline.c \
	shell/console.h shell/console_proto.h shell/console.c shell/console_client.c

# The shell wired to the engine: config-line mapping unit test, the command
# reference kept equal to the table, and two routers over real UDP.
check_PROGRAMS += tests/unit/test_cfgapply
tests_unit_test_cfgapply_SOURCES = tests/unit/test_cfgapply.c
tests_unit_test_cfgapply_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_cfgapply_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_cfgapply
TESTS += tests/commands_doc.sh tests/loopback/two_routers.sh tests/loopback/peer_restart.sh \
	tests/loopback/diagnosis.sh tests/loopback/window.sh
EXTRA_DIST += tests/commands_doc.sh tests/loopback/two_routers.sh tests/loopback/peer_restart.sh \
	tests/loopback/diagnosis.sh tests/loopback/window.sh tests/loopback/lib.sh \
	tests/bench/gen-tunnels.sh tests/bench/paste.sh doc/commands.md
EXTRA_DIST += tests/unit/router_fixture.h

# Console password hashes.
check_PROGRAMS += tests/unit/test_passwd
tests_unit_test_passwd_SOURCES = tests/unit/test_passwd.c
tests_unit_test_passwd_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_passwd_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_passwd

# show config tunnel N swanctl: strongSwan names and the exported file.
check_PROGRAMS += tests/unit/test_export_swanctl
tests_unit_test_export_swanctl_SOURCES = tests/unit/test_export_swanctl.c
tests_unit_test_export_swanctl_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_export_swanctl_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_export_swanctl

# rtxsh --scenario: the file format, the timeline, repeatability.
check_PROGRAMS += tests/unit/test_scenario
tests_unit_test_scenario_SOURCES = tests/unit/test_scenario.c
tests_unit_test_scenario_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_scenario_LDADD = $(TEST_LDADD)
TESTS += tests/unit/test_scenario
