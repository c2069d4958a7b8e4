import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { developmentSigner, ServiceClient } from '@casino/auth';

/** A port nothing listens on right now (the OS picks it, then it is closed again). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A client for a subgraph that is down: every call fails as unreachable. */
export async function unreachableService(): Promise<ServiceClient> {
  return new ServiceClient({
    url: `http://127.0.0.1:${await deadPort()}/graphql`,
    target: 'loyalty',
    signer: developmentSigner('gaming'),
    timeoutMs: 1_000,
  });
}
