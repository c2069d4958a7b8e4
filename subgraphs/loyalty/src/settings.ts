import { DEFAULT_PROPERTY_TIME_ZONE, parseEnv, propertyTimeEnv, z } from '@casino/config';
import type { Tier } from './members/member-store';
import type { VipExperienceKind } from './vip/vip-experience-store';

/** Tunable rules of the loyalty domain (PRODUCT.md §5), with their defaults. */
export interface LoyaltySettings {
  /** Points multiplier per tier, applied to theo × points rate */
  tierMultipliers: Record<Tier, number>;
  /** Tier credits at which a member reaches each tier (Ruby is where everyone starts) */
  tierThresholds: Record<Exclude<Tier, 'Ruby'>, number>;
  /** Largest absolute hand adjustment a Manager may make in one go (GeneralAdmin and above are unlimited) */
  managerAdjustmentLimit: number;
  /** Days without activity after which a member's points expire */
  pointsExpiryDays: number;
  /**
   * Length of a tier period in months; periods start on 1 January (local midnight in the property's time zone)
   * and every this many months after
   */
  tierPeriodMonths: number;
  /**
   * The property's IANA time zone (PROPERTY_TIME_ZONE): points expire and tier periods start by its calendar
   */
  timeZone: string;
  /** How often the background loyalty jobs (points expiry) run; 0 disables them */
  jobsIntervalMs: number;
  /** The longest range a dashboard accepts */
  maxDashboardRangeDays: number;
  /** How many rewards the dashboard ranks */
  dashboardTopRewards: number;
  /** How many recently applied credit ids a member document remembers, so a retried credit cannot apply twice */
  appliedEntriesKept: number;
  /**
   * How many ids of the entries it reserved stock for a reward remembers (`reserved_for`). An interrupted
   * redemption must be settled (by its retry or the sweep) before this many further redemptions of the same
   * reward push its id out; after that its unit is not given back (stock is lost, never oversold)
   */
  reservedEntriesKept: number;
  /**
   * How long an entry of an interactive flow (redemption, cancellation, adjustment) may stay unapplied before
   * the jobs' sweep treats its flow as crashed and finishes or undoes it; younger ones may still be in flight
   */
  interruptedAfterMs: number;
  /** Comp reinvestment per tier, in percent of theo: what each session's theo adds to the member's comp balance */
  compReinvestmentPercent: Record<Tier, number>;
  /**
   * The largest comp (in cents) each role issues on its own; above it the comp waits for a role whose limit
   * covers it. GeneralAdmin and above have no limit
   */
  compIssueLimitCents: { Supervisor: number; Manager: number };
  /** The lowest tier a member needs for each kind of VIP experience */
  vipMinimumTier: Record<VipExperienceKind, Tier>;
  /** The most members a host's portfolio (StaffMember.hostedMembers) lists */
  hostPortfolioLimit: number;
}

export const DEFAULT_LOYALTY_SETTINGS: LoyaltySettings = {
  tierMultipliers: { Ruby: 1.0, Sapphire: 1.25, Diamond: 1.5, VIP: 2.0 },
  tierThresholds: { Sapphire: 5_000, Diamond: 20_000, VIP: 75_000 },
  managerAdjustmentLimit: 1_000,
  pointsExpiryDays: 180,
  tierPeriodMonths: 12,
  timeZone: DEFAULT_PROPERTY_TIME_ZONE,
  jobsIntervalMs: 3_600_000,
  maxDashboardRangeDays: 366,
  dashboardTopRewards: 10,
  appliedEntriesKept: 50,
  reservedEntriesKept: 200,
  interruptedAfterMs: 60_000,
  compReinvestmentPercent: { Ruby: 10, Sapphire: 15, Diamond: 20, VIP: 25 },
  compIssueLimitCents: { Supervisor: 10_000, Manager: 50_000 },
  vipMinimumTier: {
    private_dining: 'Sapphire',
    event_tickets: 'Sapphire',
    suite: 'Diamond',
    limousine: 'Diamond',
    private_salon: 'VIP',
  },
  hostPortfolioLimit: 200,
};

