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

/**
 * What each rule requires of a caller, in words a refusal and a schema description can show: a role, a
 * permission, a department scope, or "internal service only", never the rule's internals. Rules made by the
 * factories below have one; a subgraph's own rules get theirs through `requiring`. `scope` marks a requirement
 * that narrows another ("within their own department"): it reads after a role in `and`.
 */
interface Requirement {
  text: string;
  scope?: boolean;
}
const requirementOfRule = new WeakMap<object, Requirement>();

const ANY_ROLE = 'any signed-in staff role';
const SERVICE_ONLY = 'internal service only';
const OWN_DEPARTMENT = 'within their own department (GeneralAdmin or above: any department)';

/**
 * Gives a rule the requirement refusals and descriptions state for it; returns the rule. '' states nothing:
 * in `or` the rule adds no alternative a refused caller could act on.
 */
export function requiring<T extends object>(text: string, rule: T, options: { scope?: boolean } = {}): T {
  requirementOfRule.set(rule, { text, scope: options.scope === true });
  return rule;
}

/** A subgraph's rule that narrows a role to the caller's own department (GeneralAdmin or above: any). */
export const inOwnDepartmentScope = <T extends object>(rule: T): T =>
  requiring(OWN_DEPARTMENT, rule, { scope: true });

const ruleKind = (rule: unknown): string | undefined =>
  (rule as { constructor?: { name?: string } } | null)?.constructor?.name;

const standalone = (requirement: Requirement) =>
  requirement.scope ? `${ANY_ROLE} ${requirement.text}` : requirement.text;

function describeRule(rule: unknown): Requirement | undefined {
  if (!rule || typeof rule !== 'object') return undefined;
  const own = requirementOfRule.get(rule);
  if (own) return own;
  const kind = ruleKind(rule);
  if (kind === 'RuleFalse') return { text: 'nobody' };
  const logic = rule as { getRules?: () => unknown[] };
  if (typeof logic.getRules !== 'function') return undefined;
  const parts = logic.getRules().map(describeRule);
  if (parts.some((part) => part === undefined)) return undefined;
  const known = parts as Requirement[];
  if (kind === 'RuleAnd' || kind === 'RuleChain') {
    let roles = [...new Set(known.filter((part) => !part.scope).map((part) => part.text))].filter(Boolean);
    if (roles.length > 1) roles = roles.filter((text) => text !== ANY_ROLE);
    if (roles.length === 0) roles = [ANY_ROLE];
    const scopes = [...new Set(known.filter((part) => part.scope).map((part) => part.text))];
    // "any signed-in staff role within …" as alone; "Manager or above, within …"
    const joint = roles.length === 1 && roles[0] === ANY_ROLE ? ' ' : ', ';
    return { text: [roles.join(' and '), ...scopes].join(joint) };
  }
  if (kind === 'RuleOr' || kind === 'RuleRace') {
    // an alternative stated as '' (e.g. a sign-in's own result) adds nothing a refused caller could act on
    const texts = [...new Set(known.map(standalone))].filter((text) => text !== '');
    if (texts.length > 1 && texts.includes(SERVICE_ONLY)) {
      texts.splice(texts.indexOf(SERVICE_ONLY), 1);
      texts.push('an internal service');
    }
    return { text: texts.join(', or ') };
  }
  return undefined;
}

/**
 * What a rule (alone or combined with and/or/chain/race) requires of a caller, e.g. "Manager or above";
 * undefined for `allow`, a negation, or a rule without a stated requirement.
 */
export function requirementOf(rule: unknown): string | undefined {
  const requirement = describeRule(rule);
  return requirement && requirement.text !== '' ? standalone(requirement) : undefined;
}

