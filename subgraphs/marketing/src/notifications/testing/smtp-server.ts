import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface ReceivedMail {
  mail_from: string;
  rcpt_to: string[];
  data: string;
}

/** A real SMTP server process (smtp-server.py) for tests, and the messages it accepted. */
export interface TestSmtpServer {
  port: number;
  messages: ReceivedMail[];
  /** Resolves once `count` messages arrived in all (or rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const child: ChildProcessWithoutNullStreams = spawn(
    'python3',
    [path.join(__dirname, 'smtp-server.py'), '0'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const messages: ReceivedMail[] = [];
  const listeners = new Set<() => void>();
  const lines = readline.createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`smtp-server.py exited with ${code}`)));
    lines.on('line', (line) => {
      const record = JSON.parse(line) as { port?: number } & ReceivedMail;
      if (record.port !== undefined) return resolve(record.port);
      messages.push(record);
      listeners.forEach((listener) => listener());
    });
  });
  return {
    port,
    messages,
    waitForMessages(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(messages);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`expected ${count} messages, got ${messages.length}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      child.kill();
      await exited;
    },
  };
}
