import type { Collection, Db, IndexDescription } from 'mongodb';
import type { Logger } from '@casino/logger';
import { deliveryFailureOf, retryDelayMs } from '@casino/mongo';
import type { DeadLetterPage, DeadLetterSource, DeliveryFailure } from '@casino/mongo';
import { DEFAULT_SCHEDULER_LEASE_MS, RowClaims, Scheduler } from '@casino/scheduler';
import { withSpan } from '@casino/telemetry';
import type { ScheduledJob } from '@casino/scheduler';
import type { AuditEvent } from './event';

/** Where events go once they leave a subgraph: compliance's API, or compliance's own store. */
export interface AuditSink {
  deliver(events: AuditEvent[]): Promise<void>;
}

export interface OutboxSettings {
  intervalMs: number;
  batchSize: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Failed deliveries after which an event is set aside as dead instead of retried */
  maxAttempts: number;
  /** Random share of a retry's wait (OUTBOX_RETRY_JITTER); none when absent */
  retryJitter?: number;
  /** How long a claimed event stays this replica's (SCHEDULER_LEASE_MS) */
  claimMs?: number;
  /** Draws the jitter (tests pin it) */
  random?: () => number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  intervalMs: 1_000,
  batchSize: 200,
  retryBaseMs: 500,
  retryMaxMs: 60_000,
  maxAttempts: 10,
};

interface OutboxDocument {
  id: string;
  event: AuditEvent;
  attempts: number;
  /** null once the event is dead */
  next_attempt_at: Date | null;
  created_at: Date;
  last_error?: DeliveryFailure | null;
  /** Set when the event was set aside after `maxAttempts` failed deliveries */
  dead_at?: Date | null;
  /** The claim token of the replica delivering it, and until when it holds it */
  claimed_by?: string | null;
  claimed_until?: Date | null;
}

export const AUDIT_EVENT_KIND = 'audit-event';

interface DueRow {
  id: string;
  attempts: number;
  /** null when the row could not be read */
  event: AuditEvent | null;
}

export const AUDIT_OUTBOX = 'audit_outbox';
/** The audit outbox's job in `scheduler_jobs` */
export const AUDIT_OUTBOX_JOB = 'audit-outbox';

export const auditOutboxIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { next_attempt_at: 1 }, name: 'next_attempt_at_1' },
  { key: { dead_at: 1 }, name: 'dead_at_1' },
  { key: { claimed_by: 1 }, name: 'claimed_by_1', sparse: true },
];

/**
 * Audit events are first written to the subgraph's own `audit_outbox` (a fast local insert), then delivered
 * to compliance in batches. A failed delivery stays in the outbox and is retried with backoff, so an outage
 * of compliance delays the trail but loses nothing; compliance ignores ids it already has, so a retry never
 * records twice. One event that keeps failing (compliance refuses it, or it cannot even be read) never holds
 * up the others: a failed batch is retried event by event, and after `maxAttempts` failures an event is set
 * aside as dead, kept for a SuperAdmin to inspect and retry. Events are claimed (`claimed_by`/`claimed_until`)
 * before delivery, so replicas sharing the outbox never deliver the same event twice; the periodic pass is a
 * scheduled job (`job()`), and a recorded event is also sent at once.
 */
