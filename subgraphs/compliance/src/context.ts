import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import { createOneByKeyLoader } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { RequestBase, SubgraphDeps } from '@casino/server';
import { AdminUserStore } from './admins/admin-user-store';
import type { AdminUserDocument } from './admins/admin-user-store';
import { AuditLogStore } from './audit/audit-log-store';
import type { AuditLogDocument } from './audit/audit-log-store';
import { createMemberViolationLoader } from './members/member-compliance';
import { ComplianceReportStore } from './reports/compliance-report-store';
import type { ComplianceReportDocument, MemberViolationStats } from './reports/compliance-report-store';
import { RetentionPolicyStore } from './retention/retention-policy-store';
import type { DataRetentionPolicyDocument } from './retention/retention-policy-store';

export interface ComplianceStores {
  adminUsers: AdminUserStore;
  auditLogs: AuditLogStore;
  reports: ComplianceReportStore;
  retentionPolicies: RetentionPolicyStore;
}

export function createStores(db: Db): ComplianceStores {
  return {
    adminUsers: new AdminUserStore(db),
    auditLogs: new AuditLogStore(db),
    reports: new ComplianceReportStore(db),
    retentionPolicies: new RetentionPolicyStore(db),
  };
}

export interface ComplianceContext extends RequestBase {
  paging: PagingConfig;
  stores: ComplianceStores;
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
export function createComplianceContext(base: RequestBase, deps: SubgraphDeps): ComplianceContext {
  const stores = createStores(deps.db);
  return {
    ...base,
    paging: deps.paging,
    stores,
    loaders: {
      adminUser: createOneByKeyLoader(stores.adminUsers.collection, 'id'),
      adminUserByStaffMember: createOneByKeyLoader(stores.adminUsers.collection, 'staff_member_id'),
      auditLog: createOneByKeyLoader(stores.auditLogs.collection, 'id'),
      report: createOneByKeyLoader(stores.reports.collection, 'id'),
      retentionPolicy: createOneByKeyLoader(stores.retentionPolicies.collection, 'id'),
      memberViolations: createMemberViolationLoader(stores.reports),
    },
  };
}
