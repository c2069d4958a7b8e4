import type { Collection, Db, IndexDescription } from 'mongodb';
import type { Logger } from '@casino/logger';
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
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = {
  intervalMs: 1_000,
  batchSize: 200,
  retryBaseMs: 500,
  retryMaxMs: 60_000,
};

interface OutboxDocument {
  id: string;
  event: AuditEvent;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
}

export const AUDIT_OUTBOX = 'audit_outbox';

export const auditOutboxIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { next_attempt_at: 1 }, name: 'next_attempt_at_1' },
];

/**
 * Audit events are first written to the subgraph's own `audit_outbox` (a fast local insert), then delivered
 * to compliance in batches. A failed delivery stays in the outbox and is retried with backoff, so an outage
 * of compliance delays the trail but loses nothing; compliance ignores ids it already has, so a retry never
 * records twice.
 */
export class AuditOutbox {
  private readonly collection: Collection<OutboxDocument>;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private pendingInserts = new Set<Promise<void>>();

  constructor(
    db: Db,
    private readonly sink: AuditSink,
    private readonly log: Logger,
    private readonly settings: OutboxSettings = DEFAULT_OUTBOX_SETTINGS,
  ) {
    this.collection = db.collection<OutboxDocument>(AUDIT_OUTBOX);
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
      const delay = Math.min(this.settings.retryBaseMs * 2 ** (attempt - 1), this.settings.retryMaxMs);
      this.log.error(
        { err: error, auditEventId: event.id, attempt, retryInMs: delay },
        'audit outbox write failed',
      );
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      return this.insertWithRetry(event, attempt + 1);
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flushSoon(), this.settings.intervalMs);
    this.timer.unref();
  }

  private flushSoon(): void {
    if (!this.flushing) {
      this.flushing = this.flush()
        .catch((error: unknown) => {
          // the outbox itself is unreachable (its MongoDB is down); the next tick tries again
          this.log.warn({ err: error }, 'audit outbox could not be read');
        })
        .finally(() => {
          this.flushing = null;
        });
    }
  }

  /** Delivers everything that is due; returns when the outbox holds nothing deliverable right now. */
  async flush(): Promise<void> {
    for (;;) {
      const due = await this.collection
        .find({ next_attempt_at: { $lte: new Date() } }, { projection: { _id: 0 } })
        .sort({ next_attempt_at: 1 })
        .limit(this.settings.batchSize)
        .toArray();
      if (due.length === 0) return;
      const ids = due.map((d) => d.id);
      try {
        await this.sink.deliver(due.map((d) => d.event));
        await this.collection.deleteMany({ id: { $in: ids } });
      } catch (error) {
        const attempts = Math.max(...due.map((d) => d.attempts)) + 1;
        const delay = Math.min(this.settings.retryBaseMs * 2 ** (attempts - 1), this.settings.retryMaxMs);
        this.log.warn(
          { err: error, events: ids.length, attempts, retryInMs: delay },
          'audit delivery failed',
        );
        await this.collection.updateMany(
          { id: { $in: ids } },
          { $inc: { attempts: 1 }, $set: { next_attempt_at: new Date(Date.now() + delay) } },
        );
        return;
      }
    }
  }

  /** Number of events still waiting for delivery. */
  pending(): Promise<number> {
    return this.collection.countDocuments({});
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.pendingInserts]);
    await this.flushing;
  }
}