/** Anyone signed in as an admin user. */
export const isAuthenticated = requiring(
  ANY_ROLE,
  rule('isAuthenticated', { cache: 'contextual' })(
    (_parent, _args, ctx: AuthContext) => ctx.identity.kind === 'admin',
  ),
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
    requiring(SERVICE_ONLY, existing);
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

const roleAndAbove = (role: Role) => (role === 'SuperAdmin' ? 'SuperAdmin' : `${role} or above`);

/** The role or above; `permission` names an extra that grants the same to a lower role (e.g. `audit:read`). */
export function atLeast(role: Role, permission?: string): IRule {
  const name = `atLeast:${role}:${permission ?? ''}`;
  let existing = roleRules.get(name);
  if (!existing) {
    existing = rule(name, { cache: 'contextual' })((_parent, _args, ctx: AuthContext) =>
      hasRoleOrPermission(ctx.identity, role, permission),
    );
    roleRules.set(name, existing);
    const text = roleAndAbove(role);
    requiring(permission === undefined ? text : `${text}, or the ${permission} permission`, existing);
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
  return inOwnDepartmentScope(
    rule(`inOwnDepartment:${name}`, { cache: 'strict' })((parent, args, ctx: AuthContext) =>
      inDepartmentScope(ctx.identity, departmentOf(parent, args as Record<string, unknown>)),
    ),
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

/** graphql-shield tells its rules apart by constructor name too (rules from another copy of it). */
const LOGIC = new Set(['RuleAnd', 'RuleOr', 'RuleChain', 'RuleRace', 'RuleNot', 'RuleTrue', 'RuleFalse']);
export const isRuleFunction = (value: unknown) =>
  ruleKind(value) === 'Rule' || LOGIC.has(ruleKind(value) ?? '');

/** The rule graphql-shield applies to a field: the field's own, else the type's `'*'` or rule, else `fallback`. */
export function ruleOf(
  tree: IRules,
  type: string,
  field: string,
  fallback: IRule = deny as unknown as IRule,
): IRule {
  if (isRuleFunction(tree)) return tree as IRule;
  const entry = (tree as Record<string, unknown>)[type];
  if (isRuleFunction(entry)) return entry as IRule;
  if (entry && typeof entry === 'object' && Object.values(entry).every(isRuleFunction)) {
    const fields = entry as Record<string, IRule | undefined>;
    return fields[field] ?? fields['*'] ?? fallback;
  }
  return fallback;
}

/**
 * The FORBIDDEN error of a field its rule refused: the field and what its rule requires (a role, a permission,
 * a department scope), nothing about the caller or the data.
 */
export function refusalError(field: string, requirement: string | undefined) {
  return requirement === undefined || requirement === 'nobody'
    ? forbiddenError(`Not allowed: ${field}`)
    : forbiddenError(`Requires ${requirement}: ${field}`);
}

/**
 * The error a field gets when a rule says no, or when its resolver throws: public errors (bad input,
 * conflicts...) pass through; anything else is logged and replaced, so no internal text leaks. `requirement`
 * is what the field's rule requires (see `requirementOf`), stated in the refusal.
 */
export function fallbackRuleError(
  thrown: unknown,
  _parent: unknown,
  _args: unknown,
  ctx: AuthContext,
  info: GraphQLResolveInfo,
  requirement?: string,
) {
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (thrown === null || thrown === undefined) {
    return ctx.identity.kind === 'anonymous' ? unauthenticatedError() : refusalError(field, requirement);
  }
  if (thrown instanceof GraphQLError && PUBLIC_ERROR_CODES.has(String(thrown.extensions.code))) return thrown;
  ctx.log?.error({ err: thrown, field }, 'unexpected error while resolving');
  return new GraphQLError('Internal server error', { extensions: { code: ErrorCode.Internal } });
}

/** graphql-shield with the project's defaults: deny by default, federation fields allowed, errors masked. */
export function createPermissions(tree: RuleTree): IMiddlewareGenerator<unknown, unknown, unknown> {
  const merged = withFederationRules(tree);
  const fallbackError = (
    thrown: unknown,
    parent: unknown,
    args: unknown,
    ctx: AuthContext,
    info: GraphQLResolveInfo,
  ) =>
    fallbackRuleError(
      thrown,
      parent,
      args,
      ctx,
      info,
      thrown == null ? requirementOf(ruleOf(merged, info.parentType.name, info.fieldName)) : undefined,
    );
  return shield(merged, {
    fallbackRule: deny,
    allowExternalErrors: false,
    fallbackError: fallbackError as never,
    debug: false,
  });
}

export { allow, and, chain, deny, not, or, rule } from 'graphql-shield';
