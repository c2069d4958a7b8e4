import type { Faker } from '@faker-js/faker';
import type { Db } from 'mongodb';
import type { FieldProtector } from '@casino/crypto';
import type { SeededMember } from '@casino/loyalty';
import { ensureIndexes, insertInBatches, toMoney } from '@casino/mongo';
import type { CustomerAnalyticsDocument } from './analytics/analytics-store';
import { CUSTOMER_ANALYTICS } from './analytics/analytics-store';
import type { CampaignStatus, MarketingCampaignDocument } from './campaigns/campaign-store';
import { MARKETING_CAMPAIGNS } from './campaigns/campaign-store';
import type { Department } from './departments';
import { openVisitKey } from './guests/guest-service';
import type { WalkInGuestDocument } from './guests/guest-store';
import { protectIdDocument, WALK_IN_GUESTS } from './guests/guest-store';
import { MARKETING_INDEXES } from './indexes';
import type { NotificationDocument, NotificationStatus } from './notifications/notification-store';
import { NOTIFICATIONS } from './notifications/notification-store';
import type { NotificationTemplateDocument } from './templates/template-store';
import { NOTIFICATION_TEMPLATES } from './templates/template-store';

export interface MarketingSeedOptions {
  faker: Faker;
  now: Date;
  /** Loyalty's seeded members: one analytics document each, and the recipients of notifications */
  members: SeededMember[];
  /** Compliance's admin users, recorded as creators */
  adminIds: string[];
  /** Seals identity documents exactly as the service does (with the stack's keys) */
  protector: FieldProtector;
}

export interface MarketingSeedResult {
  analytics: number;
}

