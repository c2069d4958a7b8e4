import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap } from '@apollo/server';
import type { ApolloServer, HTTPGraphQLResponse } from '@apollo/server';
import type { Identity } from '@casino/auth';
import type { Logger } from '@casino/logger';
import { CLIENT_NAME_HEADER, REQUEST_ID_HEADER, requestIdFrom } from '@casino/server';
import type { RequestBase } from '@casino/server';
import { runInContext, startServerSpan } from '@casino/telemetry';
import type { Telemetry } from '@casino/telemetry';
import type { Express } from 'express';
import { compressionMiddleware } from './compression';
import { CORS_EXPOSED_HEADERS, isAllowedOrigin } from './cors';
import type { CorsSettings } from './cors';
import type { GatewayRateLimits } from './rate-limit';

export interface FrontDoorOptions<C extends RequestBase> {
  apollo: ApolloServer<C>;
  /** The GraphQL paths (`/`, `/graphql`). */
  paths: string[];
  maxBodyBytes: number;
  cors: CorsSettings;
  compressionThresholdBytes: number;
  limits: GatewayRateLimits;
  logger: Logger;
  authenticate: (req: IncomingMessage) => Promise<{ identity: Identity }>;
  context: (base: RequestBase) => Promise<C>;
  telemetry: Telemetry;
}

/** `application/json`, alone or with `charset=utf-8`: what the front door reads itself. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The gateway's GraphQL POSTs, served on node:http ahead of Express: the same steps and the same answers as
 * the Express route (request id, CORS, compression, the per-address budget, the JSON body and its limit, the
 * caller's identity, Apollo), without Express's router, body-parser and response helpers, which cost more CPU
 * than the rest of a small query. Only the common case comes here: a POST to a GraphQL path with a JSON body
 * of announced length within the limit and no content encoding. Everything else (GET, preflights, other
 * content types, chunked or oversized bodies, other paths) goes to Express untouched, before any of it is
 * read, and gets the answers it always had. One difference: no ETag on these answers (Express hashes every
 * body it sends; nothing revalidates a POST).
 */
export function frontDoor<C extends RequestBase>(options: FrontDoorOptions<C>) {
  const compress = compressionMiddleware(options.compressionThresholdBytes);
  return (app: Express) => {
    const addressOf = expressIp(app);
    return (req: IncomingMessage, res: ServerResponse): boolean => {
      if (req.method !== 'POST') return false;
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const path = query === -1 ? url : url.slice(0, query);
      if (!options.paths.includes(path)) return false;
      const type = req.headers['content-type'];
      if (!type || !PLAIN_JSON.test(type)) return false;
      const encoding = req.headers['content-encoding'];
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
      if (req.headers['transfer-encoding'] !== undefined) return false;
      const length = Number(req.headers['content-length']);
      if (!Number.isInteger(length) || length <= 0 || length > options.maxBodyBytes) return false;
      const requestId = requestIdFrom(headerValue(req, REQUEST_ID_HEADER));
      const search = query === -1 ? '' : url.slice(query);
      const handle = () =>
        serve(options, compress, req, res, { requestId, path, search, length, ip: addressOf(req) }).catch(
          (error: unknown) => {
            options.logger.error({ err: error, requestId }, 'unexpected error in HTTP handling');
            if (!res.headersSent)
              sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
            else res.destroy();
          },
        );
      if (options.telemetry.enabled) {
        void runInContext(startServerSpan(options.telemetry, req, res, path), handle);
      } else {
        void handle();
      }
      return true;
    };
  };
}

interface Arrival {
  requestId: string;
  path: string;
  search: string;
  length: number;
  ip: string | null;
}

