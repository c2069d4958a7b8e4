import { readFileSync } from 'node:fs';
import { composeSupergraph } from './compose';
import { SUPERGRAPH_PATH } from './subgraphs';

describe('supergraph composition', () => {
  const outcome = composeSupergraph();

  it('composes without errors', () => {
    expect(outcome.errors).toEqual([]);
  });

  it('raises no hint that was not accepted on purpose in accepted-hints.json', () => {
    expect(outcome.unacceptedHints).toEqual([]);
  });

  it('matches the committed schema/supergraph.graphql (run `pnpm compose` after changing a subgraph)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(outcome.supergraphSdl);
  });
});