/** Sizes and shares of the demo data. */
export const MARKETING_SEED = {
  walkInGuests: 300,
  walkInDays: 60,
  /** Of the walk-in guests, this many entered within the last few hours */
  guestsArrivedRecently: 10,
  /** Guests who entered within this many hours may still be on the premises */
  openVisitHours: 6,
  guestConversionRate: 0.12,
  notificationsPerMember: 0.2,
  lapsedAfterDays: 90,
  /** Share of members whose last activity falls in the last 60 days */
  recentlyActiveShare: 0.7,
  newMemberDays: 30,
  highRollerSpendPerVisit: 2_500,
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GAMES = ['Baccarat', 'Blackjack', 'Roulette', 'Slots', 'Poker', 'Sic Bo', 'Craps'];
const VISIT_TIMES = [
  'weekday_afternoon',
  'weekday_evening',
  'weekday_late_night',
  'weekend_afternoon',
  'weekend_evening',
  'weekend_late_night',
];
const DRINKS = ['Whisky', 'Champagne', 'Red wine', 'Beer', 'Mocktail', 'Green tea', 'Espresso', 'Soda'];
const DIETS = ['vegetarian', 'vegan', 'halal', 'gluten_free', 'no_pork', 'no_beef'];
const SERVICES = ['restaurant', 'bar', 'spa', 'valet', 'show', 'buffet'];

const SPEND_PER_VISIT: Record<SeededMember['tier'], [number, number]> = {
  Ruby: [50, 600],
  Sapphire: [300, 1_800],
  Diamond: [1_200, 5_000],
  VIP: [4_000, 25_000],
};
const VISITS_PER_MONTH: Record<SeededMember['tier'], [number, number]> = {
  Ruby: [0.2, 3],
  Sapphire: [1, 6],
  Diamond: [2, 10],
  VIP: [4, 16],
};

interface CampaignIdea {
  name: string;
  type: string;
  audience: string[];
  department: Department;
}

const CAMPAIGN_IDEAS: CampaignIdea[] = [
  {
    name: 'Lunar New Year Jackpot Nights',
    type: 'event',
    audience: ['vip', 'high_roller'],
    department: 'Gaming',
  },
  { name: 'Welcome Back Free Play', type: 'retention', audience: ['lapsed'], department: 'Gaming' },
  { name: 'First Visit Dining Credit', type: 'acquisition', audience: ['new'], department: 'F&B' },
  { name: 'Weekend Slot Tournament', type: 'event', audience: ['weekend_player'], department: 'Gaming' },
  {
    name: 'Sapphire Upgrade Challenge',
    type: 'loyalty',
    audience: ['new', 'weekend_player'],
    department: 'Management',
  },
  { name: 'VIP Suite Getaway', type: 'promotion', audience: ['vip'], department: 'Management' },
  {
    name: 'Baccarat Masters Invitational',
    type: 'event',
    audience: ['high_roller', 'vip'],
    department: 'Gaming',
  },
  {
    name: 'Birthday Month Double Points',
    type: 'loyalty',
    audience: ['new', 'weekend_player', 'lapsed'],
    department: 'Management',
  },
  { name: 'Monsoon Buffet Festival', type: 'promotion', audience: ['weekend_player'], department: 'F&B' },
  {
    name: 'Lapsed Player Reactivation Mailer',
    type: 'retention',
    audience: ['lapsed'],
    department: 'Management',
  },
  {
    name: 'Poker Night Series',
    type: 'event',
    audience: ['weekend_player', 'high_roller'],
    department: 'Gaming',
  },
  {
    name: 'Year-End Gala Draw',
    type: 'promotion',
    audience: ['vip', 'high_roller', 'weekend_player'],
    department: 'F&B',
  },
];

/** Three of each status, in the order the ideas above are assigned. */
const CAMPAIGN_STATUSES: CampaignStatus[] = [
  'completed',
  'active',
  'draft',
  'cancelled',
  'completed',
  'active',
  'draft',
  'cancelled',
  'completed',
  'active',
  'draft',
  'completed',
];

interface TemplateIdea {
  name: string;
  category: NotificationTemplateDocument['category'];
  title: string;
  content: string;
  variables: string[];
  channels: NotificationTemplateDocument['channels'];
  priority: NotificationTemplateDocument['priority'];
  department: Department;
}

const TEMPLATE_IDEAS: TemplateIdea[] = [
  {
    name: 'member_welcome',
    category: 'user_activity',
    title: 'Welcome to the club, {first_name}',
    content:
      'Hello {first_name}, your {tier} membership is active. Show your card at any cage to earn points.',
    variables: ['first_name', 'tier'],
    channels: ['email', 'in_app'],
    priority: 'normal',
    department: 'Management',
  },
  {
    name: 'tier_upgrade',
    category: 'user_activity',
    title: 'You reached {tier}',
    content: 'Congratulations {first_name}! You are now {tier} and earn points faster from today.',
    variables: ['first_name', 'tier'],
    channels: ['email', 'push', 'in_app'],
    priority: 'high',
    department: 'Management',
  },
  {
    name: 'points_expiry_warning',
    category: 'user_activity',
    title: '{points} points expire soon',
    content: 'Hi {first_name}, {points} of your points expire on {expiry_date}. Visit us to keep them.',
    variables: ['first_name', 'points', 'expiry_date'],
    channels: ['email', 'sms'],
    priority: 'normal',
    department: 'Gaming',
  },
  {
    name: 'campaign_invitation',
    category: 'marketing',
    title: 'You are invited: {campaign_name}',
    content: 'Dear {first_name}, join us for {campaign_name} from {start_date}. Reply to reserve your place.',
    variables: ['first_name', 'campaign_name', 'start_date'],
    channels: ['email', 'sms', 'push'],
    priority: 'normal',
    department: 'Management',
  },
  {
    name: 'birthday_offer',
    category: 'marketing',
    title: 'Happy birthday, {first_name}!',
    content:
      'Celebrate with a dinner for two on us this month, {first_name}. Show this message at the host stand.',
    variables: ['first_name'],
    channels: ['email', 'in_app'],
    priority: 'low',
    department: 'F&B',
  },
  {
    name: 'new_device_login',
    category: 'security',
    title: 'New sign-in to your account',
    content: 'Hello {first_name}, your account was used from a new device on {login_time}. Not you? Call us.',
    variables: ['first_name', 'login_time'],
    channels: ['email', 'sms'],
    priority: 'high',
    department: 'Security',
  },
  {
    name: 'kyc_document_reminder',
    category: 'compliance',
    title: 'Please verify your identity',
    content:
      'Dear {first_name}, bring a valid NIC or passport to the club desk by {due_date} to keep playing.',
    variables: ['first_name', 'due_date'],
    channels: ['email', 'sms', 'in_app'],
    priority: 'critical',
    department: 'Security',
  },
  {
    name: 'system_maintenance',
    category: 'system',
    title: 'Planned maintenance on {maintenance_date}',
    content:
      'Online services pause on {maintenance_date} from {start_time} for about {duration_hours} hours.',
    variables: ['maintenance_date', 'start_time', 'duration_hours'],
    channels: ['in_app', 'push'],
    priority: 'low',
    department: 'Maintenance',
  },
];

/** How sent notifications end up, in shares; pending ones are added on top. */
const NOTIFICATION_STATUS_WEIGHTS: { weight: number; value: NotificationStatus }[] = [
  { weight: 8, value: 'pending' },
  { weight: 12, value: 'sent' },
  { weight: 38, value: 'delivered' },
  { weight: 7, value: 'failed' },
  { weight: 35, value: 'read' },
];

const FAILURE_REASONS = ['mailbox_full', 'invalid_number', 'device_unregistered', 'provider_timeout'];

const minDate = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);
const addMs = (date: Date, ms: number) => new Date(date.getTime() + ms);
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function render(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * Fills marketing's collections with believable, deterministic demo data (given a seeded faker), tied to the
 * members and admin users seeded by loyalty and compliance.
 */
export async function seedMarketing(db: Db, options: MarketingSeedOptions): Promise<MarketingSeedResult> {
  const { faker, now, members, adminIds, protector } = options;
  await ensureIndexes(db, MARKETING_INDEXES);
  const anAdmin = () => (adminIds.length > 0 ? faker.helpers.arrayElement(adminIds) : null);

  // campaigns: dates agree with the status (completed ones ended, active ones run now, drafts start later)
  const campaigns: MarketingCampaignDocument[] = CAMPAIGN_IDEAS.map((idea, i) => {
    const status = CAMPAIGN_STATUSES[i % CAMPAIGN_STATUSES.length]!;
    let start: Date;
    let end: Date;
    if (status === 'completed') {
      end = faker.date.recent({ days: 200, refDate: addMs(now, -DAY) });
      start = addMs(end, -faker.number.int({ min: 7, max: 60 }) * DAY);
    } else if (status === 'active') {
      start = faker.date.recent({ days: 30, refDate: now });
      end = addMs(now, faker.number.int({ min: 3, max: 60 }) * DAY);
    } else if (status === 'draft') {
      start = faker.date.soon({ days: 90, refDate: addMs(now, DAY) });
      end = addMs(start, faker.number.int({ min: 7, max: 45 }) * DAY);
    } else {
      start = faker.date.between({ from: addMs(now, -120 * DAY), to: addMs(now, 60 * DAY) });
      end = addMs(start, faker.number.int({ min: 7, max: 45 }) * DAY);
    }
    const createdAt = minDate(addMs(start, -faker.number.int({ min: 5, max: 40 }) * DAY), now);
    const estimated = faker.number.int({ min: 2, max: 200 }) * 50;
    const ran = status === 'completed' || status === 'active';
    const actual = ran ? Math.round(estimated * faker.number.float({ min: 0.3, max: 1.2 })) : 0;
    return {
      id: faker.string.uuid(),
      name: idea.name,
      description: faker.lorem.sentences({ min: 1, max: 3 }),
      campaign_type: idea.type,
      target_audience: idea.audience,
      start_date: start,
      end_date: end,
      budget: toMoney(faker.number.int({ min: 10, max: 500 }) * 100),
      estimated_reach: estimated,
      actual_reach: actual,
      conversion_rate: ran ? faker.number.float({ min: 0.01, max: 0.18, fractionDigits: 4 }) : 0,
      status,
      department: idea.department,
      created_by: anAdmin(),
      created_at: createdAt,
    };
  });

  // one analytics document per member, with segments that follow from the numbers
  const analytics: CustomerAnalyticsDocument[] = members.map((member) => {
    const [minSpend, maxSpend] = SPEND_PER_VISIT[member.tier];
    const [minVisits, maxVisits] = VISITS_PER_MONTH[member.tier];
    const spend = faker.number.float({ min: minSpend, max: maxSpend, fractionDigits: 2 });
    // most members played recently; the others drifted away at some point since joining
    const recentFrom = new Date(Math.max(member.registrationDate.getTime(), now.getTime() - 60 * DAY));
    const lastActivity = faker.date.between({
      from: faker.datatype.boolean(MARKETING_SEED.recentlyActiveShare) ? recentFrom : member.registrationDate,
      to: now,
    });
    const visitTimes = faker.helpers.arrayElements(VISIT_TIMES, { min: 1, max: 3 });
    const riskScore = member.selfExcluded
      ? faker.number.float({ min: 70, max: 100, fractionDigits: 1 })
      : faker.number.float({ min: 0, max: 65, fractionDigits: 1 });
    let segments: string[];
    if (member.selfExcluded) {
      // responsible gaming: a self-excluded member is in no marketing audience
      segments = ['self_excluded'];
    } else {
      segments = [];
      if (member.tier === 'VIP') segments.push('vip');
      if (spend >= MARKETING_SEED.highRollerSpendPerVisit) segments.push('high_roller');
      if (visitTimes.every((t) => t.startsWith('weekend_'))) segments.push('weekend_player');
      if (now.getTime() - lastActivity.getTime() > MARKETING_SEED.lapsedAfterDays * DAY)
        segments.push('lapsed');
      if (now.getTime() - member.registrationDate.getTime() <= MARKETING_SEED.newMemberDays * DAY) {
        segments.push('new');
      }
    }
    return {
      id: faker.string.uuid(),
      member_id: member.id,
      last_activity_date: lastActivity,
      visit_frequency: faker.number.float({ min: minVisits, max: maxVisits, fractionDigits: 1 }),
      avg_session_duration: faker.number.int({ min: 20, max: 300 }),
      avg_spend_per_visit: toMoney(spend),
      favorite_games: faker.helpers.arrayElements(GAMES, { min: 1, max: 3 }),
      preferred_visit_times: visitTimes,
      social_interactions: faker.number.int({ min: 0, max: 60 }),
      birthday_month: faker.datatype.boolean(0.9) ? faker.number.int({ min: 1, max: 12 }) : null,
      preferred_drinks: faker.helpers.arrayElements(DRINKS, { min: 0, max: 2 }),
      dietary_preferences: faker.datatype.boolean(0.3)
        ? faker.helpers.arrayElements(DIETS, { min: 1, max: 2 })
        : [],
      risk_score: riskScore,
      marketing_segments: segments,
      last_updated: faker.date.recent({ days: 2, refDate: now }),
    };
  });

  // walk-in guests over the last weeks; recent ones may still be inside, some became members since
  const guests: WalkInGuestDocument[] = [];
  const openKeys = new Set<string>();
  for (let i = 0; i < MARKETING_SEED.walkInGuests; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const entry =
      i < MARKETING_SEED.guestsArrivedRecently
        ? faker.date.between({ from: addMs(now, -MARKETING_SEED.openVisitHours * HOUR), to: now })
        : faker.date.recent({ days: MARKETING_SEED.walkInDays, refDate: now });
    const idDocument = faker.string.alphanumeric({ length: 9, casing: 'upper' });
    const documentIndex = protector.lookupKey(idDocument);
    const mayBeInside = now.getTime() - entry.getTime() < MARKETING_SEED.openVisitHours * HOUR;
    const stillInside =
      mayBeInside && faker.datatype.boolean(0.7) && !openKeys.has(openVisitKey(documentIndex, entry));
    const exit = stillInside
      ? null
      : minDate(addMs(entry, faker.number.int({ min: 30, max: 8 * 60 }) * 60_000), now);
    const marketingConsent = faker.datatype.boolean(0.55);
    const joinedSince = members.filter((m) => m.registrationDate.getTime() >= entry.getTime());
    const converted =
      !stillInside && joinedSince.length > 0 && faker.datatype.boolean(MARKETING_SEED.guestConversionRate);
    const played = faker.datatype.boolean(0.75) ? faker.helpers.arrayElements(GAMES, { min: 1, max: 3 }) : [];
    const id = faker.string.uuid();
    const guest: WalkInGuestDocument = {
      id,
      first_name: firstName,
      last_name: lastName,
      phone: faker.datatype.boolean(0.8) ? faker.phone.number({ style: 'international' }) : null,
      email: faker.datatype.boolean(0.6) ? faker.internet.email({ firstName, lastName }).toLowerCase() : null,
      nationality: faker.location.country(),
      ...protectIdDocument(protector, id, idDocument),
      visit_date: entry,
      entry_time: entry,
      exit_time: exit,
      spend_amount: toMoney(
        played.length > 0 || !stillInside ? faker.number.float({ min: 0, max: 1_500, fractionDigits: 2 }) : 0,
      ),
      games_played: played,
      services_used: faker.helpers.arrayElements(SERVICES, { min: 0, max: 2 }),
      converted_to_member: converted,
      converted_member_id: converted ? faker.helpers.arrayElement(joinedSince).id : null,
      follow_up_required: !converted && marketingConsent && faker.datatype.boolean(0.35),
      notes: faker.datatype.boolean(0.15) ? faker.lorem.sentence() : null,
      marketing_consent: marketingConsent,
    };
    if (stillInside) {
      guest.open_visit_key = openVisitKey(documentIndex, entry);
      openKeys.add(guest.open_visit_key);
    }
    guests.push(guest);
  }

  const templates: NotificationTemplateDocument[] = TEMPLATE_IDEAS.map((idea) => {
    const createdAt = faker.date.past({ years: 1, refDate: addMs(now, -120 * DAY) });
    return {
      id: faker.string.uuid(),
      name: idea.name,
      category: idea.category,
      title: idea.title,
      content: idea.content,
      variables: idea.variables,
      channels: idea.channels,
      priority: idea.priority,
      is_active: true,
      department: idea.department,
      created_by: anAdmin(),
      created_at: createdAt,
      updated_at: faker.date.between({ from: createdAt, to: addMs(now, -90 * DAY) }),
    };
  });

  // notifications to members, rendered from the templates; marketing only to consenting, not excluded members
  const notifications: NotificationDocument[] = [];
  const marketingTemplates = templates.filter((t) => t.category === 'marketing');
  const otherTemplates = templates.filter((t) => t.category !== 'marketing');
  const announced = campaigns.filter((c) => c.status === 'active' || c.status === 'completed');
  const count = Math.round(members.length * MARKETING_SEED.notificationsPerMember);
  for (let i = 0; i < count; i++) {
    const member = faker.helpers.arrayElement(members);
    const mayMarket = member.marketingConsent && !member.selfExcluded;
    const template = faker.helpers.arrayElement(
      mayMarket && faker.datatype.boolean(0.5) ? marketingTemplates : otherTemplates,
    );
    const from = new Date(Math.max(member.registrationDate.getTime(), now.getTime() - 90 * DAY));
    const createdAt = faker.date.between({ from, to: now });
    // invitations name a campaign that was running or about to run when the notification was sent
    const open = announced.filter((c) => c.end_date.getTime() > createdAt.getTime());
    const campaign = open.length > 0 ? faker.helpers.arrayElement(open) : null;
    const values: Record<string, string> = {
      first_name: member.firstName,
      tier: member.tier,
      points: String(faker.number.int({ min: 2, max: 400 }) * 50),
      expiry_date: isoDay(addMs(createdAt, faker.number.int({ min: 7, max: 30 }) * DAY)),
      campaign_name: campaign?.name ?? 'our next event',
      start_date: isoDay(campaign?.start_date ?? addMs(createdAt, 14 * DAY)),
      login_time: createdAt.toISOString(),
      due_date: isoDay(addMs(createdAt, 14 * DAY)),
      maintenance_date: isoDay(addMs(createdAt, 3 * DAY)),
      start_time: '02:00',
      duration_hours: String(faker.number.int({ min: 1, max: 4 })),
    };
    const variables = Object.fromEntries(template.variables.map((v) => [v, values[v]!]));

    // a notification too young to have been processed is still pending; otherwise the weights decide
    const age = now.getTime() - createdAt.getTime();
    const status: NotificationStatus =
      age < 5 * 60_000 ? 'pending' : faker.helpers.weightedArrayElement(NOTIFICATION_STATUS_WEIGHTS);
    const scheduled = status === 'pending' && faker.datatype.boolean(0.6);
    const scheduledAt = scheduled ? addMs(now, faker.number.int({ min: 1, max: 72 }) * HOUR) : null;
    const sentAt =
      status === 'pending'
        ? null
        : minDate(addMs(createdAt, faker.number.int({ min: 1, max: 240 }) * 1_000), now);
    const deliveredAt =
      sentAt && (status === 'delivered' || status === 'read')
        ? minDate(addMs(sentAt, faker.number.int({ min: 1, max: 120 }) * 1_000), now)
        : null;
    const readAt =
      deliveredAt && status === 'read'
        ? minDate(addMs(deliveredAt, faker.number.int({ min: 1, max: 48 * 60 }) * 60_000), now)
        : null;

    notifications.push({
      id: faker.string.uuid(),
      template_id: template.id,
      recipient_type: 'user',
      recipient_id: member.id,
      recipient_email: template.channels.includes('email') ? member.email : null,
      recipient_phone: template.channels.includes('sms') ? member.phone : null,
      title: render(template.title, values),
      content: render(template.content, values),
      category: template.category,
      priority: template.priority,
      channels: template.channels,
      status,
      scheduled_at: scheduledAt,
      sent_at: sentAt,
      delivered_at: deliveredAt,
      read_at: readAt,
      metadata: {
        template_name: template.name,
        variables,
        ...(template.variables.includes('campaign_name') && campaign ? { campaign_id: campaign.id } : {}),
        ...(status === 'failed' ? { failure_reason: faker.helpers.arrayElement(FAILURE_REASONS) } : {}),
      },
      created_at: createdAt,
    });
  }

  await insertInBatches(db, MARKETING_CAMPAIGNS, campaigns);
  await insertInBatches(db, CUSTOMER_ANALYTICS, analytics);
  await insertInBatches(db, WALK_IN_GUESTS, guests);
  await insertInBatches(db, NOTIFICATION_TEMPLATES, templates);
  await insertInBatches(db, NOTIFICATIONS, notifications);

  return { analytics: analytics.length };
}
