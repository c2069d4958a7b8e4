import { auditDeadLetterSource } from '@casino/audit';
import { RedisRevocationFeed, accessTokenSettingsFromEnv } from '@casino/auth';
import { dashboardCacheOf } from '@casino/cache';
import type { FieldProtector } from '@casino/crypto';
import { DeadLetters } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { Db } from 'mongodb';
import { requireProtector } from '@casino/server';
import type { SubgraphDeps } from '@casino/server';
import { AdminUserService } from './admins/admin-user-service';
import { AdminUserStore } from './admins/admin-user-store';
import { AuditEventService } from './audit/audit-events';
import { AuditLogStore } from './audit/audit-log-store';
import { AuthService } from './auth/auth-service';
import { LoginThrottleStore } from './auth/login-throttle-store';
import { RevokedSessionStore } from './auth/revoked-session-store';
import { SessionRevocations } from './auth/session-revocations';
import { AdminSessionStore } from './auth/session-store';
import { TwoFactorService } from './auth/two-factor-service';
import { AdminTwoFactorStore } from './auth/two-factor-store';
import { ComplianceDashboardService } from './dashboard/dashboard-service';
import { ErasureService } from './erasure/erasure-service';
import { ErasureRequestStore } from './erasure/erasure-store';
import { KeyRotationService, RESEAL_TARGETS } from './key-rotation/key-rotation-service';
import type { ResealTarget } from './key-rotation/key-rotation-service';
import { KeyRotationStore } from './key-rotation/key-rotation-store';
import { CompliancePrivacy } from './privacy/compliance-privacy';
import { ComplianceReportStore } from './reports/compliance-report-store';
import { ComplianceReportService } from './reports/report-service';
import { Upstream } from './reports/upstream';
import { LegalHoldService } from './retention/legal-hold-service';
import { LegalHoldStore } from './retention/legal-hold-store';
import { RetentionRunStore } from './retention/retention-run-store';
import { RetentionRunner } from './retention/retention-runner';
import { RetentionPolicyService } from './retention/retention-service';
import { RetentionPolicyStore } from './retention/retention-policy-store';
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

/** The services resolvers call (`ctx.services`). */
export interface ComplianceDomainServices {
  auth: AuthService;
  twoFactor: TwoFactorService;
  adminUsers: AdminUserService;
  auditEvents: AuditEventService;
  reports: ComplianceReportService;
  retentionPolicies: RetentionPolicyService;
  dashboard: ComplianceDashboardService;
  keyRotation: KeyRotationService;
}

/**
 * Everything compliance builds once per process and shares between requests and jobs: the stores (the only
 * code that touches the driver), the services, and compliance's own privacy participant. Nothing in it
 * belongs to a request: the caller, the request's logger and its audit handle are method arguments or stay
 * in the resolvers.
 */
export interface ComplianceServices {
  stores: ComplianceStores;
  services: ComplianceDomainServices;
  /** Erasure, retention and re-sealing of what compliance itself holds */
  privacy: CompliancePrivacy;
  /** runRetentionPolicy, the retention schedule and legal holds */
  retentionEnforcement: { runner: RetentionRunner; legalHolds: LegalHoldService };
  /** eraseMember and erasureRequests: the right to erasure across the subgraphs */
  erasure: { service: ErasureService };
  /** Ended sign-in sessions, read by the gateway to refuse their access tokens */
  revocations: SessionRevocations;
  /** Dead rows of this subgraph's outboxes (the dead-letter query and its retry) */
  deadLetters: DeadLetters;
  paging: PagingConfig;
  /** Seals and opens the TOTP secrets (compliance holds personal data) */
  protector: FieldProtector;
}

/** The subgraph's field protector; the runtime always provides one because compliance holds personal data. */
/**
 * Key rotation's in-process target for compliance's own protected fields (the TOTP secrets): what a
 * `reseal<Name>ProtectedFields` mutation does, done by compliance's privacy participant.
 */
export function complianceResealTarget(own: Pick<CompliancePrivacy, 'resealProtectedFields'>): ResealTarget {
  return { subgraph: 'compliance', reseal: (batchSize) => own.resealProtectedFields(batchSize) };
}

/** Compliance's stores and services, built once per process from its dependencies. */
export function createComplianceServices(
  deps: SubgraphDeps,
  settings: ComplianceSettings = DEFAULT_COMPLIANCE_SETTINGS,
): ComplianceServices {
  const protector = requireProtector(deps, 'compliance');
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
  );
  // read once at start by the runtime; a harness that builds its own deps gets them from the env here
  const tokens = deps.tokens ?? accessTokenSettingsFromEnv(deps.env, { issuer: true });
  const accountStores = {
    admins: stores.adminUsers,
    sessions: stores.sessions,
    throttle: stores.loginThrottle,
  };
  // failures are logged to the process's logger unless a request passes its own
  const upstream = {
    gaming: new Upstream('gaming', deps.services.gaming, deps.logger),
    loyalty: new Upstream('loyalty', deps.services.loyalty, deps.logger),
  };
  const sources = {
    ...upstream,
    auditLogs: stores.auditLogs,
    retentionPolicies: stores.retentionPolicies,
    retentionRuns: stores.retentionRuns,
  };
  return {
    stores,
    privacy,
    revocations,
    deadLetters: new DeadLetters([auditDeadLetterSource(deps.db)]),
    paging: deps.paging,
    protector,
    services: {
      auth: new AuthService(accountStores, twoFactor, throttlePolicy, settings, tokens),
      twoFactor,
      adminUsers: new AdminUserService(accountStores, throttlePolicy),
      auditEvents: new AuditEventService(stores.auditLogs, settings),
      reports: new ComplianceReportService(stores.reports, sources, settings),
      retentionPolicies: new RetentionPolicyService(stores.retentionPolicies, settings),
      dashboard: new ComplianceDashboardService(stores, upstream, settings, dashboardCacheOf(deps)),
      keyRotation: new KeyRotationService(stores.keyRotations, deps.services, settings, [
        ...RESEAL_TARGETS,
        complianceResealTarget(privacy),
      ]),
    },
    retentionEnforcement: {
      runner: new RetentionRunner(stores, privacy, deps.services, settings, deps.logger),
      legalHolds: new LegalHoldService(stores.legalHolds),
    },
    erasure: {
      service: new ErasureService(stores.erasureRequests, deps.services, privacy),
    },
  };
}
