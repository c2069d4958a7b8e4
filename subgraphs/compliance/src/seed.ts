import type { Faker } from '@faker-js/faker';
import type { Db } from 'mongodb';
import type { SeededMember } from '@casino/loyalty';
import { ensureIndexes, insertInBatches } from '@casino/mongo';
import { ADMIN_USERS, DEPARTMENTS } from './admins/admin-user-store';
import type { AdminRole, AdminUserDocument } from './admins/admin-user-store';
import { hashPassword } from './admins/password';
import { AUDIT_LOGS } from './audit/audit-log-store';
import type { AuditLogDocument, AuditOutcome } from './audit/audit-log-store';
import { COMPLIANCE_INDEXES } from './indexes';
import { MEMBER_COMPLIANCE_RULES } from './settings';
import { COMPLIANCE_REPORTS } from './reports/compliance-report-store';
import type {
  ComplianceReportDocument,
  ComplianceReportStatus,
  ComplianceReportType,
  ComplianceViolation,
  ViolationCategory,
  ViolationSeverity,
  ViolationStatus,
} from './reports/compliance-report-store';
import { DATA_RETENTION_POLICIES } from './retention/retention-policy-store';
import type {
  DataRetentionPolicyDocument,
  RetentionDataCategory,
  RetentionPolicyStatus,
} from './retention/retention-policy-store';
import { DAY_MS } from '@casino/config';

/** An admin account to seed; the orchestrator gets these from `demoAdmins` so other seeds can use the ids. */
export interface SeedAdmin {
  id: string;
  username: string;
  role: AdminRole;
  department: string | null;
}

/** What compliance needs to know about each seeded workforce staff member. */
export interface SeedStaffMember {
  id: string;
  department: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface ComplianceSeedOptions {
  faker: Faker;
  now: Date;
  admins: SeedAdmin[];
  demoPassword: string;
  staff: SeedStaffMember[];
  members: SeededMember[];
}

export interface ComplianceSeedResult {
  admins: number;
}

/** The tunable sizes and odds of the demo data. */
export const COMPLIANCE_SEED = {
  auditLogEntries: 200,
  auditLogWindowDays: 30,
  /** Share of department admins (other than the demo ones) linked to a staff member */
  staffLinkRate: 0.6,
  /** Share of audit entries whose actor may perform the action; the rest are mostly denials */
  authorizedActorRate: 0.85,
  failedActionRate: 0.04,
  adminEmailDomain: 'casino.example',
};

/** The accounts PRODUCT.md promises, one per role; they all log in with the demo password and no TOTP. */
const DEMO_ACCOUNTS: Omit<SeedAdmin, 'id'>[] = [
  { username: 'superadmin', role: 'SuperAdmin', department: null },
  { username: 'generaladmin', role: 'GeneralAdmin', department: null },
  { username: 'manager', role: 'Manager', department: 'Gaming' },
  { username: 'supervisor', role: 'Supervisor', department: 'Gaming' },
];
const DEMO_USERNAMES = new Set(DEMO_ACCOUNTS.map((a) => a.username));

/** Roles of the admins added next to the demo ones (their departments are random). */
const EXTRA_ROLES: AdminRole[] = [
  'GeneralAdmin',
  'Manager',
  'Manager',
  'Manager',
  'Supervisor',
  'Supervisor',
  'Supervisor',
  'Supervisor',
];

/** The four demo admins plus a few more, with faker ids; call it before seeding any subgraph. */
export function demoAdmins(faker: Faker): SeedAdmin[] {
  const admins: SeedAdmin[] = DEMO_ACCOUNTS.map((account) => ({ id: faker.string.uuid(), ...account }));
  const usernames = new Set(admins.map((a) => a.username));
  for (const role of EXTRA_ROLES) {
    let username: string;
    do {
      const first = faker.person
        .firstName()
        .toLowerCase()
        .replace(/[^a-z]/g, '');
      const last = faker.person
        .lastName()
        .toLowerCase()
        .replace(/[^a-z]/g, '');
      username = `${first}.${last}`;
    } while (usernames.has(username) || username.length < 3);
    usernames.add(username);
    admins.push({
      id: faker.string.uuid(),
      username,
      role,
      department: role === 'GeneralAdmin' ? null : faker.helpers.arrayElement(DEPARTMENTS),
    });
  }
  return admins;
}

const daysBefore = (date: Date, days: number) => new Date(date.getTime() - days * DAY_MS);
const daysAfter = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);
const earliest = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

