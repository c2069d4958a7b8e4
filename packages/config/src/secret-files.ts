import { readFileSync } from 'node:fs';
import { z } from 'zod';

type Env = Record<string, string | undefined>;

/** The variable names a schema declares: an object's keys, or those of the object a pipe starts from. */
export function declaredNames(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return declaredNames(schema.in as z.ZodType);
  return [];
}

/**
 * Secrets mounted as files (Docker and Kubernetes secrets): for each declared NAME that is unset or empty,
 * `NAME_FILE` names a file whose content (less one trailing newline) becomes NAME. Setting both is refused, so
 * a value left behind in an env file never silently wins over the mounted secret. Returns the environment with
 * the files read, and a problem per unreadable file or conflict.
 */
export function readSecretFiles(names: string[], env: Env): { env: Env; problems: string[] } {
  const resolved: Env = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) {
      problems.push(`${name}_FILE: ${name} is set too; set one of them`);
      continue;
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(
        `${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  return { env: resolved, problems };
}
