import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Collection, Db, IndexDescription } from 'mongodb';
import type { Logger } from '@casino/logger';
import type { Telemetry } from '@casino/telemetry';
import { deliveryFailureOf } from '@casino/mongo';
import type { DeliveryFailure } from '@casino/mongo';
import { describeSchedule, nextSlot } from './schedule';
import type { Schedule } from './schedule';

/** A piece of background work: what it is called, when it is due, and one pass of it. */
export interface ScheduledJob {
  /** Unique within the subgraph's database */
  name: string;
  schedule: Schedule;
  run(pass: JobPass): Promise<unknown>;
}

/** What a running pass knows about itself. */
export interface JobPass {
  /** The slot this pass is for (the persisted next run it took over) */
  scheduledFor: Date;
  startedAt: Date;
  /** The replica running it */
  owner: string;
}

/** How one pass ended, for metrics. */
export interface PassRecord {
  job: string;
  outcome: 'ok' | 'failed';
  durationMs: number;
}

export interface SchedulerOptions {
  db: Db;
  jobs: readonly ScheduledJob[];
  /** This replica's name in leases (default: host, process id and a random suffix) */
  owner?: string;
  /** Longest wait between two looks at a job's next run (SCHEDULER_POLL_MS); each wait is jittered */
  pollMs?: number;
  /** How long a taken job stays this replica's without renewal (SCHEDULER_LEASE_MS); renewed at a third of it */
  leaseMs?: number;
  log?: Logger;
  now?: () => Date;
  random?: () => number;
  onPass?: (record: PassRecord) => void;
  /** Each pass is a trace of its own (`job <name>`), holding its MongoDB commands and deliveries */
  telemetry?: Telemetry;
}

export const DEFAULT_SCHEDULER_POLL_MS = 1_000;
export const DEFAULT_SCHEDULER_LEASE_MS = 60_000;

/** One job's persisted state: its next run, who holds it, how its last pass went. */
export interface SchedulerJobDocument {
  name: string;
  schedule: string;
  next_run_at: Date;
  lease_owner: string | null;
  lease_until: Date | null;
  last_started_at: Date | null;
  last_finished_at: Date | null;
  last_outcome: 'ok' | 'failed' | null;
  last_error: DeliveryFailure | null;
  /** Passes finished (either outcome) */
  runs: number;
}

export const SCHEDULER_JOBS = 'scheduler_jobs';
export const schedulerJobIndexes: IndexDescription[] = [{ key: { name: 1 }, name: 'name_1', unique: true }];

const freeLease = (now: Date) => ({ $or: [{ lease_until: null }, { lease_until: { $lte: now } }] });

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Runs each job of a subgraph on one replica at a time. A job's next run lives in `scheduler_jobs`; a replica
 * runs a pass only after taking the job's lease in one findOneAndUpdate (due, and no lease or an expired
 * one), renews the lease while the pass runs, and on finishing moves the next run to the schedule's next slot
 * and frees the lease. A restart reads the persisted next run, so it neither repeats nor skips a slot; a slot
 * missed while every replica was down runs once when one comes back. A replica that dies mid-pass leaves its
 * lease to expire, and the slot then runs again elsewhere: passes must be safe to repeat.
 */
export class Scheduler {
  readonly owner: string;
  private readonly collection: Collection<SchedulerJobDocument>;
  private readonly jobs: Map<string, ScheduledJob>;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly running = new Map<string, Promise<boolean>>();
  /** The next run as last read, per job: no database round trip before it */
  private readonly knownNextRun = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private started = false;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.owner = options.owner ?? defaultOwner();
    this.collection = options.db.collection<SchedulerJobDocument>(SCHEDULER_JOBS);
    this.jobs = new Map();
    for (const job of options.jobs) {
      if (this.jobs.has(job.name)) throw new Error(`two scheduled jobs are named ${job.name}`);
      this.jobs.set(job.name, job);
    }
    this.pollMs = options.pollMs ?? DEFAULT_SCHEDULER_POLL_MS;
    this.leaseMs = options.leaseMs ?? DEFAULT_SCHEDULER_LEASE_MS;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  /**
   * Records each job (first run: the schedule's next slot; a changed schedule starts again from its next
   * slot), without polling. `start` calls it; tests call it before driving passes with `runDue`.
   */
  async register(): Promise<void> {
    await this.collection.createIndexes(schedulerJobIndexes);
    for (const job of this.jobs.values()) {
      const schedule = describeSchedule(job.schedule);
      const now = this.now();
      const existing = await this.collection.findOne({ name: job.name }, { projection: { _id: 0 } });
      if (!existing) {
        try {
          await this.collection.insertOne({
            name: job.name,
            schedule,
            next_run_at: nextSlot(job.schedule, now),
            lease_owner: null,
            lease_until: null,
            last_started_at: null,
            last_finished_at: null,
            last_outcome: null,
            last_error: null,
            runs: 0,
          });
        } catch (error) {
          // another replica registered it at the same moment: its document stands
          if ((error as { code?: number }).code !== 11000) throw error;
        }
      } else if (existing.schedule !== schedule) {
        await this.collection.updateOne(
          { name: job.name, schedule: existing.schedule },
          { $set: { schedule, next_run_at: nextSlot(job.schedule, now) } },
        );
        this.options.log?.info(
          { job: job.name, from: existing.schedule, to: schedule },
          'job schedule changed; next run moved to the new schedule',
        );
      }
    }
  }

