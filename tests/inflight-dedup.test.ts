import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningGateway } from '@casino/gateway';
import { IDENTITIES, tokenFor } from './support/stack-harness';
import { startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/** What reached compliance through the delaying proxy: each request's body and credential. */
interface Arrival {
  body: string;
  credential: string | undefined;
}

/**
 * In front of compliance: holds every request for `delayMs` before forwarding it, so requests the gateway
 * sends close together are all in flight at once, and records each.
 */
async function startDelayingProxy(target: string, delayMs: number) {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      arrivals.push({ body, credential: headers['x-casino-credential'] });
      const { host: _host, 'content-length': _length, connection: _connection, ...forwarded } = headers;
      setTimeout(() => {
        fetch(target, { method: 'POST', headers: forwarded, body })
          .then(async (answer) => {
            res.writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'text/plain',
            });
            res.end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch(() => res.writeHead(502).end());
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    arrivals,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The admin a request credential speaks for (its payload, unverified: the subgraph verifies it). */
function usernameIn(credential: string | undefined): string | undefined {
  const payload = JSON.parse(Buffer.from(credential!.split('.')[1]!, 'base64url').toString('utf8')) as {
    idn?: { username?: string };
  };
  return payload.idn?.username;
}

const ME = 'query Me { me { id username role } }';
const RETRY = 'mutation Retry { retryComplianceDeadLetter(id: "000000000000000000000000") }';

describe('in-flight deduplication of subgraph queries at the gateway', () => {
  let stack: TestStack;
  let proxy: Awaited<ReturnType<typeof startDelayingProxy>>;
  let deduplicating: RunningGateway;
  let plain: RunningGateway;

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 1 });
    proxy = await startDelayingProxy(stack.subgraphs.compliance.url, 300);
    const subgraphUrls = { compliance: proxy.url };
    deduplicating = await stack.startGateway({ subgraphUrls });
    plain = await stack.startGateway({ subgraphUrls, env: { GATEWAY_INFLIGHT_DEDUP: 'false' } });
  }, 180_000);
  afterAll(async () => {
    await deduplicating?.stop();
    await plain?.stop();
    await proxy?.stop();
    await stack?.stop();
  });

  /** Sends each request at once, returns their answers and what compliance received for `operation`. */
  async function concurrently(
    gateway: RunningGateway,
    requests: { query: string; token: string }[],
    operation: RegExp,
  ) {
    const before = proxy.arrivals.length;
    const answers = await Promise.all(
      requests.map(async ({ query, token }) => {
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query }),
        });
        expect(response.status).toBe(200);
        return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      }),
    );
    const arrived = proxy.arrivals.slice(before).filter((a) => operation.test(a.body));
    return { answers, arrived };
  }

  it('makes one subgraph call for two identical concurrent queries of one caller, with one credential', async () => {
    const token = await tokenFor(IDENTITIES.Manager);
    const joined = deduplicating.inflight!.counts.joined;
    const { answers, arrived } = await concurrently(
      deduplicating,
      [
        { query: ME, token },
        { query: ME, token },
      ],
      /\bme\b/,
    );
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.credential).toEqual(expect.any(String));
    expect(usernameIn(arrived[0]!.credential)).toBe('manager');
    // the test identities have no stored account: `me` is null, and no error
    expect(answers[0]).toEqual({ data: { me: null } });
    expect(answers[1]).toEqual(answers[0]);
    expect(deduplicating.inflight!.counts.joined).toBe(joined + 1);
    // nothing outlives the call: a later identical query makes a call of its own
    expect(deduplicating.inflight!.size).toBe(0);
  });

  it('never shares a call between two callers, even with the same query', async () => {
    const { answers, arrived } = await concurrently(
      deduplicating,
      [
        { query: ME, token: await tokenFor(IDENTITIES.Manager) },
        { query: ME, token: await tokenFor(IDENTITIES.Supervisor) },
      ],
      /\bme\b/,
    );
    expect(arrived).toHaveLength(2);
    expect(new Set(arrived.map((a) => a.credential)).size).toBe(2);
    expect(arrived.map((a) => usernameIn(a.credential)).sort()).toEqual(['manager', 'supervisor']);
    expect(answers.map((a) => a.errors)).toEqual([undefined, undefined]);
  });

  it('never shares a mutation, even two identical ones of one caller', async () => {
    const token = await tokenFor(IDENTITIES.SuperAdmin);
    const { answers, arrived } = await concurrently(
      deduplicating,
      [
        { query: RETRY, token },
        { query: RETRY, token },
      ],
      /retryComplianceDeadLetter/,
    );
    expect(arrived).toHaveLength(2);
    expect(answers).toEqual([
      { data: { retryComplianceDeadLetter: false } },
      { data: { retryComplianceDeadLetter: false } },
    ]);
  });

  it('makes a call per request when GATEWAY_INFLIGHT_DEDUP is false', async () => {
    const token = await tokenFor(IDENTITIES.Manager);
    const { arrived } = await concurrently(
      plain,
      [
        { query: ME, token },
        { query: ME, token },
      ],
      /\bme\b/,
    );
    expect(arrived).toHaveLength(2);
    expect(plain.inflight).toBeNull();
  });
});
