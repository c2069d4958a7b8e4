import type { FieldProtector } from '@casino/crypto';
import { requireProtector } from './subgraph-runtime';

describe('requireProtector', () => {
  it('hands over the configured protector', () => {
    const protector = { currentKeyId: 'k1' } as unknown as FieldProtector;
    expect(requireProtector({ protector }, 'loyalty')).toBe(protector);
  });

  it('refuses, naming the subgraph, when none was configured', () => {
    expect(() => requireProtector({}, 'marketing')).toThrow(
      'marketing holds personal data but no field protector was configured',
    );
  });
});
