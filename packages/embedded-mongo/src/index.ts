import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const JAVA_DIR = path.resolve(__dirname, '../java');
const BUILD_ROOT = path.resolve(__dirname, '../.build');
const MIN_JAVA = 17;

/** Raised when the machine cannot run the embedded server; the message is one line meant for the user. */
export class EmbeddedMongoUnavailableError extends Error {
  override name = 'EmbeddedMongoUnavailableError';
}

function javaMajorVersion(): number | null {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return null;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new EmbeddedMongoUnavailableError(
      `${command} was not found: the embedded MongoDB needs JDK ${MIN_JAVA}+ with Maven, or set MONGODB_URI to a MongoDB server.`,
    );
  }
  if (result.status !== 0) {
    throw new EmbeddedMongoUnavailableError(
      `${what} failed: ${(result.stderr || result.stdout).trim().slice(-2000)}`,
    );
  }
}

/**
 * Resolves mongo-java-server from Maven Central and compiles the launcher, once per launcher version; the
 * result is cached under .build/<hash>. Returns the classpath to start it with.
 */
export function ensureLauncherBuilt(): string {
  const major = javaMajorVersion();
  if (major === null || major < MIN_JAVA) {
    throw new EmbeddedMongoUnavailableError(
      `The embedded MongoDB needs JDK ${MIN_JAVA}+ (found ${major === null ? 'no java' : `java ${major}`}): install JDK ${MIN_JAVA}+ or set MONGODB_URI to a MongoDB server.`,
    );
  }
  const hash = createHash('sha256')
    .update(readFileSync(path.join(JAVA_DIR, 'pom.xml')))
    .update(readFileSync(path.join(JAVA_DIR, 'EmbeddedMongo.java')))
    .digest('hex')
    .slice(0, 16);
  const buildDir = path.join(BUILD_ROOT, hash);
  const classpath = [path.join(buildDir, 'classes'), path.join(buildDir, 'lib', '*')].join(path.delimiter);
  if (existsSync(path.join(buildDir, 'classes', 'EmbeddedMongo.class'))) return classpath;

  const staging = `${buildDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      path.join(JAVA_DIR, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${path.join(staging, 'lib')}`,
    ],
    'Fetching mongo-java-server from Maven Central',
  );
  run(
    'javac',
    [
      '-cp',
      path.join(staging, 'lib', '*'),
      '-d',
      path.join(staging, 'classes'),
      path.join(JAVA_DIR, 'EmbeddedMongo.java'),
    ],
    'Compiling the embedded MongoDB launcher',
  );
  try {
    renameSync(staging, buildDir);
  } catch (error) {
    // another process finished the same build first; theirs is identical
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(buildDir)) throw error;
  }
  return classpath;
}

export interface EmbeddedMongo {
  uri: string;
  port: number;
  /** The JVM's process id. */
  pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  /** Directory for the on-disk H2 store; without it the data lives in memory. */
  dataDir?: string;
  port?: number;
  startTimeoutMs?: number;
}

/** Launches mongo-java-server as a child process and resolves once it accepts connections. */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const classpath = ensureLauncherBuilt();
  const args = ['-XX:+UseSerialGC', '-cp', classpath, 'EmbeddedMongo', String(options.port ?? 0)];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push(path.join(path.resolve(options.dataDir), 'casino.mv'));
  }
  const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`embedded MongoDB did not start in time: ${stderr}`)),
      options.startTimeoutMs ?? 60_000,
    );
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^LISTENING (\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded MongoDB exited with code ${code}: ${stderr.trim()}`));
    });
  });

  return {
    port,
    pid: child.pid!,
    uri: `mongodb://127.0.0.1:${port}/`,
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
