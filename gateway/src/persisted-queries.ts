import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { GraphQLError, Kind, parse, print } from 'graphql';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { ROLES, hasRoleOrPermission } from '@casino/auth';
import type { Identity, Role, connectRedis } from '@casino/auth';
import { z } from '@casino/config';
import type { RequestBase } from '@casino/server';

/**
 * `apq`: automatic persisted queries (any operation may be registered by hash, and every manifest operation is
 * known by its id from the start); `safelist`: only the operations of the published manifests run, by id or
 * by body, except for callers allowed ad-hoc operations; `off`: no persisted queries at all.
 */
export const PERSISTED_QUERY_MODES = ['apq', 'safelist', 'off'] as const;
export type PersistedQueryMode = (typeof PERSISTED_QUERY_MODES)[number];

export const persistedQueryEnv = {
  /** Persisted query mode: `apq` (automatic persisted queries), `safelist` (only the manifests' operations, plus ad-hoc ones for allowed admins) or `off` */
  PERSISTED_QUERIES: z.enum(PERSISTED_QUERY_MODES).default('apq'),
  /** Every `*.json` file here is a manifest in Apollo's persisted query manifest format (`pnpm pq:manifest`). */
  PERSISTED_QUERY_MANIFEST_DIR: z
    .string()
    .default(path.resolve(__dirname, '..', '..', 'schema', 'persisted-queries')),
  /** How long a registered APQ operation is remembered (in Redis with REDIS_URL, in memory otherwise). */
  APQ_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
  /**
   * In safelist mode, signed-in admins of this role or above may still send operations of their own (analysts
   * in Sandbox, the dashboards); `none` leaves it to the permission alone.
   */
  ADHOC_OPERATIONS_MIN_ROLE: z.enum([...ROLES, 'none']).default('Manager'),
  /** The permission that grants ad-hoc operations in safelist mode to an admin below that role. */
  ADHOC_OPERATIONS_PERMISSION: z.string().min(1).default('operations:adhoc'),
};

export interface PersistedQuerySettings {
  PERSISTED_QUERIES: PersistedQueryMode;
  PERSISTED_QUERY_MANIFEST_DIR: string;
  APQ_TTL_SECONDS: number;
  ADHOC_OPERATIONS_MIN_ROLE: Role | 'none';
  ADHOC_OPERATIONS_PERMISSION: string;
}

type Redis = ReturnType<typeof connectRedis>;

export const PERSISTED_QUERY_NOT_IN_LIST = 'PERSISTED_QUERY_NOT_IN_LIST';

interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/),
      name: z.string(),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string(),
    }),
  ),
});

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

const MATCHED_TEXTS_REMEMBERED = 10_000;

/** The operations of every published manifest, by id and by normalized body. */
export class PersistedQueryList {
  private readonly byId = new Map<string, ManifestOperation>();
  private readonly normalizedBodies = new Set<string>();
  private readonly matchedTextHashes = new Set<string>();

  constructor(operations: ManifestOperation[]) {
    for (const operation of operations) {
      this.byId.set(operation.id, operation);
      this.normalizedBodies.add(print(parse(operation.body)));
    }
  }

  /** Reads every manifest in the folder; a malformed manifest or an id that is not its body's hash stops the start. */
  static fromDirectory(dir: string): PersistedQueryList {
    const files = readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort();
    const operations: ManifestOperation[] = [];
    for (const file of files) {
      const where = path.join(dir, file);
      const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(where, 'utf8')));
      if (!parsed.success)
        throw new Error(`${where} is not a persisted query manifest: ${parsed.error.message}`);
      for (const operation of parsed.data.operations) {
        if (sha256Hex(operation.body) !== operation.id) {
          throw new Error(`${where}: the id of ${operation.name} is not the sha256 of its body`);
        }
        operations.push(operation);
      }
    }
    return new PersistedQueryList(operations);
  }

  get size(): number {
    return this.byId.size;
  }

  bodyOf(id: string): string | undefined {
    return this.byId.get(id)?.body;
  }

  /** Sent with a manifest id (for a text, Apollo's hash of it: the same when the text is the manifest body). */
  hasId(queryHash: string | undefined): boolean {
    return queryHash !== undefined && this.byId.has(queryHash);
  }

  /**
   * A manifest body up to formatting. Printing the document is the costly part, so the hashes of texts found
   * to match are remembered (a bounded number: only texts that match get in).
   */
  hasBody(queryHash: string | undefined, document: DocumentNode): boolean {
    if (queryHash !== undefined && this.matchedTextHashes.has(queryHash)) return true;
    if (!this.normalizedBodies.has(print(document))) return false;
    if (queryHash !== undefined && this.matchedTextHashes.size < MATCHED_TEXTS_REMEMBERED) {
      this.matchedTextHashes.add(queryHash);
    }
    return true;
  }
}

