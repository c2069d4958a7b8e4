import { loyaltySubgraph } from '../index';
import type { MemberDocument } from '../members/member-store';
import { COMPLIANCE_SERVICE, admin, memberDocument } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ComplianceExpiringDocumentsDocument } from '../__generated__/operations';

interface Page {
  members: { memberId: string; documentExpiry: string; kycVerified: boolean }[];
  endCursor: string | null;
  hasNextPage: boolean;
}

const at = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const BEFORE = '2026-06-01T00:00:00.000Z';

describe('membersWithExpiringDocuments (compliance feed)', () => {
  let harness: SubgraphHarness;
  const expected: { id: string; expiry: Date; kyc: boolean }[] = [];

  const page = async (first: number, after?: string | null) => {
    const result = await harness.execute(
      ComplianceExpiringDocumentsDocument,
      { before: BEFORE, first, after },
      { identity: COMPLIANCE_SERVICE },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.membersWithExpiringDocuments;
  };

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
    // ids fixed so that the tie on 2026-03-01 is ordered by id
    const due: Partial<MemberDocument>[] = [
      { id: 'm-3', document_expiry: at('2026-03-01'), kyc_verified: true },
      { id: 'm-1', document_expiry: at('2026-03-01'), kyc_verified: false },
      { id: 'm-2', document_expiry: at('2024-12-31'), kyc_verified: true },
      { id: 'm-5', document_expiry: new Date(Date.parse(BEFORE) - 1), kyc_verified: true },
      { id: 'm-4', document_expiry: at('2026-04-15'), kyc_verified: false },
    ];
    const others: Partial<MemberDocument>[] = [
      // exactly at `before` (exclusive), later, none recorded, or inactive: not listed
      { id: 'x-1', document_expiry: new Date(BEFORE) },
      { id: 'x-2', document_expiry: at('2031-01-01') },
      { id: 'x-3', document_expiry: null },
      { id: 'x-4' },
      { id: 'x-5', document_expiry: at('2025-01-01'), is_active: false },
    ];
    await harness.db
      .collection<MemberDocument>('members')
      .insertMany([...due, ...others].map((m) => memberDocument(m)));
    expected.push(
      ...due
        .map((m) => ({ id: m.id!, expiry: m.document_expiry!, kyc: m.kyc_verified! }))
        .sort((a, b) => a.expiry.getTime() - b.expiry.getTime() || a.id.localeCompare(b.id)),
    );
  });
  afterAll(() => harness.close());

  it('lists active members expiring before the date by expiry then id, one page at a time', async () => {
    const all = await page(1000);
    expect(all).toMatchObject({ hasNextPage: false });
    expect(all.members).toEqual(
      expected.map((e) => ({ memberId: e.id, documentExpiry: e.expiry.toISOString(), kycVerified: e.kyc })),
    );
    expect(all.members.map((m) => m.memberId)).toEqual(['m-2', 'm-1', 'm-3', 'm-4', 'm-5']);

    const seen: string[] = [];
    let after: string | null = null;
    let calls = 0;
    for (;;) {
      const next: Page = await page(2, after);
      calls += 1;
      seen.push(...next.members.map((m) => m.memberId));
      if (!next.hasNextPage) break;
      after = next.endCursor;
    }
    expect(seen).toEqual(['m-2', 'm-1', 'm-3', 'm-4', 'm-5']);
    expect(calls).toBe(3);

    const empty = await page(5, (await page(5)).endCursor);
    expect(empty).toEqual({ members: [], endCursor: null, hasNextPage: false });
  });

  it('bounds the page and rejects a foreign cursor as BAD_USER_INPUT', async () => {
    for (const [first, after, field] of [
      [0, null, 'first'],
      [1001, null, 'first'],
      [10, 'not-a-cursor', 'after'],
    ] as const) {
      const result = await harness.execute(
        ComplianceExpiringDocumentsDocument,
        { before: BEFORE, first, after },
        { identity: COMPLIANCE_SERVICE },
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('is for services only', async () => {
    for (const role of ['Supervisor', 'SuperAdmin']) {
      const result = await harness.execute(
        ComplianceExpiringDocumentsDocument,
        { before: BEFORE, first: 10 },
        { identity: admin(role) },
      );
      expect([role, result.errors?.[0]?.extensions?.code]).toEqual([role, 'FORBIDDEN']);
      expect(result.data?.membersWithExpiringDocuments ?? null).toBeNull();
    }
  });
});