function titleFromUsername(username: string): string | null {
  const parts = username.split('.');
  if (parts.length < 2 || parts.some((p) => p.length === 0)) return null;
  return parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join(' ');
}

const EXTRA_PERMISSIONS: Record<AdminRole, string[]> = {
  SuperAdmin: [],
  GeneralAdmin: ['reports:approve'],
  Manager: ['pii:read', 'audit:read'],
  Supervisor: ['training:write'],
};

function buildAdmins(
  options: ComplianceSeedOptions,
  passwordHash: string,
): { docs: AdminUserDocument[]; linked: number } {
  const { faker, now } = options;
  const freeStaff = new Map<string, SeedStaffMember[]>();
  for (const member of options.staff) {
    const pool = freeStaff.get(member.department) ?? [];
    pool.push(member);
    freeStaff.set(member.department, pool);
  }
  const emails = new Set<string>();
  let linked = 0;
  const docs = options.admins.map((admin): AdminUserDocument => {
    const isDemo = DEMO_USERNAMES.has(admin.username);
    const pool = admin.department ? freeStaff.get(admin.department) : undefined;
    const link =
      pool && pool.length > 0 && (isDemo || faker.datatype.boolean(COMPLIANCE_SEED.staffLinkRate))
        ? pool.splice(faker.number.int({ min: 0, max: pool.length - 1 }), 1)[0]!
        : null;
    if (link) linked++;
    let email = link?.email.toLowerCase() ?? `${admin.username}@${COMPLIANCE_SEED.adminEmailDomain}`;
    if (emails.has(email)) email = `${admin.username}@${COMPLIANCE_SEED.adminEmailDomain}`;
    emails.add(email);
    const fullName = link
      ? `${link.firstName} ${link.lastName}`
      : (titleFromUsername(admin.username) ?? `${faker.person.firstName()} ${faker.person.lastName()}`);
    const createdAt = faker.date.past({ years: 3, refDate: daysBefore(now, 90) });
    const isActive = isDemo || faker.datatype.boolean(0.9);
    return {
      id: admin.id,
      username: admin.username,
      email,
      password_hash: passwordHash,
      full_name: fullName,
      role: admin.role,
      department: admin.department,
      is_active: isActive,
      created_at: createdAt,
      // deactivated accounts stopped logging in a while ago
      last_login: !isActive
        ? faker.date.between({ from: createdAt, to: daysBefore(now, 60) })
        : isDemo || faker.datatype.boolean(0.85)
          ? faker.date.between({ from: daysBefore(now, 14), to: now })
          : null,
      permissions: !isDemo && faker.datatype.boolean(0.4) ? EXTRA_PERMISSIONS[admin.role] : [],
      // demo accounts must log in with the password alone
      two_factor_enabled: !isDemo && faker.datatype.boolean(0.5),
      staff_member_id: link?.id ?? null,
    };
  });
  return { docs, linked };
}

interface PolicyTemplate {
  name: string;
  category: RetentionDataCategory;
  retentionDays: number;
  archiveDays: number;
  autoDelete: boolean;
  legalBasis: string;
  exceptions: string[];
  status: RetentionPolicyStatus;
}

