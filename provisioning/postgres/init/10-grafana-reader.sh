#!/bin/sh
# Run once by the postgres image when its data volume is created (docker-entrypoint-initdb.d), as
# the database owner: a read-only role for Grafana's PostgreSQL datasource. siemad creates its
# tables later (migrations at start, as POSTGRES_USER); the default privileges give Grafana SELECT
# on each of them and nothing else. Without docker, run the same SQL as the owner of siemad's
# tables (README, "Provisioning").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v reader=siemad_grafana -v password="${SIEMAD_GRAFANA_DB_PASSWORD:?set SIEMAD_GRAFANA_DB_PASSWORD}" -v owner="$POSTGRES_USER" <<'SQL'
CREATE ROLE :"reader" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT USAGE ON SCHEMA public TO :"reader";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"reader";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO :"reader";
ALTER ROLE :"reader" SET default_transaction_read_only = on;
ALTER ROLE :"reader" SET statement_timeout = '30s';
SQL
