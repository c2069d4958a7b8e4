import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import type { PersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';

/** Every folder under clients/ is one client app whose `.graphql` operations are published as a manifest. */
export const CLIENTS_DIR = __dirname;
export const MANIFESTS_DIR = path.resolve(__dirname, '..', 'schema', 'persisted-queries');

export function clientApps(): string[] {
  return readdirSync(CLIENTS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * The app's operations exactly as Apollo Client sends them (its cache adds `__typename` to every selection
 * set), so the ids are the sha256 the client's persisted-query link computes.
 */
export function generateClientManifest(app: string): Promise<PersistedQueryManifest> {
  const documents = path.relative(process.cwd(), path.join(CLIENTS_DIR, app, '**', '*.graphql'));
  return generatePersistedQueryManifest({ documents: documents.split(path.sep).join('/') }, undefined);
}

export function manifestPath(app: string): string {
  return path.join(MANIFESTS_DIR, `${app}.json`);
}

export function serializeManifest(manifest: PersistedQueryManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

async function main(): Promise<void> {
  mkdirSync(MANIFESTS_DIR, { recursive: true });
  for (const app of clientApps()) {
    const manifest = await generateClientManifest(app);
    writeFileSync(manifestPath(app), serializeManifest(manifest));
    console.log(
      `${path.relative(process.cwd(), manifestPath(app))}: ${manifest.operations.length} operations`,
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
