import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Identity, ServiceClient } from '@casino/auth';
import { ResealLoyaltyProtectedFieldsDocument } from '@casino/loyalty/operations';
import { ResealMarketingProtectedFieldsDocument } from '@casino/marketing/operations';
import { ResealWorkforceProtectedFieldsDocument } from '@casino/workforce/operations';
import { serviceUnavailable, validateInput } from '@casino/errors';
import type { Logger } from '@casino/logger';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { ComplianceSettings } from '../settings';
import type {
  KeyRotationFieldProgress,
  KeyRotationRunDocument,
  KeyRotationStore,
} from './key-rotation-store';

/**
 * One subgraph's protected fields: re-sealed over HTTP by its service-only mutation (sent through the
 * subgraph's service client), or (compliance's own TOTP secrets) in-process by a function doing what such a
 * mutation does.
 */
export type ResealTarget =
  | {
      subgraph: string;
      resealVia: (
        client: Pick<ServiceClient, 'request'>,
        batchSize: number,
      ) => Promise<ProtectedFieldRotation[]>;
    }
  | { subgraph: string; reseal: (batchSize: number) => Promise<ProtectedFieldRotation[]> };

/**
 * The other subgraphs holding protected fields, and the service-only mutation that re-seals each one's
 * (compliance's own TOTP secrets are added in-process by its services, see `complianceResealTarget`).
 */
export const RESEAL_TARGETS: readonly ResealTarget[] = [
  {
    subgraph: 'loyalty',
    resealVia: async (client, batchSize) =>
      (await client.request(ResealLoyaltyProtectedFieldsDocument, { batchSize }))
        .resealLoyaltyProtectedFields,
  },
  {
    subgraph: 'marketing',
    resealVia: async (client, batchSize) =>
      (await client.request(ResealMarketingProtectedFieldsDocument, { batchSize }))
        .resealMarketingProtectedFields,
  },
  {
    subgraph: 'workforce',
    resealVia: async (client, batchSize) =>
      (await client.request(ResealWorkforceProtectedFieldsDocument, { batchSize }))
        .resealWorkforceProtectedFields,
  },
];

/** What the re-seal mutations answer (the shareable ProtectedFieldRotation type). */
export interface ProtectedFieldRotation {
  collection: string;
  field: string;
  resealed: number;
  remaining: number;
  keyId: string;
}

/** Bounds of the inputs: a subgraph takes at most 1000 values per re-seal call. */
export const KEY_ROTATION_LIMITS = { maxBatchSize: 1_000, maxBatches: 1_000_000 } as const;

const rotateInput = z.object({
  batchSize: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(KEY_ROTATION_LIMITS.maxBatchSize, `must be at most ${KEY_ROTATION_LIMITS.maxBatchSize}`),
  maxBatches: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(KEY_ROTATION_LIMITS.maxBatches, `must be at most ${KEY_ROTATION_LIMITS.maxBatches}`),
});

export interface RotateEncryptionKeyInput {
  batchSize?: number | null;
  maxBatches?: number | null;
}

/**
 * `rotateEncryptionKey`: after the operator has given every service holding personal data a keyring with the
 * new key as current (the old one kept for reading), this re-seals every protected value under it by calling
 * each subgraph's service-only re-seal mutation in batches, until every field reports nothing remaining or
 * `maxBatches` calls per subgraph were made. The subgraphs re-seal with compare-and-set, so a run can stop
 * anywhere (or run beside another) without losing a value; calling it again resumes whatever is left. Only
 * the subgraphs open and seal values: no other subgraph's protected value ever reaches compliance (its own
 * TOTP secrets it re-seals in-process, reported as subgraph `compliance`).
 */
export class KeyRotationService {
  constructor(
    private readonly store: KeyRotationStore,
    private readonly clients: Record<string, Pick<ServiceClient, 'request'>>,
    private readonly settings: ComplianceSettings,
    private readonly targets: readonly ResealTarget[] = RESEAL_TARGETS,
  ) {}

  /** A page of key rotation runs, newest first. */
  runPage(args: PageArgs, paging: PagingConfig) {
    return this.store.page(args, paging);
  }

