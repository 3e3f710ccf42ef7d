# Tests that span modules: layering, model table, transcripts.
TESTS += tests/layering.sh
EXTRA_DIST += tests/layering.sh

# `make fuzz` builds the libFuzzer targets (FUZZ_TARGETS, see Makefile.am),
# runs each over its seed corpus in tests/fuzz/corpus/NAME (every input
# once: a crash there fails at once), then fuzzes each for FUZZ_SECONDS
# starting from it, new inputs going to fuzz-work/NAME (not the repository;
# tests/fuzz/make-corpus merges seeds into the corpus).
FUZZ_SECONDS = 30
fuzz-targets: $(FUZZ_TARGETS)
fuzz: $(FUZZ_TARGETS)
	@set -e; for t in $(FUZZ_TARGETS); do \
		name=$$(basename $$t); corpus=$(top_srcdir)/tests/fuzz/corpus/$$name; \
		mkdir -p fuzz-work/$$name; \
		if [ -d $$corpus ]; then \
			echo "fuzz: $$name over its corpus ($$(ls $$corpus | wc -l) inputs)"; \
			./$$t -runs=0 -rss_limit_mb=2048 $$corpus 2>fuzz-work/$$name.corpus.log \
				|| { tail -n 50 fuzz-work/$$name.corpus.log; exit 1; }; \
		fi; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		./$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 \
			fuzz-work/$$name $$( [ -d $$corpus ] && echo $$corpus ) 2>fuzz-work/$$name.log \
			|| { tail -n 50 fuzz-work/$$name.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units|cov: ' fuzz-work/$$name.log | tail -n 2 || true; \
	done
.PHONY: fuzz fuzz-targets
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/make-corpus
include tests/session.mk
include tests/grammar.mk
include tests/interop.mk
include tests/netns.mk