async function serve<C extends RequestBase>(
  options: FrontDoorOptions<C>,
  compress: ReturnType<typeof compressionMiddleware>,
  req: IncomingMessage,
  res: ServerResponse,
  arrival: Arrival,
): Promise<void> {
  res.setHeader(REQUEST_ID_HEADER, arrival.requestId);
  // CORS as corsMiddleware answers a request that is not a preflight: Vary: Origin always, the allowed
  // origin echoed with the headers its script may read, nothing for any other origin
  res.setHeader('vary', 'Origin');
  const origin = req.headers.origin;
  if (origin !== undefined && isAllowedOrigin(options.cors, origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(','));
  }
  // compression: the middleware itself when the client takes a compressed answer, else only what it adds
  if (req.headers['accept-encoding'] !== undefined) compress(req as never, res as never, () => undefined);
  else addVary(res, 'Accept-Encoding');

  const refusal = await options.limits.checkAddress(arrival.ip ?? 'unknown', options.logger);
  if (refusal) {
    res.setHeader('retry-after', refusal.retryAfter);
    sendJson(res, 429, JSON.stringify(refusal.body));
    return;
  }

  const read = await readBody(req, arrival.length);
  if (typeof read !== 'string') {
    sendJson(res, 400, errorBody('BAD_REQUEST', read.message));
    return;
  }
  let body: unknown;
  try {
    // as body-parser's strict JSON: an object or an array, nothing else
    if (!/^[\s]*[[{]/.test(read)) throw new SyntaxError('not an object or array');
    body = JSON.parse(read);
  } catch {
    sendJson(res, 400, errorBody('BAD_REQUEST', 'The request body is not valid JSON'));
    return;
  }

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: arrival.search, body },
    context: async () => {
      const caller = await options.authenticate(req);
      const base: RequestBase = {
        requestId: arrival.requestId,
        clientName: headerValue(req, CLIENT_NAME_HEADER),
        ip: arrival.ip,
        log: options.logger.child({ requestId: arrival.requestId }),
        identity: caller.identity,
      };
      return options.context(base);
    },
  });
  await send(res, response);
}

async function send(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  // Apollo's headers (content type, cache control, Retry-After); it sets no Vary, which stays as set above
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) {
    res.write(chunk);
    (res as ServerResponse & { flush?: () => void }).flush?.();
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

const errorBody = (code: string, message: string) =>
  JSON.stringify({ errors: [{ message, extensions: { code } }] });

/** The body as text, or why it could not be read (as body-parser words it). */
function readBody(req: IncomingMessage, length: number): Promise<string | { message: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (received !== length) {
        resolve({ message: 'The request body is shorter than announced' });
        return;
      }
      resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)).toString('utf8'));
    });
    req.once('aborted', () => resolve({ message: 'The request was aborted' }));
    req.once('error', () => resolve({ message: 'The request was aborted' }));
  });
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Adds a field to Vary unless it is there already (as the vary package does). */
function addVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('vary');
  const value = Array.isArray(current) ? current.join(', ') : current === undefined ? '' : String(current);
  if (value === '*') return;
  const fields = value
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  if (fields.includes(field.toLowerCase())) return;
  res.setHeader('vary', value ? `${value}, ${field}` : field);
}

/**
 * The client's address exactly as Express's `req.ip` gives it (the socket's peer, or through the proxies
 * TRUST_PROXY trusts the nearest untrusted address in X-Forwarded-For): Express's own getter, run on the
 * request's headers and socket with the app's compiled trust.
 */
function expressIp(app: Express): (req: IncomingMessage) => string | null {
  let prototype: object | null = app.request;
  let getter: (() => unknown) | undefined;
  while (prototype && !getter) {
    getter = Object.getOwnPropertyDescriptor(prototype, 'ip')?.get;
    prototype = Object.getPrototypeOf(prototype) as object | null;
  }
  if (!getter) throw new Error("Express's request has no ip getter");
  const ip = getter;
  return (req) => {
    const value = ip.call({ app, headers: req.headers, socket: req.socket, connection: req.socket });
    return typeof value === 'string' ? value : null;
  };
}
