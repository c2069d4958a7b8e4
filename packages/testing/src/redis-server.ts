import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '@casino/server';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real `redis-server` on a free loopback port, in memory only (no snapshot, no append-only file). CI
 * installs it from Debian (`.ci/run`); locally `apt-get install redis-server` or `brew install redis`.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`redis-server could not start: ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await Promise.race([canConnect(port), exited]);
    if (open) break;
    if (Date.now() > deadline) throw new Error('redis-server did not start listening within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  exited.catch(() => undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
