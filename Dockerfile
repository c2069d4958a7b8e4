# One image for every service; docker-compose.yml picks the entry point per container.
FROM node:20-bookworm-slim
RUN npm install -g pnpm@10
WORKDIR /app

# Manifests first so the dependency layer is cached until a package.json or the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY gateway/package.json gateway/
COPY schema/package.json schema/
COPY tests/package.json tests/
COPY packages/audit/package.json packages/audit/
COPY packages/auth/package.json packages/auth/
COPY packages/config/package.json packages/config/
COPY packages/crypto/package.json packages/crypto/
COPY packages/embedded-mongo/package.json packages/embedded-mongo/
COPY packages/errors/package.json packages/errors/
COPY packages/graphql/package.json packages/graphql/
COPY packages/logger/package.json packages/logger/
COPY packages/mongo/package.json packages/mongo/
COPY packages/server/package.json packages/server/
COPY subgraphs/loyalty/package.json subgraphs/loyalty/
COPY subgraphs/gaming/package.json subgraphs/gaming/
COPY subgraphs/workforce/package.json subgraphs/workforce/
COPY subgraphs/marketing/package.json subgraphs/marketing/
COPY subgraphs/compliance/package.json subgraphs/compliance/
RUN pnpm install --frozen-lockfile

COPY . .
USER node
ENV HOST=0.0.0.0
CMD ["./node_modules/.bin/tsx", "gateway/src/main.ts"]
