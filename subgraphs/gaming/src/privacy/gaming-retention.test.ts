import { gamingSubgraph } from '../index';
import { GAMING_SESSIONS } from '../sessions/session-store';
import type { GamingSessionDocument } from '../sessions/session-store';
import { gameTypeFixture, insertGameTypes, insertSessions, sessionFixture } from '../testing/fixtures';
import {
  RETENTION_NOW,
  TEST_SUPERADMIN,
  retentionAgo,
  retentionOperation,
  startSubgraphHarness,
} from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ApplyGamingRetentionDocument } from '../__generated__/operations';

const now = RETENTION_NOW;
const ago = retentionAgo;
const ARCHIVE = `${GAMING_SESSIONS}_archive`;

describe('applyGamingRetention', () => {
  let harness: SubgraphHarness;
  const gameType = gameTypeFixture();
  const heldMember = 'member-on-legal-hold';
  const ended = (days: number, minutes = 0, overrides: Partial<GamingSessionDocument> = {}) =>
    sessionFixture(gameType, { session_end: ago(days, minutes), ...overrides });

  /** `run` calls until nothing is left, as compliance does, and adds the counts up. */
  const { apply, run } = retentionOperation(() => harness, ApplyGamingRetentionDocument, {
    archiveAfterDays: 30,
    retentionPeriodDays: 365,
    exceptions: [heldMember],
  });
  const ids = async (collection: string, filter: Record<string, unknown> = {}) =>
    (await harness.db.collection(collection).find(filter).toArray()).map((d) => d.id as string).sort();

  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
    await insertGameTypes(harness.db, [gameType]);
  });
  beforeEach(async () => {
    await harness.db.collection(GAMING_SESSIONS).deleteMany({});
    await harness.db.collection(ARCHIVE).deleteMany({});
  });
  afterAll(() => harness.close());

  it('archives ended sessions past archiveAfterDays and anonymises those past the retention period', async () => {
    const young = [ended(29), ended(30, -1)];
    const toArchive = [ended(30, 1), ended(31), ended(364)];
    const toAnonymise = [ended(365, 1), ended(366), ended(400), ended(900)];
    const held = [ended(500, 0, { member_id: heldMember }), ended(40, 0, { member_id: heldMember })];
    const active = ended(800, 0, { status: 'active', session_end: null });
    const creditPending = ended(100, 0, {
      credit: { status: 'pending', attempts: 0, next_attempt_at: now },
    });
    await insertSessions(harness.db, [
      ...young,
      ...toArchive,
      ...toAnonymise,
      ...held,
      active,
      creditPending,
    ]);

    const total = await run();
    expect(total).toMatchObject({ archived: 7, deleted: 0, anonymised: 4, skipped: 2, remaining: 0 });
    expect(total.batches).toBeGreaterThan(2);
    expect(await ids(GAMING_SESSIONS)).toEqual(
      [...young, ...held, active, creditPending].map((s) => s.id).sort(),
    );
    expect(await ids(ARCHIVE)).toEqual([...toArchive, ...toAnonymise].map((s) => s.id).sort());
    expect(await ids(ARCHIVE, { anonymised_at: now })).toEqual(toAnonymise.map((s) => s.id).sort());
    const anonymised = await harness.db.collection(ARCHIVE).findOne({ id: toAnonymise[0]!.id });
    expect(anonymised).toMatchObject({ member_id: null, table_number: null, seat_number: null });
    expect(anonymised!.buy_in_amount.toString()).toBe('100.00');
    const kept = await harness.db.collection(ARCHIVE).findOne({ id: toArchive[0]!.id });
    expect(kept).toMatchObject({ member_id: toArchive[0]!.member_id, archived_at: now, anonymised_at: null });

    // a rerun right after changes nothing: only the held sessions are (still) skipped
    expect(await run()).toMatchObject({ archived: 0, deleted: 0, anonymised: 0, skipped: 2, remaining: 0 });
    expect(await harness.db.collection(ARCHIVE).countDocuments()).toBe(7);
  });

  it('deletes archived sessions past the retention period when autoDelete is on', async () => {
    const toArchive = [ended(31), ended(364, -1)];
    const toDelete = [ended(365, 1), ended(366), ended(700)];
    await insertSessions(harness.db, [...toArchive, ...toDelete]);
    expect(await run({ autoDelete: true, exceptions: [] })).toMatchObject({
      archived: 5,
      deleted: 3,
      anonymised: 0,
      skipped: 0,
      remaining: 0,
    });
    expect(await ids(GAMING_SESSIONS)).toEqual([]);
    expect(await ids(ARCHIVE)).toEqual(toArchive.map((s) => s.id).sort());
    expect(await run({ autoDelete: true, exceptions: [] })).toMatchObject({ archived: 0, deleted: 0 });
  });

  it('absorbs a crash between the archive insert and the live delete', async () => {
    const session = ended(45);
    await insertSessions(harness.db, [session]);
    // the archive copy was written, then the process died before the live delete
    await harness.db.collection(ARCHIVE).insertOne({ ...session, archived_at: ago(1), anonymised_at: null });
    expect(await run()).toMatchObject({ archived: 1, remaining: 0 });
    expect(await ids(GAMING_SESSIONS)).toEqual([]);
    expect(await harness.db.collection(ARCHIVE).countDocuments({ id: session.id })).toBe(1);
  });

  it('is for services only and validates its input', async () => {
    const admin = await apply({}, TEST_SUPERADMIN);
    expect(admin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await apply({ archiveAfterDays: 400 });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.archiveAfterDays',
    });
    const zero = await apply({ batchSize: 0 });
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.batchSize' });
  });
});
