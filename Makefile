# Fund kiosk: one Makefile for people and CI. `make demo` and `make test` install what is missing first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Debian 12 packages the appliance needs: Python with venv, Mesa/EGL for Kivy's offscreen and windowed
# rendering, mtdev for touch screens, the CJK font every screen is drawn in, and Xvfb/xdotool for the
# end-to-end clicking tests; CUPS (the daemon, lp/cancel, cupsenable, ipptool) for the certificate printer
# and the private cupsd its tests start; poppler's pdfsig/pdftotext to check signed certificates and read
# printed PDFs back; promtool (Debian ships it in prometheus) to lint the health metrics; PostgreSQL, of
# which the back end's tests start a throwaway server of their own (initdb, a free port); systemd for
# `systemd-analyze verify`, which checks the units kiosk-provision installs, cage (the kiosk compositor
# the shell's unit runs, which verify also checks), and udev's libudev for pyudev; headless Chromium and
# its chromedriver, which the staff console's browser test drives through Selenium; a C compiler (gcc and
# libc6-dev) for the test that builds a stand-in of the vendor's WLT photo decoder plug-in.
APT_PACKAGES := python3 python3-venv libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri libmtdev1 \
	fonts-wqy-microhei xvfb xdotool cups-daemon cups-client cups-ipp-utils poppler-utils prometheus \
	postgresql systemd libudev1 cage chromium chromium-driver gcc libc6-dev
STAMP := $(VENV)/.installed

.PHONY: all install system-packages demo test lint typecheck unit bench clean

all: test

system-packages:
	@scripts/ensure-apt-packages $(APT_PACKAGES)

$(STAMP): pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Debian's python3 (make does it as root)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=24,<27'
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# face_recognition declares a dependency on dlib, which would build from source for ~12 minutes;
	# dlib-bin (a prebuilt wheel, in pyproject) provides the same module, so install it without deps.
	$(BIN)/python -m pip install --quiet --no-deps 'face-recognition==1.3.0'
	$(BIN)/python -c "import kivy, cv2, face_recognition, serial, requests, fastapi" 2>/dev/null
	touch $@

install: system-packages $(STAMP)

demo: install
	$(BIN)/kiosk demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

test: lint typecheck unit

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
