import { timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type express from 'express';
import type { MongoClient } from 'mongodb';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How a service exposes its metrics (METRICS_ENABLED, METRICS_TOKEN, METRICS_MAX_LABEL_VALUES). */
export interface MetricsSettings {
  enabled: boolean;
  /** When set, `GET /metrics` asks for `Authorization: Bearer <token>`; otherwise scrape it on the internal network. */
  token?: string;
  /** Distinct operation, client, code, command and collection names kept per label; later ones become `other`. */
  maxLabelValues: number;
}

export const DEFAULT_METRICS_SETTINGS: MetricsSettings = { enabled: true, maxLabelValues: 200 };

export const METRICS_PATH = '/metrics';
const OTHER = 'other';
const MAX_LABEL_LENGTH = 64;
const MAX_COMMANDS_IN_FLIGHT = 10_000;

/**
 * The values a label may take: the first `max` distinct ones seen, clipped, then `other`, so callers who send
 * random operation or client names cannot grow the series without bound.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  of(value: string): string {
    const clipped = value.slice(0, MAX_LABEL_LENGTH);
    if (this.seen.has(clipped)) return clipped;
    if (this.seen.size >= this.max) return OTHER;
    this.seen.add(clipped);
    return clipped;
  }
}

/** Something that waits to be delivered: how many rows, and since when the oldest one. */
export interface BacklogSource {
  pending(): Promise<number>;
  oldestPendingAt(): Promise<Date | null>;
}

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus metrics of one service: its own registry (the one-process stack runs six services side by
 * side, so the global registry would mix them), labelled with `service`, and the instruments the service feeds.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly operations: BoundedLabel;
  private readonly clients: BoundedLabel;
  private readonly codes: BoundedLabel;
  private readonly commands: BoundedLabel;
  private readonly collections: BoundedLabel;

  readonly requestDuration: Histogram<'operation' | 'client' | 'outcome'>;
  readonly errors: Counter<'code'>;
  readonly subgraphFetchDuration: Histogram<'subgraph' | 'outcome'>;
  readonly mongoCommandDuration: Histogram<'command' | 'collection' | 'outcome'>;
  readonly mongoConnectionsInUse: Gauge;
  readonly jobRuns: Counter<'job' | 'outcome'>;
  readonly jobDuration: Histogram<'job' | 'outcome'>;

  constructor(
    readonly service: string,
    readonly settings: MetricsSettings = DEFAULT_METRICS_SETTINGS,
  ) {
    const max = settings.maxLabelValues;
    this.operations = new BoundedLabel(max);
    this.clients = new BoundedLabel(max);
    this.codes = new BoundedLabel(max);
    this.commands = new BoundedLabel(max);
    this.collections = new BoundedLabel(max);
    const registers = [this.registry];
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.requestDuration = new Histogram({
      name: 'casino_graphql_request_duration_seconds',
      help: 'GraphQL requests by operation name, client name and outcome (ok, or error when the response has errors)',
      labelNames: ['operation', 'client', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'casino_graphql_errors_total',
      help: 'GraphQL errors answered, by extensions.code',
      labelNames: ['code'],
      registers,
    });
    this.subgraphFetchDuration = new Histogram({
      name: 'casino_gateway_subgraph_fetch_duration_seconds',
      help: 'Gateway fetches to a subgraph, by subgraph and outcome (ok, error when the fetch failed or answered non-2xx)',
      labelNames: ['subgraph', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.mongoCommandDuration = new Histogram({
      name: 'casino_mongodb_command_duration_seconds',
      help: 'MongoDB commands by command name, collection and outcome',
      labelNames: ['command', 'collection', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.mongoConnectionsInUse = new Gauge({
      name: 'casino_mongodb_pool_connections_in_use',
      help: 'MongoDB connections checked out of the pool',
      registers,
    });
    this.jobRuns = new Counter({
      name: 'casino_job_runs_total',
      help: 'Scheduled job passes (background jobs and outbox deliveries) this replica ran, by job and outcome (ok, failed)',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'casino_job_duration_seconds',
      help: 'How long scheduled job passes took on this replica, by job and outcome',
      labelNames: ['job', 'outcome'],
      buckets: [...SECONDS_BUCKETS, 30, 60, 300, 900, 3600],
      registers,
    });
  }

  /** Counts and times one pass of a scheduled job (job names are the code's own, a handful per service). */
  observeJobPass(pass: { job: string; outcome: string; durationMs: number }): void {
    this.jobRuns.inc({ job: pass.job, outcome: pass.outcome });
    this.jobDuration.observe({ job: pass.job, outcome: pass.outcome }, pass.durationMs / 1000);
  }

  /** Times every GraphQL request and counts its errors by code. */
  apolloPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
    return {
      requestDidStart: async ({ request }) => {
        const started = process.hrtime.bigint();
        const client = request.http?.headers.get('apollographql-client-name');
        return {
          didEncounterErrors: async ({ errors }) => {
            for (const error of errors) {
              const code = error.extensions?.code;
              this.errors.inc({
                code: this.codes.of(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR'),
              });
            }
          },
          willSendResponse: async ({ operation, response, errors }) => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            const body = response.body;
            const failed =
              (errors?.length ?? 0) > 0 ||
              (body.kind === 'single' && (body.singleResult.errors?.length ?? 0) > 0);
            const name = operation?.name?.value;
            this.requestDuration.observe(
              {
                // an unnamed operation says nothing worth a series; never the request's own text or ids
                operation: name ? this.operations.of(name) : operation ? 'anonymous' : 'unresolved',
                client: client ? this.clients.of(client) : 'unknown',
                outcome: failed ? 'error' : 'ok',
              },
              seconds,
            );
          },
        };
      },
    };
  }

  /** Times one gateway fetch to a subgraph. */
  async timeSubgraphFetch(subgraph: string, fetching: Promise<Response>): Promise<Response> {
    const end = this.subgraphFetchDuration.startTimer({ subgraph });
    try {
      const response = await fetching;
      end({ outcome: response.ok ? 'ok' : 'error' });
      return response;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }

  /**
   * Observes the driver's command events (the client needs `monitorCommands`) and its pool's check-outs.
   * Collection names come from the command document only when it names one.
   */
  monitorMongo(client: MongoClient): void {
    const started = new Map<string, string>();
    const key = (event: { connectionId?: unknown; requestId: number }) =>
      `${String(event.connectionId)}:${event.requestId}`;
    client.on('commandStarted', (event) => {
      const target = (event.command as Record<string, unknown>)[event.commandName];
      // a command whose connection died without a failure event would stay here: never let that pile up
      if (started.size >= MAX_COMMANDS_IN_FLIGHT) started.clear();
      started.set(key(event), typeof target === 'string' ? this.collections.of(target) : 'none');
    });
    const finished = (
      event: { connectionId?: unknown; requestId: number; commandName: string; duration: number },
      outcome: string,
    ) => {
      const collection = started.get(key(event)) ?? 'none';
      started.delete(key(event));
      this.mongoCommandDuration.observe(
        { command: this.commands.of(event.commandName), collection, outcome },
        event.duration / 1000,
      );
    };
    client.on('commandSucceeded', (event) => finished(event, 'ok'));
    client.on('commandFailed', (event) => finished(event, 'error'));
    client.on('connectionCheckedOut', () => this.mongoConnectionsInUse.inc());
    client.on('connectionCheckedIn', () => this.mongoConnectionsInUse.dec());
  }

  /** `<prefix>_backlog` and `<prefix>_oldest_pending_age_seconds`, read from the outbox when scraped. */
  observeBacklog(prefix: string, help: string, source: BacklogSource): void {
    new Gauge({
      name: `${prefix}_backlog`,
      help: `${help}: rows waiting for delivery`,
      registers: [this.registry],
      async collect() {
        // an unreadable outbox (MongoDB away) must not fail the whole scrape: NaN says the value is unknown
        this.set(await source.pending().catch(() => Number.NaN));
      },
    });
    new Gauge({
      name: `${prefix}_oldest_pending_age_seconds`,
      help: `${help}: age of the oldest row waiting for delivery (0 when none)`,
      registers: [this.registry],
      async collect() {
        const oldest = await source.oldestPendingAt().catch(() => undefined);
        if (oldest === undefined) this.set(Number.NaN);
        else this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
      },
    });
  }

  /** Serves `GET /metrics` in the Prometheus text format, behind METRICS_TOKEN when one is set. */
  routes(): (app: express.Express) => void {
    const token = this.settings.token ? Buffer.from(`Bearer ${this.settings.token}`) : null;
    return (app) => {
      app.get(METRICS_PATH, async (req, res, next) => {
        if (token) {
          const given = Buffer.from(req.headers.authorization ?? '');
          if (given.length !== token.length || !timingSafeEqual(given, token)) {
            res
              .status(401)
              .json({ error: { code: 'UNAUTHENTICATED', message: 'metrics need the bearer token' } });
            return;
          }
        }
        try {
          const text = await this.registry.metrics();
          res.setHeader('content-type', this.registry.contentType);
          res.send(text);
        } catch (error) {
          next(error);
        }
      });
    };
  }
}

/** The metrics of a service from its parsed settings; null when METRICS_ENABLED is false. */
export function serviceMetricsOf(
  service: string,
  env: { METRICS_ENABLED: boolean; METRICS_TOKEN?: string; METRICS_MAX_LABEL_VALUES: number },
): ServiceMetrics | null {
  if (!env.METRICS_ENABLED) return null;
  return new ServiceMetrics(service, {
    enabled: true,
    token: env.METRICS_TOKEN,
    maxLabelValues: env.METRICS_MAX_LABEL_VALUES,
  });
}
