import type { IndexPlan } from '@casino/mongo';
import { ADMIN_USERS, adminUserIndexes } from './admins/admin-user-store';
import {
  AUDIT_LOGS,
  AUDIT_LOGS_ARCHIVE,
  auditLogArchiveIndexes,
  auditLogIndexes,
} from './audit/audit-log-store';
import { AUDIT_LOG_MIGRATIONS, auditLogMigrationIndexes } from './audit/audit-log-migration-store';
import { LOGIN_THROTTLE, loginThrottleIndexes } from './auth/login-throttle-store';
import { ADMIN_SESSIONS, adminSessionIndexes } from './auth/session-store';
import { REVOKED_SESSIONS, revokedSessionIndexes } from './auth/revoked-session-store';
import { ADMIN_TWO_FACTOR, adminTwoFactorIndexes } from './auth/two-factor-store';
import { COMPLIANCE_REPORTS, complianceReportIndexes } from './reports/compliance-report-store';
import { ERASURE_REQUESTS, erasureRequestIndexes } from './erasure/erasure-store';
import { KEY_ROTATIONS, keyRotationIndexes } from './key-rotation/key-rotation-store';
import { LEGAL_HOLDS, legalHoldIndexes } from './retention/legal-hold-store';
import { DATA_RETENTION_POLICIES, retentionPolicyIndexes } from './retention/retention-policy-store';
import { RETENTION_RUNS, retentionRunIndexes } from './retention/retention-run-store';

/** Every collection compliance owns, with its indexes (the subgraph's and the seed's plan). */
export const COMPLIANCE_INDEXES: IndexPlan = {
  [ADMIN_USERS]: adminUserIndexes,
  [ADMIN_SESSIONS]: adminSessionIndexes,
  [REVOKED_SESSIONS]: revokedSessionIndexes,
  [ADMIN_TWO_FACTOR]: adminTwoFactorIndexes,
  [LOGIN_THROTTLE]: loginThrottleIndexes,
  [AUDIT_LOGS]: auditLogIndexes,
  [AUDIT_LOGS_ARCHIVE]: auditLogArchiveIndexes,
  [AUDIT_LOG_MIGRATIONS]: auditLogMigrationIndexes,
  [COMPLIANCE_REPORTS]: complianceReportIndexes,
  [DATA_RETENTION_POLICIES]: retentionPolicyIndexes,
  [RETENTION_RUNS]: retentionRunIndexes,
  [LEGAL_HOLDS]: legalHoldIndexes,
  [ERASURE_REQUESTS]: erasureRequestIndexes,
  [KEY_ROTATIONS]: keyRotationIndexes,
};
