import type { Db } from 'mongodb';
import { ServiceCallError } from '@casino/auth';
import type { ServiceClient } from '@casino/auth';
import { conflict, serviceUnavailable } from '@casino/errors';
import { AnalyticsPlayProfilesDocument } from '@casino/gaming/operations';
import type { Logger } from '@casino/logger';
import { AnalyticsMemberFactsDocument } from '@casino/loyalty/operations';
import type { ScheduledJob } from '@casino/scheduler';
import { ErasedMemberStore } from '../privacy/erased-members-store';
import type { AnalyticsSettings } from '../settings';
import { AnalyticsRunStore } from './analytics-run-store';
import type { AnalyticsRunDocument, AnalyticsRunTrigger } from './analytics-run-store';
import { AnalyticsStore } from './analytics-store';
import { deriveAnalytics } from './derive';
import type { LoyaltyFacts } from './derive';
import { DAY_MS } from '@casino/config';

/** Another run holds the job; this one did nothing. */
export class AnalyticsRunInProgress extends Error {
  override name = 'AnalyticsRunInProgress';
}

/** gaming or loyalty could not answer; the run stopped after its last complete batch. */
export class AnalyticsServiceUnavailable extends Error {
  override name = 'AnalyticsServiceUnavailable';
}

/**
 * Recomputes every member's customer analytics from gaming's play profiles and loyalty's members.
 *
 * Phase 1 walks gaming's members with play in the window, a batch at a time (one gaming call and one loyalty
 * call per batch), and upserts each member's derived fields. Phase 2 sweeps the analytics documents phase 1
 * did not reach (members with no play in the window): their play figures go to zero, their last activity is
 * kept, and their segments are recomputed from loyalty (tier, consent, self-exclusion may have changed).
 *
 * Every write is a per-member upsert of values that depend only on the data and the run's instant, so a
 * repeated or resumed run writes the same documents; a batch is written only once both services answered.
 * One run at a time holds the job (a lock in `analytics_runs`); a crashed run's lock goes stale.
 */
/** The stores the recompute reads and writes: its runs, the analytics, the members erased on request. */
export interface AnalyticsJobStores {
  runs: AnalyticsRunStore;
  analytics: AnalyticsStore;
  erasedMembers: ErasedMemberStore;
}

/** The recompute's stores over a database (a job built outside the subgraph's services, as in tests). */
export function analyticsJobStores(db: Db): AnalyticsJobStores {
  return {
    runs: new AnalyticsRunStore(db),
    analytics: new AnalyticsStore(db),
    erasedMembers: new ErasedMemberStore(db),
  };
}

export class AnalyticsRecomputeJob {
  private readonly runs: AnalyticsRunStore;
  private readonly analytics: AnalyticsStore;
  private readonly erasedMembers: ErasedMemberStore;

  constructor(
    stores: AnalyticsJobStores,
    private readonly services: { gaming: ServiceClient; loyalty: ServiceClient },
    private readonly settings: AnalyticsSettings,
    private readonly logger?: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.runs = stores.runs;
    this.analytics = stores.analytics;
    this.erasedMembers = stores.erasedMembers;
  }

  async run(trigger: AnalyticsRunTrigger): Promise<AnalyticsRunDocument> {
    const now = this.clock();
    const window = { from: new Date(now.getTime() - this.settings.windowDays * DAY_MS), to: now };
    const run = await this.runs.start(trigger, window, now, this.settings.runStaleMs);
    if (!run) throw new AnalyticsRunInProgress('another analytics run is in progress');
    try {
      await this.walkPlayers(run, now);
      await this.sweepOthers(run, now);
      return await this.runs.finish(run.id, { error: null }, this.clock());
    } catch (error) {
      const message =
        error instanceof AnalyticsServiceUnavailable ? error.message : 'the run failed unexpectedly';
      this.logger?.error({ err: error, runId: run.id }, 'customer analytics run failed');
      await this.runs.finish(run.id, { error: message }, this.clock());
      throw error;
    }
  }