const POLICY_TEMPLATES: PolicyTemplate[] = [
  {
    name: 'Loyalty member records',
    category: 'member_data',
    retentionDays: 2_555,
    archiveDays: 365,
    autoDelete: false,
    legalBasis: 'PDPA 2022: performance of the membership contract and AML record-keeping obligations',
    exceptions: ['Records under an open AML investigation', 'Accounts with an unresolved dispute'],
    status: 'active',
  },
  {
    name: 'Self-exclusion register',
    category: 'member_data',
    retentionDays: 3_650,
    archiveDays: 1_825,
    autoDelete: false,
    legalBasis: 'PDPA 2022: legal obligation under the responsible gambling licence conditions',
    exceptions: ['Exclusions that are still in force'],
    status: 'pending_approval',
  },
  {
    name: 'Gaming session logs',
    category: 'gaming_logs',
    retentionDays: 1_825,
    archiveDays: 180,
    autoDelete: true,
    legalBasis: 'PDPA 2022: legal obligation to keep gaming transaction records for regulatory audit',
    exceptions: ['Sessions linked to a suspicious transaction report', 'Sessions under dispute'],
    status: 'active',
  },
  {
    name: 'Administrative audit trail',
    category: 'audit_logs',
    retentionDays: 2_555,
    archiveDays: 365,
    autoDelete: false,
    legalBasis: 'PDPA 2022: accountability obligation to demonstrate lawful processing',
    exceptions: ['Entries subject to a legal hold'],
    status: 'active',
  },
  {
    name: 'Marketing consent and campaign data',
    category: 'marketing_data',
    retentionDays: 730,
    archiveDays: 365,
    autoDelete: true,
    legalBasis: "PDPA 2022: the member's consent, kept until withdrawn or two years without activity",
    exceptions: ['Proof of consent for campaigns still running'],
    status: 'pending_approval',
  },
  {
    name: 'Walk-in guest analytics (superseded)',
    category: 'marketing_data',
    retentionDays: 365,
    archiveDays: 90,
    autoDelete: true,
    legalBasis: 'PDPA 2022: legitimate interest in aggregate visitor statistics',
    exceptions: [],
    status: 'inactive',
  },
];

function buildPolicies(
  faker: Faker,
  now: Date,
  creators: AdminUserDocument[],
  approvers: AdminUserDocument[],
): DataRetentionPolicyDocument[] {
  return POLICY_TEMPLATES.map((template) => {
    const createdAt = faker.date.between({ from: daysBefore(now, 540), to: daysBefore(now, 20) });
    const approved = template.status !== 'pending_approval';
    const approvalDate = approved
      ? faker.date.between({ from: createdAt, to: earliest(daysAfter(createdAt, 21), now) })
      : null;
    return {
      id: faker.string.uuid(),
      policy_name: template.name,
      data_category: template.category,
      retention_period_days: template.retentionDays,
      archive_after_days: template.archiveDays,
      auto_delete: template.autoDelete,
      encryption_required: template.category !== 'gaming_logs' || faker.datatype.boolean(0.5),
      backup_required: true,
      legal_basis: template.legalBasis,
      exceptions: template.exceptions,
      status: template.status,
      created_by: faker.helpers.arrayElement(creators).id,
      approved_by: approved ? faker.helpers.arrayElement(approvers).id : null,
      approval_date: approvalDate,
      next_review_date: faker.date.between({ from: daysAfter(now, 30), to: daysAfter(now, 365) }),
      created_at: createdAt,
      updated_at: approvalDate ?? createdAt,
    };
  });
}

interface AuditAction {
  action: string;
  /** The subgraph that records it */
  service: 'loyalty' | 'gaming' | 'workforce' | 'marketing' | 'compliance';
  targetType: string;
  target: 'member' | 'staff' | 'report' | 'policy' | 'self' | 'campaign' | 'none';
  allowed: readonly AdminRole[];
  changes?: (faker: Faker) => Record<string, unknown>;
}

const EVERYONE: readonly AdminRole[] = ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor'];
const ADMINS: readonly AdminRole[] = ['SuperAdmin', 'GeneralAdmin'];
const MANAGERS: readonly AdminRole[] = ['SuperAdmin', 'GeneralAdmin', 'Manager'];
const REDACTED = '[REDACTED]';

