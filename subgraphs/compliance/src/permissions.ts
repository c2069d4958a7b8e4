import type { GraphQLResolveInfo } from 'graphql';
import { allow, atLeast, fromService, isAuthenticated, or, requiring, rule } from '@casino/auth';
import type { AuthContext, RuleTree } from '@casino/auth';

const callerId = (ctx: AuthContext) => (ctx.identity.kind === 'admin' ? ctx.identity.userId : null);

/** The AdminUser being read is the caller's own account. */
const isOwnRecord = rule('compliance:isOwnRecord', { cache: 'no_cache' })(
  (parent: { id?: unknown }, _args, ctx: AuthContext) =>
    callerId(ctx) !== null && parent.id === callerId(ctx),
);

/** `adminUser(id)` asks for the caller's own account. */
const isOwnId = rule('compliance:isOwnId', { cache: 'no_cache' })(
  (_parent, args: { id?: unknown }, ctx: AuthContext) => callerId(ctx) !== null && args.id === callerId(ctx),
);

/**
 * The field is read below a LoginPayload: the account that has just proved its credentials in this very
 * request (login and refreshToken are the only producers, and only on success). The caller is still
 * anonymous there, and must be able to read the account it signed in as.
 */
const inSignInResult = rule('compliance:inSignInResult', { cache: 'no_cache' })((
  _parent,
  _args,
  _ctx,
  info: GraphQLResolveInfo,
) => {
  for (let node = info.path.prev; node; node = node.prev) {
    if (node.typename === 'LoginPayload') return true;
  }
  return false;
});

// what refusals and the schema's descriptions state for the rules above
requiring("the account's owner", isOwnRecord);
requiring("the account's owner", isOwnId);
// only an anonymous caller signing in reads through it, and anonymous callers are told to sign in
requiring('', inSignInResult);

const superAdmin = atLeast('SuperAdmin');
const reportApprover = atLeast('SuperAdmin', 'reports:approve');
const generalAdmin = atLeast('GeneralAdmin');
const auditReader = atLeast('GeneralAdmin', 'audit:read');
const manager = atLeast('Manager');

/** Every role may see who an account is; the rest only GeneralAdmin and up, or the account's owner. */
const adminIdentityField = or(isAuthenticated, inSignInResult);
const adminPrivateField = or(generalAdmin, isOwnRecord, inSignInResult);

export const rules: RuleTree = {
  // dead outbox rows: ids, attempts and errors only, for SuperAdmins
  DeadLetterPage: atLeast('SuperAdmin'),
  DeadLetter: atLeast('SuperAdmin'),
  DeliveryFailure: atLeast('SuperAdmin'),
  Query: {
    complianceDeadLetters: atLeast('SuperAdmin'),
    me: isAuthenticated,
    adminUser: or(generalAdmin, isOwnId),
    adminUsers: generalAdmin,
    auditLog: auditReader,
    auditLogs: auditReader,
    complianceReport: manager,
    complianceReports: manager,
    dataRetentionPolicy: manager,
    dataRetentionPolicies: manager,
    complianceDashboard: manager,
    keyRotationRuns: superAdmin,
    // the gateway, and each subgraph when it sits behind a router and checks access tokens itself
    revokedSessions: fromService('gateway', 'gaming', 'loyalty', 'marketing', 'workforce'),
    erasureRequests: generalAdmin,
  },
  Mutation: {
    retryComplianceDeadLetter: atLeast('SuperAdmin'),
    login: allow,
    refreshToken: allow,
    logout: isAuthenticated,
    beginTwoFactorEnrollment: isAuthenticated,
    confirmTwoFactor: isAuthenticated,
    changeOwnPassword: isAuthenticated,
    // which roles the caller may manage is decided by the service, from the target account
    createAdminUser: generalAdmin,
    changeAdminRole: generalAdmin,
    deactivateAdminUser: generalAdmin,
    resetAdminPassword: generalAdmin,
    // the subgraphs that deliver their audit trail here (compliance stores its own directly); the service
    // also refuses events naming another service than the caller
    recordAuditEvents: fromService('gaming', 'loyalty', 'marketing', 'workforce'),
    // reports: GeneralAdmin creates and submits; a SuperAdmin, or a lower role granted reports:approve,
    // approves (the service adds: never the admin who submitted it)
    generateComplianceReport: generalAdmin,
    // a Manager drafts (PRODUCT.md §4: "read, draft"); a GeneralAdmin completes the draft, then submits it
    draftComplianceReport: manager,
    completeComplianceReport: generalAdmin,
    submitComplianceReport: generalAdmin,
    approveComplianceReport: reportApprover,
    // retention policies: GeneralAdmin creates, a SuperAdmin approves (the service adds: not the creator)
    createDataRetentionPolicy: generalAdmin,
    approveDataRetentionPolicy: superAdmin,
    // key rotation re-seals every subgraph's personal data: SuperAdmin only (audited like every mutation)
    rotateEncryptionKey: superAdmin,
    // retention enforcement: GeneralAdmin runs an active policy now and places or releases legal holds
    runRetentionPolicy: generalAdmin,
    placeLegalHold: generalAdmin,
    releaseLegalHold: generalAdmin,
    // right to erasure: GeneralAdmin and above (audited like every mutation)
    eraseMember: generalAdmin,
  },
  LoginPayload: allow,
  TwoFactorEnrollment: isAuthenticated,
  AdminUser: {
    '*': adminPrivateField,
    id: adminIdentityField,
    username: adminIdentityField,
    fullName: adminIdentityField,
    role: adminIdentityField,
    department: adminIdentityField,
    // workforce records a performance review under the caller's own staff record
    staffMember: or(adminPrivateField, fromService('workforce')),
  },
  AdminUserConnection: generalAdmin,
  AdminUserEdge: generalAdmin,
  PageInfo: isAuthenticated,
  AuditLog: auditReader,
  AuditLogConnection: auditReader,
  AuditLogEdge: auditReader,
  ComplianceReport: manager,
  ComplianceReportConnection: manager,
  ComplianceReportEdge: manager,
  ComplianceFinding: manager,
  DataRetentionPolicy: manager,
  DataRetentionPolicyConnection: manager,
  DataRetentionPolicyEdge: manager,
  ComplianceDashboard: manager,
  SeverityCount: manager,
  ReportStatusCount: manager,
  StaffMember: {
    id: or(isAuthenticated, inSignInResult, fromService('workforce')),
    adminAccount: generalAdmin,
  },
  Member: isAuthenticated,
  MemberComplianceStatus: isAuthenticated,
  KeyRotationRun: superAdmin,
  RevokedSession: fromService('gateway', 'gaming', 'loyalty', 'marketing', 'workforce'),
  KeyRotationField: superAdmin,
  KeyRotationRunConnection: superAdmin,
  KeyRotationRunEdge: superAdmin,
  RetentionRun: generalAdmin,
  LegalHold: generalAdmin,
  ErasureRequest: generalAdmin,
  ErasureRequestConnection: generalAdmin,
  ErasureRequestEdge: generalAdmin,
  ErasureStepResult: generalAdmin,
  ErasureCount: generalAdmin,
};