export class AuditOutbox {
  private readonly collection: Collection<OutboxDocument>;
  private readonly claims: RowClaims<OutboxDocument>;
  private scheduler: Scheduler | null = null;
  private flushing: Promise<void> | null = null;
  private pendingInserts = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly sink: AuditSink,
    private readonly log: Logger,
    private readonly settings: OutboxSettings = DEFAULT_OUTBOX_SETTINGS,
  ) {
    this.collection = db.collection<OutboxDocument>(AUDIT_OUTBOX);
    this.claims = new RowClaims(this.collection, {
      leaseMs: settings.claimMs ?? DEFAULT_SCHEDULER_LEASE_MS,
    });
  }

  /** The periodic delivery pass, for the subgraph's scheduler. */
  job(): ScheduledJob {
    return {
      name: AUDIT_OUTBOX_JOB,
      schedule: { everyMs: this.settings.intervalMs },
      run: () => this.flushOnce(),
    };
  }

  /** Queues an event without making the caller wait for compliance. Never throws. */
  record(event: AuditEvent): void {
    const insert = this.insertWithRetry(event).finally(() => this.pendingInserts.delete(insert));
    this.pendingInserts.add(insert);
    void insert.then(() => this.flushSoon());
  }

  private async insertWithRetry(event: AuditEvent, attempt = 1): Promise<void> {
    try {
      await this.collection.insertOne({
        id: event.id,
        event,
        attempts: 0,
        next_attempt_at: new Date(),
        created_at: new Date(),
      });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return;
      const delay = retryDelayMs(attempt, this.settings.retryBaseMs, this.settings.retryMaxMs);
      this.log.error(
        { err: error, auditEventId: event.id, attempt, retryInMs: delay },
        'audit outbox write failed',
      );
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      return this.insertWithRetry(event, attempt + 1);
    }
  }

  /** Runs the delivery pass on a scheduler of its own (where no subgraph scheduler runs it). */
  start(): void {
    if (this.scheduler) return;
    this.scheduler = new Scheduler({ db: this.db, jobs: [this.job()], log: this.log });
    this.scheduler.start().catch((error: unknown) => {
      this.log.warn({ err: error }, 'audit outbox schedule could not start');
    });
  }

  /** One delivery pass at a time in this process: a pass asked for while one runs joins it. */
  private flushOnce(): Promise<void> {
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private flushSoon(): void {
    this.flushOnce().catch((error: unknown) => {
      // the outbox itself is unreachable (its MongoDB is down); the next pass tries again
      this.log.warn({ err: error }, 'audit outbox could not be read');
    });
  }

  /** Delivers everything that is due; returns when the outbox holds nothing deliverable right now. */
  async flush(): Promise<void> {
    for (;;) {
      // ids first: a row whose event cannot be read must not take the whole batch with it
      const { token, rows: due } = await this.claims.claimBatch(
        { next_attempt_at: { $lte: new Date() } },
        { next_attempt_at: 1 },
        this.settings.batchSize,
        { projection: { _id: 0, id: 1, attempts: 1 } },
      );
      if (due.length === 0) return;
      const rows = await this.read(due, token);
      const readable = rows.filter((row): row is DueRow & { event: AuditEvent } => row.event !== null);
      if (readable.length === 0) continue;
      try {
        await withSpan('deliver audit events', { 'outbox.rows': readable.length }, () =>
          this.sink.deliver(readable.map((row) => row.event)),
        );
        await this.collection.deleteMany({
          id: { $in: readable.map((row) => row.id) },
          ...this.claims.held(token),
        });
      } catch (error) {
        if (readable.length === 1) {
          await this.failed(readable[0]!, error, token);
          continue;
        }
        this.log.warn(
          { err: error, events: readable.length },
          'audit batch delivery failed; delivering one by one',
        );
        if (!(await this.deliverOneByOne(readable, token))) return;
      }
    }
  }

  /** Full rows of `due`, in one read or, when that fails, one read per row; an unreadable row counts a failure. */
  private async read(due: { id: string; attempts: number }[], token: string): Promise<DueRow[]> {
    try {
      const docs = await this.collection
        .find({ id: { $in: due.map((d) => d.id) } }, { projection: { _id: 0, id: 1, attempts: 1, event: 1 } })
        .toArray();
      const byId = new Map(docs.map((doc) => [doc.id, doc]));
      return due.map((d) => ({ id: d.id, attempts: d.attempts, event: byId.get(d.id)?.event ?? null }));
    } catch {
      const rows: DueRow[] = [];
      for (const d of due) {
        try {
          const doc = await this.collection.findOne({ id: d.id }, { projection: { _id: 0, event: 1 } });
          rows.push({ id: d.id, attempts: d.attempts, event: doc?.event ?? null });
        } catch (error) {
          await this.failed({ id: d.id, attempts: d.attempts }, error, token);
          rows.push({ id: d.id, attempts: d.attempts, event: null });
        }
      }
      return rows;
    }
  }

  /**
   * Delivers each event alone so one refused event cannot hold the others back. Returns false when nothing at
   * all went through (the sink is down rather than refusing one event): the rest then waits for its backoff.
   */
  private async deliverOneByOne(rows: (DueRow & { event: AuditEvent })[], token: string): Promise<boolean> {
    let delivered = 0;
    for (const [index, row] of rows.entries()) {
      try {
        await withSpan('deliver audit events', { 'outbox.rows': 1 }, () => this.sink.deliver([row.event]));
        await this.collection.deleteOne({ id: row.id, ...this.claims.held(token) });
        delivered += 1;
      } catch (error) {
        await this.failed(row, error, token);
        if (delivered === 0 && index >= 1) {
          // two refusals in a row and no success: treat it as an outage, back off the rest of the batch too
          for (const rest of rows.slice(index + 1)) await this.failed(rest, error, token);
          return false;
        }
      }
    }
    return true;
  }

  /** One more failed attempt for a row: a later retry, or dead after `maxAttempts`. */
  private async failed(row: { id: string; attempts: number }, error: unknown, token: string): Promise<void> {
    const attempts = row.attempts + 1;
    const lastError = deliveryFailureOf(error);
    let next: { next_attempt_at: Date | null; dead_at?: Date };
    if (attempts >= this.settings.maxAttempts) {
      this.log.error(
        { auditEventId: row.id, attempts, code: lastError.code },
        'audit event set aside as dead after repeated failures',
      );
      next = { next_attempt_at: null, dead_at: new Date() };
    } else {
      const delay = retryDelayMs(
        attempts,
        this.settings.retryBaseMs,
        this.settings.retryMaxMs,
        this.settings.retryJitter,
        this.settings.random,
      );
      this.log.warn(
        { auditEventId: row.id, attempts, retryInMs: delay, code: lastError.code },
        'audit delivery failed',
      );
      next = { next_attempt_at: new Date(Date.now() + delay) };
    }
    await this.collection.updateOne(
      { id: row.id, ...this.claims.held(token) },
      {
        $set: {
          attempts,
          last_error: lastError,
          ...next,
          ...this.claims.released(),
        },
      },
    );
  }

  /** Events set aside as dead, newest first. */
  deadLetters(limit: number): Promise<DeadLetterPage> {
    return auditDeadLetters(this.db, limit);
  }

  /** Puts a dead event back in line; false when no dead event has this id. */
  async retryDead(id: string): Promise<boolean> {
    const retried = await retryDeadAuditEvent(this.db, id);
    if (retried) this.flushSoon();
    return retried;
  }

  /** Number of events still waiting for delivery (dead ones excluded). */
  pending(): Promise<number> {
    return this.collection.countDocuments({ dead_at: null });
  }

  /**
   * When the oldest event still waiting for delivery was recorded (null when none waits). Read in `_id` order
   * (ObjectIds are made at insert, like created_at) so the scrape walks the `_id` index instead of sorting.
   */
  async oldestPendingAt(): Promise<Date | null> {
    const oldest = await this.collection.findOne(
      { dead_at: null },
      { sort: { _id: 1 }, projection: { _id: 0, created_at: 1 } },
    );
    return oldest?.created_at ?? null;
  }

  async stop(): Promise<void> {
    await this.scheduler?.stop();
    this.scheduler = null;
    await Promise.allSettled([...this.pendingInserts]);
    await this.flushing?.catch(() => undefined);
  }
}

