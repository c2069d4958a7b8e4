import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import { createOneByKeyLoader } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { AdminUserService } from './admins/admin-user-service';
import { AdminUserStore } from './admins/admin-user-store';
import type { AdminUserDocument } from './admins/admin-user-store';
import { AuditEventService } from './audit/audit-events';
import { AuditLogStore } from './audit/audit-log-store';
import type { AuditLogDocument } from './audit/audit-log-store';
import { AuthService } from './auth/auth-service';
import { LoginThrottleStore } from './auth/login-throttle-store';
import { AdminSessionStore } from './auth/session-store';
import { TwoFactorService } from './auth/two-factor-service';
import { AdminTwoFactorStore } from './auth/two-factor-store';
import { createMemberViolationLoader } from './members/member-compliance';
import { ComplianceReportStore } from './reports/compliance-report-store';
import type { ComplianceReportDocument, MemberViolationStats } from './reports/compliance-report-store';
import { RetentionPolicyStore } from './retention/retention-policy-store';
import type { DataRetentionPolicyDocument } from './retention/retention-policy-store';
import { DEFAULT_COMPLIANCE_SETTINGS, loginThrottlePolicy } from './settings';
import type { ComplianceSettings } from './settings';

export interface ComplianceStores {
  adminUsers: AdminUserStore;
  sessions: AdminSessionStore;
  loginThrottle: LoginThrottleStore;
  twoFactor: AdminTwoFactorStore;
  auditLogs: AuditLogStore;
  reports: ComplianceReportStore;
  retentionPolicies: RetentionPolicyStore;
}

export function createStores(db: Db): ComplianceStores {
  return {
    adminUsers: new AdminUserStore(db),
    sessions: new AdminSessionStore(db),
    loginThrottle: new LoginThrottleStore(db),
    twoFactor: new AdminTwoFactorStore(db),
    auditLogs: new AuditLogStore(db),
    reports: new ComplianceReportStore(db),
    retentionPolicies: new RetentionPolicyStore(db),
  };
}

export interface ComplianceServices {
  auth: AuthService;
  twoFactor: TwoFactorService;
  adminUsers: AdminUserService;
  auditEvents: AuditEventService;
}

export interface ComplianceContext extends SubgraphRequestBase {
  paging: PagingConfig;
  stores: ComplianceStores;
  services: ComplianceServices;
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
  deps: SubgraphDeps,
  settings: ComplianceSettings = DEFAULT_COMPLIANCE_SETTINGS,
): ComplianceContext {
  const stores = createStores(deps.db);
  const throttlePolicy = loginThrottlePolicy(settings);
  const twoFactor = new TwoFactorService(
    { admins: stores.adminUsers, twoFactor: stores.twoFactor },
    settings,
    base.audit,
  );
  const tokens = {
    secret: deps.env.JWT_SECRET,
    issuer: deps.env.JWT_ISSUER,
    audience: deps.env.JWT_AUDIENCE,
    ttlSeconds: deps.env.ACCESS_TOKEN_TTL_SECONDS,
  };
  const accountStores = {
    admins: stores.adminUsers,
    sessions: stores.sessions,
    throttle: stores.loginThrottle,
  };
  return {
    ...base,
    paging: deps.paging,
    stores,
    services: {
      auth: new AuthService(accountStores, twoFactor, throttlePolicy, settings, tokens, base.audit),
      twoFactor,
      adminUsers: new AdminUserService(accountStores, throttlePolicy, base.audit),
      auditEvents: new AuditEventService(stores.auditLogs, settings),
    },
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
