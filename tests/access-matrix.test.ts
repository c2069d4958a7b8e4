import { randomUUID } from 'node:crypto';
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  getNamedType,
  isNonNullType,
} from 'graphql';
import type { GraphQLField, GraphQLInputType, GraphQLScalarType } from 'graphql';
import { MongoClient } from 'mongodb';
import { loadApiSchema } from './support/api-schema';
import { startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/**
 * The access matrix of PRODUCT.md §4 (and the choices the README's security section states) as data: for
 * every root field, who may call it. Each cell runs a real operation through the gateway with a real login.
 */
type Who = 'anonymous' | 'SuperAdmin' | 'GeneralAdmin' | 'Manager' | 'Supervisor' | 'OtherManager';
const WHO: Who[] = ['anonymous', 'SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor', 'OtherManager'];
const ADMINS: Who[] = ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor', 'OtherManager'];
const MANAGERS_UP: Who[] = ['SuperAdmin', 'GeneralAdmin', 'Manager', 'OtherManager'];
const GENERAL_UP: Who[] = ['SuperAdmin', 'GeneralAdmin'];

const EXPECTED: Record<string, Who[]> = {
  // loyalty
  'Query.member': ADMINS,
  'Query.members': ADMINS,
  'Query.reward': ADMINS,
  'Query.rewards': ADMINS,
  'Query.rewardRedemption': ADMINS,
  'Query.rewardRedemptions': ADMINS,
  'Query.pointsLedgerEntry': ADMINS,
  'Query.pointsLedgerEntries': ADMINS,
  'Mutation.registerMember': ADMINS,
  'Mutation.registerMemberFromWalkIn': [],
  'Query.memberLedgerCheck': MANAGERS_UP,
  'Query.loyaltyDashboard': MANAGERS_UP,
  'Mutation.creditGamingSession': [],
  'Query.gamingSessionForCredit': [],
  'Mutation.redeemReward': ADMINS,
  'Mutation.cancelRedemption': MANAGERS_UP,
  'Mutation.adjustPoints': MANAGERS_UP,
  'Mutation.createReward': MANAGERS_UP,
  'Mutation.updateReward': MANAGERS_UP,
  'Mutation.updateMember': ADMINS,
  'Mutation.setSelfExclusion': MANAGERS_UP,
  'Mutation.recordSelfExclusion': ADMINS,
  'Mutation.reinstateMember': MANAGERS_UP,
  'Query.comp': ADMINS,
  'Query.comps': ADMINS,
  'Mutation.issueComp': ADMINS,
  'Mutation.approveComp': MANAGERS_UP,
  'Mutation.declineComp': MANAGERS_UP,
  'Mutation.redeemComp': ADMINS,
  'Mutation.voidComp': MANAGERS_UP,
  'Query.vipExperience': ADMINS,
  'Query.vipExperiences': ADMINS,
  'Mutation.requestVipExperience': ADMINS,
  'Mutation.approveVipExperience': MANAGERS_UP,
  'Mutation.scheduleVipExperience': ADMINS,
  'Mutation.completeVipExperience': ADMINS,
  'Mutation.cancelVipExperience': ADMINS,
  'Mutation.assignHost': MANAGERS_UP,
  'Mutation.runLoyaltyJobs': ['SuperAdmin'],
  // dead outbox rows, in every subgraph: SuperAdmins only
  'Query.loyaltyDeadLetters': ['SuperAdmin'],
  'Mutation.retryLoyaltyDeadLetter': ['SuperAdmin'],
  'Query.gamingDeadLetters': ['SuperAdmin'],
  'Mutation.retryGamingDeadLetter': ['SuperAdmin'],
  'Query.workforceDeadLetters': ['SuperAdmin'],
  'Mutation.retryWorkforceDeadLetter': ['SuperAdmin'],
  'Query.marketingDeadLetters': ['SuperAdmin'],
  'Mutation.retryMarketingDeadLetter': ['SuperAdmin'],
  'Query.complianceDeadLetters': ['SuperAdmin'],
  'Mutation.retryComplianceDeadLetter': ['SuperAdmin'],
  // gaming
  'Query.gamingSession': ADMINS,
  'Query.gamingSessions': ADMINS,
  'Query.gameType': ADMINS,
  'Query.gameTypes': ADMINS,
  'Query.gamingPackage': ADMINS,
  'Query.gamingPackages': ADMINS,
  'Mutation.startGamingSession': ADMINS,
  'Mutation.endGamingSession': ADMINS,
  'Mutation.purchaseGamingPackage': ADMINS,
  'Query.gamingDashboard': MANAGERS_UP,
  'Query.amlCashSummary': GENERAL_UP,
  // workforce: a Gaming staff member is outside the F&B Manager's department
  'Query.staffMember': ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor'],
  'Query.staffMembers': ADMINS,
  'Query.trainingCourse': ADMINS,
  'Query.trainingCourses': ADMINS,
  'Query.trainingRecord': ADMINS,
  'Query.trainingRecords': ADMINS,
  'Query.performanceReview': MANAGERS_UP,
  'Query.performanceReviews': MANAGERS_UP,
  'Mutation.createStaffMember': ['SuperAdmin', 'GeneralAdmin', 'Manager'],
  'Mutation.createTrainingCourse': MANAGERS_UP,
  // these name a Gaming staff member or the Gaming department (see the overrides below)
  'Query.overdueTraining': ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor'],
  'Query.workforceDashboard': MANAGERS_UP,
  'Mutation.updateStaffMember': ['SuperAdmin', 'GeneralAdmin', 'Manager'],
  'Mutation.recordTrainingCompletion': ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor'],
  // loyalty's check of a host (service only)
  'Query.hostCandidate': [],
  // loyalty's theo of a host's members (service only)
  'Query.membersTheo': [],
  'Mutation.createPerformanceReview': ['SuperAdmin', 'GeneralAdmin', 'Manager'],
  // key rotation: compliance's service identity only
  'Mutation.resealWorkforceProtectedFields': [],
  // marketing
  'Query.marketingCampaign': ADMINS,
  'Query.marketingCampaigns': ADMINS,
  'Query.customerAnalytics': ADMINS,
  'Query.walkInGuest': ADMINS,
  'Query.walkInGuests': ADMINS,
  'Query.notification': ADMINS,
  'Query.notifications': ADMINS,
  'Query.notificationTemplate': ADMINS,
  'Query.notificationTemplates': ADMINS,
  'Mutation.registerWalkInGuest': ADMINS,
  'Mutation.createMarketingCampaign': MANAGERS_UP,
  'Mutation.createNotificationTemplate': MANAGERS_UP,
  'Query.previewCampaignAudience': MANAGERS_UP,
  'Query.marketingDashboard': MANAGERS_UP,
  'Mutation.updateCampaignStatus': MANAGERS_UP,
  'Mutation.sendNotification': MANAGERS_UP,
  'Mutation.markNotificationRead': MANAGERS_UP,
  'Mutation.recordGuestExit': ADMINS,
  'Mutation.convertWalkInGuest': ADMINS,
  // compliance
  'Query.me': ADMINS,
  'Query.adminUser': GENERAL_UP,
  'Query.adminUsers': GENERAL_UP,
  'Query.auditLog': GENERAL_UP,
  'Query.auditLogs': GENERAL_UP,
  'Query.complianceReport': MANAGERS_UP,
  'Query.complianceReports': MANAGERS_UP,
  'Query.dataRetentionPolicy': MANAGERS_UP,
  'Query.dataRetentionPolicies': MANAGERS_UP,
  'Mutation.login': ['anonymous', ...ADMINS],
  'Mutation.refreshToken': ['anonymous', ...ADMINS],
  'Mutation.logout': ADMINS,
  'Mutation.changeOwnPassword': ADMINS,
  'Mutation.beginTwoFactorEnrollment': ADMINS,
  'Mutation.confirmTwoFactor': ADMINS,
  'Mutation.createAdminUser': GENERAL_UP,
  'Mutation.changeAdminRole': GENERAL_UP,
  'Mutation.deactivateAdminUser': GENERAL_UP,
  'Mutation.resetAdminPassword': GENERAL_UP,
  'Mutation.recordAuditEvents': [],
  'Query.keyRotationRuns': ['SuperAdmin'],
  'Query.revokedSessions': [],
  'Mutation.rotateEncryptionKey': ['SuperAdmin'],
  // compliance reports, retention and erasure
  'Query.complianceDashboard': MANAGERS_UP,
  'Query.erasureRequests': GENERAL_UP,
  'Mutation.generateComplianceReport': GENERAL_UP,
  'Mutation.draftComplianceReport': MANAGERS_UP,
  'Mutation.completeComplianceReport': GENERAL_UP,
  'Mutation.submitComplianceReport': GENERAL_UP,
  'Mutation.approveComplianceReport': ['SuperAdmin'],
  'Mutation.createDataRetentionPolicy': GENERAL_UP,
  'Mutation.approveDataRetentionPolicy': ['SuperAdmin'],
  'Mutation.runRetentionPolicy': GENERAL_UP,
  'Mutation.placeLegalHold': GENERAL_UP,
  'Mutation.releaseLegalHold': GENERAL_UP,
  'Mutation.eraseMember': GENERAL_UP,
  'Mutation.recomputeCustomerAnalytics': GENERAL_UP,
  // what the subgraphs serve each other (service identity only): feeds for reports, dashboards and
  // analytics, and each owner's part of key rotation, retention and erasure
  'Query.complianceCashCounts': [],
  'Query.complianceMemberCounts': [],
  'Query.compliancePlayVolumes': [],
  'Query.responsibleGamingSummary': [],
  'Query.selfExcludedMemberIds': [],
  'Query.selfExclusionsInEffect': [],
  'Query.membersWithExpiringDocuments': [],
  'Query.memberPlayProfiles': [],
  'Mutation.resealLoyaltyProtectedFields': [],
  'Mutation.resealMarketingProtectedFields': [],
  'Mutation.applyGamingRetention': [],
  'Mutation.applyLoyaltyRetention': [],
  'Mutation.applyMarketingRetention': [],
  'Mutation.eraseGamingMemberData': [],
  'Mutation.eraseLoyaltyMemberData': [],
  'Mutation.eraseMarketingMemberData': [],
};

const DEMO_PASSWORD = 'demo-password-2026';
const schema = loadApiSchema();
const ROOT_FIELDS = (['Query', 'Mutation'] as const).flatMap((root) => {
  const type = root === 'Query' ? schema.getQueryType()! : schema.getMutationType()!;
  return Object.values(type.getFields()).map((field) => ({ root, field, key: `${root}.${field.name}` }));
});

/** A syntactically valid value for any input type: the rules, not the values, are under test. */
function placeholder(type: GraphQLInputType): unknown {
  if (type instanceof GraphQLNonNull) return placeholder(type.ofType);
  if (type instanceof GraphQLList) return [placeholder(type.ofType)];
  if (type instanceof GraphQLEnumType) return type.getValues()[0]!.value;
  if (type instanceof GraphQLInputObjectType) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, placeholder(f.type)]),
    );
  }
  const scalar = (type as GraphQLScalarType).name;
  const values: Record<string, unknown> = {
    ID: randomUUID(),
    String: 'placeholder',
    Int: 1,
    Float: 1.5,
    Boolean: true,
    DateTime: new Date().toISOString(),
    Money: '10.00',
    JSON: {},
  };
  return values[scalar] ?? 'placeholder';
}

