import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What a subgraph answered: status, headers and the whole body as text. */
export interface SubgraphReply {
  url: string;
  status: number;
  statusText: string;
  ok: boolean;
  /** Lower-case names, as node:http gives them; `get` as a fetch Response's headers (Apollo reads them so). */
  headers: { get(name: string): string | null };
  text: string;
}

/**
 * A subgraph call that got no answer: refused, reset, timed out. Named so the gateway can tell it from an
 * answer the subgraph gave (see isUnreachable).
 */
export class SubgraphUnreachableError extends Error {
  override name = 'SubgraphUnreachableError';
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface PendingCall {
  deadline: number;
  request: ClientRequest;
}

/**
 * POSTs to the subgraphs over keep-alive connections with node:http, for the one request shape the gateway
 * sends (a JSON body, a JSON answer read whole). Written on node:http rather than through fetch: Node's fetch
 * (undici) wraps every call in WHATWG Request, Headers, streams and an AbortSignal, which cost the gateway more
 * CPU than the rest of a small query's plan; the stock gateway's make-fetch-happen is cheaper but still
 * builds a fetch Request and Response per call. Timeouts: one sweep timer for all calls in flight (not a timer
 * per call), so a call ends with SubgraphUnreachableError between `timeoutMs` and `timeoutMs` plus one tick
 * (a tenth of the timeout, at most 250 ms) after it started.
 */
export class SubgraphHttpClient {
  private readonly http = new HttpAgent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_SOCKET_MS });
  private readonly https = new HttpsAgent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_SOCKET_MS });
  private readonly pending = new Set<PendingCall>();
  private sweeper: NodeJS.Timeout | null = null;
  private readonly tickMs: number;

  constructor(private readonly timeoutMs: number) {
    this.tickMs = Math.max(5, Math.min(250, Math.floor(timeoutMs / 10)));
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<SubgraphReply> {
    try {
      return await this.send(url, headers, body);
    } catch (error) {
      // a kept-alive connection the subgraph closed just as it was reused: the request never reached it
      // (a one-time credential sent twice would be refused anyway), so it is sent once more on a new one
      if (error instanceof StaleConnectionError) return this.send(url, headers, body, true);
      throw error;
    }
  }

  private send(
    url: string,
    headers: Record<string, string>,
    body: string,
    fresh = false,
  ): Promise<SubgraphReply> {
    return new Promise<SubgraphReply>((resolve, reject) => {
      const secure = url.startsWith('https:');
      const payload = Buffer.from(body);
      const request = (secure ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: fresh ? false : secure ? this.https : this.http,
        headers: { ...headers, 'content-length': String(payload.length) },
      });
      const call: PendingCall = { deadline: Date.now() + this.timeoutMs, request };
      this.track(call);
      let answered = false;
      request.once('response', (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => {
          this.untrack(call);
          const status = response.statusCode ?? 0;
          resolve({
            url,
            status,
            statusText: response.statusMessage ?? '',
            ok: status >= 200 && status < 300,
            headers: headerGetter(response.headers),
            text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'),
          });
        });
        response.once('error', (error) => {
          this.untrack(call);
          reject(
            new SubgraphUnreachableError('the subgraph answer was cut off', codeOf(error), { cause: error }),
          );
        });
      });
      request.once('error', (error) => {
        this.untrack(call);
        if (answered) return;
        if (error instanceof SubgraphUnreachableError) {
          reject(error);
          return;
        }
        if (!fresh && request.reusedSocket && codeOf(error) === 'ECONNRESET') {
          reject(new StaleConnectionError());
          return;
        }
        reject(
          new SubgraphUnreachableError('the subgraph could not be reached', codeOf(error), { cause: error }),
        );
      });
      request.end(payload);
    });
  }

  private track(call: PendingCall): void {
    this.pending.add(call);
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), this.tickMs);
    this.sweeper.unref();
  }

  private untrack(call: PendingCall): void {
    this.pending.delete(call);
  }

  private sweep(): void {
    const now = Date.now();
    for (const call of this.pending) {
      if (call.deadline > now) continue;
      this.pending.delete(call);
      call.request.destroy(
        new SubgraphUnreachableError(`the subgraph did not answer within ${this.timeoutMs} ms`, 'ETIMEDOUT'),
      );
    }
    if (this.pending.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  /** Closes the kept-alive connections and stops the sweep (calls in flight are left to finish or fail). */
  close(): void {
    this.http.destroy();
    this.https.destroy();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}

/** Idle keep-alive connections close before the subgraphs' own 5 s keep-alive timeout (Node's default). */
const IDLE_SOCKET_MS = 4_000;

class StaleConnectionError extends Error {
  override name = 'StaleConnectionError';
}

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

function headerGetter(headers: IncomingHttpHeaders): SubgraphReply['headers'] {
  return {
    get(name: string) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
