/**
 * A stock Apollo gateway for the gateway benchmark: `ApolloGateway` in `ApolloServer`'s standalone server, as
 * Apollo's documentation sets it up, plus the one thing the subgraphs require of any caller: identity
 * forwarding. It verifies the caller's access token and signs the per-request credential for each subgraph
 * fetch with the same packages/auth functions as our gateway; nothing else (no limits, safelist, metrics,
 * logging plugins, revocation polling). Started by bench/gateway as a process of its own.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import {
  ANONYMOUS,
  AccessTokenVerifier,
  REQUEST_CREDENTIAL_HEADER,
  TokenError,
  accessTokenSettingsFromEnv,
  credentialKeysFromEnv,
  identityFromBearer,
  signRequestCredential,
} from '@casino/auth';
import type { CredentialSigner, Identity } from '@casino/auth';
import {
  commonEnv,
  disableApolloTelemetryByDefault,
  identityEnv,
  parseEnv,
  portSchema,
  tokenEnv,
  z,
} from '@casino/config';

export interface StockContext {
  identity?: Identity;
  ip?: string | null;
}

const stockGatewayEnvSchema = z.object({
  ...commonEnv,
  ...identityEnv,
  ...tokenEnv,
  PORT: portSchema,
  SUPERGRAPH_PATH: z.string(),
  /** `{"loyalty":"http://127.0.0.1:4101/graphql",...}`: where each subgraph of the supergraph answers */
  SUBGRAPH_URLS: z.string().transform((value) => z.record(z.string(), z.url()).parse(JSON.parse(value))),
});

/** Signs the credential over the exact body RemoteGraphQLDataSource sends: `{ query, ...rest }` without `http`. */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<StockContext> {
  constructor(
    url: string,
    private readonly audience: string,
    private readonly signer: CredentialSigner,
  ) {
    super({ url });
  }

  override async willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<StockContext>): Promise<void> {
    const { http, query, ...rest } = request;
    http?.headers.set(
      REQUEST_CREDENTIAL_HEADER,
      await signRequestCredential(this.signer, {
        identity: context.identity ?? ANONYMOUS,
        ip: context.ip ?? null,
        audience: this.audience,
        body: JSON.stringify({ query, ...rest }),
      }),
    );
  }
}

async function main(): Promise<void> {
  disableApolloTelemetryByDefault();
  const env = parseEnv('stock-gateway', stockGatewayEnvSchema);
  const { signer } = credentialKeysFromEnv('gateway', env);
  const tokens = new AccessTokenVerifier(accessTokenSettingsFromEnv(env));
  const noRevocations = { isRevoked: () => false };
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(env.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) => {
      const target = env.SUBGRAPH_URLS[name] ?? url;
      if (!target) throw new Error(`no URL for subgraph ${name}`);
      return new IdentityForwardingDataSource(target, name, signer);
    },
  });
  const server = new ApolloServer<StockContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: env.PORT, host: env.HOST },
    context: async ({ req }) => {
      try {
        const identity = await identityFromBearer(req.headers.authorization, tokens, noRevocations);
        return { identity, ip: req.socket.remoteAddress ?? null };
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        throw new GraphQLError('Unauthenticated', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
    },
  });
  process.stdout.write(`stock gateway ready at ${url}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