  private async walkPlayers(run: AnalyticsRunDocument, now: Date): Promise<void> {
    let after: string | null = null;
    for (;;) {
      // gaming's service-only page of play profiles (members with sessions in the window, by member id)
      const page = await this.call('gaming', () =>
        this.services.gaming.request(AnalyticsPlayProfilesDocument, {
          window: { from: run.window_from.toISOString(), to: run.window_to.toISOString() },
          first: this.settings.batchSize,
          after,
          longSessionMinutes: this.settings.longSessionMinutes,
          topGames: this.settings.favoriteGames,
        }),
      );
      const { endCursor, hasNextPage } = page.memberPlayProfiles;
      // members erased on request: their analytics are never derived again (one find per batch)
      const erased = await this.erasedMembers.erasedAmong(
        page.memberPlayProfiles.profiles.map((p) => p.memberId),
      );
      const profiles = page.memberPlayProfiles.profiles.filter((p) => !erased.has(p.memberId));
      if (profiles.length > 0) {
        const members = await this.memberFacts(profiles.map((p) => p.memberId));
        await this.analytics.upsertDerived(
          profiles.map((profile) => ({
            memberId: profile.memberId,
            derived: deriveAnalytics({
              profile,
              member: members.get(profile.memberId) ?? null,
              lastActivity: new Date(profile.lastActivity),
              windowDays: this.settings.windowDays,
              settings: this.settings,
              now,
            }),
          })),
        );
        await this.runs.progress(run.id, profiles.length, this.clock());
      }
      if (!hasNextPage || !endCursor) return;
      after = endCursor;
    }
  }

  private async sweepOthers(run: AnalyticsRunDocument, now: Date): Promise<void> {
    let previous = '';
    for (;;) {
      const stale = await this.analytics.staleSince(now, this.settings.batchSize);
      const key = stale.map((doc) => doc.member_id).join(',');
      // each batch is refreshed to last_updated = now, so the next query moves on; never loop on a batch
      if (stale.length === 0 || key === previous) return;
      previous = key;
      const members = await this.memberFacts(stale.map((doc) => doc.member_id));
      await this.analytics.upsertDerived(
        stale.map((doc) => ({
          memberId: doc.member_id,
          derived: deriveAnalytics({
            profile: null,
            member: members.get(doc.member_id) ?? null,
            lastActivity: doc.last_activity_date ?? null,
            windowDays: this.settings.windowDays,
            settings: this.settings,
            now,
          }),
        })),
      );
      await this.runs.progress(run.id, stale.length, this.clock());
    }
  }

  private async memberFacts(ids: string[]): Promise<Map<string, LoyaltyFacts>> {
    const data = await this.call('loyalty', () =>
      // loyalty's members by id, as federation entities (one call for a whole batch)
      this.services.loyalty.request(AnalyticsMemberFactsDocument, {
        representations: ids.map((id) => ({ __typename: 'Member', id })),
      }),
    );
    return new Map(
      data._entities
        .filter((m): m is LoyaltyFacts => m !== null && 'id' in m && !!m.id)
        .map((m) => [m.id, m]),
    );
  }

  private async call<T>(service: 'gaming' | 'loyalty', request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof ServiceCallError)) throw error;
      this.logger?.warn({ err: error, service }, 'customer analytics: service call failed');
      throw new AnalyticsServiceUnavailable(
        error.code ? `${service} refused the request (${error.code})` : `${service} could not be reached`,
      );
    }
  }
}

/** The mutation's view of a run: the errors a caller can act on, with their codes. */
export async function recomputeOnDemand(job: AnalyticsRecomputeJob): Promise<AnalyticsRunDocument> {
  try {
    return await job.run('on_demand');
  } catch (error) {
    if (error instanceof AnalyticsRunInProgress) {
      throw conflict('A customer analytics run is already in progress; try again when it has finished');
    }
    if (error instanceof AnalyticsServiceUnavailable) {
      throw serviceUnavailable(
        `Customer analytics could not be recomputed: ${error.message}; the members done so far are kept, try again shortly`,
      );
    }
    throw error;
  }
}

/** The customer analytics recompute's job in `scheduler_jobs` */
export const ANALYTICS_RECOMPUTE_JOB = 'customer-analytics-recompute';

/**
 * The scheduled recompute: one run per interval (none when the interval is 0), on one replica at a time; a
 * failed run is recorded and the next interval tries again; a run skipped because an on-demand one holds
 * the job is not a failure. The job may be given as a factory, called at the first pass.
 */
export function analyticsRecomputeJobs(
  job: AnalyticsRecomputeJob | (() => AnalyticsRecomputeJob),
  settings: AnalyticsSettings,
  logger: Logger,
): ScheduledJob[] {
  if (settings.intervalMs <= 0) return [];
  let instance: AnalyticsRecomputeJob | null = null;
  return [
    {
      name: ANALYTICS_RECOMPUTE_JOB,
      schedule: { everyMs: settings.intervalMs },
      async run() {
        instance ??= typeof job === 'function' ? job() : job;
        try {
          const run = await instance.run('scheduled');
          logger.info({ runId: run.id, members: run.members_processed }, 'customer analytics run done');
        } catch (error) {
          if (!(error instanceof AnalyticsRunInProgress)) throw error;
          logger.debug('customer analytics run skipped: one is running');
        }
      },
    },
  ];
}
