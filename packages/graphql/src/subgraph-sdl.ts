import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The types every subgraph declares alike (the scalars this package resolves, PageInfo, the dead-letter page),
 * beside the package's sources so that a compiled package ships it too.
 */
export const SHARED_TYPES_SDL_PATH = path.join(__dirname, '..', 'shared-types.graphql');

/** A subgraph's SDL as it is served and composed: its own schema file followed by the shared types. */
export function subgraphSdl(schemaFile: string): string {
  return `${readFileSync(schemaFile, 'utf8')}\n${readFileSync(SHARED_TYPES_SDL_PATH, 'utf8')}`;
}
