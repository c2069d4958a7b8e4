import { Faker, en } from '@faker-js/faker';
import type { SeededMember } from '@casino/loyalty';
import { connectMongo } from '@casino/mongo';
import { readProcessEnv } from '@casino/config';
import { marketingSubgraph } from './index';
import { DEPARTMENTS } from './departments';
import { MARKETING_SEED, seedMarketing } from './seed';
import { startSubgraphHarness, uniqueDatabase } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import type { CustomerAnalyticsDocument } from './analytics/analytics-store';
import type { MarketingCampaignDocument } from './campaigns/campaign-store';
import type { WalkInGuestDocument } from './guests/guest-store';
import type { NotificationDocument } from './notifications/notification-store';
import type { NotificationTemplateDocument } from './templates/template-store';
import { placeholdersIn } from './templates/template-service';

const now = new Date('2026-04-15T10:00:00.000Z');
const DAY = 86_400_000;
const adminIds = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002'];

function seededFaker(seed: number): Faker {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  return faker;
}

/** Twenty members like loyalty's seed returns: a few recent, a few self-excluded, mixed consent. */
function demoMembers(faker: Faker): SeededMember[] {
  const tiers = ['Ruby', 'Sapphire', 'Diamond', 'VIP'] as const;
  return Array.from({ length: 20 }, (_, i) => ({
    id: faker.string.uuid(),
    tier: tiers[i % 4]!,
    registrationDate: new Date(now.getTime() - (i < 5 ? (i + 1) * 3 : 100 + i * 40) * DAY),
    selfExcluded: i === 7 || i === 13,
    marketingConsent: i % 3 !== 0,
    kycVerified: true,
    email: `member${i}@example.com`,
    phone: `+94 77 000 00${String(i).padStart(2, '0')}`,
    firstName: faker.person.firstName(),
  }));
}

