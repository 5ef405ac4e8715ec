# The two commands of the README:
#   make        install, fetch assets, train the default pipeline if there is none, analyse the sample
#   make test   install, fetch assets, run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := corpus/raw/2021-wang-yi-review.txt
# The real article the project started from, as a PDF extractor left it (read from ../shared only).
SEED := $(wildcard ../shared/seed/2021-wang-yi-review.txt)

.PHONY: all install assets train sample test lint clean

all: sample

$(BIN)/dipnlp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q "torch==2.13.0" -e ".[dev]"
	@touch $@

install: $(BIN)/dipnlp

assets: install
	$(BIN)/dipnlp assets

training/model-best/config.cfg: | assets
	$(BIN)/dipnlp train configs/default.cfg --output training

train: training/model-best/config.cfg

sample: train
	$(BIN)/dipnlp run $(SAMPLE) --out out
	@echo "analysis of the sample speech: out/2021-wang-yi-review.json and out/2021-wang-yi-review.html"
ifneq ($(SEED),)
	$(BIN)/dipnlp run $(SEED) --out out/seed
	@echo "analysis of the seed article: out/seed/2021-wang-yi-review.json and .html"
endif

test: assets
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check pipeline scripts tests

clean:
	rm -rf out training
