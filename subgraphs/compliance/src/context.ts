import { auditDeadLetterSource } from '@casino/audit';
import { dashboardCacheOf } from '@casino/cache';
import { DeadLetters } from '@casino/mongo';
import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import type { FieldProtector } from '@casino/crypto';
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
import { RevokedSessionStore } from './auth/revoked-session-store';
import { SessionRevocations } from './auth/session-revocations';
import { RedisRevocationFeed, accessTokenSettingsFromEnv } from '@casino/auth';
import { TwoFactorService } from './auth/two-factor-service';
import { AdminTwoFactorStore } from './auth/two-factor-store';
import { ComplianceDashboardService } from './dashboard/dashboard-service';
import { ErasureService } from './erasure/erasure-service';
import { ErasureRequestStore } from './erasure/erasure-store';
import { createMemberViolationLoader } from './members/member-compliance';
import { KeyRotationService, RESEAL_TARGETS } from './key-rotation/key-rotation-service';
import type { ResealTarget } from './key-rotation/key-rotation-service';
import { KeyRotationStore } from './key-rotation/key-rotation-store';
import { ComplianceReportService } from './reports/report-service';
import { Upstream } from './reports/upstream';
import { RetentionPolicyService } from './retention/retention-service';
import { ComplianceReportStore } from './reports/compliance-report-store';
import type { ComplianceReportDocument, MemberViolationStats } from './reports/compliance-report-store';
import { RetentionPolicyStore } from './retention/retention-policy-store';
import type { DataRetentionPolicyDocument } from './retention/retention-policy-store';
import { DEFAULT_COMPLIANCE_SETTINGS, loginThrottlePolicy } from './settings';
import type { ComplianceSettings } from './settings';
import { LegalHoldService } from './retention/legal-hold-service';
import { LegalHoldStore } from './retention/legal-hold-store';
import { RetentionRunner } from './retention/retention-runner';
import { RetentionRunStore } from './retention/retention-run-store';
import { CompliancePrivacy } from './privacy/compliance-privacy';

export interface ComplianceStores {
  adminUsers: AdminUserStore;
  sessions: AdminSessionStore;
  loginThrottle: LoginThrottleStore;
  twoFactor: AdminTwoFactorStore;
  auditLogs: AuditLogStore;
  reports: ComplianceReportStore;
  retentionPolicies: RetentionPolicyStore;
  keyRotations: KeyRotationStore;
  retentionRuns: RetentionRunStore;
  legalHolds: LegalHoldStore;
  erasureRequests: ErasureRequestStore;
}

export function createStores(
  db: Db,
  protector: FieldProtector,
  revocations?: SessionRevocations,
): ComplianceStores {
  return {
    adminUsers: new AdminUserStore(db),
    sessions: new AdminSessionStore(db, revocations?.onRevoked),
    loginThrottle: new LoginThrottleStore(db),
    twoFactor: new AdminTwoFactorStore(db, protector),
    auditLogs: new AuditLogStore(db),
    reports: new ComplianceReportStore(db),
    retentionPolicies: new RetentionPolicyStore(db),
    keyRotations: new KeyRotationStore(db),
    retentionRuns: new RetentionRunStore(db),
    legalHolds: new LegalHoldStore(db),
    erasureRequests: new ErasureRequestStore(db),
  };
}

export interface ComplianceServices {
  auth: AuthService;
  twoFactor: TwoFactorService;
  adminUsers: AdminUserService;
  auditEvents: AuditEventService;
  reports: ComplianceReportService;
  retentionPolicies: RetentionPolicyService;
  dashboard: ComplianceDashboardService;
  keyRotation: KeyRotationService;
}

export interface ComplianceContext extends SubgraphRequestBase {
  /** Dead rows of this subgraph's outboxes (the dead-letter query and its retry) */
  deadLetters: DeadLetters;
  paging: PagingConfig;
  /** Seals and opens the TOTP secrets (compliance holds personal data) */
  protector: FieldProtector;
  stores: ComplianceStores;
  services: ComplianceServices;
  /** Ended sign-in sessions, read by the gateway to refuse their access tokens */
  revocations: SessionRevocations;
  loaders: {
    adminUser: DataLoader<string, AdminUserDocument | null>;
    adminUserByStaffMember: DataLoader<string, AdminUserDocument | null>;
    auditLog: DataLoader<string, AuditLogDocument | null>;
    report: DataLoader<string, ComplianceReportDocument | null>;
    retentionPolicy: DataLoader<string, DataRetentionPolicyDocument | null>;
    memberViolations: DataLoader<string, MemberViolationStats>;
  };
  /** runRetentionPolicy and legal holds */
  retentionEnforcement: { runner: RetentionRunner; legalHolds: LegalHoldService };
  /** eraseMember and erasureRequests: the right to erasure across the subgraphs */
  erasure: { store: ErasureRequestStore; service: ErasureService };
}

