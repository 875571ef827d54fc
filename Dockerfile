# syntax=docker/dockerfile:1
# One Dockerfile, two images: the api (portal pages, back office, JSON API) and the worker
# (workflows and activities), both running the compiled dist/ with production dependencies only.
#   docker build --target api -t portail-citoyen-api .
#   docker build --target worker -t portail-citoyen-worker .
# docker-compose.yml builds both; config.ts lists every variable they read.

FROM node:20-bookworm-slim AS base
WORKDIR /app

# Every dependency: the build needs the dev ones (TypeScript).
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# dist/: the compiled sources, api/public and the workflow bundle (npm run build).
FROM deps AS build
COPY . .
RUN npm run build

# What the images ship: no compiler, no test tools. The native modules must load (prebuilt binaries).
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && node -e "require('argon2'); require('@temporalio/core-bridge')" \
 && npm cache clean --force

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read at run time from the folder holding package.json (config.ts's PROJECT_ROOT): page and mail
# templates, the démarches catalogues, the captcha's voice samples, the stylesheet.
COPY package.json ./
COPY templates ./templates
COPY catalogue/*.json ./catalogue/
COPY api/captcha/voice ./api/captcha/voice
COPY api/public ./api/public
# The code stays root's and read-only; the node user writes only the uploaded documents (a volume).
RUN mkdir -p /var/lib/portail-citoyen/documents && chown node:node /var/lib/portail-citoyen/documents
ENV DOCUMENTS_DIR=/var/lib/portail-citoyen/documents
USER node

FROM runtime AS api
ENV PORT=3000
EXPOSE 3000
# No curl in the slim image: Node 20's fetch does the probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/api/server.js"]

FROM runtime AS worker
# Built by `npm run build`: the worker loads it instead of bundling the workflows at every start.
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js WORKER_HTTP_PORT=9464
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WORKER_HTTP_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/worker/index.js"]
