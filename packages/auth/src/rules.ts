import { GraphQLError } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { allow, deny, rule, shield } from 'graphql-shield';
import type { IRule, IRules } from 'graphql-shield';
import type { IMiddlewareGenerator } from 'graphql-middleware';
import { ErrorCode, PUBLIC_ERROR_CODES } from '@casino/errors';
import type { Identity, Role } from './identity';
import { hasRoleOrPermission, inDepartmentScope } from './identity';

/** What the rules read from a request context. */
export interface AuthContext {
  identity: Identity;
  log?: { error(object: unknown, message: string): void };
}

export type RuleTree = IRules;

export const unauthenticatedError = (message = 'Sign in first') =>
  new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated } });

export const forbiddenError = (message = 'Not allowed') =>
  new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden } });

/** Anyone signed in as an admin user. */
export const isAuthenticated = rule('isAuthenticated', { cache: 'contextual' })(
  (_parent, _args, ctx: AuthContext) => ctx.identity.kind === 'admin',
);

const serviceRules = new Map<string, IRule>();
/** The services each `fromService` rule admits, so tests can read who may call what from the rules. */
const servicesOfRule = new WeakMap<object, readonly string[]>();

/**
 * Only these services, by the name in their signed service identity (never admin users, never another
 * service): every service-only field names its real callers, so a compromised or misconfigured service
 * reaches nothing it has no business calling. There is deliberately no rule for "any service".
 */
export function fromService(...services: [string, ...string[]]): IRule {
  const names = [...new Set(services)].sort();
  if (names.length === 0 || names.some((name) => name.trim() === '')) {
    throw new Error('fromService needs at least one service name');
  }
  const name = `fromService:${names.join(',')}`;
  let existing = serviceRules.get(name);
  if (!existing) {
    existing = rule(name, { cache: 'contextual' })(
      (_parent, _args, ctx: AuthContext) =>
        ctx.identity.kind === 'service' && names.includes(ctx.identity.service),
    );
    serviceRules.set(name, existing);
    servicesOfRule.set(existing, Object.freeze(names));
  }
  return existing;
}

/**
 * The services a rule lets in through `fromService`, anywhere inside `or`/`and`/`chain` (sorted, no
 * duplicates); empty when the rule admits no service identity.
 */
export function servicesAllowedBy(ruleOrTree: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const own = servicesOfRule.get(node);
    if (own) own.forEach((name) => found.add(name));
    // or/and/chain/race hold their rules (graphql-shield exports no classes to test against); a negation
    // admits what its rule refuses, so it never names services this way
    const logic = node as { getRules?: () => unknown[]; constructor?: { name?: string } };
    if (typeof logic.getRules !== 'function' || logic.constructor?.name === 'RuleNot') return;
    logic.getRules().forEach(visit);
  };
  visit(ruleOrTree);
  return [...found].sort();
}

const roleRules = new Map<string, IRule>();

/** The role or above; `permission` names an extra that grants the same to a lower role (e.g. `audit:read`). */
export function atLeast(role: Role, permission?: string): IRule {
  const name = `atLeast:${role}:${permission ?? ''}`;
  let existing = roleRules.get(name);
  if (!existing) {
    existing = rule(name, { cache: 'contextual' })((_parent, _args, ctx: AuthContext) =>
      hasRoleOrPermission(ctx.identity, role, permission),
    );
    roleRules.set(name, existing);
  }
  return existing!;
}

/**
 * Managers and Supervisors only within their own department; `departmentOf` reads the department of the
 * object (parent) or of the input (args) the field is about.
 */
export function inOwnDepartment(
  name: string,
  departmentOf: (parent: unknown, args: Record<string, unknown>) => string | null | undefined,
) {
  return rule(`inOwnDepartment:${name}`, { cache: 'strict' })((parent, args, ctx: AuthContext) =>
    inDepartmentScope(ctx.identity, departmentOf(parent, args as Record<string, unknown>)),
  );
}

/** The federation plumbing every subgraph must answer for the gateway. */
const FEDERATION_RULES = {
  Query: { _service: allow, _entities: allow },
  _Service: allow,
};

/** The subgraph's rules with the federation plumbing's (`_service`, `_entities`) added. */
export function withFederationRules(tree: RuleTree): RuleTree {
  const merged: Record<string, unknown> = { ...FEDERATION_RULES, ...(tree as Record<string, unknown>) };
  merged.Query = { ...(tree as Record<string, Record<string, unknown>>).Query, ...FEDERATION_RULES.Query };
  return merged as RuleTree;
}

/**
 * The error a field gets when a rule says no, or when its resolver throws: public errors (bad input,
 * conflicts...) pass through; anything else is logged and replaced, so no internal text leaks.
 */
export function fallbackRuleError(
  thrown: unknown,
  _parent: unknown,
  _args: unknown,
  ctx: AuthContext,
  info: GraphQLResolveInfo,
) {
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (thrown === null || thrown === undefined) {
    return ctx.identity.kind === 'anonymous'
      ? unauthenticatedError()
      : forbiddenError(`Not allowed: ${field}`);
  }
  if (thrown instanceof GraphQLError && PUBLIC_ERROR_CODES.has(String(thrown.extensions.code))) return thrown;
  ctx.log?.error({ err: thrown, field }, 'unexpected error while resolving');
  return new GraphQLError('Internal server error', { extensions: { code: ErrorCode.Internal } });
}

/** graphql-shield with the project's defaults: deny by default, federation fields allowed, errors masked. */
export function createPermissions(tree: RuleTree): IMiddlewareGenerator<unknown, unknown, unknown> {
  return shield(withFederationRules(tree), {
    fallbackRule: deny,
    allowExternalErrors: false,
    fallbackError: fallbackRuleError as never,
    debug: false,
  });
}

export { allow, and, chain, deny, not, or, rule } from 'graphql-shield';
