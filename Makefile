# InsightIQ developer commands. `make run` starts the app, `make test` runs every test.
CARGO_TARGET_DIR ?= $(HOME)/.cache/insightiq/target
export CARGO_TARGET_DIR
BIN := $(CARGO_TARGET_DIR)/debug/insightiq

.PHONY: run build web web-deps api-types test test-rust test-web test-e2e lint fmt clean-data

## Build everything and start InsightIQ on http://localhost:8000 (embedded mode, files under ./data).
run: web build
	$(BIN) serve --host 127.0.0.1 --port 8000 --data-dir ./data

build:
	cargo build --bin insightiq

web-deps:
	cd web && (test -d node_modules || npm ci --no-audit --no-fund)

web: web-deps
	cd web && npm run build

## Regenerate the web app's API types from the server's OpenAPI document (commit both files).
api-types: build web-deps
	$(BIN) openapi > web/src/api/openapi.json
	cd web && npm run api-types

## Every test: Rust (unit, store suite on SQLite and PostgreSQL, API), web unit tests, browser tests.
test: test-rust test-web test-e2e

test-rust:
	cargo test --workspace --no-fail-fast

test-web: web-deps
	cd web && npm test

test-e2e: web build
	cd web && INSIGHTIQ_BIN=$(BIN) E2E_STRICT=1 npm run e2e

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
