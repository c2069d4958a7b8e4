import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { FloorClient, FloorStep } from './floor';
import { runFloorStep } from './floor';
import { cpuMs } from './processes';
import { percentile } from '@casino/testing';

/** What one target did for one operation in one round. */
export interface RoundSample {
  /** Answers received within the run's `seconds` (requests/s is `requests / seconds`). */
  requests: number;
  /** Every operation the services worked on, including those still in flight when the run ended. */
  processed: number;
  /** Non-2xx answers, GraphQL errors, socket errors and timeouts (a round with any is flagged). */
  failures: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU ms per processed operation: by the gateway, by the five subgraphs together, by MongoDB. */
  gatewayCpuMsPerOp: number | null;
  subgraphCpuMsPerOp: number;
  mongoCpuMsPerOp: number | null;
  /** This process (the load generator) per operation, and the part of it spent signing credentials (floor). */
  loadgenCpuMsPerOp: number;
  signingMsPerOp: number | null;
  /** How long the services took to finish the operations still in flight when the run ended. */
  drainMs: number;
}

export interface MeasuredPids {
  gateway: number | null;
  subgraphs: number[];
  mongo: number | null;
}

interface LoadResult {
  requests: number;
  processed: number;
  failures: number;
  seconds: number;
  latencies: number[];
  signingMs?: number;
}

const DRAIN_POLL_MS = 200;
/** Below this much CPU (ms) per poll over the measured processes, what is left is their idle background work. */
const DRAIN_QUIET_CPU_MS = 30;
const DRAIN_MAX_MS = 20_000;

/**
 * Waits until the processes are quiet. autocannon closes its connections when its time is up, but the gateway
 * goes on executing the requests it had received (a slow operation for seconds): that work belongs to this run,
 * and must not slow the next one down.
 */
async function drained(total: () => number): Promise<number> {
  const started = performance.now();
  let last = total();
  while (performance.now() - started < DRAIN_MAX_MS) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    const now = total();
    if (now - last < DRAIN_QUIET_CPU_MS) break;
    last = now;
  }
  return performance.now() - started;
}

/**
 * Reads the processes' CPU before `work` and after the processes have finished its last operations, and turns
 * everything into per-operation figures.
 */
export async function measured(pids: MeasuredPids, work: () => Promise<LoadResult>): Promise<RoundSample> {
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuMs(pid), 0);
  const read = () => ({
    gateway: pids.gateway === null ? 0 : cpuMs(pids.gateway),
    subgraphs: sum(pids.subgraphs),
    mongo: pids.mongo === null ? 0 : cpuMs(pids.mongo),
  });
  const before = { ...read(), loadgen: process.cpuUsage() };
  const result = await work();
  const loadgen = process.cpuUsage(before.loadgen);
  const drainMs = await drained(() => {
    const now = read();
    return now.gateway + now.subgraphs + now.mongo;
  });
  const after = read();
  const ops = Math.max(1, result.processed);
  const sorted = result.latencies.sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? NaN : percentile(sorted, p));
  return {
    requests: result.requests,
    processed: result.processed,
    failures: result.failures,
    seconds: result.seconds,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    gatewayCpuMsPerOp: pids.gateway === null ? null : (after.gateway - before.gateway) / ops,
    subgraphCpuMsPerOp: (after.subgraphs - before.subgraphs) / ops,
    mongoCpuMsPerOp: pids.mongo === null ? null : (after.mongo - before.mongo) / ops,
    loadgenCpuMsPerOp: (loadgen.user + loadgen.system) / 1000 / ops,
    signingMsPerOp: result.signingMs === undefined ? null : result.signingMs / ops,
    drainMs,
  };
}

/** autocannon against a gateway: the same POST on every connection for `seconds`. */
export function autocannonLoad(options: {
  url: string;
  body: string;
  token: string;
  connections: number;
  seconds: number;
}): () => Promise<LoadResult> {
  return () =>
    new Promise((resolve, reject) => {
      const latencies: number[] = [];
      const started = performance.now();
      const instance = autocannon(
        {
          url: options.url,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
          body: options.body,
          connections: options.connections,
          duration: options.seconds,
          // a 200 that carries errors is a failure too
          verifyBody: (body) => !String(body).includes('"errors"'),
        },
        (error, result) => {
          if (error) return reject(error);
          resolve({
            requests: result.requests.total,
            // the requests on the wire when time was up are still executed by the gateway
            processed: Math.max(result.requests.sent, result.requests.total),
            failures: result.non2xx + result.errors + result.timeouts + result.mismatches,
            seconds: (performance.now() - started) / 1000,
            latencies,
          });
        },
      );
      instance.on('response', (_client, _status, _bytes, responseTime: number) =>
        latencies.push(responseTime),
      );
    });
}

/**
 * The floor: `connections` loops, each replaying the operation's plan straight to the subgraphs. Like
 * autocannon, only what is answered within `seconds` counts for requests/s and latency; the loops then finish
 * the operations in flight (counted as processed) so that nothing spills into the next run.
 */
export function floorLoad(options: {
  client: FloorClient;
  plan: FloorStep;
  connections: number;
  seconds: number;
}): () => Promise<LoadResult> {
  return async () => {
    const { client } = options;
    const latencies: number[] = [];
    let failures = 0;
    let processed = 0;
    const signingBefore = client.signingMs;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    const loop = async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const ok = await runFloorStep(client, options.plan).catch(() => false);
        processed += 1;
        const answered = performance.now();
        if (!ok) failures += 1;
        else if (answered <= deadline) latencies.push(answered - sent);
      }
    };
    await Promise.all(Array.from({ length: options.connections }, loop));
    return {
      requests: latencies.length + failures,
      processed,
      failures,
      seconds: options.seconds,
      latencies,
      signingMs: client.signingMs - signingBefore,
    };
  };
}