describe('seedMarketing', () => {
  let harness: SubgraphHarness;
  let members: SeededMember[];
  let result: { analytics: number };
  const all = <T>(name: string) =>
    harness.db
      .collection(name)
      .find({}, { projection: { _id: 0 } })
      .toArray() as Promise<T[]>;

  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
    members = demoMembers(seededFaker(7));
    result = await seedMarketing(harness.db, {
      faker: seededFaker(42),
      now,
      members,
      adminIds,
      protector: harness.protector!,
    });
  });
  afterAll(() => harness.close());

  it('writes one analytics document per member and reports the count', async () => {
    expect(result).toEqual({ analytics: 20 });
    const analytics = await all<CustomerAnalyticsDocument>('customer_analytics');
    expect(analytics.map((a) => a.member_id).sort()).toEqual(members.map((m) => m.id).sort());
    for (const doc of analytics) {
      const member = members.find((m) => m.id === doc.member_id)!;
      expect(doc.risk_score).toBeGreaterThanOrEqual(0);
      expect(doc.risk_score).toBeLessThanOrEqual(100);
      if (member.selfExcluded) expect(doc.marketing_segments).toEqual(['self_excluded']);
      else expect(doc.marketing_segments).not.toContain('self_excluded');
      expect(doc.marketing_segments.includes('vip')).toBe(member.tier === 'VIP' && !member.selfExcluded);
      const isNew = now.getTime() - member.registrationDate.getTime() <= MARKETING_SEED.newMemberDays * DAY;
      expect(doc.marketing_segments.includes('new')).toBe(isNew && !member.selfExcluded);
      expect(doc.last_activity_date!.getTime()).toBeGreaterThanOrEqual(member.registrationDate.getTime());
      expect(doc.last_activity_date!.getTime()).toBeLessThanOrEqual(now.getTime());
    }
  });

  it('creates campaigns in every status, with dates that agree with it', async () => {
    const campaigns = await all<MarketingCampaignDocument>('marketing_campaigns');
    expect(campaigns.length).toBeGreaterThanOrEqual(10);
    expect(new Set(campaigns.map((c) => c.status))).toEqual(
      new Set(['draft', 'active', 'completed', 'cancelled']),
    );
    for (const c of campaigns) {
      expect(c.start_date.getTime()).toBeLessThan(c.end_date.getTime());
      expect(adminIds).toContain(c.created_by);
      expect(DEPARTMENTS).toContain(c.department);
      if (c.status === 'completed') expect(c.end_date.getTime()).toBeLessThanOrEqual(now.getTime());
      if (c.status === 'active') {
        expect(c.start_date.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(c.end_date.getTime()).toBeGreaterThan(now.getTime());
      }
      if (c.status === 'draft') expect(c.start_date.getTime()).toBeGreaterThan(now.getTime());
    }
  });

  it('creates walk-in guests of the last weeks; open visits have a key, conversions name a later member', async () => {
    const guests = await all<WalkInGuestDocument>('walk_in_guests');
    expect(guests).toHaveLength(MARKETING_SEED.walkInGuests);
    const open = guests.filter((g) => g.exit_time === null);
    expect(open.length).toBeGreaterThan(0);
    for (const g of guests) {
      expect(now.getTime() - g.visit_date.getTime()).toBeLessThanOrEqual(MARKETING_SEED.walkInDays * DAY);
      expect(g.entry_time).toEqual(g.visit_date);
      if (g.exit_time) {
        expect(g.exit_time.getTime()).toBeGreaterThanOrEqual(g.entry_time.getTime());
        expect(g.exit_time.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(g.open_visit_key).toBeUndefined();
      } else {
        expect(g.open_visit_key).toBe(`${g.id_document_index}:${g.visit_date.toISOString().slice(0, 10)}`);
      }
      // the identity document is sealed, bound to the guest, with its blind index beside it
      expect(g.id_document).toMatch(/^enc\.v1\./);
      const plaintext = harness.protector!.open(g.id_document, {
        collection: 'walk_in_guests',
        field: 'id_document',
        documentId: g.id,
      });
      expect(g.id_document_index).toBe(harness.protector!.lookupKey(plaintext));
      expect(g.converted_to_member).toBe(g.converted_member_id !== null);
      if (g.converted_member_id) {
        const member = members.find((m) => m.id === g.converted_member_id)!;
        expect(member.registrationDate.getTime()).toBeGreaterThanOrEqual(g.visit_date.getTime());
      }
    }
    expect(guests.some((g) => g.converted_to_member)).toBe(true);
  });

  it('gives campaigns and templates a department, several departments between them', async () => {
    const campaigns = await all<MarketingCampaignDocument>('marketing_campaigns');
    const templates = await all<NotificationTemplateDocument>('notification_templates');
    expect(new Set(campaigns.map((c) => c.department)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(templates.map((t) => t.department)).size).toBeGreaterThanOrEqual(3);
  });

  it('creates templates whose placeholders are all declared', async () => {
    const templates = await all<NotificationTemplateDocument>('notification_templates');
    expect(templates.length).toBeGreaterThanOrEqual(8);
    for (const t of templates) {
      expect(t.channels.length).toBeGreaterThan(0);
      expect(DEPARTMENTS).toContain(t.department);
      for (const v of placeholdersIn(`${t.title} ${t.content}`)) expect(t.variables).toContain(v);
    }
  });

  it('creates rendered notifications whose timestamps follow their status and respect consent', async () => {
    const notifications = await all<NotificationDocument>('notifications');
    const templates = await all<NotificationTemplateDocument>('notification_templates');
    expect(notifications).toHaveLength(Math.round(20 * MARKETING_SEED.notificationsPerMember));
    for (const n of notifications) {
      const member = members.find((m) => m.id === n.recipient_id)!;
      const template = templates.find((t) => t.id === n.template_id)!;
      expect(n.recipient_type).toBe('user');
      expect(n.category).toBe(template.category);
      expect(`${n.title} ${n.content}`).not.toMatch(/\{\w+\}/);
      if (n.category === 'marketing') {
        expect(member.marketingConsent).toBe(true);
        expect(member.selfExcluded).toBe(false);
      }
      expect(n.created_at.getTime()).toBeLessThanOrEqual(now.getTime());
      const sent = n.status !== 'pending';
      expect(n.sent_at !== null).toBe(sent);
      expect(n.delivered_at !== null).toBe(n.status === 'delivered' || n.status === 'read');
      expect(n.read_at !== null).toBe(n.status === 'read');
      const times = [n.created_at, n.sent_at, n.delivered_at, n.read_at].filter((t): t is Date => t !== null);
      for (let i = 1; i < times.length; i++)
        expect(times[i]!.getTime()).toBeGreaterThanOrEqual(times[i - 1]!.getTime());
      for (const t of times) expect(t.getTime()).toBeLessThanOrEqual(now.getTime());
      if (n.status === 'failed') expect(n.metadata.failure_reason).toEqual(expect.any(String));
    }
  });

  it('serves the seeded data through the schema', async () => {
    const excluded = members.find((m) => m.selfExcluded)!;
    const member = await harness.execute<{ _entities: { segments: string[] }[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { segments } } }`,
      { r: [{ __typename: 'Member', id: excluded.id }] },
    );
    expect(member.data!._entities).toEqual([{ segments: ['self_excluded'] }]);

    const notifications = await harness.execute<{
      notifications: { totalCount: number; edges: { node: { template: { name: string } | null } }[] };
    }>(`{ notifications(first: 2) { totalCount edges { node { id status template { name } } } } }`);
    expect(notifications.errors).toBeUndefined();
    expect(notifications.data!.notifications.totalCount).toBe(4);
    expect(notifications.data!.notifications.edges.every((e) => e.node.template?.name)).toBe(true);

    const templates = await harness.execute<{ notificationTemplates: { totalCount: number } }>(
      `{ notificationTemplates(filter: { channel: sms }) { totalCount edges { node { name channels } } } }`,
    );
    const sms = (await all<NotificationTemplateDocument>('notification_templates')).filter((t) =>
      t.channels.includes('sms'),
    );
    expect(templates.data!.notificationTemplates.totalCount).toBe(sms.length);
  });

  it('filters notifications and resolves them as entities', async () => {
    const stored = await all<NotificationDocument>('notifications');
    const sample = stored[0]!;
    const LIST = `query($f: NotificationFilter) { notifications(filter: $f, first: 50) { totalCount edges { node { id } } } }`;
    const filters: [Record<string, string>, (n: NotificationDocument) => boolean][] = [
      [{ recipientId: sample.recipient_id! }, (n) => n.recipient_id === sample.recipient_id],
      [{ status: sample.status }, (n) => n.status === sample.status],
      [{ category: sample.category }, (n) => n.category === sample.category],
      [
        { priority: sample.priority, category: sample.category },
        (n) => n.priority === sample.priority && n.category === sample.category,
      ],
    ];
    for (const [f, expected] of filters) {
      const page = await harness.execute<{
        notifications: { totalCount: number; edges: { node: { id: string } }[] };
      }>(LIST, { f });
      const ids = stored.filter(expected).map((n) => n.id);
      expect(page.data!.notifications.totalCount).toBe(ids.length);
      expect(page.data!.notifications.edges.map((e) => e.node.id).sort()).toEqual(ids.sort());
    }
    const entities = await harness.execute<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Notification { id title recipientId template { id } } } }`,
      { r: [{ __typename: 'Notification', id: sample.id }] },
    );
    expect(entities.data!._entities).toEqual([
      {
        id: sample.id,
        title: sample.title,
        recipientId: sample.recipient_id,
        template: { id: sample.template_id },
      },
    ]);
  });

  it('is deterministic for a given faker seed', async () => {
    const other = await connectMongo({
      uri: readProcessEnv().MONGODB_URI!,
      database: uniqueDatabase('marketing_again'),
      appName: 'test',
    });
    try {
      const protector = harness.protector!;
      await seedMarketing(other.db, { faker: seededFaker(42), now, members, adminIds, protector });
      // sealed values differ run to run (fresh IVs); everything else, blind indexes included, does not
      const projection = { _id: 0, id_document: 0 } as const;
      for (const name of ['marketing_campaigns', 'customer_analytics', 'walk_in_guests', 'notifications']) {
        const sort = { id: 1 } as const;
        const a = await harness.db.collection(name).find({}, { projection }).sort(sort).toArray();
        const b = await other.db.collection(name).find({}, { projection }).sort(sort).toArray();
        expect(b).toEqual(a);
      }
    } finally {
      await other.db.dropDatabase();
      await other.close();
    }
  });
});
