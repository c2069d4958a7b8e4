import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Identity } from '@casino/auth';
import type { Logger } from '@casino/logger';
import { runInContext, startServerSpan } from '@casino/telemetry';
import type { Telemetry } from '@casino/telemetry';
import { DEFAULT_MAX_BODY_BYTES, httpErrorHandler, notFoundHandler } from './http-errors';
import type { ServiceMetrics } from './metrics';

export const REQUEST_ID_HEADER = 'x-request-id';
export const CLIENT_NAME_HEADER = 'apollographql-client-name';

/** What every request context starts with, in the gateway and in each subgraph. */
export interface RequestBase {
  requestId: string;
  clientName: string | null;
  ip: string | null;
  log: Logger;
  /** Who is calling, verified before any resolver runs. */
  identity: Identity;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request id a caller sent (`x-request-id`), when it is a sane one; otherwise a new one. */
export const requestIdFrom = (incoming: string | null): string =>
  incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();

export function headerValue(req: express.Request, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The raw bytes of a JSON request body, kept so a request credential can be checked against them. */
export function rawBodyOf(req: express.Request): Buffer {
  return (req as express.Request & { rawBody?: Buffer }).rawBody ?? EMPTY_BODY;
}

const EMPTY_BODY = Buffer.alloc(0);

/** Who the request is from, established before any resolver runs. */
export interface Authenticated {
  identity: Identity;
  /** The client's address when a trusted caller vouches for it (a subgraph behind the gateway). */
  ip?: string | null;
}

export interface HttpServiceOptions<C extends BaseContext> {
  name: string;
  host: string;
  port: number;
  logger: Logger;
  apollo: ApolloServer<C>;
  /** Establishes the caller's identity; throws (a GraphQL UNAUTHENTICATED error) to refuse the request. */
  authenticate: (req: express.Request) => Authenticated | Promise<Authenticated>;
  context: (base: RequestBase, req: express.Request) => Promise<C>;
  /** Whether the service can serve now (its MongoDB answers, or for the gateway its subgraphs do). */
  ready: () => Promise<boolean>;
  /** Where GraphQL is served; the gateway adds `/` so Apollo Sandbox opens at the root. */
  graphqlPaths?: string[];
  /** Express `trust proxy`: who may state the client's address in X-Forwarded-For (TRUST_PROXY). */
  trustProxy?: string;
  /** The largest JSON body read (MAX_REQUEST_BODY_BYTES); a bigger one is PAYLOAD_TOO_LARGE (413). */
  maxBodyBytes?: number;
  /**
   * Express middleware run on the GraphQL paths after the request id is set and before the body is read (the
   * gateway's CORS, compression and rate limits); health and readiness checks never pass through it.
   */
  beforeGraphql?: express.RequestHandler[];
  /** Public JSON documents served with GET (e.g. the access-token JWKS). */
  documents?: { path: string; body: () => unknown }[];
  /** Registers further routes (e.g. the gateway's self-hosted explorer) ahead of the GraphQL paths. */
  routes?: (app: express.Express) => void;
  /**
   * Serves some requests on the same server ahead of Express (the gateway's GraphQL POSTs, without Express's
   * cost per request): returns true for a request it answers, false, before reading any of it, for one Express
   * should serve. Given the Express app for its settings (`trust proxy fn`).
   */
  frontDoor?: (app: express.Express) => (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * Serve HTTPS; with `clientCa`, ask every client for a certificate and record whether it was issued by that
   * CA (`req.socket.authorized`): callers that rely on it check it, others (service credentials) need none.
   */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
  /** Prometheus metrics: times every GraphQL request and serves `GET /metrics` (METRICS_ENABLED). */
  metrics?: ServiceMetrics | null;
  /** How `stop()` drains (SHUTDOWN_GRACE_MS, SHUTDOWN_DRAIN_DELAY_MS); by default 10 s of grace, no delay. */
  shutdown?: { graceMs: number; drainDelayMs: number };
  /** Traces (OTEL_EXPORTER_OTLP_ENDPOINT): a server span per GraphQL request, joined to the caller's trace. */
  telemetry?: Telemetry;
}

export interface RunningService {
  name: string;
  port: number;
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql */
  url: string;
  /**
   * Drains, then stops: `/ready` answers 503 at once, the listener closes after the drain delay, requests in
   * flight finish within the grace period (idle keep-alive connections are closed), then Apollo stops.
   */
  stop(): Promise<void>;
}

/**
 * With tracing on: `start` opens the request's server span (a child of the caller's `traceparent`) and runs the
 * edge middleware in it; `resume` re-enters it once the body is read (stream events run outside it), so Apollo,
 * the resolvers, MongoDB commands and log lines all belong to the request's trace. Nothing when tracing is off.
 */
function traceRequests(telemetry: Telemetry | undefined): {
  start: express.RequestHandler[];
  resume: express.RequestHandler[];
} {
  if (!telemetry?.enabled) return { start: [], resume: [] };
  return {
    start: [
      (req, res, next) => {
        const traced = startServerSpan(telemetry, req, res, req.path);
        res.locals.traceContext = traced;
        runInContext(traced, next);
      },
    ],
    resume: [(_req, res, next) => runInContext(res.locals.traceContext, next)],
  };
}

/** Serves GraphQL plus `GET /health` (alive) and `GET /ready` (can serve) over one HTTP server. */
export async function startHttpService<C extends BaseContext>(
  options: HttpServiceOptions<C>,
): Promise<RunningService> {
  const { apollo, logger } = options;
  if (options.metrics) apollo.addPlugin(options.metrics.apolloPlugin<C>());
  await apollo.start();
  const app = express();
  app.disable('x-powered-by');
  const trustProxy = options.trustProxy ?? 'loopback';
  app.set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  // set by stop(): the load balancer takes this replica out while requests in flight finish
  let draining = false;
  app.get('/ready', async (_req, res) => {
    const ready = !draining && (await options.ready().catch(() => false));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', service: options.name });
  });

  for (const document of options.documents ?? []) {
    app.get(document.path, (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=300');
      res.json(document.body());
    });
  }
  options.metrics?.routes()(app);
  options.routes?.(app);

  const tracing = traceRequests(options.telemetry);
  app.all(
    options.graphqlPaths ?? ['/graphql'],
    (req, res, next) => {
      const requestId = requestIdFrom(headerValue(req, REQUEST_ID_HEADER));
      res.locals.requestId = requestId;
      res.setHeader(REQUEST_ID_HEADER, requestId);
      next();
    },
    ...tracing.start,
    ...(options.beforeGraphql ?? []),
    express.json({
      limit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      verify: (req, _res, buffer) => {
        (req as express.Request & { rawBody?: Buffer }).rawBody = buffer;
      },
    }),
    ...tracing.resume,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        const caller = await options.authenticate(req);
        const base: RequestBase = {
          requestId,
          clientName: headerValue(req, CLIENT_NAME_HEADER),
          ip: caller.ip !== undefined ? caller.ip : (req.ip ?? null),
          log: logger.child({ requestId }),
          identity: caller.identity,
        };
        return options.context(base, req);
      },
    }),
  );

