import { randomUUID } from 'node:crypto';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/** `{ a: { a: ... { nicPassport: <document> } } }`, `levels` objects deep, built without recursion */
function nested(levels: number, document: string): Record<string, unknown> {
  let value: Record<string, unknown> = { nicPassport: document, documentNumber: document };
  for (let i = 1; i < levels; i += 1) value = { a: value };
  return value;
}

/** The same value as an inline GraphQL literal */
function nestedLiteral(levels: number, document: string): string {
  let literal = `{ nicPassport: "${document}" }`;
  for (let i = 1; i < levels; i += 1) literal = `{ a: ${literal} }`;
  return literal;
}

const UPDATE = /* GraphQL */ `
  mutation ($input: UpdateMemberInput!) {
    updateMember(input: $input) {
      id
      preferences
    }
  }
`;

interface AuditNode {
  action: string;
  outcome: string;
  targetId: string | null;
  requestId: string | null;
}

describe('bounded JSON inputs through the gateway', () => {
  let stack: TestStack;
  const DOCUMENT = 'N4455667V';
  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 2, env: { AUDIT_FLUSH_INTERVAL_MS: '100' } });
  }, 180_000);
  afterAll(() => stack?.stop());

  async function firstMember(): Promise<{ id: string; preferences: unknown; email: string | null }> {
    const result = await stack.query<{
      members: { edges: { node: { id: string; preferences: unknown; email: string | null } }[] };
    }>(
      '{ members(first: 1) { edges { node { id preferences email } } } }',
      {},
      { as: IDENTITIES.Supervisor },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.members.edges[0]!.node;
  }

  it('refuses a 1,500-level preferences value as BAD_USER_INPUT and leaves the member and the audit trail working', async () => {
    const member = await firstMember();
    const body = JSON.stringify({
      query: UPDATE,
      variables: { input: { id: member.id, preferences: nested(1_500, DOCUMENT) } },
    });
    expect(body.length).toBeLessThan(20_000);

    const refused = await stack.query(
      UPDATE,
      { input: { id: member.id, preferences: nested(1_500, DOCUMENT) } },
      { as: IDENTITIES.Supervisor },
    );
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.message).toMatch(/nested deeper than 10 levels/);
    expect(refused.errors![0]!.extensions?.field).toBe('input.preferences');
    expect(JSON.stringify(refused)).not.toContain(DOCUMENT);

    // the same value written inline in the operation
    const literal = await stack.query(
      `mutation { updateMember(input: { id: "${member.id}", preferences: ${nestedLiteral(1_500, DOCUMENT)} }) { id } }`,
      {},
      { as: IDENTITIES.Supervisor },
    );
    expect(literal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(literal)).not.toContain(DOCUMENT);

    // too many keys and too many bytes are refused the same way
    const wide = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i]));
    const tooWide = await stack.query(
      UPDATE,
      { input: { id: member.id, preferences: wide } },
      { as: IDENTITIES.Supervisor },
    );
    expect(tooWide.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooWide.errors?.[0]?.message).toMatch(/more than 200 keys/);
    const large = await stack.query(
      UPDATE,
      { input: { id: member.id, preferences: { note: 'x'.repeat(17_000) } } },
      { as: IDENTITIES.Supervisor },
    );
    expect(large.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(large.errors?.[0]?.message).toMatch(/larger than 16384 bytes/);

    // nothing was written: the member reads back unchanged, in the list and on its own, for everyone
    expect(await firstMember()).toEqual(member);
    for (const as of [IDENTITIES.Supervisor, IDENTITIES.SuperAdmin]) {
      const single = await stack.query<{ member: { id: string; preferences: unknown } }>(
        'query ($id: ID!) { member(id: $id) { id preferences } }',
        { id: member.id },
        { as },
      );
      expect(single.errors).toBeUndefined();
      expect(single.data!.member).toEqual({ id: member.id, preferences: member.preferences });
    }

    // a value within the bounds still goes through, and its audit event reaches compliance
    const requestId = `limits-${randomUUID()}`;
    const accepted = await stack.query<{ updateMember: { preferences: unknown } }>(
      UPDATE,
      { input: { id: member.id, preferences: nested(9, 'not-a-document') } },
      { as: IDENTITIES.Supervisor, headers: { 'x-request-id': requestId } },
    );
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.updateMember.preferences).toEqual(nested(9, 'not-a-document'));
    const deadline = Date.now() + 15_000;
    let entries: AuditNode[] = [];
    while (entries.length === 0 && Date.now() < deadline) {
      const logs = await stack.query<{ auditLogs: { edges: { node: AuditNode }[] } }>(
        'query ($filter: AuditLogFilter) { auditLogs(filter: $filter, first: 10) { edges { node { action outcome targetId requestId } } } }',
        { filter: { action: 'updateMember', targetId: member.id } },
        { as: IDENTITIES.GeneralAdmin },
      );
      expect(logs.errors).toBeUndefined();
      entries = logs.data!.auditLogs.edges.map((e) => e.node).filter((e) => e.requestId === requestId);
      if (entries.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(entries).toEqual([{ action: 'updateMember', outcome: 'allowed', targetId: member.id, requestId }]);

    // and nothing in loyalty's outbox was set aside; the dead-letter query is for SuperAdmins only
    const DEAD = '{ loyaltyDeadLetters { count items { id } } }';
    const dead = await stack.query<{ loyaltyDeadLetters: { count: number } }>(
      DEAD,
      {},
      { as: IDENTITIES.SuperAdmin },
    );
    expect(dead.errors).toBeUndefined();
    expect(dead.data!.loyaltyDeadLetters).toEqual({ count: 0, items: [] });
    const denied = await stack.query(DEAD, {}, { as: IDENTITIES.GeneralAdmin });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }, 60_000);
});