const AUDIT_ACTIONS: { weight: number; value: AuditAction }[] = [
  {
    weight: 20,
    value: {
      action: 'login',
      service: 'compliance',
      targetType: 'AdminUser',
      target: 'self',
      allowed: EVERYONE,
    },
  },
  {
    weight: 10,
    value: {
      action: 'registerMember',
      service: 'loyalty',
      targetType: 'Member',
      target: 'member',
      allowed: EVERYONE,
      changes: () => ({ before: null, after: { tier: 'Ruby', email: REDACTED, nicPassport: REDACTED } }),
    },
  },
  {
    weight: 12,
    value: {
      action: 'updateMember',
      service: 'loyalty',
      targetType: 'Member',
      target: 'member',
      allowed: MANAGERS,
      changes: (faker) => {
        const consent = faker.datatype.boolean();
        return {
          before: { phone: REDACTED, marketingConsent: consent },
          after: { phone: REDACTED, marketingConsent: !consent },
        };
      },
    },
  },
  {
    weight: 10,
    value: {
      action: 'adjustPoints',
      service: 'loyalty',
      targetType: 'Member',
      target: 'member',
      allowed: MANAGERS,
      changes: (faker) => {
        const before = faker.number.int({ min: 0, max: 50_000 });
        return {
          before: { pointsBalance: before },
          after: { pointsBalance: before + 50 * faker.number.int({ min: 1, max: 40 }) },
        };
      },
    },
  },
  {
    weight: 8,
    value: {
      action: 'revealNicPassport',
      service: 'loyalty',
      targetType: 'Member',
      target: 'member',
      allowed: ADMINS,
    },
  },
  {
    weight: 6,
    value: {
      action: 'updateStaffMember',
      service: 'workforce',
      targetType: 'StaffMember',
      target: 'staff',
      allowed: MANAGERS,
      changes: (faker) => ({
        before: { position: faker.person.jobTitle(), salary: REDACTED },
        after: { position: faker.person.jobTitle(), salary: REDACTED },
      }),
    },
  },
  {
    weight: 8,
    value: {
      action: 'recordTraining',
      service: 'workforce',
      targetType: 'StaffMember',
      target: 'staff',
      allowed: EVERYONE,
      changes: (faker) => ({
        before: null,
        after: { status: 'completed', score: faker.number.int({ min: 60, max: 100 }) },
      }),
    },
  },
  {
    weight: 5,
    value: {
      action: 'createMarketingCampaign',
      service: 'marketing',
      targetType: 'MarketingCampaign',
      target: 'campaign',
      allowed: MANAGERS,
      changes: (faker) => ({
        before: null,
        after: { name: `${faker.commerce.productAdjective()} weekend`, status: 'draft' },
      }),
    },
  },
  {
    weight: 4,
    value: {
      action: 'submitComplianceReport',
      service: 'compliance',
      targetType: 'ComplianceReport',
      target: 'report',
      allowed: ADMINS,
      changes: () => ({ before: { status: 'completed' }, after: { status: 'submitted' } }),
    },
  },
  {
    weight: 3,
    value: {
      action: 'approveRetentionPolicy',
      service: 'compliance',
      targetType: 'DataRetentionPolicy',
      target: 'policy',
      allowed: ['SuperAdmin'],
      changes: () => ({ before: { status: 'pending_approval' }, after: { status: 'active' } }),
    },
  },
  {
    weight: 6,
    value: {
      action: 'readAuditLogs',
      service: 'compliance',
      targetType: 'AuditLog',
      target: 'none',
      allowed: ADMINS,
    },
  },
];

const CLIENTS = [
  { weight: 70, value: 'casino-admin-web' },
  { weight: 20, value: 'floor-tablet' },
  { weight: 10, value: 'reporting-cli' },
];