  // last: whatever no route serves, and whatever fails on the way, answers JSON with a code
  app.use(notFoundHandler());
  app.use(httpErrorHandler(logger));

  const front = options.frontDoor?.(app);
  const listener = front
    ? (req: IncomingMessage, res: ServerResponse) => {
        if (!front(req, res)) void app(req, res);
      }
    : app;
  const { tls } = options;
  const server = tls
    ? createTlsServer(
        {
          cert: tls.cert,
          key: tls.key,
          ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
        },
        listener,
      )
    : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}${(options.graphqlPaths ?? ['/graphql']).at(-1)}`;
  logger.info({ port }, `${options.name} listening`);

  const { graceMs, drainDelayMs } = options.shutdown ?? { graceMs: 10_000, drainDelayMs: 0 };
  let stopped: Promise<void> | null = null;
  const drainAndStop = async () => {
    draining = true;
    logger.info({ graceMs, drainDelayMs }, `${options.name} draining`);
    if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // a keep-alive connection whose request has finished is closed as soon as it is idle, not at the deadline
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    let deadline: NodeJS.Timeout | undefined;
    const graceOver = new Promise<boolean>((resolve) => {
      deadline = setTimeout(() => resolve(true), graceMs);
    });
    const cut = await Promise.race([closed.then(() => false), graceOver]);
    clearInterval(idleSweep);
    clearTimeout(deadline);
    if (cut) {
      logger.warn({ graceMs }, `${options.name}: grace period over, closing the remaining connections`);
      server.closeAllConnections();
      await closed;
    }
    await apollo.stop();
  };

  return {
    name: options.name,
    port,
    url,
    async stop() {
      if (stopped) return stopped;
      stopped = drainAndStop();
      return stopped;
    },
  };
}
