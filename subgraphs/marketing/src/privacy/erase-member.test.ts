import { randomUUID } from 'node:crypto';
import { Decimal128 } from 'mongodb';
import { marketingSubgraph } from '../index';
import { AS } from '../testing/identities';
import { CUSTOMER_ANALYTICS } from '../analytics/analytics-store';
import { WALK_IN_GUESTS } from '../guests/guest-store';
import { NOTIFICATIONS } from '../notifications/notification-store';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ERASED_MEMBERS } from './erased-members-store';
import { EraseMarketingMemberDataDocument } from '../__generated__/operations';

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterWalkInGuestInput!) {
    registerWalkInGuest(input: $input) {
      id
    }
  }
`;
const CONVERT = /* GraphQL */ `
  mutation ($input: ConvertWalkInGuestInput!) {
    convertWalkInGuest(input: $input) {
      id
    }
  }
`;
const READ = /* GraphQL */ `
  query ($guestId: ID!, $notificationId: ID!, $memberId: ID!) {
    walkInGuest(id: $guestId) {
      firstName
      lastName
      phone
      email
      notes
      idDocument
      spendAmount
      convertedMember {
        id
      }
    }
    notification(id: $notificationId) {
      title
      content
      recipientEmail
      recipientPhone
      recipientId
      status
      metadata
    }
    customerAnalytics(memberId: $memberId) {
      id
    }
  }
