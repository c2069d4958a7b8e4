# syntax=docker/dockerfile:1
# Production images, one target per service, all from one build stage:
#   docker build --target gateway -t casino-supergraph/gateway .      (loyalty, gaming, workforce, marketing,
#   compliance and seed alike; docker compose builds them all)
# The build stage compiles the TypeScript (`pnpm build`) and deploys each service with only its production
# dependencies (`pnpm deploy --prod`); each runtime target copies one service's deploy folder and nothing else, so
# an image carries no compiler, test tool, TypeScript source or other service's code.
#
# Node.js 24: an LTS line supported until April 2028, where 22 ends in April 2027 and 20 is past its end of life;
# the compiled services are tested on it (the workspace's engines: >= 20.19). bookworm-slim: Debian with glibc,
# which the prebuilt native modules (@node-rs/argon2) are built for, and no curl or tools the services do not need.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN npm install --global pnpm@10
WORKDIR /workspace
# The lockfile alone names every package: this layer is cached until pnpm-lock.yaml changes
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
# The whole context (.dockerignore keeps out installs, data, secrets and git), so every workspace package.json is
# there for the install: a new package needs no change here
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm build --out /deploy

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# the code is owned by root and only readable by the user the service runs as
USER node
# liveness, by node itself (the slim image has no curl); PORT is set per target below
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS gateway
# the gateway reads the composed supergraph and the persisted query manifests from ../schema
COPY --from=build /deploy/schema /app/schema
COPY --from=build /deploy/gateway /app/gateway
WORKDIR /app/gateway
ENV PORT=4000
EXPOSE 4000

FROM runtime AS loyalty
COPY --from=build /deploy/loyalty /app/loyalty
WORKDIR /app/loyalty
ENV PORT=4001
EXPOSE 4001

FROM runtime AS gaming
COPY --from=build /deploy/gaming /app/gaming
WORKDIR /app/gaming
ENV PORT=4002
EXPOSE 4002

FROM runtime AS workforce
COPY --from=build /deploy/workforce /app/workforce
WORKDIR /app/workforce
ENV PORT=4003
EXPOSE 4003

FROM runtime AS marketing
COPY --from=build /deploy/marketing /app/marketing
WORKDIR /app/marketing
ENV PORT=4004
EXPOSE 4004

FROM runtime AS compliance
COPY --from=build /deploy/compliance /app/compliance
WORKDIR /app/compliance
ENV PORT=4005
EXPOSE 4005

# demo data for an empty database, run once before the services (`--if-empty`); a job, not a server
FROM runtime AS seed
COPY --from=build /deploy/seed /app/seed
WORKDIR /app/seed
HEALTHCHECK NONE
CMD ["node", "dist/seed.js", "--if-empty"]