const D = DEFAULT_LOYALTY_SETTINGS;
const multiplier = (value: number) => z.coerce.number().min(0).max(100).default(value);
const threshold = (value: number) => z.coerce.number().int().min(1).default(value);
const compRate = (value: number) => z.coerce.number().min(0).max(100).default(value);
const minimumTier = (tier: Tier) => z.enum(['Ruby', 'Sapphire', 'Diamond', 'VIP']).default(tier);
/** A comp limit in whole currency units (the setting), kept in cents */
const compLimit = (cents: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .default(cents / 100);

export const loyaltyEnv = z
  .object({
    LOYALTY_MULTIPLIER_RUBY: multiplier(D.tierMultipliers.Ruby),
    LOYALTY_MULTIPLIER_SAPPHIRE: multiplier(D.tierMultipliers.Sapphire),
    LOYALTY_MULTIPLIER_DIAMOND: multiplier(D.tierMultipliers.Diamond),
    LOYALTY_MULTIPLIER_VIP: multiplier(D.tierMultipliers.VIP),
    LOYALTY_THRESHOLD_SAPPHIRE: threshold(D.tierThresholds.Sapphire),
    LOYALTY_THRESHOLD_DIAMOND: threshold(D.tierThresholds.Diamond),
    LOYALTY_THRESHOLD_VIP: threshold(D.tierThresholds.VIP),
    LOYALTY_MANAGER_ADJUSTMENT_LIMIT: z.coerce.number().int().min(0).default(D.managerAdjustmentLimit),
    LOYALTY_POINTS_EXPIRY_DAYS: z.coerce.number().int().min(1).max(3650).default(D.pointsExpiryDays),
    LOYALTY_TIER_PERIOD_MONTHS: z.coerce
      .number()
      .int()
      .refine((m) => [1, 2, 3, 4, 6, 12].includes(m), 'must divide 12 (1, 2, 3, 4, 6 or 12)')
      .default(D.tierPeriodMonths),
    ...propertyTimeEnv,
    LOYALTY_JOBS_INTERVAL_MS: z.coerce.number().int().min(0).default(D.jobsIntervalMs),
    LOYALTY_MAX_DASHBOARD_RANGE_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3660)
      .default(D.maxDashboardRangeDays),
    LOYALTY_DASHBOARD_TOP_REWARDS: z.coerce.number().int().min(1).max(100).default(D.dashboardTopRewards),
    LOYALTY_APPLIED_ENTRIES_KEPT: z.coerce.number().int().min(2).max(1000).default(D.appliedEntriesKept),
    LOYALTY_RESERVED_ENTRIES_KEPT: z.coerce.number().int().min(2).max(5000).default(D.reservedEntriesKept),
    LOYALTY_INTERRUPTED_AFTER_MS: z.coerce.number().int().min(1_000).default(D.interruptedAfterMs),
    /** Comp reinvestment of a Ruby member, percent of theo */
    LOYALTY_COMP_RATE_RUBY: compRate(D.compReinvestmentPercent.Ruby),
    /** Comp reinvestment of a Sapphire member, percent of theo */
    LOYALTY_COMP_RATE_SAPPHIRE: compRate(D.compReinvestmentPercent.Sapphire),
    /** Comp reinvestment of a Diamond member, percent of theo */
    LOYALTY_COMP_RATE_DIAMOND: compRate(D.compReinvestmentPercent.Diamond),
    /** Comp reinvestment of a VIP member, percent of theo */
    LOYALTY_COMP_RATE_VIP: compRate(D.compReinvestmentPercent.VIP),
    /** The largest comp a Supervisor issues without approval, in whole currency units */
    LOYALTY_COMP_LIMIT_SUPERVISOR: compLimit(D.compIssueLimitCents.Supervisor),
    /** The largest comp a Manager issues without approval, in whole currency units */
    LOYALTY_COMP_LIMIT_MANAGER: compLimit(D.compIssueLimitCents.Manager),
    /** The lowest tier that may book a private dining VIP experience */
    LOYALTY_VIP_MIN_TIER_PRIVATE_DINING: minimumTier(D.vipMinimumTier.private_dining),
    /** The lowest tier that may book event tickets as a VIP experience */
    LOYALTY_VIP_MIN_TIER_EVENT_TICKETS: minimumTier(D.vipMinimumTier.event_tickets),
    /** The lowest tier that may book a suite as a VIP experience */
    LOYALTY_VIP_MIN_TIER_SUITE: minimumTier(D.vipMinimumTier.suite),
    /** The lowest tier that may book a limousine as a VIP experience */
    LOYALTY_VIP_MIN_TIER_LIMOUSINE: minimumTier(D.vipMinimumTier.limousine),
    /** The lowest tier that may book a private gaming salon as a VIP experience */
    LOYALTY_VIP_MIN_TIER_PRIVATE_SALON: minimumTier(D.vipMinimumTier.private_salon),
    /** The most members a host's portfolio lists */
    LOYALTY_HOST_PORTFOLIO_LIMIT: z.coerce.number().int().min(1).max(5000).default(D.hostPortfolioLimit),
  })
  .refine(
    (env) =>
      env.LOYALTY_THRESHOLD_SAPPHIRE < env.LOYALTY_THRESHOLD_DIAMOND &&
      env.LOYALTY_THRESHOLD_DIAMOND < env.LOYALTY_THRESHOLD_VIP,
    {
      message: 'tier thresholds must increase: Sapphire < Diamond < VIP',
      path: ['LOYALTY_THRESHOLD_DIAMOND'],
    },
  )
  .refine((env) => env.LOYALTY_COMP_LIMIT_SUPERVISOR <= env.LOYALTY_COMP_LIMIT_MANAGER, {
    message: "a Supervisor's comp limit must not exceed a Manager's",
    path: ['LOYALTY_COMP_LIMIT_SUPERVISOR'],
  });