  /** `log`: where a subgraph that did not answer is logged (the request's logger). */
  async rotate(
    identity: Identity,
    rawInput: RotateEncryptionKeyInput | null | undefined,
    log?: Pick<Logger, 'warn'>,
    now = () => new Date(),
  ): Promise<KeyRotationRunDocument> {
    const input = validateInput(rotateInput, {
      batchSize: rawInput?.batchSize ?? this.settings.keyRotationBatchSize,
      maxBatches: rawInput?.maxBatches ?? this.settings.keyRotationMaxBatches,
    });
    const run: KeyRotationRunDocument = {
      id: randomUUID(),
      started_at: now(),
      finished_at: null,
      started_by: identity.kind === 'admin' ? identity.userId : `service:${identity.kind}`,
      key_id: null,
      status: 'incomplete',
      batch_size: input.batchSize,
      max_batches: input.maxBatches,
      fields: [],
      failed_subgraphs: [],
      error: null,
    };
    await this.store.insert(run);

    const keyIds = new Map<string, string>();
    for (const target of this.targets) {
      try {
        await this.rotateSubgraph(run, target, input, keyIds);
      } catch (error) {
        // the subgraph is down (or refused): note it, go on with the others; a rerun finishes the job
        log?.warn(
          { subgraph: target.subgraph, runId: run.id, err: error },
          'key rotation: subgraph did not answer',
        );
        run.failed_subgraphs.push(target.subgraph);
      }
    }

    const keys = [...new Set(keyIds.values())];
    const done = run.fields.every((f) => f.remaining === 0);
    if (run.failed_subgraphs.length > 0) {
      run.status = 'failed';
      run.error = `could not re-seal the fields of ${run.failed_subgraphs.join(', ')}: service unavailable`;
    } else if (keys.length > 1) {
      run.status = 'failed';
      run.error = `the subgraphs seal with different current keys (${[...keyIds]
        .map(([subgraph, key]) => `${subgraph}: ${key}`)
        .join(', ')}); give every service the same DATA_ENCRYPTION_KEY_ID`;
    } else {
      run.status = done ? 'completed' : 'incomplete';
    }
    run.finished_at = now();
    await this.store.save(run);
    if (run.failed_subgraphs.length > 0) {
      throw serviceUnavailable(
        `Key rotation run ${run.id} failed: ${run.failed_subgraphs.join(', ')} could not be reached; run it again when ${run.failed_subgraphs.length > 1 ? 'they are' : 'it is'} back to finish the job`,
        {
          extensions: {
            service: run.failed_subgraphs[0],
            services: run.failed_subgraphs,
            runId: run.id,
          },
        },
      );
    }
    return run;
  }

  /** Batches of one subgraph until its fields are done, `maxBatches` is reached, or a batch moves nothing. */
  private async rotateSubgraph(
    run: KeyRotationRunDocument,
    target: ResealTarget,
    input: { batchSize: number; maxBatches: number },
    keyIds: Map<string, string>,
  ): Promise<void> {
    const reseal = this.resealer(target);
    for (let batch = 0; batch < input.maxBatches; batch++) {
      const progress = await reseal(input.batchSize);
      for (const field of progress) {
        keyIds.set(target.subgraph, field.keyId);
        run.key_id ??= field.keyId;
        mergeProgress(run.fields, target.subgraph, field);
      }
      await this.store.save(run);
      if (progress.every((f) => f.remaining === 0)) return;
      // values remain but none could be re-sealed (each lost its compare-and-set): leave them to a rerun
      if (progress.every((f) => f.resealed === 0)) return;
    }
  }

  /** One re-seal batch of the target: its own function, or its mutation through the service client. */
  private resealer(target: ResealTarget): (batchSize: number) => Promise<ProtectedFieldRotation[]> {
    if ('reseal' in target) return target.reseal;
    const client = this.clients[target.subgraph];
    if (!client) throw new Error(`no service client for ${target.subgraph}`);
    return (batchSize) => target.resealVia(client, batchSize);
  }
}

function mergeProgress(
  fields: KeyRotationFieldProgress[],
  subgraph: string,
  progress: ProtectedFieldRotation,
): void {
  const existing = fields.find(
    (f) => f.subgraph === subgraph && f.collection === progress.collection && f.field === progress.field,
  );
  if (existing) {
    existing.resealed += progress.resealed;
    existing.remaining = progress.remaining;
    existing.key_id = progress.keyId;
    return;
  }
  fields.push({
    subgraph,
    collection: progress.collection,
    field: progress.field,
    resealed: progress.resealed,
    remaining: progress.remaining,
    key_id: progress.keyId,
  });
}
