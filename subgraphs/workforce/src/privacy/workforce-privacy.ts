import { assertResealBatchSize } from '@casino/crypto';
import type { FieldProtector } from '@casino/crypto';
import type { PrivacyParticipant, ResealReport } from '@casino/server';
import { SALARY_FIELD } from '../staff/salary';
import type { StaffMemberStore } from '../staff/staff-store';

/**
 * Workforce's part in the member-data duties compliance coordinates. Workforce holds no member data, so it
 * erases and retains nothing; its one protected field, `staff_members.salary`, is re-sealed under the current
 * key when compliance rotates the keys.
 */
export class WorkforcePrivacy implements PrivacyParticipant<never> {
  constructor(
    private readonly staff: StaffMemberStore,
    private readonly protector: FieldProtector,
  ) {}

  /**
   * One re-seal batch per protected field under the current key (the compliance key rotation calls this
   * until every `remaining` is 0). Salaries still stored as Decimal128 from before encryption are sealed
   * first, with the same compare-and-set as `resealBatch`, and count as remaining until they are.
   */
  async resealProtectedFields(batchSize: number): Promise<ResealReport> {
    assertResealBatchSize(batchSize);
    const keyId = this.protector.currentKeyId;
    const legacy = await this.staff.sealLegacySalaries(this.protector, batchSize);
    const budget = batchSize - legacy.resealed;
    const progress =
      budget > 0
        ? await this.staff.resealSalaries(this.protector, budget)
        : {
            ...SALARY_FIELD,
            resealed: 0,
            remaining: await this.staff.countSalariesNotSealedWith(keyId),
          };
    return [
      {
        ...progress,
        resealed: progress.resealed + legacy.resealed,
        remaining: progress.remaining + legacy.remaining,
        keyId,
      },
    ];
  }
}
