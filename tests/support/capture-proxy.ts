import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it crossed the wire: what an attacker on the path between two services would see. */
export interface CapturedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface CaptureProxy {
  /** Point a caller here instead of at the target. */
  url: string;
  captured: CapturedRequest[];
  /** While false, requests are recorded but not forwarded (answered 502), so their credentials stay unused. */
  forwarding: boolean;
  stop(): Promise<void>;
}

/**
 * A recording HTTP proxy in front of one service: records each request, then forwards it unchanged. The
 * target may be given as a function, read at each request, for a service started after its callers.
 */
export async function startCaptureProxy(target: string | (() => string)): Promise<CaptureProxy> {
  const targetOf = typeof target === 'string' ? () => target : target;
  const proxy: CaptureProxy = { url: '', captured: [], forwarding: true, stop: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const targetUrl = targetOf();
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      proxy.captured.push({ url: targetUrl, headers, body });
      if (!proxy.forwarding) {
        res.writeHead(502, { 'content-type': 'application/json' }).end('{"errors":[{"message":"held"}]}');
        return;
      }
      const { host: _host, 'content-length': _length, connection: _connection, ...forwarded } = headers;
      fetch(targetUrl, {
        method: req.method,
        headers: forwarded,
        body: req.method === 'POST' ? body : undefined,
      })
        .then(async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}${typeof target === 'string' ? new URL(target).pathname : '/graphql'}`;
  proxy.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
