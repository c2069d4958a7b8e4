import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { subgraphSdl } from './subgraph-sdl';

const dir = mkdtempSync(path.join(tmpdir(), 'subgraph-sdl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function schemaFile(name: string, sdl: string): string {
  const file = path.join(dir, `${name}.graphql`);
  writeFileSync(file, sdl);
  return file;
}

const typeNames = (sdl: string) =>
  parse(sdl).definitions.flatMap((definition) =>
    'name' in definition && definition.name ? [definition.name.value] : [],
  );

describe('subgraphSdl', () => {
  it("adds the shared types after the subgraph's own SDL, and ProtectedFieldRotation only where the schema names it", () => {
    const plain = schemaFile(
      'plain',
      'type Query {\n  stamp: DateTime!\n  deadLetters: DeadLetterPage!\n}\n',
    );
    const resealing = schemaFile(
      'resealing',
      'type Query {\n  stamp: DateTime!\n}\ntype Mutation {\n  reseal(batchSize: Int!): [ProtectedFieldRotation!]!\n}\n',
    );
    const shared = [
      'DateTime',
      'Money',
      'JSON',
      'PageInfo',
      'DeliveryFailure',
      'DeadLetter',
      'DeadLetterPage',
    ];
    expect(typeNames(subgraphSdl(plain))).toEqual(['Query', ...shared]);
    expect(typeNames(subgraphSdl(resealing))).toEqual([
      'Query',
      'Mutation',
      ...shared,
      'ProtectedFieldRotation',
    ]);
  });

  it('adds no shared file whose types the schema does not use', () => {
    const bare = schemaFile('bare', 'type Query {\n  ok: Boolean!\n}\n');
    expect(typeNames(subgraphSdl(bare))).toEqual(['Query']);
  });
});
