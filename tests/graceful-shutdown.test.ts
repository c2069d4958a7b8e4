import { request as httpRequest, createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { developmentTokenSettings, issueAccessToken } from '@casino/auth';
import { parseGatewayEnv, startGateway } from '@casino/gateway';
import type { RunningGateway } from '@casino/gateway';
import { createLogger } from '@casino/logger';
import { loyaltySubgraph } from '@casino/loyalty';
import { TEST_SUPERADMIN, startServedSubgraph } from '@casino/testing';
import type { ServedSubgraph } from '@casino/testing';

const SUBGRAPH_DELAY_MS = 1_500;
const STOP_AFTER_MS = 300;
const DRAIN_DELAY_MS = 400;
const GRACE_MS = 5_000;

/** In front of loyalty: GraphQL requests wait SUBGRAPH_DELAY_MS, health and readiness checks go straight through. */
async function startSlowProxy(target: string): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delay = req.method === 'POST' ? SUBGRAPH_DELAY_MS : 0;
      setTimeout(() => {
        const { host: _host, connection: _connection, 'content-length': _length, ...headers } = req.headers;
        fetch(new URL(req.url ?? '/', target), {
          method: req.method,
          headers: headers as Record<string, string>,
          body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
        })
          .then(async (answer) => {
            res.writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'text/plain',
            });
            res.end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch(() => res.writeHead(502).end());
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A GET on a new connection (no pooled keep-alive socket): its status, or the connection error's code. */
function getOnNewConnection(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

describe('graceful shutdown', () => {
  let loyalty: ServedSubgraph;
  let proxy: Awaited<ReturnType<typeof startSlowProxy>>;
  let gateway: RunningGateway;

  /** A gateway in front of the slow loyalty; the other subgraphs are unreachable. */
  const startSlowGateway = (graceMs: number, drainDelayMs: number) => {
    const nowhere = 'http://127.0.0.1:9/graphql';
    return startGateway({
      env: parseGatewayEnv({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        PORT: '0',
        SHUTDOWN_GRACE_MS: String(graceMs),
        SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs),
      }),
      logger: createLogger({ name: 'gateway', level: 'silent' }),
      subgraphUrls: {
        loyalty: proxy.url,
        gaming: nowhere,
        workforce: nowhere,
        marketing: nowhere,
        compliance: nowhere,
      },
    });
  };

  /** A loyalty query through the gateway, held SUBGRAPH_DELAY_MS by the proxy: its status and body, or the error. */
  async function slowQuery(url: string) {
    const { kind: _kind, ...user } = TEST_SUPERADMIN as Extract<typeof TEST_SUPERADMIN, { kind: 'admin' }>;
    const { token } = await issueAccessToken(user, developmentTokenSettings());
    const started = Date.now();
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ rewards(first: 1) { __typename } }' }),
    }).then(
      async (response) => ({
        status: response.status,
        body: (await response.json()) as { data?: unknown; errors?: unknown },
        error: null,
        ms: Date.now() - started,
      }),
      (error: unknown) => ({ status: 0, body: null, error, ms: Date.now() - started }),
    );
  }

  beforeAll(async () => {
    loyalty = await startServedSubgraph(loyaltySubgraph);
    proxy = await startSlowProxy(loyalty.running.url);
    gateway = await startSlowGateway(GRACE_MS, DRAIN_DELAY_MS);
  });
  afterAll(async () => {
    await gateway?.stop();
    await proxy?.stop();
    await loyalty?.stop();
  });

  it('answers /ready 503 at once, finishes the request in flight, then refuses new connections', async () => {
    const ready = new URL('/ready', gateway.url).href;
    // one subgraph of five answering is enough to serve its fields
    expect(await getOnNewConnection(ready)).toBe(200);

    const inFlight = slowQuery(gateway.url);

    await new Promise((resolve) => setTimeout(resolve, STOP_AFTER_MS));
    const stopStarted = Date.now();
    const stopped = gateway.stop().then(() => Date.now() - stopStarted);

    const readyDuringDrain = await getOnNewConnection(ready);
    const msTo503 = Date.now() - stopStarted;
    await new Promise((resolve) => setTimeout(resolve, DRAIN_DELAY_MS + 100));
    const afterListenerClosed = await getOnNewConnection(ready);

    const answer = await inFlight;
    const stopMs = await stopped;
    console.info(
      `graceful shutdown: request ${answer.ms} ms (stop at ${STOP_AFTER_MS} ms), /ready 503 after ${msTo503} ms, ` +
        `stop() took ${stopMs} ms (grace ${GRACE_MS} ms)`,
    );

    expect(readyDuringDrain).toBe(503);
    expect(afterListenerClosed).toBe('ECONNREFUSED');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { rewards: { __typename: 'RewardConnection' } } });
    expect(answer.ms).toBeGreaterThanOrEqual(SUBGRAPH_DELAY_MS);
    expect(stopMs).toBeGreaterThanOrEqual(SUBGRAPH_DELAY_MS - STOP_AFTER_MS - 100);
    expect(stopMs).toBeLessThan(GRACE_MS);
  });

  it('cuts a request still running when the grace period is over, and stops then', async () => {
    const graceMs = 400;
    const impatient = await startSlowGateway(graceMs, 0);
    const inFlight = slowQuery(impatient.url);
    await new Promise((resolve) => setTimeout(resolve, STOP_AFTER_MS));
    const stopStarted = Date.now();
    await impatient.stop();
    const stopMs = Date.now() - stopStarted;
    const answer = await inFlight;

    expect(answer.error).not.toBeNull();
    expect(stopMs).toBeGreaterThanOrEqual(graceMs);
    expect(stopMs).toBeLessThan(SUBGRAPH_DELAY_MS - STOP_AFTER_MS);
  });
});
