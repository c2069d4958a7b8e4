import type { Db, Document, Filter, IndexDescription } from 'mongodb';
import { z } from 'zod';
import { validateInput } from '@casino/errors';
import { DAY_MS } from '@casino/config';

/** What compliance sends with each call of a retention policy (one bounded batch). */
export interface RetentionBatchInput {
  archiveAfterDays: number;
  retentionPeriodDays: number;
  /** true: archived records past the retention period are deleted; false: anonymised */
  autoDelete: boolean;
  /** Ids (members, or the records' own subjects) held by an exception: their records are left alone */
  exceptions: string[];
  batchSize: number;
  /** The run's clock, so every batch of one run uses the same thresholds */
  now: Date;
}

/**
 * What one batch did. `skipped` and `remaining` are states after the batch, not increments: records past a
 * threshold that an exception holds, and records past a threshold still to be processed.
 */
export interface RetentionCounts {
  archived: number;
  deleted: number;
  anonymised: number;
  skipped: number;
  remaining: number;
}

/** One collection under a retention policy. */
export interface RetentionTarget {
  /** The live collection; its archive is `<collection>_archive` */
  collection: string;
  /** The date field the record's age is measured from */
  ageField: string;
  /** Which live records are in scope at all (e.g. ended sessions only) */
  inScope: Filter<Document>;
  /** Fields whose value an exception id is matched against */
  heldBy: string[];
  /** The personal fields an anonymised archive record has cleared */
  anonymise: Record<string, unknown>;
}

const days = z.number().int('must be a whole number of days').min(0, 'must not be negative').max(36_600);
const inputSchema = z
  .object({
    archiveAfterDays: days,
    retentionPeriodDays: days,
    autoDelete: z.boolean(),
    exceptions: z.array(z.string().min(1).max(100)).max(100_000),
    batchSize: z.number().int().min(1, 'must be positive').max(10_000),
    now: z.date(),
  })
  .refine((input) => input.archiveAfterDays <= input.retentionPeriodDays, {
    path: ['archiveAfterDays'],
    message: 'must not exceed retentionPeriodDays',
  });

/** Validates an apply…Retention input (BAD_USER_INPUT naming the field). */
export function validateRetentionInput(raw: unknown): RetentionBatchInput {
  return validateInput(inputSchema, raw);
}

export const archiveOf = (collection: string) => `${collection}_archive`;

/** An archive's indexes: the id its upserts go by, and the age its expiry step selects by. */
export function archiveIndexes(ageField: string): IndexDescription[] {
  return [
    { key: { id: 1 }, name: 'id_1', unique: true },
    { key: { [ageField]: 1, anonymised_at: 1 }, name: `${ageField}_1_anonymised_at_1` },
  ];
}

/**
 * One bounded batch of a retention policy on one collection:
 * 1. live records older than archiveAfterDays are copied into the archive (upsert by id, keeping a copy
 *    that is already there) and only THEN deleted from the live collection: a crash in between leaves a
 *    duplicate that the next batch's upsert absorbs, never a loss;
 * 2. archived records older than retentionPeriodDays are deleted (autoDelete) or anonymised (personal
 *    fields cleared, `anonymised_at` set; an anonymised record is never touched again).
 * Records matched by an exception are skipped in both steps. Running it again once `remaining` is 0
 * changes nothing.
 */
export async function applyRetentionBatch(
  db: Db,
  target: RetentionTarget,
  input: RetentionBatchInput,
): Promise<RetentionCounts> {
  const live = db.collection(target.collection);
  const archive = db.collection(archiveOf(target.collection));
  const archiveCutoff = new Date(input.now.getTime() - input.archiveAfterDays * DAY_MS);
  const expiryCutoff = new Date(input.now.getTime() - input.retentionPeriodDays * DAY_MS);
  const held: Filter<Document> | null =
    input.exceptions.length > 0
      ? { $or: target.heldBy.map((field) => ({ [field]: { $in: input.exceptions } })) }
      : null;
  const notHeld: Filter<Document> = held
    ? { $nor: target.heldBy.map((field) => ({ [field]: { $in: input.exceptions } })) }
    : {};
  const due: Filter<Document> = { ...target.inScope, [target.ageField]: { $lt: archiveCutoff } };
  const expired: Filter<Document> = { [target.ageField]: { $lt: expiryCutoff }, anonymised_at: null };
  const order = { [target.ageField]: 1, id: 1 } as const;
  const counts: RetentionCounts = { archived: 0, deleted: 0, anonymised: 0, skipped: 0, remaining: 0 };

  const toArchive = await live
    .find({ $and: [due, notHeld] }, { projection: { _id: 0 } })
    .sort(order)
    .limit(input.batchSize)
    .toArray();
  if (toArchive.length > 0) {
    await archive.bulkWrite(
      toArchive.map((doc) => ({
        updateOne: {
          filter: { id: doc.id },
          update: { $setOnInsert: { ...doc, archived_at: input.now, anonymised_at: null } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    const removed = await live.deleteMany({ id: { $in: toArchive.map((doc) => doc.id as string) } });
    counts.archived = removed.deletedCount;
  }

  const toExpire = await archive
    .find({ $and: [expired, notHeld] }, { projection: { _id: 0, id: 1 } })
    .sort(order)
    .limit(input.batchSize)
    .toArray();
  if (toExpire.length > 0) {
    const ids = toExpire.map((doc) => doc.id as string);
    if (input.autoDelete) {
      counts.deleted = (await archive.deleteMany({ id: { $in: ids } })).deletedCount;
    } else {
      const result = await archive.updateMany(
        { id: { $in: ids }, anonymised_at: null },
        { $set: { ...target.anonymise, anonymised_at: input.now } },
      );
      counts.anonymised = result.modifiedCount;
    }
  }

  const [liveHeld, archiveHeld, liveLeft, archiveLeft] = await Promise.all([
    held ? live.countDocuments({ $and: [due, held] }) : 0,
    held ? archive.countDocuments({ $and: [expired, held] }) : 0,
    live.countDocuments({ $and: [due, notHeld] }),
    archive.countDocuments({ $and: [expired, notHeld] }),
  ]);
  counts.skipped = liveHeld + archiveHeld;
  counts.remaining = liveLeft + archiveLeft;
  return counts;
}
