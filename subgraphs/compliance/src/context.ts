import type DataLoader from 'dataloader';
import type { SubgraphRequestBase } from '@casino/server';
import type { AdminUserDocument } from './admins/admin-user-store';
import type { AuditLogDocument } from './audit/audit-log-store';
import { createMemberViolationLoader } from './members/member-compliance';
import type { ComplianceReportDocument, MemberViolationStats } from './reports/compliance-report-store';
import type { DataRetentionPolicyDocument } from './retention/retention-policy-store';
import type { ComplianceServices } from './services';

export type { ComplianceDomainServices, ComplianceServices, ComplianceStores } from './services';

/**
 * A request's context: the shared services, plus what belongs to the request (identity, audit, loaders); never
 * the stores (the loaders are built from them).
 */
export interface ComplianceContext extends SubgraphRequestBase, Omit<ComplianceServices, 'stores'> {
  loaders: {
    adminUser: DataLoader<string, AdminUserDocument | null>;
    adminUserByStaffMember: DataLoader<string, AdminUserDocument | null>;
    auditLog: DataLoader<string, AuditLogDocument | null>;
    report: DataLoader<string, ComplianceReportDocument | null>;
    retentionPolicy: DataLoader<string, DataRetentionPolicyDocument | null>;
    memberViolations: DataLoader<string, MemberViolationStats>;
  };
}

/** Loaders are created per request so one caller's cache never serves another. */
export function createComplianceContext(
  base: SubgraphRequestBase,
  services: ComplianceServices,
): ComplianceContext {
  const { stores, ...shared } = services;
  return {
    ...base,
    ...shared,
    loaders: {
      adminUser: stores.adminUsers.byIdLoader(),
      adminUserByStaffMember: stores.adminUsers.byStaffMemberLoader(),
      auditLog: stores.auditLogs.byIdLoader(),
      report: stores.reports.byIdLoader(),
      retentionPolicy: stores.retentionPolicies.byIdLoader(),
      memberViolations: createMemberViolationLoader(stores.reports),
    },
  };
}