function buildAuditLogs(
  options: ComplianceSeedOptions,
  admins: AdminUserDocument[],
  reportIds: string[],
  policies: DataRetentionPolicyDocument[],
): AuditLogDocument[] {
  const { faker, now, members, staff } = options;
  const from = daysBefore(now, COMPLIANCE_SEED.auditLogWindowDays);
  const active = admins.filter((a) => a.is_active);
  const actors = active.length > 0 ? active : admins;
  const logs: AuditLogDocument[] = [];
  for (let i = 0; i < COMPLIANCE_SEED.auditLogEntries; i++) {
    const spec = faker.helpers.weightedArrayElement(AUDIT_ACTIONS);
    const permitted = actors.filter((a) => spec.allowed.includes(a.role));
    const actor =
      permitted.length > 0 && faker.datatype.boolean(COMPLIANCE_SEED.authorizedActorRate)
        ? faker.helpers.arrayElement(permitted)
        : faker.helpers.arrayElement(actors);
    const outcome: AuditOutcome = !spec.allowed.includes(actor.role)
      ? 'denied'
      : faker.datatype.boolean(COMPLIANCE_SEED.failedActionRate)
        ? 'failed'
        : 'allowed';
    const targetId = ((): string | null => {
      switch (spec.target) {
        case 'member':
          return members.length > 0 ? faker.helpers.arrayElement(members).id : faker.string.uuid();
        case 'staff':
          return staff.length > 0 ? faker.helpers.arrayElement(staff).id : faker.string.uuid();
        case 'report':
          return faker.helpers.arrayElement(reportIds);
        case 'policy':
          return faker.helpers.arrayElement(policies).id;
        case 'self':
          return actor.id;
        case 'campaign':
          return faker.string.uuid();
        case 'none':
          return null;
      }
    })();
    logs.push({
      id: faker.string.uuid(),
      timestamp: faker.date.between({ from, to: now }),
      admin_user_id: actor.id,
      actor_username: actor.username,
      role: actor.role,
      service: spec.service,
      action: spec.action,
      target_type: spec.targetType,
      target_id: targetId,
      changes: outcome === 'allowed' && spec.changes ? spec.changes(faker) : null,
      request_id: faker.string.uuid(),
      client_name: faker.helpers.weightedArrayElement(CLIENTS),
      ip: faker.internet.ipv4({ cidrBlock: '10.20.0.0/16' }),
      outcome,
    });
  }
  return logs.sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime());
}

/** Which reports exist: every type twice (last month and the one before), every status at least once. */
const REPORT_PLAN: { type: ComplianceReportType; monthsAgo: number; status: ComplianceReportStatus }[] = [
  { type: 'aml_report', monthsAgo: 2, status: 'approved' },
  { type: 'kyc_compliance', monthsAgo: 2, status: 'approved' },
  { type: 'gambling_activity', monthsAgo: 2, status: 'submitted' },
  { type: 'audit_trail', monthsAgo: 2, status: 'approved' },
  { type: 'data_retention', monthsAgo: 2, status: 'submitted' },
  { type: 'aml_report', monthsAgo: 1, status: 'draft' },
  { type: 'kyc_compliance', monthsAgo: 1, status: 'completed' },
  { type: 'gambling_activity', monthsAgo: 1, status: 'completed' },
  { type: 'audit_trail', monthsAgo: 1, status: 'draft' },
  { type: 'data_retention', monthsAgo: 1, status: 'submitted' },
];

const REGULATORS: Record<ComplianceReportType, string> = {
  aml_report: 'Financial Intelligence Unit',
  kyc_compliance: 'Financial Intelligence Unit',
  gambling_activity: 'Gaming Regulatory Authority',
  audit_trail: 'Gaming Regulatory Authority',
  data_retention: 'Data Protection Authority',
};

const RECOMMENDATIONS: Record<ComplianceReportType, string[]> = {
  aml_report: [
    'Lower the cash buy-in review threshold for members without verified source of funds',
    'Add a second reviewer to suspicious transaction reports before filing',
    'Train cage staff on structuring patterns across consecutive visits',
  ],
  kyc_compliance: [
    'Block gaming for members whose verification is more than 30 days overdue',
    'Remind members by SMS two weeks before their identity document expires',
    'Re-verify VIP members annually',
  ],
  gambling_activity: [
    'Alert floor supervisors when a session passes 8 hours',
    'Check self-exclusion at every entrance, not only at the cage',
    'Offer a cooling-off break after three consecutive losing sessions',
  ],
  audit_trail: [
    'Require two-factor authentication for every GeneralAdmin account',
    'Review repeated denied attempts weekly with department managers',
    'Disable admin accounts inactive for more than 90 days',
  ],
  data_retention: [
    'Approve the pending retention policies before the next review date',
    'Automate archiving of gaming logs older than 180 days',
    'Document legal holds in the retention exceptions register',
  ],
};

