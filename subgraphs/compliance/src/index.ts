import path from 'node:path';
import { gql } from 'graphql-tag';
import { subgraphSdl } from '@casino/graphql';
import { accessTokenJwks, accessTokenSettingsFromEnv } from '@casino/auth';
import type { SubgraphDefinition } from '@casino/server';
import { RevokedSessionStore } from './auth/revoked-session-store';
import { REVOCATION_FEED_PAGE } from './auth/session-revocations';
import { AuditLogSink } from './audit/audit-events';
import { AuditLogStore } from './audit/audit-log-store';
import { AuditMemberBackfill, auditMemberBackfillJobs } from './audit/member-backfill';
import { createComplianceContext } from './context';
import type { ComplianceContext } from './context';
import { COMPLIANCE_INDEXES } from './indexes';
import { rules } from './permissions';
import { retentionJobs } from './retention/retention-schedule';
import { createComplianceServices } from './services';
import type { ComplianceServices } from './services';
import { resolvers } from './resolvers';
import { DEFAULT_COMPLIANCE_SETTINGS } from './settings';
import type { ComplianceSettings } from './settings';

export const typeDefs = gql(subgraphSdl(path.join(__dirname, '../schema.graphql')));

/**
 * The compliance subgraph with the given settings: admin users and sign-in, audit logs, compliance reports
 * and data retention policies.
 */
export function createComplianceSubgraph(
  settings: ComplianceSettings = DEFAULT_COMPLIANCE_SETTINGS,
): SubgraphDefinition<ComplianceContext, ComplianceServices> {
  return {
    name: 'compliance',
    defaultPort: 4005,
    defaultDatabase: 'casino_compliance',
    // the admins' TOTP secrets are sealed at rest: the data keys are required
    holdsPersonalData: true,
    // sign-in happens here: access tokens are signed with ACCESS_TOKEN_SIGNING_KEY
    issuesAccessTokens: true,
    typeDefs,
    resolvers,
    rules,
    // the audit plumbing itself: auditing each delivery would add an entry per delivered batch
    unauditedMutations: ['recordAuditEvents'],
    indexes: COMPLIANCE_INDEXES,
    // compliance owns audit_logs, so its own events go straight in instead of through its API
    createAuditSink: (deps) => new AuditLogSink(new AuditLogStore(deps.db)),
    createServices: (deps) => createComplianceServices(deps, settings),
    createContext: createComplianceContext,
    // what compliance itself erases, retains and re-seals; its coordinators call the other subgraphs'
    privacy: (services) => services.privacy,
    // the public keys of access tokens, for the gateway's operators and for routers that verify tokens
    documents: (deps) => {
      const jwks = accessTokenJwks((deps.tokens ?? accessTokenSettingsFromEnv(deps.env)).publicKeys);
      return [{ path: '/.well-known/jwks.json', body: () => jwks }];
    },
    // behind a router, compliance reads ended sessions from its own store
    revocationFeed: (deps) => {
      const store = new RevokedSessionStore(deps.db);
      return { since: (since) => store.since(since, REVOCATION_FEED_PAGE) };
    },
    // every active retention policy on wall-clock slots (retentionRunIntervalMinutes from retentionRunAt), and
    // the member ids of audit entries stored before they were kept, until every entry has been seen
    jobs: (deps, services) => [
      ...retentionJobs(services.retentionEnforcement.runner, settings),
      ...auditMemberBackfillJobs(new AuditMemberBackfill(deps.db), settings, deps.logger),
    ],
  };
}

/** The compliance subgraph with the default settings. */
export const complianceSubgraph: SubgraphDefinition<ComplianceContext, ComplianceServices> =
  createComplianceSubgraph();

export type { ComplianceContext } from './context';
export type { ComplianceServices } from './services';
export { COMPLIANCE_INDEXES } from './indexes';
export { hashPassword } from './admins/password';
export { assertNoDemoPasswords, DemoPasswordInUseError } from './admins/demo-passwords';
export { DEFAULT_COMPLIANCE_SETTINGS, DEFAULT_DEMO_PASSWORD, parseComplianceSettings } from './settings';
export type { ComplianceSettings } from './settings';
export { demoAdmins, seedCompliance } from './seed';
export type { ComplianceSeedResult, ComplianceSeedOptions, SeedAdmin, SeedStaffMember } from './seed';
