import { randomUUID } from 'node:crypto';
import { loyaltySubgraph } from '../index';
import { MEMBERS } from '../members/member-store';
import type { MemberDocument } from '../members/member-store';
import { admin, memberDocument } from '../testing/fixtures';
import { RETENTION_NOW, retentionAgo, retentionOperation, startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ApplyLoyaltyRetentionDocument } from '../__generated__/operations';

const now = RETENTION_NOW;
const ago = retentionAgo;

describe('applyLoyaltyRetention', () => {
  let harness: SubgraphHarness;
  const { apply, run } = retentionOperation(() => harness, ApplyLoyaltyRetentionDocument, {
    archiveAfterDays: 365,
    retentionPeriodDays: 1000,
    exceptions: [],
  });
  const member = (overrides: Partial<MemberDocument>) => memberDocument(overrides, harness.protector);

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('anonymises members inactive past the retention period, never deletes, honours exceptions', async () => {
    const active = [
      member({ registration_date: ago(2000), last_visit: ago(999) }),
      member({ registration_date: ago(1000, -1), last_visit: null }),
    ];
    const inactive = [
      member({ registration_date: ago(2000), last_visit: ago(1000, 1) }),
      member({ registration_date: ago(1001), last_visit: null }),
      member({ registration_date: ago(3000), last_visit: ago(1500), points_balance: 200 }),
    ];
    const held = member({ registration_date: ago(3000), last_visit: null });
    await harness.db.collection(MEMBERS).insertMany([...active, ...inactive, held].map((m) => ({ ...m })));
    await harness.db.collection('points_ledger').insertOne({
      id: randomUUID(),
      member_id: inactive[2]!.id,
      balance: 'points',
      type: 'earn',
      amount: 200,
      source: 'gaming_session',
      source_id: randomUUID(),
      reason: null,
      idempotency_key: randomUUID(),
      created_at: ago(1500),
    });

    // autoDelete: "delete" still only anonymises a member
    const total = await run({ autoDelete: true, exceptions: [held.id] });
    expect(total).toMatchObject({ archived: 0, deleted: 0, anonymised: 3, skipped: 1, remaining: 0 });
    expect(total.batches).toBeGreaterThan(1);
    expect(await harness.db.collection(MEMBERS).countDocuments()).toBe(6);
    const docs = new Map(
      (await harness.db.collection(MEMBERS).find({}).toArray()).map((d) => [d.id as string, d]),
    );
    for (const m of inactive) {
      const doc = docs.get(m.id)!;
      expect(doc).toMatchObject({ first_name: 'Erased', is_active: false, anonymised_at: now });
      expect(doc.email).not.toBe(m.email);
      expect(doc).not.toHaveProperty('nic_passport');
    }
    expect(docs.get(inactive[2]!.id)!.points_balance).toBe(200);
    expect(await harness.db.collection('points_ledger').countDocuments({ member_id: inactive[2]!.id })).toBe(
      1,
    );
    for (const m of [...active, held])
      expect(docs.get(m.id)).toMatchObject({ first_name: 'Kasun', email: m.email });

    expect(await run({ exceptions: [held.id] })).toMatchObject({ anonymised: 0, skipped: 1, remaining: 0 });
    expect(await run()).toMatchObject({ anonymised: 1, skipped: 0, remaining: 0 });
    expect(await run()).toMatchObject({ anonymised: 0, remaining: 0 });
  });

  it('is for services only and validates its input', async () => {
    expect((await apply({}, admin('SuperAdmin', null))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await apply({ retentionPeriodDays: 10 });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.archiveAfterDays',
    });
  });
});
