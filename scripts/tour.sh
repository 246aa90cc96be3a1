#!/usr/bin/env bash
# The README's first command: build iocdb, import the bundled real sample data into a
# fresh database, and show lookups, a correlation and the overlap matrix.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --locked -q -p iocdb-cli
iocdb() { "$CARGO_TARGET_DIR/debug/iocdb" "$@"; }
export IOCDB_DB="${IOCDB_DB:-$(mktemp -d)/tour-db}"
S=testdata/samples
step() { printf '\n\033[1m$ iocdb %s\033[0m\n' "$*"; iocdb "$@"; }

echo "database: $IOCDB_DB"
step import --source threatfox-2026-07 $S/threatfox-ips-2026-07-23.txt
step import --source threatfox-2026-08 $S/threatfox-ips-2026-08-22.txt
step import --source ipsum $S/ipsum.txt
step import --source feodo $S/ipblocklist_2024-03-26_23-30-15.csv $S/ipblocklist_2024-04-04_07-03-03.csv
step import --source unit42 $S/unit42-venomrat_iocs.csv $S/unit42-2024-02-21-AsyncRAT.stix.json
step import --source eset $S/eset-glupteba.misp.json
step import --source fireeye $S/fireeye-apt28-0ff58bf9.ioc
step sources --format table
step stats --format table
# A ThreatFox address also on IPsum; a Feodo C2 in both snapshots; a defanged domain.
step lookup --format table "$(sed -n '200p' $S/threatfox-ips-2026-08-22.txt)" \
    "$(grep -v '^#' $S/ipblocklist_2024-04-04_07-03-03.csv | sed -n '2p' | cut -d, -f2 | tr -d '"')" \
    "$(grep -o 'baiwu123[^,]*' $S/unit42-venomrat_iocs.csv | head -1 | sed 's/\./[.]/g')" || true
first_event=$(iocdb events --source threatfox-2026-08 --format csv | sed -n '2p' | cut -d, -f2)
step correlate --format table --top 5 "$first_event"
step overlap --format table
step check --format table