/** The subgraph's field protector; the runtime always provides one because compliance holds personal data. */
export function requireProtector(deps: Pick<SubgraphDeps, 'protector'>): FieldProtector {
  if (!deps.protector)
    throw new Error('compliance holds personal data but no field protector was configured');
  return deps.protector;
}

/**
 * Key rotation's in-process target for compliance's own protected fields (the TOTP secrets): what a
 * `reseal<Name>ProtectedFields` mutation does, after giving documents from before sealing their `id`.
 */
export function complianceResealTarget(own: Pick<CompliancePrivacy, 'resealProtectedFields'>): ResealTarget {
  return { subgraph: 'compliance', reseal: (batchSize) => own.resealProtectedFields(batchSize) };
}

/** Loaders are created per request so one caller's cache never serves another. */
export function createComplianceContext(
  base: SubgraphRequestBase,
  deps: SubgraphDeps,
  settings: ComplianceSettings = DEFAULT_COMPLIANCE_SETTINGS,
): ComplianceContext {
  const protector = requireProtector(deps);
  const revocations = new SessionRevocations(
    new RevokedSessionStore(deps.db),
    deps.redis ? new RedisRevocationFeed(deps.redis, deps.env.ACCESS_TOKEN_TTL_SECONDS * 1000) : null,
    deps.env.ACCESS_TOKEN_TTL_SECONDS * 1000,
  );
  const stores = createStores(deps.db, protector, revocations);
  const privacy = new CompliancePrivacy(stores);
  const throttlePolicy = loginThrottlePolicy(settings);
  const twoFactor = new TwoFactorService(
    { admins: stores.adminUsers, twoFactor: stores.twoFactor },
    settings,
    base.audit,
  );
  // read once at start by the runtime; a harness that builds its own deps gets them from the env here
  const tokens = deps.tokens ?? accessTokenSettingsFromEnv(deps.env, { issuer: true });
  const accountStores = {
    admins: stores.adminUsers,
    sessions: stores.sessions,
    throttle: stores.loginThrottle,
  };
  const upstream = {
    gaming: new Upstream('gaming', deps.services.gaming, base.log),
    loyalty: new Upstream('loyalty', deps.services.loyalty, base.log),
  };
  const sources = {
    ...upstream,
    auditLogs: stores.auditLogs,
    retentionPolicies: stores.retentionPolicies,
    retentionRuns: stores.retentionRuns,
  };
  return {
    ...base,
    deadLetters: new DeadLetters([auditDeadLetterSource(deps.db)]),
    paging: deps.paging,
    protector,
    stores,
    revocations,
    services: {
      auth: new AuthService(accountStores, twoFactor, throttlePolicy, settings, tokens, base.audit),
      twoFactor,
      adminUsers: new AdminUserService(accountStores, throttlePolicy, base.audit),
      auditEvents: new AuditEventService(stores.auditLogs, settings),
      reports: new ComplianceReportService(stores.reports, sources, settings, base.audit),
      retentionPolicies: new RetentionPolicyService(stores.retentionPolicies, settings, base.audit),
      dashboard: new ComplianceDashboardService(stores, upstream, settings, dashboardCacheOf(deps)),
      keyRotation: new KeyRotationService(stores.keyRotations, deps.services, settings, base.log, [
        ...RESEAL_TARGETS,
        complianceResealTarget(privacy),
      ]),
    },
    loaders: {
      adminUser: stores.adminUsers.byIdLoader(),
      adminUserByStaffMember: stores.adminUsers.byStaffMemberLoader(),
      auditLog: stores.auditLogs.byIdLoader(),
      report: stores.reports.byIdLoader(),
      retentionPolicy: stores.retentionPolicies.byIdLoader(),
      memberViolations: createMemberViolationLoader(stores.reports),
    },
    retentionEnforcement: {
      runner: new RetentionRunner(stores, privacy, deps.services, settings, base.log),
      legalHolds: new LegalHoldService(stores.legalHolds),
    },
    erasure: {
      store: stores.erasureRequests,
      service: new ErasureService(stores.erasureRequests, deps.services, privacy),
    },
  };
}