const SEVERITY_PENALTY: Record<ViolationSeverity, number> = { low: 1, medium: 3, high: 6, critical: 10 };

interface ViolationTemplate {
  category: ViolationCategory;
  description: string;
  severities: ViolationSeverity[];
  /** Which members it can be about; omitted for findings not about a member */
  about?: (member: SeededMember) => boolean;
}

const VIOLATIONS: Record<ComplianceReportType, ViolationTemplate[]> = {
  aml_report: [
    {
      category: 'aml',
      description: 'Structured cash buy-ins just below the reporting threshold over consecutive visits',
      severities: ['high', 'critical'],
      about: () => true,
    },
    {
      category: 'aml',
      description: 'Large chip purchase with minimal play before cashing out',
      severities: ['medium', 'high'],
      about: () => true,
    },
    {
      category: 'kyc',
      description: 'High-value play by a member whose identity is not verified',
      severities: ['high'],
      about: (m) => !m.kycVerified,
    },
  ],
  kyc_compliance: [
    {
      category: 'kyc',
      description: 'Gaming activity recorded before identity verification was completed',
      severities: ['medium', 'high'],
      about: (m) => !m.kycVerified,
    },
    {
      category: 'kyc',
      description: 'Identity document on file has expired',
      severities: ['low', 'medium'],
      about: () => true,
    },
  ],
  gambling_activity: [
    {
      category: 'self_exclusion',
      description: 'Self-excluded member was admitted to the gaming floor',
      severities: ['critical'],
      about: (m) => m.selfExcluded,
    },
    {
      category: 'responsible_gambling',
      description: 'Continuous play above 12 hours without a responsible gambling intervention',
      severities: ['medium', 'high'],
      about: () => true,
    },
  ],
  audit_trail: [
    {
      category: 'access_control',
      description: 'Repeated denied attempts to read decrypted identity documents',
      severities: ['medium', 'high'],
    },
    {
      category: 'access_control',
      description: 'Shared workstation session left signed in on the cage terminal',
      severities: ['low', 'medium'],
    },
  ],
  data_retention: [
    {
      category: 'data_protection',
      description: 'Marketing data past its retention period has not been archived',
      severities: ['medium'],
    },
    {
      category: 'data_protection',
      description: 'Backup of gaming logs stored without encryption',
      severities: ['high'],
    },
  ],
};

function violationStatus(faker: Faker, reportStatus: ComplianceReportStatus): ViolationStatus {
  const settled = reportStatus === 'submitted' || reportStatus === 'approved';
  return faker.helpers.weightedArrayElement<ViolationStatus>(
    settled
      ? [
          { weight: 60, value: 'resolved' },
          { weight: 25, value: 'under_review' },
          { weight: 15, value: 'open' },
        ]
      : [
          { weight: 15, value: 'resolved' },
          { weight: 35, value: 'under_review' },
          { weight: 50, value: 'open' },
        ],
  );
}

function buildViolations(
  faker: Faker,
  type: ComplianceReportType,
  status: ComplianceReportStatus,
  members: SeededMember[],
  periodStart: Date,
  periodEnd: Date,
): ComplianceViolation[] {
  const violations: ComplianceViolation[] = [];
  const count = faker.number.int({ min: 2, max: 5 });
  for (let i = 0; i < count; i++) {
    const template = faker.helpers.arrayElement(VIOLATIONS[type]);
    let memberId: string | undefined;
    if (template.about) {
      const candidates = members.filter(template.about);
      if (candidates.length === 0) continue;
      memberId = faker.helpers.arrayElement(candidates).id;
    }
    violations.push({
      id: faker.string.uuid(),
      category: template.category,
      severity: faker.helpers.arrayElement(template.severities),
      status: violationStatus(faker, status),
      description: template.description,
      detected_at: faker.date.between({ from: periodStart, to: periodEnd }),
      ...(memberId ? { member_id: memberId } : {}),
    });
  }
  return violations;
}

