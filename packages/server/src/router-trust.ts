import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type express from 'express';
import {
  IdentityError,
  ROUTER_SIGNATURE_HEADER,
  TokenError,
  AccessTokenVerifier,
  identityFromBearer,
  verifyRouterSignature,
} from '@casino/auth';
import type { Identity, ReplayGuard, RevocationList, TokenSettings } from '@casino/auth';
import type { SubgraphEnv } from '@casino/config';
import type { Authenticated } from './http';
import { headerValue } from './http';

export interface RouterTrustOptions {
  /** This subgraph's name: the audience router signatures must name. */
  audience: string;
  requireClientCertificate: boolean;
  signingSecret: string | null;
  maxTtlSeconds: number;
  tokens: TokenSettings;
  revocations: RevocationList;
  replay: ReplayGuard;
}

const fail = (message: string): never => {
  throw new IdentityError(message);
};

/**
 * Accepts requests that came through Apollo Router or Hive Router: the router's client certificate (checked by
 * the TLS handshake against the router CA) and/or its per-request signature, plus the user's access token,
 * which the subgraph verifies itself (public keys, revocation list). No token is an anonymous request: only
 * `login` and the health endpoints serve those.
 */
export class RouterTrust {
  private readonly tokens: AccessTokenVerifier;

  constructor(private readonly options: RouterTrustOptions) {
    this.tokens = new AccessTokenVerifier(options.tokens);
  }

  async authenticate(req: express.Request): Promise<Authenticated> {
    const { options } = this;
    if (options.requireClientCertificate && !(req.socket as Partial<TLSSocket>).authorized) {
      fail('no trusted router client certificate');
    }
    let identity: Identity;
    try {
      identity = await identityFromBearer(
        headerValue(req, 'authorization'),
        this.tokens,
        options.revocations,
      );
    } catch (error) {
      if (error instanceof TokenError) return fail(`access token: ${error.message}`);
      throw error;
    }
    if (options.signingSecret) {
      await verifyRouterSignature(
        {
          secret: options.signingSecret,
          audience: options.audience,
          maxTtlSeconds: options.maxTtlSeconds,
          replay: options.replay,
        },
        headerValue(req, ROUTER_SIGNATURE_HEADER),
        identity.kind === 'admin'
          ? { sub: identity.userId, sid: identity.sessionId ?? '' }
          : { sub: '', sid: '' },
      );
    }
    // the router is trusted at this point, so its view of the client's address is too
    const forwarded = headerValue(req, 'x-forwarded-for')?.split(',')[0]?.trim();
    return { identity, ip: forwarded || null };
  }
}

/** The TLS material of a subgraph in router mode with mutual TLS, read once at start. */
export function routerTlsOf(env: SubgraphEnv): { cert: Buffer; key: Buffer; clientCa: Buffer } | undefined {
  if (!env.ROUTER_TRUST.includes('mtls')) return undefined;
  return {
    cert: readFileSync(env.TLS_CERT_FILE!),
    key: readFileSync(env.TLS_KEY_FILE!),
    clientCa: readFileSync(env.TLS_CLIENT_CA_FILE!),
  };
}
