import type { Identity } from '@casino/auth';
import {
  REQUEST_CREDENTIAL_HEADER,
  ServiceClient,
  developmentSigner,
  signRequestCredential,
} from '@casino/auth';
import { readProcessEnv } from '@casino/config';
import { keyIdOf } from '@casino/crypto';
import { createLogger } from '@casino/logger';
import { connectMongo } from '@casino/mongo';
import type { MongoConnection } from '@casino/mongo';
import { parseSubgraphEnv, startSubgraph } from '@casino/server';
import type { RunningSubgraph } from '@casino/server';
import { workforceSubgraph } from '@casino/workforce';
import { complianceSubgraph } from '../index';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { KeyRotationService, RESEAL_TARGETS } from './key-rotation-service';
import type { ResealTarget } from './key-rotation-service';
import { KeyRotationStore } from './key-rotation-store';
import {
  keyRotationEnvs,
  startSubgraphHarness,
  TEST_SUPERADMIN,
  testIdentity,
  uniqueDatabase,
} from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const GENERAL_ADMIN: Identity = testIdentity('GeneralAdmin', {
  userId: '00000000-0000-4000-8000-0000000000e1',
  username: 'test-general',
});

const RUN_FIELDS = `id status keyId batchSize maxBatches startedAt finishedAt failedSubgraphs error
  fields { subgraph collection field resealed remaining keyId }`;
const ROTATE = `mutation($input: RotateEncryptionKeyInput) { rotateEncryptionKey(input: $input) { ${RUN_FIELDS} } }`;
const RUNS = `{ keyRotationRuns(first: 10) { totalCount edges { node { id status } } } }`;
const SALARIES = `{ staffMembers(first: 50) { edges { node { id salary } } } }`;
const STAFF = 7;

const keyrings = keyRotationEnvs();

/** The real workforce subgraph over HTTP, on a database kept across restarts (e.g. with another keyring). */
class TestWorkforce {
  running: RunningSubgraph | null = null;
  readonly database = uniqueDatabase('workforce');

  async start(protection: Record<string, string>): Promise<void> {
    const env = parseSubgraphEnv(workforceSubgraph, {
      MONGODB_URI: readProcessEnv().MONGODB_URI,
      MONGODB_DATABASE: this.database,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...protection,
    });
    this.running = await startSubgraph(workforceSubgraph, {
      env,
      logger: createLogger({ name: 'workforce', level: 'silent' }),
    });
  }

  async stop(): Promise<void> {
    await this.running?.stop();
    this.running = null;
  }

  /** Calls workforce as compliance; refused (like a service that is down) while it is stopped. */
  client(as: string): Pick<ServiceClient, 'request'> {
    const request = (document: never, variables: never) => {
      if (!this.running) throw new Error('workforce unreachable: connection refused');
      return new ServiceClient({
        url: this.running.url,
        target: 'workforce',
        signer: developmentSigner(as),
      }).request(document, variables);
    };
    return { request: request as ServiceClient['request'] };
  }

  /** Calls workforce as a SuperAdmin signed in at the gateway. */
  async asAdmin<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const body = JSON.stringify({ query, variables });
    const credential = await signRequestCredential(developmentSigner('gateway'), {
      identity: TEST_SUPERADMIN,
      audience: 'workforce',
      body,
    });
    const response = await fetch(this.running!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [REQUEST_CREDENTIAL_HEADER]: credential },
      body,
    });
    const answer = (await response.json()) as { data: T; errors?: unknown[] };
    expect(answer.errors).toBeUndefined();
    return answer.data;
  }
}

