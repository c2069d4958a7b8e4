import type { IndexPlan } from '@casino/mongo';
import { ADMIN_USERS, adminUserIndexes } from './admins/admin-user-store';
import { AUDIT_LOGS, auditLogIndexes } from './audit/audit-log-store';
import { LOGIN_THROTTLE, loginThrottleIndexes } from './auth/login-throttle-store';
import { ADMIN_SESSIONS, adminSessionIndexes } from './auth/session-store';
import { REVOKED_SESSIONS, revokedSessionIndexes } from './auth/revoked-session-store';
import { ADMIN_TWO_FACTOR, adminTwoFactorIndexes } from './auth/two-factor-store';
import { COMPLIANCE_REPORTS, complianceReportIndexes } from './reports/compliance-report-store';
import { ERASURE_REQUESTS, erasureRequestIndexes } from './erasure/erasure-store';
import { DATA_RETENTION_POLICIES, retentionPolicyIndexes } from './retention/retention-policy-store';

export const COMPLIANCE_INDEXES: IndexPlan = {
  [ADMIN_USERS]: adminUserIndexes,
  [ADMIN_SESSIONS]: adminSessionIndexes,
  [REVOKED_SESSIONS]: revokedSessionIndexes,
  [ADMIN_TWO_FACTOR]: adminTwoFactorIndexes,
  [LOGIN_THROTTLE]: loginThrottleIndexes,
  [AUDIT_LOGS]: auditLogIndexes,
  [COMPLIANCE_REPORTS]: complianceReportIndexes,
  [DATA_RETENTION_POLICIES]: retentionPolicyIndexes,
  [ERASURE_REQUESTS]: erasureRequestIndexes,
};
