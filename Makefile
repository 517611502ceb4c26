# Two commands set up a fresh machine and run: `make demo` (the main job) and `make test`.
# Both create .venv when it is missing and install the project into it; re-running them
# reinstalls nothing unless pyproject.toml changed.
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo_output
PYTEST_ARGS ?=

# torch is installed only when the environment has none. Without an NVIDIA driver the CPU
# build is required exactly (+cpu), so pip can never fall back to the multi-GB CUDA wheels;
# .ci/install_torch.py adds PyTorch's CPU index for that one install when pip's own indexes
# lack the +cpu wheel. With a GPU, install your own CUDA build into .venv first, or override
# TORCH_SPEC.
HAS_GPU := $(shell command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 && echo 1)
ifeq ($(HAS_GPU),1)
TORCH_SPEC ?= torch==2.13.0
else
TORCH_SPEC ?= torch==2.13.0+cpu
endif

.PHONY: install demo test test-lowest lint docs benchmark examples clean

$(VPY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VPY)
	@$(VPY) -c "import torch" 2>/dev/null || $(VPY) .ci/install_torch.py "$(TORCH_SPEC)"
	$(VPY) -m pip install -e ".[test,docs,onnx]"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/seqestimators study burst --output $(DEMO_DIR) --trials 12 --sampler brute-force --n-samples 384 --n-timesteps 65 --task-param max_onset=25 --cells rnn,lstm,gru --hidden-sizes 16,32 --policies reset,carry --max-epochs 8 --batch-size 16 --lr 0.005 --seed 0

test: $(STAMP)
	$(VPY) -m pytest $(PYTEST_ARGS)

# The lowest skorch that pyproject.toml admits, in an environment of its own (.venv-lowest):
# the estimator tests prove the declared range. .ci/run calls it after `make test`.
LOWEST_SKORCH ?= 1.2.0
LOWEST_VENV ?= .venv-lowest
test-lowest:
	@test -x $(LOWEST_VENV)/bin/python || $(PYTHON) -m venv $(LOWEST_VENV)
	@$(LOWEST_VENV)/bin/python -c "import torch" 2>/dev/null || $(LOWEST_VENV)/bin/python .ci/install_torch.py "$(TORCH_SPEC)"
	$(LOWEST_VENV)/bin/python -m pip install -q "skorch==$(LOWEST_SKORCH)" -e ".[test]"
	$(LOWEST_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_estimators.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

docs: $(STAMP)
	$(VPY) -m sphinx -W --keep-going -b html docs docs/_build/html

benchmark: $(STAMP)
	$(VPY) benchmarks/run.py

# Every story in examples/, each writing its table to stdout and its plots to examples_output/.
examples: $(STAMP)
	@for script in examples/*.py; do \
		name=$$(basename $$script .py); echo "== $$name"; \
		$(VPY) $$script --output examples_output/$$name || exit 1; \
	done

clean:
	rm -rf docs/_build docs/generated $(DEMO_DIR) examples_output .pytest_cache
