import { loyaltySubgraph } from '../index';
import type { MemberDocument } from './member-store';
import { admin, memberDocument } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

/** `{ a: { a: ... { nic_passport: <document> } } }`, `levels` objects deep */
function nested(levels: number, document: string): Record<string, unknown> {
  let value: Record<string, unknown> = { nic_passport: document };
  for (let i = 1; i < levels; i += 1) value = { a: value };
  return value;
}

describe('member preferences are bounded JSON, checked by loyalty itself', () => {
  let harness: SubgraphHarness;
  const DOCUMENT = 'N1122334V';
  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('refuses a 1,500-level value from a Supervisor before anything is written, and the member still reads', async () => {
    const member = memberDocument({ preferences: { drink: 'tea' } });
    await harness.db.collection<MemberDocument>('members').insertOne({ ...member });
    const supervisor = admin('Supervisor');

    const refused = await harness.execute(
      'mutation ($input: UpdateMemberInput!) { updateMember(input: $input) { id } }',
      { input: { id: member.id, preferences: nested(1_500, DOCUMENT) } },
      { identity: supervisor },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.field).toBe('input.preferences');
    expect(refused.errors?.[0]?.message).toMatch(/nested deeper than 10 levels/);
    expect(JSON.stringify(refused.errors)).not.toContain(DOCUMENT);
    // refused while coercing the variables: no resolver ran, nothing reached MongoDB or the audit trail
    expect(refused.commands).toEqual([]);
    expect(harness.auditEvents).toEqual([]);

    const stored = await harness.db
      .collection<MemberDocument>('members')
      .findOne({ id: member.id }, { projection: { _id: 0, preferences: 1 } });
    expect(stored).toEqual({ preferences: { drink: 'tea' } });
    const list = await harness.execute<{
      members: { edges: { node: { id: string; preferences: unknown } }[] };
    }>('{ members(first: 10) { edges { node { id preferences } } } }', {}, { identity: supervisor });
    expect(list.errors).toBeUndefined();
    expect(list.data!.members.edges.map((e) => e.node)).toEqual([
      { id: member.id, preferences: { drink: 'tea' } },
    ]);
    const single = await harness.execute<{ member: { preferences: unknown } }>(
      'query ($id: ID!) { member(id: $id) { preferences } }',
      { id: member.id },
      { identity: supervisor },
    );
    expect(single.errors).toBeUndefined();
    expect(single.data!.member.preferences).toEqual({ drink: 'tea' });

    // a value at the depth limit is taken, and its audit event keeps no document number in clear
    const accepted = await harness.execute<{ updateMember: { preferences: unknown } }>(
      'mutation ($input: UpdateMemberInput!) { updateMember(input: $input) { preferences } }',
      { input: { id: member.id, preferences: nested(10, DOCUMENT) } },
      { identity: supervisor },
    );
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.updateMember.preferences).toEqual(nested(10, DOCUMENT));
    const event = harness.auditEvents.find((e) => e.action === 'updateMember');
    expect(event?.outcome).toBe('allowed');
    expect(JSON.stringify(event?.changes)).not.toContain(DOCUMENT);
  });
});
