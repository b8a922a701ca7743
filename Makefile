# The README's two commands: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: setup demo test bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# The CPU build of torch first: a plain `torch` requirement would pull a multi-GB CUDA build.
	$(PIP) install --quiet "torch==2.13.0" || $(PIP) install --quiet torch --index-url https://download.pytorch.org/whl/cpu
	$(PIP) install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(VENV)/bin/synth run sample_inputs -o outputs/demo

test: setup
	$(VENV)/bin/pytest -q

bench: setup
	$(PY) bench/pipeline_speed.py

clean:
	rm -rf $(VENV) outputs/demo
