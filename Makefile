# The course in two commands (README, "Quick start"):
#   make course   the first time, set up .venv (CPU-only PyTorch, then the course's packages: pip install -e ".[course]");
#                 then open the lessons in JupyterLab (as root it adds --allow-root, which Jupyter requires there).
#                 Where no web browser can be opened (a server, a container) it trains the digit classifier instead
#                 and prints the command that serves JupyterLab for a browser elsewhere.
#   make test     run every notebook's cells as tests (nbdev_test) and print `N passed, N failed`
#   make ci       what CI runs: bash .ci/run (a venv of its own, cached in ~/.cache/backprop_nb; every check)
# Windows: run the README's commands by hand.
VENV ?= .venv
BIN := $(VENV)/bin
# PyTorch's CPU-only wheel index (Linux, Windows), as pytorch.org's install selector gives it; macOS wheels on PyPI are
# already CPU (and Apple GPU) builds. A GPU user sets TORCH_INDEX to the CUDA index the selector gives, or to nothing.
TORCH_INDEX ?= $(if $(filter Darwin,$(shell uname -s)),,https://download.pytorch.org/whl/cpu)
# the same range as settings.ini's requirements (pip would otherwise replace this torch by one that fits them)
TORCH := $(shell sed -n 's/^requirements = .*\(torch[^ ]*\).*/\1/p' settings.ini)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: course test ci

$(VENV)/.course: settings.ini setup.py
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install "$(TORCH)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install -e ".[course]"
	touch $@

course: $(VENV)/.course
	@if $(BIN)/python -c 'import os, sys; sys.exit(not (sys.platform == "darwin" or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")))'; then \
	  $(BIN)/jupyter lab $(ROOT_FLAG) nbs/; \
	else \
	  echo "No web browser can be opened here, so: the digit classifier, trained on hand-written gradients (backprop_nb_train)."; \
	  $(BIN)/backprop_nb_train --out train.png || exit $$?; \
	  echo; echo "To read the lessons from a browser elsewhere: $(BIN)/jupyter lab --no-browser $(ROOT_FLAG) nbs/"; \
	  echo "and open the http://127.0.0.1:8888/lab?token=... link it prints (through an SSH tunnel from another machine)."; \
	fi

$(VENV)/.test: $(VENV)/.course
	$(BIN)/pip install -e ".[test]"
	touch $@

test: $(VENV)/.test
	PATH="$(CURDIR)/$(BIN):$$PATH" bash .ci/nbtest

ci:
	bash .ci/run
