# siemad collector image: `docker build -t siemad .` (docker-compose.yml builds it for you).
# Needs the trained model in models/current (committed, or `npm run train`).
#
# Ports: 5514/udp and 5514/tcp syslog, 6514/tcp syslog over TLS (when SIEMAD_TLS_CERT and
# SIEMAD_TLS_KEY are set), 9464/tcp Prometheus /metrics and /healthz, 8514/tcp the HTTP API.

ARG NODE_IMAGE=node:20-slim

# --- build: compile the TypeScript sources to dist/ -----------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# onnxruntime-node's install script would download CUDA files; its npm package already holds
# the CPU build, which is all the collector uses. npm 11 skips it (package.json allowScripts);
# the npm 10 of node:20 images runs it, and the package's own variable tells it to skip.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
# Only the runtime sources: tsc compiles whatever of its `include` list is present.
COPY core ./core
COPY cli ./cli
COPY collector ./collector
COPY sinks ./sinks
COPY scorer ./scorer
COPY opensearch ./opensearch
COPY postgres ./postgres
COPY alerts ./alerts
COPY api ./api
COPY pipeline ./pipeline
RUN npx tsc -p tsconfig.json

# --- runtime ------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    SIEMAD_DATA_DIR=/var/lib/siemad
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The schema migrations are read at start-up (siemad setup postgres, serve).
COPY postgres/migrations ./postgres/migrations
COPY scorer/windows/window-ops.lua ./scorer/windows/window-ops.lua
COPY models/current ./models/current

# A system user of its own; the data directory (disk buffer, dead letters) is its only writable place.
RUN groupadd --system siemad \
 && useradd --system --gid siemad --home-dir /var/lib/siemad --shell /usr/sbin/nologin siemad \
 && mkdir -p /var/lib/siemad \
 && chown siemad:siemad /var/lib/siemad
USER siemad
VOLUME ["/var/lib/siemad"]

EXPOSE 5514/udp 5514/tcp 6514/tcp 9464/tcp 8514/tcp

# /healthz answers 503 when the collector is degraded (e.g. OpenSearch unusable for a while).
# node:20-slim has no curl; Node's fetch does the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SIEMAD_METRICS_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "dist/cli/siemad.js"]
CMD ["serve"]