describe('rotateEncryptionKey with the real workforce subgraph', () => {
  const workforce = new TestWorkforce();
  let raw: MongoConnection;
  let harness: SubgraphHarness;
  /** The subgraphs this compliance rotates (the test's workforce only, unless a test says otherwise) */
  const targets: ResealTarget[] = RESEAL_TARGETS.filter((target) => target.subgraph === 'workforce');
  const rotate = (input: Record<string, number> | null, identity: Identity = TEST_SUPERADMIN) =>
    harness.execute<{ rotateEncryptionKey: Record<string, unknown> }>(ROTATE, { input }, { identity });
  const salariesAs = () =>
    workforce.asAdmin<{ staffMembers: { edges: { node: Record<string, string> }[] } }>(SALARIES);

  beforeAll(async () => {
    raw = await connectMongo({
      uri: readProcessEnv().MONGODB_URI!,
      database: workforce.database,
      appName: 'key-rotation-test',
    });
    harness = await startSubgraphHarness({
      ...complianceSubgraph,
      createServices: (deps) => {
        const shared = complianceSubgraph.createServices!(deps);
        const keyRotation = new KeyRotationService(
          shared.stores.keyRotations,
          { ...deps.services, workforce: workforce.client('compliance') },
          DEFAULT_COMPLIANCE_SETTINGS,
          targets,
        );
        return { ...shared, services: { ...shared.services, keyRotation } };
      },
    });
  });
  afterAll(async () => {
    await workforce.stop();
    await raw.db.dropDatabase();
    await raw.close();
    await harness.close();
  });

  it('is for SuperAdmins only, and checks its input', async () => {
    const denied = await rotate(null, GENERAL_ADMIN);
    expect(denied.data).toBeNull();
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await harness.execute(RUNS, {}, { identity: GENERAL_ADMIN });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const [input, field] of [
      [{ batchSize: 0 }, 'input.batchSize'],
      [{ batchSize: 1001 }, 'input.batchSize'],
      [{ maxBatches: 0 }, 'input.maxBatches'],
    ] as const) {
      const result = await rotate(input);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await harness.db.collection('key_rotations').countDocuments()).toBe(0);
  });

  it('re-seals in batches, stops at maxBatches, fails while workforce is down and finishes on a rerun', async () => {
    // staff hired under k1 through workforce's API: salaries sealed with k1
    await workforce.start(keyrings.before);
    const hire = `mutation($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { id } }`;
    for (let i = 0; i < STAFF; i++) {
      await workforce.asAdmin(hire, {
        input: {
          employeeId: `EMP-K${i}`,
          firstName: 'Key',
          lastName: `Holder${i}`,
          email: `key.holder${i}@casino.example`,
          phone: '+94 77 000 2222',
          position: 'Dealer',
          department: 'Gaming',
          hireDate: '2025-01-01T00:00:00.000Z',
          salary: `${40000 + i}.50`,
        },
      });
    }
    const before = await salariesAs();
    expect(before.staffMembers.edges).toHaveLength(STAFF);
    const stored = await raw.db.collection('staff_members').find({}).toArray();
    for (const doc of stored) expect(keyIdOf(doc.salary as string)).toBe('k1');

    // the operator rolls the services to the keyring k2,k1 with k2 current
    await workforce.stop();
    await workforce.start(keyrings.during);

    const first = await rotate({ batchSize: 2, maxBatches: 2 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.rotateEncryptionKey).toMatchObject({
      status: 'incomplete',
      keyId: 'k2',
      batchSize: 2,
      maxBatches: 2,
      failedSubgraphs: [],
      error: null,
      fields: [
        {
          subgraph: 'workforce',
          collection: 'staff_members',
          field: 'salary',
          resealed: 4,
          remaining: STAFF - 4,
          keyId: 'k2',
        },
      ],
    });
    expect(first.data!.rotateEncryptionKey.finishedAt).not.toBeNull();
    // mid-way, salaries under either key read the same
    expect(await salariesAs()).toEqual(before);
    // nothing of a salary reaches compliance: not in the run, not in the audit trail
    const audited = harness.auditEvents.filter((e) => e.action === 'rotateEncryptionKey');
    expect(audited.length).toBeGreaterThan(0);
    const runs = JSON.stringify(await harness.db.collection('key_rotations').find({}).toArray());
    for (const edge of before.staffMembers.edges) {
      expect(runs).not.toContain(edge.node.salary!);
      expect(JSON.stringify(harness.auditEvents)).not.toContain(edge.node.salary!);
    }

    // workforce goes down: the run is stored failed, naming it, and the caller gets SERVICE_UNAVAILABLE
    await workforce.stop();
    const down = await rotate({ batchSize: 2 });
    expect(down.data).toBeNull();
    expect(down.errors?.[0]?.extensions).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      service: 'workforce',
    });
    const failedRun = await harness.db
      .collection('key_rotations')
      .findOne({ id: down.errors![0]!.extensions!.runId as string });
    expect(failedRun).toMatchObject({ status: 'failed', failed_subgraphs: ['workforce'] });
    expect(failedRun!.finished_at).toBeInstanceOf(Date);

    // back up: a rerun with the defaults finishes the job
    await workforce.start(keyrings.during);
    const rerun = await rotate(null);
    expect(rerun.errors).toBeUndefined();
    expect(rerun.data!.rotateEncryptionKey).toMatchObject({
      status: 'completed',
      batchSize: DEFAULT_COMPLIANCE_SETTINGS.keyRotationBatchSize,
      maxBatches: DEFAULT_COMPLIANCE_SETTINGS.keyRotationMaxBatches,
      fields: [expect.objectContaining({ resealed: STAFF - 4, remaining: 0 })],
    });
    for (const doc of await raw.db.collection('staff_members').find({}).toArray()) {
      expect(doc.salary).toMatch(/^enc\.v1\.k2\./);
    }
    // nothing left: another run completes at once
    const again = await rotate(null);
    expect(again.data!.rotateEncryptionKey).toMatchObject({
      status: 'completed',
      fields: [expect.objectContaining({ resealed: 0, remaining: 0 })],
    });

    // the old key can go: with k2 only, every salary reads as before
    await workforce.stop();
    await workforce.start(keyrings.after);
    expect(await salariesAs()).toEqual(before);

    const list = await harness.execute<{
      keyRotationRuns: { totalCount: number; edges: { node: { status: string } }[] };
    }>(RUNS);
    expect(list.errors).toBeUndefined();
    expect(list.data!.keyRotationRuns.totalCount).toBe(4);
    expect(list.data!.keyRotationRuns.edges.map((e) => e.node.status)).toEqual([
      'completed',
      'completed',
      'failed',
      'incomplete',
    ]);
  });

  it('calls loyalty, marketing and workforce by default; any that is down fails the run, the others go on', async () => {
    targets.splice(0, targets.length, ...RESEAL_TARGETS);
    // the harness's loyalty and marketing clients point at nothing that answers
    const result = await rotate({ batchSize: 5, maxBatches: 1 });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      services: ['loyalty', 'marketing'],
    });
    const run = await new KeyRotationStore(harness.db).findById(
      result.errors![0]!.extensions!.runId as string,
    );
    expect(run).toMatchObject({
      status: 'failed',
      failed_subgraphs: ['loyalty', 'marketing'],
      key_id: 'k2',
      fields: [expect.objectContaining({ subgraph: 'workforce', remaining: 0 })],
    });
  });
});