function operationFor(root: 'Query' | 'Mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type));
  const declared = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  // select a real field when there is one, so type-level rules (department scope) are exercised too
  const selection =
    named instanceof GraphQLObjectType ? (named.getFields().id ? '{ id }' : '{ __typename }') : '';
  const keyword = root === 'Query' ? 'query' : 'mutation';
  return `${keyword} Cell${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selection} }`;
}

describe('access matrix: every root field for anonymous, each role and a Manager of another department', () => {
  let stack: TestStack;
  let client: MongoClient;
  const tokens = new Map<Who, string>();
  const credentials = new Map<Who, [string, string]>();
  let gamingStaffId = '';

  const login = async (username: string, password: string) => {
    const result = await stack.query<{ login: { token: string; refreshToken: string } }>(
      'mutation ($input: LoginInput!) { login(input: $input) { token refreshToken } }',
      { input: { username, password } },
    );
    if (!result.data?.login) throw new Error(`login of ${username} failed: ${JSON.stringify(result.errors)}`);
    return result.data.login;
  };

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 5 });
    client = await MongoClient.connect(stack.mongoUri);
    for (const [who, username] of [
      ['SuperAdmin', 'superadmin'],
      ['GeneralAdmin', 'generaladmin'],
      ['Manager', 'manager'],
      ['Supervisor', 'supervisor'],
    ] as const) {
      tokens.set(who, (await login(username, DEMO_PASSWORD)).token);
      credentials.set(who, [username, DEMO_PASSWORD]);
    }
    const created = await stack.query(
      'mutation ($input: CreateAdminUserInput!) { createAdminUser(input: $input) { id } }',
      {
        input: {
          username: 'fnb-manager',
          email: 'fnb.manager@casino.example',
          fullName: 'F&B Manager',
          role: 'Manager',
          department: 'F&B',
          password: 'a-long-enough-password',
        },
      },
      { token: tokens.get('SuperAdmin') },
    );
    expect(created.errors).toBeUndefined();
    tokens.set('OtherManager', (await login('fnb-manager', 'a-long-enough-password')).token);
    credentials.set('OtherManager', ['fnb-manager', 'a-long-enough-password']);
    const staff = await client
      .db(stack.databases.workforce)
      .collection('staff_members')
      .findOne({ department: 'Gaming' });
    gamingStaffId = String(staff!.id);
  }, 180_000);
  afterAll(async () => {
    await client?.close();
    await stack?.stop();
  });

  /** Arguments that make a cell meaningful rather than merely valid. */
  const overrides: Record<string, () => Promise<Record<string, unknown>>> = {
    'Query.staffMember': async () => ({ id: gamingStaffId }),
    'Query.overdueTraining': async () => ({ department: 'Gaming' }),
    'Mutation.updateStaffMember': async () => ({ input: { id: gamingStaffId, phone: 'not a phone' } }),
    'Mutation.recordTrainingCompletion': async () => ({
      input: {
        staffMemberId: gamingStaffId,
        courseId: randomUUID(),
        score: 90,
        completedAt: new Date().toISOString(),
      },
    }),
    'Mutation.createPerformanceReview': async () => ({
      input: {
        ...(placeholder(schema.getType('CreatePerformanceReviewInput') as GraphQLInputType) as object),
        staffMemberId: gamingStaffId,
      },
    }),
    'Mutation.createStaffMember': async () => ({
      input: {
        ...(placeholder(schema.getType('CreateStaffMemberInput') as GraphQLInputType) as object),
        department: 'Gaming',
      },
    }),
    // a target role a GeneralAdmin may manage, so the cell tests the rule rather than the role ceiling
    'Mutation.createAdminUser': async () => ({
      input: {
        username: `cell-${randomUUID().slice(0, 8)}`,
        email: 'not-an-email',
        fullName: 'Matrix Cell',
        role: 'Supervisor',
        department: 'Gaming',
        password: 'a-long-enough-password',
      },
    }),
    'Mutation.changeAdminRole': async () => ({ input: { id: randomUUID(), role: 'Supervisor' } }),
    'Mutation.login': async () => ({ input: { username: 'generaladmin', password: DEMO_PASSWORD } }),
    'Mutation.refreshToken': async () => ({
      input: { refreshToken: (await login('generaladmin', DEMO_PASSWORD)).refreshToken },
    }),
  };

  it('has an expectation for every root field, and no stale ones', () => {
    const keys = ROOT_FIELDS.map((f) => f.key).sort();
    expect(keys.filter((k) => !(k in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((k) => !keys.includes(k))).toEqual([]);
  });

  const cells = ROOT_FIELDS.flatMap(({ root, field, key }) =>
    WHO.map((who) => [key, who, root, field] as const),
  );

  it.each(cells)('%s as %s', async (key, who, root, field) => {
    const variables =
      (await overrides[key]?.()) ??
      Object.fromEntries(
        field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, placeholder(a.type)]),
      );
    // signing out ends the session of the token used: that cell gets a session of its own
    const own = key === 'Mutation.logout' ? credentials.get(who) : undefined;
    const token = own ? (await login(...own)).token : tokens.get(who);
    const result = await stack.query(operationFor(root, field), variables, { token });
    const denial = result.errors?.find(
      (e) =>
        e.path?.[0] === field.name && ['FORBIDDEN', 'UNAUTHENTICATED'].includes(String(e.extensions?.code)),
    );
    const expected = EXPECTED[key]?.includes(who) ? 'allowed' : 'denied';
    const actual = denial ? 'denied' : 'allowed';
    expect(`${key} as ${who}: ${actual}`).toBe(`${key} as ${who}: ${expected}`);
    if (denial)
      expect(String(denial.extensions?.code)).toBe(who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  });

  afterAll(() => {
    process.stdout.write(
      `access matrix: ${ROOT_FIELDS.length} root fields x ${WHO.length} identities = ${cells.length} cells\n`,
    );
  });
});