function buildSummary(
  faker: Faker,
  type: ComplianceReportType,
  context: {
    members: SeededMember[];
    violations: ComplianceViolation[];
    logs: AuditLogDocument[];
    policies: DataRetentionPolicyDocument[];
    periodStart: Date;
    periodEnd: Date;
    logWindowStart: Date;
  },
): Record<string, unknown> {
  const { members, violations } = context;
  const countOf = (category: ViolationCategory) => violations.filter((v) => v.category === category).length;
  switch (type) {
    case 'kyc_compliance': {
      const verified = members.filter((m) => m.kycVerified).length;
      return {
        membersReviewed: members.length,
        kycVerified: verified,
        pendingVerification: members.length - verified,
        verificationRate: members.length === 0 ? 0 : Math.round((verified / members.length) * 1000) / 10,
        findings: violations.length,
      };
    }
    case 'aml_report': {
      const flagged = countOf('aml');
      return {
        transactionsReviewed: faker.number.int({ min: 5_000, max: 20_000 }),
        suspiciousTransactions: flagged + faker.number.int({ min: 0, max: 6 }),
        suspiciousTransactionReportsFiled: flagged,
        largestFlaggedAmount: `${faker.number.int({ min: 500, max: 25_000 }) * 100}.00`,
        membersFlagged: new Set(violations.filter((v) => v.category === 'aml').map((v) => v.member_id)).size,
      };
    }
    case 'gambling_activity':
      return {
        activeSelfExclusions: members.filter((m) => m.selfExcluded).length,
        selfExclusionBreaches: countOf('self_exclusion'),
        responsibleGamblingInterventions: faker.number.int({ min: 10, max: 120 }),
        longSessionAlerts: countOf('responsible_gambling') + faker.number.int({ min: 0, max: 30 }),
      };
    case 'audit_trail': {
      // the seeded log covers only the last days, so the days before it are estimated at the same rate
      const { logs, periodStart, periodEnd, logWindowStart } = context;
      const inPeriod = logs.filter((log) => log.timestamp >= periodStart && log.timestamp < periodEnd);
      const unloggedDays = Math.max(
        0,
        (earliest(periodEnd, logWindowStart).getTime() - periodStart.getTime()) / DAY_MS,
      );
      const perDay = COMPLIANCE_SEED.auditLogEntries / COMPLIANCE_SEED.auditLogWindowDays;
      const estimated = Math.round(unloggedDays * perDay * faker.number.float({ min: 0.8, max: 1.2 }));
      const count = (predicate: (log: AuditLogDocument) => boolean) => {
        const share = logs.length === 0 ? 0 : logs.filter(predicate).length / logs.length;
        return inPeriod.filter(predicate).length + Math.round(share * estimated);
      };
      return {
        auditEntries: inPeriod.length + estimated,
        deniedAttempts: count((log) => log.outcome === 'denied'),
        failedActions: count((log) => log.outcome === 'failed'),
        piiReads: count((log) => log.action === 'revealNicPassport'),
        findings: violations.length,
      };
    }
    case 'data_retention':
      return {
        policiesReviewed: context.policies.length,
        pendingApprovals: context.policies.filter((p) => p.status === 'pending_approval').length,
        recordsArchived: faker.number.int({ min: 1_000, max: 50_000 }),
        recordsDeleted: faker.number.int({ min: 0, max: 10_000 }),
        recordsAnonymised: faker.number.int({ min: 0, max: 500 }),
      };
  }
}

