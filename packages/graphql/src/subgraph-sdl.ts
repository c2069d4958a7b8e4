import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, visit } from 'graphql';

/**
 * The types several subgraphs declare alike, one file per group, beside the package's sources so that a compiled
 * package ships them too: the scalars this package resolves, PageInfo and the dead-letter page
 * (shared-types.graphql, in every subgraph), and the answer of the key rotation's re-sealing.
 */
const SHARED_SDL_FILES = ['shared-types.graphql', 'protected-field-rotation.graphql'].map((file) =>
  path.join(__dirname, '..', file),
);

/** The shared SDL files a subgraph's schema file uses: each that defines a type the schema refers to. */
export function sharedSdlFiles(schemaFile: string): string[] {
  const used = new Set<string>();
  visit(parse(readFileSync(schemaFile, 'utf8')), {
    NamedType: (node) => {
      used.add(node.name.value);
    },
  });
  return SHARED_SDL_FILES.filter((file) =>
    parse(readFileSync(file, 'utf8')).definitions.some(
      (definition) =>
        'name' in definition && definition.name !== undefined && used.has(definition.name.value),
    ),
  );
}

/** A subgraph's SDL as it is served and composed: its own schema file followed by the shared types it uses. */
export function subgraphSdl(schemaFile: string): string {
  return [schemaFile, ...sharedSdlFiles(schemaFile)].map((file) => readFileSync(file, 'utf8')).join('\n');
}
