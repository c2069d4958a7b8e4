import { badUserInput } from '@casino/errors';

/** What a variable may be given as: it is rendered as text. */
export type VariableValue = string | number | boolean;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Checks the variables a sender gave against the ones a template declares: every declared one must be given
 * (as text, a number or a boolean) and no other may be, each problem a BAD_USER_INPUT on `input.variables`
 * naming the variable. Returns them as text.
 */
export function checkVariables(declared: readonly string[], given: unknown): Record<string, string> {
  if (given === null || given === undefined) given = {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw badUserInput('input.variables', 'must be an object of variable names to values');
  }
  const entries = Object.entries(given as Record<string, unknown>);
  const known = new Set(declared);
  const unknown = entries.map(([name]) => name).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw badUserInput('input.variables', `unknown variable ${unknown.map((v) => `{${v}}`).join(', ')}`);
  }
  const values: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw badUserInput('input.variables', `{${name}} must be text, a number or a boolean`);
    }
    values[name] = String(value);
  }
  const missing = declared.filter((name) => !(name in values));
  if (missing.length > 0) {
    throw badUserInput('input.variables', `missing variable ${missing.map((v) => `{${v}}`).join(', ')}`);
  }
  return values;
}

/** Replaces each `{name}` placeholder with its value; placeholders without a value stay as they are. */
export function render(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? values[name]! : whole,
  );
}