function complianceScore(faker: Faker, violations: ComplianceViolation[]): number {
  const unresolved = new Set<ViolationStatus>(MEMBER_COMPLIANCE_RULES.unresolvedStatuses);
  const penalty = violations.reduce(
    (sum, v) => sum + SEVERITY_PENALTY[v.severity] * (unresolved.has(v.status) ? 1 : 0.3),
    0,
  );
  const score = 100 - penalty - faker.number.float({ min: 0, max: 4 });
  return Math.round(Math.min(100, Math.max(40, score)) * 10) / 10;
}

function buildReports(
  options: ComplianceSeedOptions,
  reportIds: string[],
  authors: { drafters: AdminUserDocument[]; submitters: AdminUserDocument[] },
  logs: AuditLogDocument[],
  policies: DataRetentionPolicyDocument[],
): ComplianceReportDocument[] {
  const { faker, now, members } = options;
  return REPORT_PLAN.map((plan, index) => {
    const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - plan.monthsAgo, 1));
    const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - plan.monthsAgo + 1, 1));
    const id = reportIds[index]!;
    const createdAt = earliest(daysAfter(periodEnd, faker.number.float({ min: 0.5, max: 5 })), now);
    const submitted = plan.status === 'submitted' || plan.status === 'approved';
    const submissionDate = submitted
      ? faker.date.between({ from: createdAt, to: earliest(daysAfter(createdAt, 7), now) })
      : null;
    const violations = buildViolations(faker, plan.type, plan.status, members, periodStart, periodEnd);
    const month = periodStart.toISOString().slice(0, 7);
    return {
      id,
      report_type: plan.type,
      report_period_start: periodStart,
      report_period_end: periodEnd,
      generated_by: faker.helpers.arrayElement(
        plan.status === 'draft' ? authors.drafters : authors.submitters,
      ).id,
      status: plan.status,
      summary: buildSummary(faker, plan.type, {
        members,
        violations,
        logs,
        policies,
        periodStart,
        periodEnd,
        logWindowStart: daysBefore(now, COMPLIANCE_SEED.auditLogWindowDays),
      }),
      violations,
      recommendations: faker.helpers.arrayElements(RECOMMENDATIONS[plan.type], { min: 1, max: 3 }),
      file_path: plan.status === 'draft' ? null : `reports/${month}/${plan.type}-${id}.pdf`,
      submitted_to: submitted ? REGULATORS[plan.type] : null,
      submission_date: submissionDate,
      compliance_score: complianceScore(faker, violations),
      created_at: createdAt,
      updated_at: submissionDate ?? createdAt,
    };
  });
}

function withRoles(admins: AdminUserDocument[], roles: readonly AdminRole[]): AdminUserDocument[] {
  const chosen = admins.filter((a) => roles.includes(a.role));
  return chosen.length > 0 ? chosen : admins;
}

/** Fills compliance's collections with believable, deterministic demo data (given a seeded faker). */
export async function seedCompliance(db: Db, options: ComplianceSeedOptions): Promise<ComplianceSeedResult> {
  const { faker, now } = options;
  if (options.admins.length === 0) throw new RangeError('seedCompliance needs at least one admin');
  await ensureIndexes(db, COMPLIANCE_INDEXES);

  // one hash for every demo account keeps seeding fast; each login still verifies a real argon2id hash
  const passwordHash = await hashPassword(options.demoPassword);
  const { docs: admins } = buildAdmins(options, passwordHash);
  const policies = buildPolicies(faker, now, withRoles(admins, ADMINS), withRoles(admins, ['SuperAdmin']));
  const reportIds = REPORT_PLAN.map(() => faker.string.uuid());
  const logs = buildAuditLogs(options, admins, reportIds, policies);
  const reports = buildReports(
    options,
    reportIds,
    { drafters: withRoles(admins, MANAGERS), submitters: withRoles(admins, ADMINS) },
    logs,
    policies,
  );

  await insertInBatches(db, ADMIN_USERS, admins);
  await insertInBatches(db, DATA_RETENTION_POLICIES, policies);
  await insertInBatches(db, COMPLIANCE_REPORTS, reports);
  await insertInBatches(db, AUDIT_LOGS, logs);

  return { admins: admins.length };
}
