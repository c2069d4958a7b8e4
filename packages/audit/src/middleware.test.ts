import { GraphQLError, buildSchema, graphql } from 'graphql';
import type { Identity } from '@casino/auth';
import type { AuditEvent } from './event';
import { auditMutations, createRequestAudit } from './middleware';
import type { TargetMemberLookups } from './middleware';

const SDL = /* GraphQL */ `
  type Query {
    ok: Boolean
  }
  type Redemption {
    id: ID!
    memberId: ID!
  }
  type Mutation {
    cancel(id: ID!): Redemption!
    redeem(input: RedeemInput!): Redemption!
  }
  input RedeemInput {
    memberId: ID!
  }
`;

const MANAGER: Identity = {
  kind: 'admin',
  userId: 'u-1',
  username: 'manager',
  role: 'Manager',
  department: null,
  permissions: [],
};

/** Runs `operation` against a schema whose mutations refuse (FORBIDDEN), audited with `lookups`. */
async function auditOf(operation: string, lookups: TargetMemberLookups<{ calls: string[] }>) {
  const schema = buildSchema(SDL);
  const mutation = schema.getMutationType()!;
  for (const field of Object.values(mutation.getFields())) {
    field.resolve = () => {
      throw new GraphQLError('Requires: Manager or above.', { extensions: { code: 'FORBIDDEN' } });
    };
  }
  auditMutations(schema, new Set(), lookups);
  const events: AuditEvent[] = [];
  const calls: string[] = [];
  const audit = createRequestAudit(
    { identity: MANAGER, requestId: null, clientName: null, ip: null, service: 'loyalty' },
    (event) => events.push(event),
  );
  const result = await graphql({ schema, source: operation, contextValue: { audit, calls } });
  expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  return { events, calls };
}

describe('auditMutations with target member lookups', () => {
  const lookups: TargetMemberLookups<{ calls: string[] }> = {
    Redemption: async (id, ctx) => {
      ctx.calls.push(id);
      return id === 'r-1' ? 'm-1' : null;
    },
  };

  it("names the target's member in a refused mutation that names only the target", async () => {
    const { events, calls } = await auditOf('mutation { cancel(id: "r-1") { id } }', lookups);
    expect(calls).toEqual(['r-1']);
    expect(events).toMatchObject([
      {
        action: 'cancel',
        outcome: 'denied',
        targetType: 'Redemption',
        targetId: 'r-1',
        changes: { before: null, after: { id: 'r-1', memberId: 'm-1' } },
      },
    ]);
  });

  it('asks nothing when the event already names a member, and keeps an unknown target as it is', async () => {
    const named = await auditOf('mutation { redeem(input: { memberId: "m-2" }) { id } }', lookups);
    expect(named.calls).toEqual([]);
    expect(named.events[0]!.changes).toEqual({ before: null, after: { memberId: 'm-2' } });
    const unknown = await auditOf('mutation { cancel(id: "r-9") { id } }', lookups);
    expect(unknown.events[0]!.changes).toEqual({ before: null, after: { id: 'r-9' } });
  });

  it('records the event without a member when the lookup fails', async () => {
    const { events } = await auditOf('mutation { cancel(id: "r-1") { id } }', {
      Redemption: () => Promise.reject(new Error('database unavailable')),
    });
    expect(events).toMatchObject([{ outcome: 'denied', changes: { before: null, after: { id: 'r-1' } } }]);
  });
});