/**
 * Audit events of a subgraph's outbox set aside as dead, newest first: ids, attempts and why, never their
 * content (which may be what could not be read).
 */
export async function auditDeadLetters(db: Db, limit: number): Promise<DeadLetterPage> {
  const collection = db.collection<OutboxDocument>(AUDIT_OUTBOX);
  const filter = { dead_at: { $ne: null } };
  const [count, docs] = await Promise.all([
    collection.countDocuments(filter),
    collection
      .find(filter, { projection: { _id: 0, id: 1, attempts: 1, last_error: 1, dead_at: 1 } })
      .sort({ dead_at: -1 })
      .limit(limit)
      .toArray(),
  ]);
  return {
    count,
    items: docs.map((doc) => ({
      id: doc.id,
      kind: AUDIT_EVENT_KIND,
      attempts: doc.attempts,
      lastError: doc.last_error ?? null,
      deadSince: doc.dead_at!,
    })),
  };
}

/** Puts a dead audit event back in line with a fresh count of attempts; false when no dead event has this id. */
export async function retryDeadAuditEvent(db: Db, id: string): Promise<boolean> {
  const result = await db
    .collection<OutboxDocument>(AUDIT_OUTBOX)
    .updateOne(
      { id, dead_at: { $ne: null } },
      { $set: { attempts: 0, dead_at: null, next_attempt_at: new Date() } },
    );
  return result.modifiedCount === 1;
}

/** The audit outbox's dead events, for a subgraph's dead-letter query. */
export function auditDeadLetterSource(db: Db): DeadLetterSource {
  return { page: (limit) => auditDeadLetters(db, limit), retry: (id) => retryDeadAuditEvent(db, id) };
}
