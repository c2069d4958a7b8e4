import type { RetentionBatchInput, RetentionCounts } from '@casino/mongo';
import type { PrivacyParticipant, ResealReport } from '@casino/server';
import type { AuditLogStore } from '../audit/audit-log-store';
import type { AdminTwoFactorStore } from '../auth/two-factor-store';
import { eraseComplianceMemberData } from './member-erasure';
import type { ComplianceMemberErasure } from './member-erasure';
import type { ComplianceReportStore } from '../reports/compliance-report-store';

/**
 * Compliance's own part in the member-data duties it coordinates: its step of a member's erasure (the audit
 * entries about the member scrubbed, report findings counted and kept), the `audit_logs` retention category,
 * and re-sealing its admins' TOTP secrets under the current key. The coordinators (eraseMember,
 * runRetentionPolicy, rotateEncryptionKey) call it in-process where they call the other subgraphs over HTTP.
 */
export class CompliancePrivacy implements PrivacyParticipant<
  RetentionBatchInput,
  RetentionCounts,
  ComplianceMemberErasure
> {
  constructor(
    private readonly stores: {
      auditLogs: AuditLogStore;
      reports: ComplianceReportStore;
      twoFactor: AdminTwoFactorStore;
    },
  ) {}

  /** `relatedTargetIds`: records erased with the member elsewhere (notifications, guest visits). */
  eraseMember(memberId: string, relatedTargetIds: readonly string[] = []): Promise<ComplianceMemberErasure> {
    return eraseComplianceMemberData(this.stores, memberId, relatedTargetIds);
  }

  /** One bounded batch of the audit_logs retention policy. */
  applyRetention(input: RetentionBatchInput): Promise<RetentionCounts> {
    return this.stores.auditLogs.applyRetention(input);
  }

  /** One batch of re-sealing the TOTP secrets (documents from before sealing get their id first). */
  resealProtectedFields(batchSize: number): Promise<ResealReport> {
    return this.stores.twoFactor.resealSecrets(batchSize);
  }
}
