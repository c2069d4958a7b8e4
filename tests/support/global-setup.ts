import { startEmbeddedMongo } from '@casino/embedded-mongo';
import { readProcessEnv } from '@casino/config';

/**
 * Without MONGODB_URI the suite runs against an in-memory mongo-java-server started here once; workers
 * inherit its URI. With MONGODB_URI set, that server is used and each test file works in its own databases.
 */
export default async function globalSetup(): Promise<void> {
  if (readProcessEnv().MONGODB_URI) return;
  const server = await startEmbeddedMongo();
  (globalThis as { __embeddedMongo?: typeof server }).__embeddedMongo = server;
  // eslint-disable-next-line no-restricted-properties
  process.env.MONGODB_URI = server.uri;
}
