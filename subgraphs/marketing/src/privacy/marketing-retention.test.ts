import { randomUUID } from 'node:crypto';
import { Decimal128 } from 'mongodb';
import { marketingSubgraph } from '../index';
import { WALK_IN_GUESTS } from '../guests/guest-store';
import { NOTIFICATIONS } from '../notifications/notification-store';
import { AS } from '../testing/identities';
import { RETENTION_NOW, retentionAgo, retentionOperation, startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ApplyMarketingRetentionDocument } from '../__generated__/operations';

const now = RETENTION_NOW;
const ago = retentionAgo;

function notification(days: number, status: string, recipientId: string = randomUUID()) {
  return {
    id: randomUUID(),
    template_id: null,
    recipient_type: 'user',
    recipient_id: recipientId,
    recipient_email: 'someone@example.com',
    recipient_phone: '+94 71 555 0199',
    title: 'Happy birthday, Anoma!',
    content: 'Dear Anoma, enjoy a free dinner.',
    category: 'marketing',
    priority: 'normal',
    channels: ['email'],
    status,
    scheduled_at: null,
    sent_at: ago(days),
    delivered_at: null,
    read_at: null,
    metadata: { firstName: 'Anoma' },
    created_at: ago(days),
    status_history: [{ status, at: ago(days), reason: 'mailbox someone@example.com is full' }],
    deliveries: [{ channel: 'email', status: 'failed', at: ago(days), error: '550 someone@example.com' }],
  };
}

function guest(days: number, converted = false) {
  return {
    id: randomUUID(),
    first_name: 'Kasun',
    last_name: 'Perera',
    phone: '+94 77 000 0000',
    email: 'kasun@example.com',
    nationality: 'LK',
    id_document: 'sealed:v1:whatever',
    id_document_index: `idx-${randomUUID()}`,
    visit_date: ago(days),
    entry_time: ago(days),
    exit_time: ago(days, -120),
    spend_amount: Decimal128.fromString('150.00'),
    games_played: ['Baccarat'],
    services_used: [],
    converted_to_member: converted,
    converted_member_id: converted ? randomUUID() : null,
    follow_up_required: false,
    notes: 'Came with a friend',
    marketing_consent: false,
  };
}

describe('applyMarketingRetention', () => {
  let harness: SubgraphHarness;
  const heldMember = randomUUID();
  const { apply, run } = retentionOperation(() => harness, ApplyMarketingRetentionDocument, {
    archiveAfterDays: 90,
    retentionPeriodDays: 730,
    exceptions: [heldMember],
  });
  const ids = async (collection: string, filter: Record<string, unknown> = {}) =>
    (await harness.db.collection(collection).find(filter).toArray()).map((d) => d.id as string).sort();
  const sorted = (docs: { id: string }[]) => docs.map((d) => d.id).sort();

  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
  });
  beforeEach(async () => {
    for (const name of [NOTIFICATIONS, WALK_IN_GUESTS]) {
      await harness.db.collection(name).deleteMany({});
      await harness.db.collection(`${name}_archive`).deleteMany({});
    }
  });
  afterAll(() => harness.close());

  it('archives final notifications and unconverted guests, then anonymises past the retention period', async () => {
    const liveNotes = [
      notification(89, 'delivered'),
      notification(90, 'read', randomUUID()),
      notification(500, 'pending'),
    ];
    liveNotes[1]!.created_at = ago(90, -1);
    const archivedNotes = [notification(91, 'failed'), notification(729, 'read')];
    const expiredNotes = [notification(731, 'delivered'), notification(1000, 'failed')];
    const heldNotes = [notification(1000, 'delivered', heldMember)];
    const liveGuests = [guest(80), guest(1000, true)];
    const archivedGuests = [guest(100)];
    const expiredGuests = [guest(731), guest(900)];
    await harness.db
      .collection(NOTIFICATIONS)
      .insertMany([...liveNotes, ...archivedNotes, ...expiredNotes, ...heldNotes].map((d) => ({ ...d })));
    await harness.db
      .collection(WALK_IN_GUESTS)
      .insertMany([...liveGuests, ...archivedGuests, ...expiredGuests].map((d) => ({ ...d })));

    const total = await run();
    expect(total).toMatchObject({ archived: 7, deleted: 0, anonymised: 4, skipped: 1, remaining: 0 });
    expect(total.batches).toBeGreaterThan(1);
    expect(await ids(NOTIFICATIONS)).toEqual(sorted([...liveNotes, ...heldNotes]));
    expect(await ids(WALK_IN_GUESTS)).toEqual(sorted(liveGuests));
    expect(await ids(`${NOTIFICATIONS}_archive`, { anonymised_at: now })).toEqual(sorted(expiredNotes));
    expect(await ids(`${WALK_IN_GUESTS}_archive`, { anonymised_at: now })).toEqual(sorted(expiredGuests));
    const note = await harness.db.collection(`${NOTIFICATIONS}_archive`).findOne({ id: expiredNotes[0]!.id });
    expect(note).toMatchObject({
      recipient_id: null,
      recipient_email: null,
      title: '[erased]',
      metadata: {},
      status: 'delivered',
    });
    expect(JSON.stringify(note)).not.toMatch(/someone@example|Anoma/);
    const anonGuest = await harness.db
      .collection(`${WALK_IN_GUESTS}_archive`)
      .findOne({ id: expiredGuests[0]!.id });
    expect(anonGuest).toMatchObject({
      first_name: 'Erased',
      phone: null,
      email: null,
      id_document: null,
      notes: null,
    });
    expect(anonGuest!.spend_amount.toString()).toBe('150.00');
    const kept = await harness.db
      .collection(`${WALK_IN_GUESTS}_archive`)
      .findOne({ id: archivedGuests[0]!.id });
    expect(kept).toMatchObject({ first_name: 'Kasun', anonymised_at: null });

    expect(await run()).toMatchObject({ archived: 0, deleted: 0, anonymised: 0, skipped: 1, remaining: 0 });
  });

  it('deletes when autoDelete is on, holds guests by id, and absorbs a crash between copy and delete', async () => {
    const heldGuest = guest(2000);
    const crashed = notification(100, 'read');
    const expired = [notification(800, 'read'), guest(800)];
    await harness.db.collection(WALK_IN_GUESTS).insertMany([{ ...heldGuest }, { ...expired[1]! }]);
    await harness.db.collection(NOTIFICATIONS).insertMany([{ ...crashed }, { ...expired[0]! }]);
    await harness.db
      .collection(`${NOTIFICATIONS}_archive`)
      .insertOne({ ...crashed, archived_at: ago(1), anonymised_at: null });

    const total = await run({ autoDelete: true, exceptions: [heldGuest.id] });
    expect(total).toMatchObject({ archived: 3, deleted: 2, anonymised: 0, skipped: 1, remaining: 0 });
    expect(await ids(WALK_IN_GUESTS)).toEqual([heldGuest.id]);
    expect(await ids(NOTIFICATIONS)).toEqual([]);
    expect(await ids(`${NOTIFICATIONS}_archive`)).toEqual([crashed.id]);
    expect(await ids(`${WALK_IN_GUESTS}_archive`)).toEqual([]);
  });

  it('is for services only', async () => {
    expect((await apply({}, AS.generalAdmin)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