/** The APQ entries in Redis, shared by every gateway replica. */
export class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'casino:',
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (options?.ttl) await this.redis.set(this.prefix + key, value, 'EX', Math.ceil(options.ttl));
    else await this.redis.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.prefix + key)) > 0;
  }
}

/** Apollo Server keys APQ entries as `apq:<sha256>`. */
const hashOfKey = (key: string): string => key.slice(key.lastIndexOf(':') + 1);

/**
 * Manifest operations answer first, so any replica knows the published operations by id without a
 * registration round trip; other hashes go to the registration store, which safelist mode does not have.
 */
class ManifestFirstCache implements KeyValueCache<string> {
  constructor(
    private readonly list: PersistedQueryList,
    private readonly registered: KeyValueCache<string> | null,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return this.list.bodyOf(hashOfKey(key)) ?? (await this.registered?.get(key));
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (this.list.bodyOf(hashOfKey(key)) !== undefined) return;
    await this.registered?.set(key, value, options);
  }

  async delete(key: string): Promise<boolean | void> {
    return this.registered?.delete(key);
  }
}

/** Ad hoc operations that no mode refuses: signing in (analysts in Sandbox) and introspection, which has its own policy. */
const ALWAYS_OPEN_ROOT_FIELDS = new Set([
  'login',
  'refreshToken',
  'logout',
  '__schema',
  '__type',
  '__typename',
]);

function onlyOpenRootFields(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && ALWAYS_OPEN_ROOT_FIELDS.has(selection.name.value),
  );
}

export function notInListError(): GraphQLError {
  return new GraphQLError(
    'PersistedQueryNotInList: this operation is not in the published persisted query list; send a registered operation (by id or body), or sign in with a role or permission allowed ad-hoc operations',
    { extensions: { code: PERSISTED_QUERY_NOT_IN_LIST, http: { status: 400 } } },
  );
}

export interface PersistedQueries {
  list: PersistedQueryList;
  /** Apollo Server's `persistedQueries` option. */
  apolloOption: ApolloServerOptions<RequestBase>['persistedQueries'];
  /** The safelist check (a no-op plugin outside safelist mode). */
  plugin: ApolloServerPlugin<RequestBase>;
}

export function createPersistedQueries(
  settings: PersistedQuerySettings,
  redis: Redis | null,
): PersistedQueries {
  const list = PersistedQueryList.fromDirectory(settings.PERSISTED_QUERY_MANIFEST_DIR);
  const mode = settings.PERSISTED_QUERIES;
  const mayRunAdhoc = (identity: Identity): boolean =>
    settings.ADHOC_OPERATIONS_MIN_ROLE === 'none'
      ? identity.kind === 'admin' && identity.permissions.includes(settings.ADHOC_OPERATIONS_PERMISSION)
      : hasRoleOrPermission(
          identity,
          settings.ADHOC_OPERATIONS_MIN_ROLE,
          settings.ADHOC_OPERATIONS_PERMISSION,
        );

  const registered =
    mode === 'apq'
      ? redis
        ? new RedisKeyValueCache(redis)
        : new InMemoryLRUCache<string>({ maxSize: 32 * 1024 * 1024 })
      : null;
  const apolloOption =
    mode === 'off'
      ? false
      : { cache: new ManifestFirstCache(list, registered), ttl: settings.APQ_TTL_SECONDS };

  const plugin: ApolloServerPlugin<RequestBase> =
    mode !== 'safelist'
      ? {}
      : {
          async requestDidStart() {
            return {
              async didResolveOperation(context) {
                const { operation, queryHash, document } = context;
                if (list.hasId(queryHash)) return;
                if (operation && onlyOpenRootFields(operation)) return;
                // it runs, but is never remembered: safelist mode has no registration store
                if (mayRunAdhoc(context.contextValue.identity)) return;
                // the body of a registered operation, formatted otherwise (printing is the costly part: last)
                if (list.hasBody(queryHash, document!)) return;
                throw notInListError();
              },
              async willSendResponse({ response, contextValue }) {
                // an id that is not in the list: no point asking for the text, which would be refused too,
                // unless this caller may run it ad hoc
                if (response.body.kind !== 'single') return;
                const errors = response.body.singleResult.errors;
                if (errors?.[0]?.extensions?.code !== 'PERSISTED_QUERY_NOT_FOUND') return;
                if (mayRunAdhoc(contextValue.identity)) return;
                const refusal = notInListError();
                response.body.singleResult.errors = [
                  { message: refusal.message, extensions: { code: PERSISTED_QUERY_NOT_IN_LIST } },
                ];
                response.http.status = 400;
              },
            };
          },
        };
  return { list, apolloOption, plugin };
}
