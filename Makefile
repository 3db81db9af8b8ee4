# The two commands of the README. Both work on a fresh machine: they find Python 3.12+,
# create .venv and install what they need.

.PHONY: demo test venv

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh $(ARGS)

venv:
	./scripts/venv.sh run