/** Reads the loyalty settings from the environment (the process's, unless one is given). */
export function parseLoyaltySettings(env?: Record<string, string | undefined>): LoyaltySettings {
  const p = parseEnv('loyalty', loyaltyEnv, env);
  return {
    tierMultipliers: {
      Ruby: p.LOYALTY_MULTIPLIER_RUBY,
      Sapphire: p.LOYALTY_MULTIPLIER_SAPPHIRE,
      Diamond: p.LOYALTY_MULTIPLIER_DIAMOND,
      VIP: p.LOYALTY_MULTIPLIER_VIP,
    },
    tierThresholds: {
      Sapphire: p.LOYALTY_THRESHOLD_SAPPHIRE,
      Diamond: p.LOYALTY_THRESHOLD_DIAMOND,
      VIP: p.LOYALTY_THRESHOLD_VIP,
    },
    managerAdjustmentLimit: p.LOYALTY_MANAGER_ADJUSTMENT_LIMIT,
    pointsExpiryDays: p.LOYALTY_POINTS_EXPIRY_DAYS,
    tierPeriodMonths: p.LOYALTY_TIER_PERIOD_MONTHS,
    timeZone: p.PROPERTY_TIME_ZONE,
    jobsIntervalMs: p.LOYALTY_JOBS_INTERVAL_MS,
    maxDashboardRangeDays: p.LOYALTY_MAX_DASHBOARD_RANGE_DAYS,
    dashboardTopRewards: p.LOYALTY_DASHBOARD_TOP_REWARDS,
    appliedEntriesKept: p.LOYALTY_APPLIED_ENTRIES_KEPT,
    reservedEntriesKept: p.LOYALTY_RESERVED_ENTRIES_KEPT,
    interruptedAfterMs: p.LOYALTY_INTERRUPTED_AFTER_MS,
    compReinvestmentPercent: {
      Ruby: p.LOYALTY_COMP_RATE_RUBY,
      Sapphire: p.LOYALTY_COMP_RATE_SAPPHIRE,
      Diamond: p.LOYALTY_COMP_RATE_DIAMOND,
      VIP: p.LOYALTY_COMP_RATE_VIP,
    },
    compIssueLimitCents: {
      Supervisor: p.LOYALTY_COMP_LIMIT_SUPERVISOR * 100,
      Manager: p.LOYALTY_COMP_LIMIT_MANAGER * 100,
    },
    vipMinimumTier: {
      private_dining: p.LOYALTY_VIP_MIN_TIER_PRIVATE_DINING,
      event_tickets: p.LOYALTY_VIP_MIN_TIER_EVENT_TICKETS,
      suite: p.LOYALTY_VIP_MIN_TIER_SUITE,
      limousine: p.LOYALTY_VIP_MIN_TIER_LIMOUSINE,
      private_salon: p.LOYALTY_VIP_MIN_TIER_PRIVATE_SALON,
    },
    hostPortfolioLimit: p.LOYALTY_HOST_PORTFOLIO_LIMIT,
  };
}

export const TIER_ORDER: readonly Tier[] = ['Ruby', 'Sapphire', 'Diamond', 'VIP'];

/** The tier a number of tier credits earns. */
export function tierForCredits(credits: number, settings: LoyaltySettings): Tier {
  let tier: Tier = 'Ruby';
  for (const candidate of TIER_ORDER.slice(1) as Exclude<Tier, 'Ruby'>[]) {
    if (credits >= settings.tierThresholds[candidate]) tier = candidate;
  }
  return tier;
}

/** Named rules of enrolment. */
export const MEMBER_RULES = {
  minimumAgeYears: 18,
  memberNumberAttempts: 5,
};

/** Named rules of self-exclusion (PRODUCT.md §5, responsible gaming). */
export const SELF_EXCLUSION_RULES = {
  /** The lengths a member may choose, in months (a lifetime exclusion has no end) */
  lengthMonths: { SIX_MONTHS: 6, ONE_YEAR: 12, FIVE_YEARS: 60 },
  /** The length `setSelfExclusion` records, as it has no length of its own: the shortest one */
  defaultLength: 'SIX_MONTHS',
} as const;
