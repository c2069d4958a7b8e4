import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { ANONYMOUS, REQUEST_CREDENTIAL_HEADER, signRequestCredential } from '@casino/auth';
import type { CredentialSigner, Identity } from '@casino/auth';
import type { Logger } from '@casino/logger';
import { CLIENT_NAME_HEADER, REQUEST_ID_HEADER } from '@casino/server';
import type { RequestBase, ServiceMetrics } from '@casino/server';
import { injectTraceContext } from '@casino/telemetry';
import { GraphQLError } from 'graphql';
import { callerScope, isQueryOperation } from './inflight';
import type { InflightCalls } from './inflight';
import type { SubgraphHttpClient, SubgraphReply } from './subgraph-http';
import { isUnreachable, subgraphUnavailableBody } from './subgraph-unavailable';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface SubgraphDataSourceOptions {
  url: string;
  subgraph: string;
  signer: CredentialSigner;
  client: SubgraphHttpClient;
  logger: Logger;
  metrics: ServiceMetrics | null;
  traced: boolean;
  /** Identical concurrent queries of one caller share a call (GATEWAY_INFLIGHT_DEDUP); null when off. */
  inflight: InflightCalls<SubgraphReply> | null;
}

/**
 * Sends the query planner's requests to one subgraph. Each carries the caller's verified identity in a request
 * credential made for exactly that request (this subgraph, the exact body bytes, a one-time id, a short
 * expiry), plus the request id and client name so one request can be followed through every service's logs.
 *
 * With in-flight deduplication, a query identical to one already on its way to this subgraph for the same
 * caller (same identity and address, same body) waits for that call instead of making its own: the call is
 * made once, with one credential, and each waiter reads its own copy of the answer. Mutations never share.
 *
 * The same contract as @apollo/gateway's RemoteGraphQLDataSource (its errors for non-2xx answers, the
 * subgraph's Cache-Control hint), without its node-fetch Headers and Request per call.
 */
export class SubgraphDataSource implements GraphQLDataSource<RequestBase> {
  constructor(private readonly options: SubgraphDataSourceOptions) {}

  async process(options: GraphQLDataSourceProcessOptions<RequestBase>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const { http, ...graphqlRequest } = request;
    const body = JSON.stringify(graphqlRequest);
    // an operation of a client's request; those the gateway would make on its own (none today) go anonymous
    const incoming = 'incomingRequestContext' in options ? options : null;
    const context = incoming?.context ?? null;
    const identity = context && 'identity' in context ? context.identity : ANONYMOUS;
    const ip = context && 'ip' in context ? context.ip : null;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (http?.headers) for (const [name, value] of http.headers) headers[name] = value;
    if (context && 'requestId' in context) {
      headers[REQUEST_ID_HEADER] = context.requestId;
      if (context.clientName) headers[CLIENT_NAME_HEADER] = context.clientName;
    }
    // the subgraph's server span becomes a child of this fetch's span (gateway.fetch)
    if (this.options.traced) injectTraceContext(headers);

    const { inflight } = this.options;
    const exchange =
      inflight && context && isQueryOperation(request.query)
        ? inflight.share(`${callerScope(identity, ip)}\u0000${body}`, () =>
            this.exchange(headers, body, identity, ip),
          )
        : this.exchange(headers, body, identity, ip);
    const reply = await exchange;
    const parsed = parseReply(reply);
    if (!reply.ok) throw errorFromReply(reply, parsed);
    if (typeof parsed !== 'object' || parsed === null) {
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    }
    if (incoming) {
      restrictCachePolicy(
        incoming.incomingRequestContext.overallCachePolicy,
        reply.headers.get('cache-control'),
      );
    }
    return { ...(parsed as GatewayGraphQLResponse), http: reply as unknown as FetcherResponse };
  }

  /** Signs the credential over the exact body and sends it; a subgraph that cannot be reached fails its part. */
  private async exchange(
    headers: Record<string, string>,
    body: string,
    identity: Identity,
    ip: string | null,
  ): Promise<SubgraphReply> {
    const { subgraph, signer, client, metrics, logger } = this.options;
    const signed = {
      ...headers,
      [REQUEST_CREDENTIAL_HEADER]: await signRequestCredential(signer, {
        identity,
        ip,
        audience: subgraph,
        body,
      }),
    };
    const sending = client.post(this.options.url, signed, body);
    // timeSubgraphFetch reads only `ok` of what it times
    const sent = metrics
      ? (metrics.timeSubgraphFetch(
          subgraph,
          sending as unknown as Promise<Response>,
        ) as unknown as Promise<SubgraphReply>)
      : sending;
    // a subgraph down or too slow: its fields become SERVICE_UNAVAILABLE errors, the rest of the plan goes on
    return sent.catch((error: unknown) => {
      if (!isUnreachable(error)) throw error;
      logger.warn({ err: error, subgraph }, 'subgraph unreachable: its fields are SERVICE_UNAVAILABLE');
      return unavailableReply(this.options.url, subgraphUnavailableBody(subgraph, body));
    });
  }
}

const JSON_CONTENT = /^application\/(graphql-response\+)?json/;

/** The answer's body as RemoteGraphQLDataSource reads it: JSON when the subgraph says so, else text. */
function parseReply(reply: SubgraphReply): unknown {
  const contentType = reply.headers.get('content-type');
  return contentType && JSON_CONTENT.test(contentType) ? JSON.parse(reply.text) : reply.text;
}

/** RemoteGraphQLDataSource's error for a non-2xx answer: `401: Unauthorized`, the answer in extensions. */
function errorFromReply(reply: SubgraphReply, body: unknown): GraphQLError {
  const code = reply.status === 401 ? 'UNAUTHENTICATED' : reply.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${reply.status}: ${reply.statusText}`, {
    extensions: {
      response: { url: reply.url, status: reply.status, statusText: reply.statusText, body },
      ...(code ? { code } : {}),
    },
  });
}

function unavailableReply(url: string, text: string): SubgraphReply {
  return {
    url,
    status: 200,
    statusText: 'OK',
    ok: true,
    headers: { get: (name) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) },
    text,
  };
}

/** The subgraph's Cache-Control (max-age, public or private) narrows the whole response's, as Apollo's does. */
function restrictCachePolicy(policy: unknown, cacheControl: string | null): void {
  if (!policy || typeof policy !== 'object' || !('restrict' in policy)) return;
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  for (const directive of (cacheControl ?? '').split(',')) {
    const [name, value] = directive.trim().split('=') as [string, string | undefined];
    if (name === 'max-age' && value && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    else if (name === 'private') hint.scope = 'PRIVATE';
    else if (name === 'public') hint.scope = 'PUBLIC';
  }
  (policy as { restrict(hint: object): void }).restrict(hint);
}
