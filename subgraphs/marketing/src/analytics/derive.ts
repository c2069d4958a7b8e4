import type { AnalyticsPlayProfilesQuery } from '@casino/gaming/operations';
import type { AnalyticsMemberFactsQuery } from '@casino/loyalty/operations';
import { toMoney } from '@casino/mongo';
import type { AnalyticsSettings } from '../settings';
import type { DerivedAnalytics } from './analytics-store';
import { DAY_MS } from '@casino/config';

/** Gaming's MemberPlayProfile as it arrives over JSON (amounts as decimal strings, instants as ISO strings). */
export type PlayProfile = AnalyticsPlayProfilesQuery['memberPlayProfiles']['profiles'][number];

/** What loyalty tells the job about a member (its Member entity, read as the marketing service). */
export type LoyaltyFacts = Extract<AnalyticsMemberFactsQuery['_entities'][number], { id: string }>;

/** The segment names the job assigns; the rules behind them are the settings of the same name. */
export const SEGMENTS = {
  highRoller: 'high_roller',
  frequentVisitor: 'frequent_visitor',
  lapsed: 'lapsed',
  newMember: 'new_member',
  atRisk: 'at_risk',
  pointsCollector: 'points_collector',
  noMarketingConsent: 'no_marketing_consent',
  selfExcluded: 'self_excluded',
  /** tier_ruby, tier_sapphire, tier_diamond, tier_vip */
  tier: (tier: string) => `tier_${tier.toLowerCase()}`,
} as const;

const round2 = (n: number) => Math.round(n * 100) / 100;
const ratio = (part: number, whole: number) => (whole > 0 ? Math.min(part / whole, 1) : 0);

/** Visits per 30 days over the window. */
export function visitFrequency(visits: number, windowDays: number): number {
  return round2((visits * 30) / windowDays);
}

/**
 * Responsible-gaming risk from 0 to 100: the weighted mean of four indicators, each from 0 to 1 —
 * loss chasing (days with two or more losing sessions / visits), long sessions (long / settled sessions),
 * frequency (visits per 30 days / the ceiling, at most 1) and losses (losses / buy-in, at most 1) — times 100,
 * to two decimals. No play, or all weights zero, is 0.
 */
export function riskScore(
  profile: PlayProfile | null,
  windowDays: number,
  settings: AnalyticsSettings,
): number {
  if (!profile) return 0;
  const weights = [
    settings.riskWeightLossChasing,
    settings.riskWeightLongSessions,
    settings.riskWeightFrequency,
    settings.riskWeightLossRatio,
  ];
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const indicators = [
    ratio(profile.lossChasingDays, profile.visits),
    ratio(profile.longSessions, profile.settledSessions),
    ratio(visitFrequency(profile.visits, windowDays), settings.riskFrequencyCeiling),
    ratio(Number(profile.totalLosses), Number(profile.totalBuyIn)),
  ];
  const weighted = indicators.reduce((sum, value, i) => sum + value * weights[i]!, 0);
  return round2((100 * weighted) / total);
}

/**
 * A member's analytics from their play in the window (null: none) and what loyalty knows (null: loyalty does
 * not know the member, who then gets no segment at all, so no audience reaches them). `lastActivity` is the
 * latest visit known, from the play or kept from before.
 */
export function deriveAnalytics(input: {
  profile: PlayProfile | null;
  member: LoyaltyFacts | null;
  lastActivity: Date | null;
  windowDays: number;
  settings: AnalyticsSettings;
  now: Date;
}): DerivedAnalytics {
  const { profile, member, lastActivity, windowDays, settings, now } = input;
  const frequency = profile ? visitFrequency(profile.visits, windowDays) : 0;
  const spendPerVisit = profile?.avgBuyInPerVisit ?? '0.00';
  const risk = riskScore(profile, windowDays, settings);
  const segments: string[] = [];
  if (member) {
    if (profile && Number(spendPerVisit) >= settings.highRollerMinSpendPerVisit) {
      segments.push(SEGMENTS.highRoller);
    }
    if (profile && frequency >= settings.frequentVisitorMinVisits) segments.push(SEGMENTS.frequentVisitor);
    if (lastActivity && now.getTime() - lastActivity.getTime() >= settings.lapsedAfterDays * DAY_MS) {
      segments.push(SEGMENTS.lapsed);
    }
    if (now.getTime() - new Date(member.registrationDate).getTime() < settings.newMemberDays * DAY_MS) {
      segments.push(SEGMENTS.newMember);
    }
    if (profile && risk >= settings.atRiskMinScore) segments.push(SEGMENTS.atRisk);
    if (member.pointsBalance >= settings.pointsCollectorMinBalance) segments.push(SEGMENTS.pointsCollector);
    segments.push(SEGMENTS.tier(member.tier));
    if (!member.marketingConsent) segments.push(SEGMENTS.noMarketingConsent);
    if (member.selfExcluded) segments.push(SEGMENTS.selfExcluded);
  }
  return {
    visit_frequency: frequency,
    avg_session_duration: Math.round(profile?.avgSessionMinutes ?? 0),
    avg_spend_per_visit: toMoney(spendPerVisit),
    favorite_games: profile?.favoriteGames ?? [],
    preferred_visit_times: profile?.preferredVisitTimes ?? [],
    birthday_month: member?.dateOfBirth ? new Date(member.dateOfBirth).getUTCMonth() + 1 : null,
    risk_score: risk,
    marketing_segments: segments,
    last_updated: now,
    ...(profile ? { last_activity_date: new Date(profile.lastActivity) } : {}),
  };
}
