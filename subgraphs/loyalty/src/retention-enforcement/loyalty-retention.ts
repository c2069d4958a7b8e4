import type { Collection, Document, Filter } from 'mongodb';
import type { LoyaltyStores } from '../context';
import { eraseLoyaltyMember } from '../erasure/erase-member';
import { validateRetentionInput } from '@casino/mongo';
import type { RetentionCounts } from '@casino/mongo';

const DAY_MS = 86_400_000;

/**
 * The `member_data` retention category: members inactive for longer than the policy's periods. A member's
 * activity is their `last_visit`, or their `registration_date` when they never visited. Members are never
 * deleted and never moved (their points ledger and redemptions reference them and must stay):
 * - the archive step copies nothing (`archived` is always 0);
 * - past `retentionPeriodDays`, the profile is anonymised exactly like an erasure on request (names, contact
 *   details, identity document, preferences cleared, year of birth kept, deactivated), whether the policy
 *   says delete (`autoDelete`) or anonymise; the member gets `anonymised_at` and is never selected again.
 * An exception id is a member id.
 */
export class LoyaltyRetention {
  constructor(private readonly stores: Pick<LoyaltyStores, 'members' | 'ledger' | 'redemptions'>) {}

  async apply(raw: unknown): Promise<RetentionCounts> {
    const input = validateRetentionInput(raw);
    const members = this.stores.members.collection as unknown as Collection<Document>;
    const cutoff = new Date(input.now.getTime() - input.retentionPeriodDays * DAY_MS);
    const inactive: Filter<Document> = {
      $or: [{ last_visit: { $lt: cutoff } }, { last_visit: null, registration_date: { $lt: cutoff } }],
      erased_at: null,
      anonymised_at: null,
    };
    const due: Filter<Document> =
      input.exceptions.length > 0 ? { ...inactive, id: { $nin: input.exceptions } } : inactive;
    const counts: RetentionCounts = { archived: 0, deleted: 0, anonymised: 0, skipped: 0, remaining: 0 };

    const batch = await members
      .find(due, { projection: { _id: 0, id: 1 } })
      .sort({ registration_date: 1, id: 1 })
      .limit(input.batchSize)
      .toArray();
    for (const { id } of batch) {
      await eraseLoyaltyMember(this.stores, id as string, input.now);
      await members.updateOne({ id, anonymised_at: null }, { $set: { anonymised_at: input.now } });
      counts.anonymised += 1;
    }
    const [skipped, remaining] = await Promise.all([
      input.exceptions.length > 0
        ? members.countDocuments({ ...inactive, id: { $in: input.exceptions } })
        : 0,
      members.countDocuments(due),
    ]);
    counts.skipped = skipped;
    counts.remaining = remaining;
    return counts;
  }
}