  /** Registers the jobs and polls each on its own, every `pollMs` (or its interval, if shorter), jittered. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.register();
    for (const job of this.jobs.values()) this.poll(job);
  }

  private poll(job: ScheduledJob): void {
    if (this.stopped) return;
    const base = Math.min(this.pollMs, job.schedule.everyMs);
    // replicas started together drift apart instead of racing for every slot at the same instant
    const delay = base * (0.75 + 0.5 * this.random());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.tryRun(job)
        .catch((error: unknown) =>
          this.options.log?.warn({ err: error, job: job.name }, 'scheduled job could not be polled'),
        )
        .finally(() => this.poll(job));
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /** One look at every job: runs (and awaits) the passes that are due now; the names of those that ran. */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs.values()) if (await this.tryRun(job)) ran.push(job.name);
    return ran;
  }

  /**
   * Runs a pass of `name` now, before its next slot, when no replica holds it (outboxes: something was just
   * queued). The next run stays where it was. False when it did not run.
   */
  async runNow(name: string): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no scheduled job is named ${name}`);
    return this.tryRun(job, true);
  }

  /** Takes the job's lease if it is due (or `early`) and free, runs one pass, and says whether it ran. */
  private tryRun(job: ScheduledJob, early = false): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    const current = this.running.get(job.name);
    if (current) return current.then(() => false);
    if (!early && (this.knownNextRun.get(job.name) ?? 0) > this.now().getTime())
      return Promise.resolve(false);
    const pass = this.takeAndRun(job, early).finally(() => this.running.delete(job.name));
    this.running.set(job.name, pass);
    return pass;
  }

  private async takeAndRun(job: ScheduledJob, early: boolean): Promise<boolean> {
    const startedAt = this.now();
    const taken = await this.collection.findOneAndUpdate(
      { name: job.name, ...(early ? {} : { next_run_at: { $lte: startedAt } }), ...freeLease(startedAt) },
      {
        $set: {
          lease_owner: this.owner,
          lease_until: new Date(startedAt.getTime() + this.leaseMs),
          last_started_at: startedAt,
        },
      },
      { returnDocument: 'before', projection: { _id: 0, next_run_at: 1 } },
    );
    if (!taken) {
      await this.learnNextRun(job.name);
      return false;
    }
    const scheduledFor = taken.next_run_at;
    const renewal = setInterval(() => void this.renew(job.name), Math.max(this.leaseMs / 3, 10));
    renewal.unref();
    let outcome: PassRecord['outcome'] = 'ok';
    let lastError: DeliveryFailure | null = null;
    try {
      const run = () => job.run({ scheduledFor, startedAt, owner: this.owner });
      const { telemetry } = this.options;
      await (telemetry
        ? telemetry.withSpan(`job ${job.name}`, { 'job.name': job.name }, run, { root: true })
        : run());
    } catch (error) {
      outcome = 'failed';
      lastError = deliveryFailureOf(error);
      this.options.log?.error(
        { err: error, job: job.name },
        'scheduled job failed; it runs again at its next slot',
      );
    } finally {
      clearInterval(renewal);
    }
    const finishedAt = this.now();
    // a pass run early leaves the slot it did not take; a due pass moves on to the next slot after it
    const next =
      scheduledFor.getTime() > startedAt.getTime()
        ? scheduledFor
        : nextSlot(job.schedule, new Date(Math.max(finishedAt.getTime(), scheduledFor.getTime())));
    const finished = await this.collection.updateOne(
      { name: job.name, lease_owner: this.owner },
      {
        $set: {
          next_run_at: next,
          lease_owner: null,
          lease_until: null,
          last_finished_at: finishedAt,
          last_outcome: outcome,
          last_error: lastError,
        },
        $inc: { runs: 1 },
      },
    );
    if (finished.matchedCount === 0) {
      this.options.log?.warn({ job: job.name }, 'scheduled job lost its lease before it finished');
    }
    this.knownNextRun.set(job.name, next.getTime());
    this.options.onPass?.({ job: job.name, outcome, durationMs: finishedAt.getTime() - startedAt.getTime() });
    return true;
  }

  /** Another replica holds the job or ran it: remember when to look again. */
  private async learnNextRun(name: string): Promise<void> {
    const doc = await this.collection.findOne(
      { name },
      { projection: { _id: 0, next_run_at: 1, lease_until: 1 } },
    );
    if (!doc) return;
    const leasedUntil = doc.lease_until?.getTime() ?? 0;
    // while a lease runs, its holder moves the next run on: look again when it should have finished
    this.knownNextRun.set(
      name,
      leasedUntil > this.now().getTime()
        ? Math.min(leasedUntil, doc.next_run_at.getTime())
        : doc.next_run_at.getTime(),
    );
  }

  private async renew(name: string): Promise<void> {
    try {
      const renewed = await this.collection.updateOne(
        { name, lease_owner: this.owner },
        { $set: { lease_until: new Date(this.now().getTime() + this.leaseMs) } },
      );
      if (renewed.matchedCount === 0) this.options.log?.warn({ job: name }, 'scheduled job lost its lease');
    } catch (error) {
      this.options.log?.warn({ err: error, job: name }, 'scheduled job lease could not be renewed');
    }
  }

  /** Persisted state of every job of this scheduler, by name. */
  async state(): Promise<SchedulerJobDocument[]> {
    return this.collection
      .find({ name: { $in: [...this.jobs.keys()] } }, { projection: { _id: 0 } })
      .sort({ name: 1 })
      .toArray();
  }

  /** Stops polling and lets a running pass finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}

/** Starts a scheduler for `jobs` on `db` (see Scheduler). */
export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const scheduler = new Scheduler(options);
  await scheduler.start();
  return scheduler;
}
