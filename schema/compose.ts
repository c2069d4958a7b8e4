import { readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { buildClientSchema, getIntrospectionQuery, graphqlSync } from 'graphql';
import type { IntrospectionQuery } from 'graphql';
import { apiSchemaOf } from './api-schema';
import { ACCEPTED_HINTS_PATH, SUPERGRAPH_PATH, loadSubgraphSdl } from './subgraphs';

export { apiSchemaOf, loadApiSchema } from './api-schema';

export interface AcceptedHint {
  code: string;
  message: string;
  /** Why this hint is fine as it is. */
  reason: string;
}

export interface CompositionOutcome {
  supergraphSdl: string | null;
  errors: string[];
  /** Hints not listed in accepted-hints.json. */
  unacceptedHints: { code: string; message: string }[];
}

export function readAcceptedHints(): AcceptedHint[] {
  return JSON.parse(readFileSync(ACCEPTED_HINTS_PATH, 'utf8')) as AcceptedHint[];
}

/** Composes the five subgraphs' SDL into the supergraph the gateway (or Apollo Router) serves. */
export function composeSupergraph(): CompositionOutcome {
  const result = composeServices(loadSubgraphSdl());
  const accepted = readAcceptedHints();
  const unacceptedHints = (result.hints ?? [])
    .map((hint) => ({ code: hint.definition.code, message: hint.message }))
    .filter((hint) => !accepted.some((a) => a.code === hint.code && a.message === hint.message));
  if (result.errors) {
    return { supergraphSdl: null, errors: result.errors.map((e) => e.message), unacceptedHints };
  }
  return { supergraphSdl: result.supergraphSdl, errors: [], unacceptedHints };
}

/**
 * Why clients could not introspect the API schema of this supergraph (none when they can): every tool an
 * analyst uses (Sandbox, GraphiQL, codegen) starts with the standard introspection query, and a schema
 * graphql-js cannot print, such as an object default on a custom scalar, fails it for everyone.
 */
export function introspectionProblems(supergraphSdl: string): string[] {
  try {
    const schema = apiSchemaOf(supergraphSdl);
    const result = graphqlSync({ schema, source: getIntrospectionQuery() });
    if (result.errors?.length) return result.errors.map((e) => e.message);
    buildClientSchema(result.data as unknown as IntrospectionQuery);
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

function main(): void {
  const outcome = composeSupergraph();
  for (const error of outcome.errors) process.stderr.write(`composition error: ${error}\n`);
  for (const hint of outcome.unacceptedHints)
    process.stderr.write(`unaccepted hint [${hint.code}]: ${hint.message}\n`);
  const unintrospectable = outcome.supergraphSdl ? introspectionProblems(outcome.supergraphSdl) : [];
  for (const problem of unintrospectable) process.stderr.write(`introspection fails: ${problem}\n`);
  if (!outcome.supergraphSdl || outcome.unacceptedHints.length > 0 || unintrospectable.length > 0) {
    process.stderr.write('supergraph.graphql was not written\n');
    process.exit(1);
  }
  writeFileSync(SUPERGRAPH_PATH, outcome.supergraphSdl);
  process.stdout.write(`wrote ${SUPERGRAPH_PATH}\n`);
}

if (require.main === module) main();