`;

const PERSON = {
  firstName: 'Anoma',
  lastName: 'Jayawardena',
  phone: '+94 71 555 0199',
  email: 'anoma.jayawardena@example.com',
};

function notification(recipientId: string) {
  const at = new Date('2026-10-01T10:00:00Z');
  return {
    id: randomUUID(),
    template_id: null,
    recipient_type: 'user',
    recipient_id: recipientId,
    recipient_email: PERSON.email,
    recipient_phone: PERSON.phone,
    title: `Happy birthday, ${PERSON.firstName}!`,
    content: `Dear ${PERSON.firstName} ${PERSON.lastName}, enjoy a free dinner.`,
    category: 'marketing',
    priority: 'normal',
    channels: ['email'],
    status: 'failed',
    scheduled_at: null,
    sent_at: at,
    delivered_at: null,
    read_at: null,
    metadata: { firstName: PERSON.firstName },
    created_at: at,
    status_history: [{ status: 'failed', at, reason: `mailbox ${PERSON.email} is full` }],
    deliveries: [{ channel: 'email', status: 'failed', at, error: `550 ${PERSON.email} unknown` }],
  };
}

function analytics(memberId: string) {
  return {
    id: randomUUID(),
    member_id: memberId,
    last_activity_date: null,
    visit_frequency: 2,
    avg_session_duration: 60,
    avg_spend_per_visit: Decimal128.fromString('100.00'),
    favorite_games: ['Baccarat'],
    preferred_visit_times: ['evening'],
    social_interactions: 0,
    birthday_month: 5,
    preferred_drinks: [],
    dietary_preferences: [],
    risk_score: 10,
    marketing_segments: ['regular'],
    last_updated: new Date(),
  };
}

describe('eraseMarketingMemberData (right to erasure)', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
  });
  afterAll(() => harness.close());

  let docNo = 0;
  async function convertedGuest(memberId: string) {
    docNo += 1;
    const idDocument = `N77${docNo}${randomUUID().slice(0, 6)}V`;
    const registered = await harness.execute<{ registerWalkInGuest: { id: string } }>(REGISTER, {
      input: {
        ...PERSON,
        nationality: 'Sri Lanka',
        idDocument,
        marketingConsent: true,
        notes: `${PERSON.firstName} prefers the quiet tables`,
      },
    });
    expect(registered.errors).toBeUndefined();
    const id = registered.data!.registerWalkInGuest.id;
    const converted = await harness.execute(CONVERT, { input: { id, memberId } });
    expect(converted.errors).toBeUndefined();
    return { id, idDocument };
  }

  async function memberData(memberId: string) {
    const guest = await convertedGuest(memberId);
    const note = notification(memberId);
    await harness.db.collection(NOTIFICATIONS).insertOne({ ...note });
    await harness.db.collection(CUSTOMER_ANALYTICS).insertOne(analytics(memberId));
    return { guest, notificationId: note.id };
  }

  it('deletes analytics, anonymises notifications and converted guests, and keeps the facts', async () => {
    const memberId = randomUUID();
    const other = randomUUID();
    const { guest, notificationId } = await memberData(memberId);
    const untouched = await memberData(other);

    const first = await harness.execute(
      EraseMarketingMemberDataDocument,
      { memberId },
      { identity: AS.compliance },
    );
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({
      eraseMarketingMemberData: {
        memberId,
        analyticsDeleted: 1,
        notificationsAnonymised: 1,
        guestsAnonymised: 1,
        notificationIds: [notificationId],
        guestIds: [guest.id],
      },
    });

    // raw documents: none of the person's values, the identity document and its blind index gone
    const rawGuest = await harness.db.collection(WALK_IN_GUESTS).findOne({ id: guest.id });
    expect(rawGuest).not.toHaveProperty('id_document');
    expect(rawGuest).not.toHaveProperty('id_document_index');
    expect(rawGuest).toMatchObject({ converted_member_id: memberId, first_name: 'Erased', notes: null });
    const rawNotification = await harness.db.collection(NOTIFICATIONS).findOne({ id: notificationId });
    expect(rawNotification).toMatchObject({ title: '[erased]', content: '[erased]', status: 'failed' });
    const json = JSON.stringify([rawGuest, rawNotification]);
    for (const value of [PERSON.firstName, PERSON.lastName, PERSON.phone, PERSON.email, guest.idDocument]) {
      expect(json).not.toContain(value);
    }
    expect(await harness.db.collection(CUSTOMER_ANALYTICS).countDocuments({ member_id: memberId })).toBe(0);
    expect(await harness.db.collection(ERASED_MEMBERS).findOne({ member_id: memberId })).toMatchObject({
      erased_at: expect.any(Date),
    });

    // every role reads the placeholders
    for (const identity of [AS.superAdmin, AS.generalAdmin, AS.gamingManager]) {
      const read = await harness.execute(READ, { guestId: guest.id, notificationId, memberId }, { identity });
      const data = JSON.stringify(read.data);
      for (const value of [PERSON.firstName, PERSON.lastName, PERSON.phone, PERSON.email, guest.idDocument]) {
        expect(data).not.toContain(value);
      }
      expect(read.data).toMatchObject({ customerAnalytics: null });
    }
    const asAdmin = await harness.execute(
      READ,
      { guestId: guest.id, notificationId, memberId },
      { identity: AS.superAdmin },
    );
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data).toMatchObject({
      walkInGuest: {
        firstName: 'Erased',
        lastName: 'Guest',
        phone: null,
        email: null,
        notes: null,
        idDocument: null,
        convertedMember: { id: memberId },
      },
      notification: {
        title: '[erased]',
        content: '[erased]',
        recipientEmail: null,
        recipientPhone: null,
        recipientId: memberId,
        metadata: {},
      },
    });

    // another member's data is untouched
    const otherGuest = await harness.db.collection(WALK_IN_GUESTS).findOne({ id: untouched.guest.id });
    expect(otherGuest).toMatchObject({ first_name: PERSON.firstName, id_document: expect.any(String) });
    expect(await harness.db.collection(CUSTOMER_ANALYTICS).countDocuments({ member_id: other })).toBe(1);

    // repeating it is harmless
    const second = await harness.execute(
      EraseMarketingMemberDataDocument,
      { memberId },
      { identity: AS.compliance },
    );
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual({
      eraseMarketingMemberData: {
        memberId,
        analyticsDeleted: 0,
        notificationsAnonymised: 1,
        guestsAnonymised: 1,
        notificationIds: [notificationId],
        guestIds: [guest.id],
      },
    });
    expect(await harness.db.collection(ERASED_MEMBERS).countDocuments({ member_id: memberId })).toBe(1);
  });

  it('is for services only, and its audit entry holds counts only', async () => {
    const memberId = randomUUID();
    const { guest } = await memberData(memberId);
    const denied = await harness.execute(
      EraseMarketingMemberDataDocument,
      { memberId },
      { identity: AS.superAdmin },
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await harness.db.collection(CUSTOMER_ANALYTICS).countDocuments({ member_id: memberId })).toBe(1);

    harness.auditEvents.length = 0;
    await harness.execute(EraseMarketingMemberDataDocument, { memberId }, { identity: AS.compliance });
    expect(harness.auditEvents.map((e) => e.action)).toEqual(['eraseMarketingMemberData']);
    const json = JSON.stringify(harness.auditEvents);
    for (const value of [PERSON.firstName, PERSON.lastName, PERSON.phone, PERSON.email, guest.idDocument]) {
      expect(json).not.toContain(value);
    }
  });
});
