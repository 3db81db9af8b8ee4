# The two commands of the README. Both work on a fresh machine: they find Python 3.12+,
# create .venv and install what they need.

.PHONY: demo test bench venv

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh $(ARGS)

# Benchmarks print figures against the same real PostgreSQL and S3 as the tests (bench/).
bench:
	./scripts/venv.sh bench
	./scripts/with-services.sh ./scripts/bench.sh $(ARGS)

venv:
	./scripts/venv.sh run
