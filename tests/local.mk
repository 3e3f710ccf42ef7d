# Tests that span modules: layering, model table, transcripts.
TESTS += tests/layering.sh
EXTRA_DIST += tests/layering.sh

# `make fuzz` builds the libFuzzer targets (FUZZ_TARGETS, see Makefile.am)
# and runs each for a short while over its seed corpus.
FUZZ_SECONDS = 30
fuzz: $(FUZZ_TARGETS)
	@set -e; for t in $(FUZZ_TARGETS); do \
		name=$$(basename $$t); corpus=$(top_srcdir)/testdata/fuzz/$$name; \
		mkdir -p fuzz-work/$$name; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		./$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 \
			fuzz-work/$$name $$( [ -d $$corpus ] && echo $$corpus ) 2>fuzz-work/$$name.log \
			|| { tail -n 50 fuzz-work/$$name.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units' fuzz-work/$$name.log || true; \
	done
.PHONY: fuzz
include tests/session.mk
include tests/grammar.mk
include tests/interop.mk
include tests/netns.mk
