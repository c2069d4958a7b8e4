import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { FloorClient, FloorStep } from './floor';
import { runFloorStep } from './floor';
import { cpuMs } from './processes';
import { percentile } from '../support';

/** What one target did for one operation in one round. */
export interface RoundSample {
  requests: number;
  /** Non-2xx answers, GraphQL errors, socket errors and timeouts (a round with any is flagged). */
  failures: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU ms used per completed operation: by the gateway, by the five subgraphs together, by MongoDB. */
  gatewayCpuMsPerOp: number | null;
  subgraphCpuMsPerOp: number;
  mongoCpuMsPerOp: number | null;
  /** This process (the load generator) per operation, and the part of it spent signing credentials (floor). */
  loadgenCpuMsPerOp: number;
  signingMsPerOp: number | null;
}

export interface MeasuredPids {
  gateway: number | null;
  subgraphs: number[];
  mongo: number | null;
}

interface LoadResult {
  requests: number;
  failures: number;
  latencies: number[];
  signingMs?: number;
}

/** Reads the processes' CPU around `work` and turns everything into per-operation figures. */
export async function measured(pids: MeasuredPids, work: () => Promise<LoadResult>): Promise<RoundSample> {
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuMs(pid), 0);
  const before = {
    gateway: pids.gateway === null ? 0 : cpuMs(pids.gateway),
    subgraphs: sum(pids.subgraphs),
    mongo: pids.mongo === null ? 0 : cpuMs(pids.mongo),
    loadgen: process.cpuUsage(),
  };
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const loadgen = process.cpuUsage(before.loadgen);
  const ops = Math.max(1, result.requests);
  const sorted = result.latencies.sort((a, b) => a - b);
  return {
    requests: result.requests,
    failures: result.failures,
    seconds,
    p50: sorted.length === 0 ? NaN : percentile(sorted, 50),
    p95: sorted.length === 0 ? NaN : percentile(sorted, 95),
    p99: sorted.length === 0 ? NaN : percentile(sorted, 99),
    gatewayCpuMsPerOp: pids.gateway === null ? null : (cpuMs(pids.gateway) - before.gateway) / ops,
    subgraphCpuMsPerOp: (sum(pids.subgraphs) - before.subgraphs) / ops,
    mongoCpuMsPerOp: pids.mongo === null ? null : (cpuMs(pids.mongo) - before.mongo) / ops,
    loadgenCpuMsPerOp: (loadgen.user + loadgen.system) / 1000 / ops,
    signingMsPerOp: result.signingMs === undefined ? null : result.signingMs / ops,
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
            failures: result.non2xx + result.errors + result.timeouts + result.mismatches,
            latencies,
          });
        },
      );
      instance.on('response', (_client, _status, _bytes, responseTime: number) =>
        latencies.push(responseTime),
      );
    });
}

/** The floor: `connections` loops, each replaying the operation's plan straight to the subgraphs. */
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
    const signingBefore = client.signingMs;
    const deadline = performance.now() + options.seconds * 1000;
    const loop = async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const ok = await runFloorStep(client, options.plan).catch(() => false);
        if (ok) latencies.push(performance.now() - started);
        else failures += 1;
      }
    };
    await Promise.all(Array.from({ length: options.connections }, loop));
    return {
      requests: latencies.length + failures,
      failures,
      latencies,
      signingMs: client.signingMs - signingBefore,
    };
  };
}
