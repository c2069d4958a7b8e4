import type { EmbeddedMongo } from '@casino/embedded-mongo';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __embeddedMongo?: EmbeddedMongo }).__embeddedMongo?.stop();
}
