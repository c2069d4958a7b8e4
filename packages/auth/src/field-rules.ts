import { isIntrospectionType, isObjectType } from 'graphql';
import type { GraphQLFieldResolver, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { deny } from 'graphql-shield';
import type { IRule, IRules } from 'graphql-shield';
import type { AuthContext } from './rules';
import { createPermissions, fallbackRuleError, requirementOf, ruleOf, withFederationRules } from './rules';

/** A rule or a logic rule (and/or/chain/race/not/allow/deny): graphql-shield exports one type for both. */
type ShieldRule = IRule;

type Resolver = GraphQLFieldResolver<unknown, unknown>;
type RuleResult = boolean | Error;
type Pending<T> = T | Promise<T>;
type ShieldMiddleware = (
  resolve: Resolver,
  parent: unknown,
  args: unknown,
  ctx: unknown,
  info: GraphQLResolveInfo,
) => Promise<unknown>;

/** The parts of graphql-shield's rule classes read here (it exports the classes only as types). */
interface RuleShape {
  name: string;
  cache?: unknown;
  func?: (parent: unknown, args: unknown, ctx: unknown, info: GraphQLResolveInfo) => unknown;
  error?: Error;
  getRules?: () => ShieldRule[];
}

/** graphql-shield tells its rules apart by constructor name too (rules from another copy of it). */
const kindOf = (rule: unknown): string | undefined =>
  (rule as { constructor?: { name?: string } } | null)?.constructor?.name;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null &&
  (typeof value === 'object' || typeof value === 'function') &&
  typeof (value as { then?: unknown }).then === 'function';

/**
 * A rule decided by the caller alone: `allow`, `deny`, and rules cached per request (`cache: 'contextual'`:
 * isAuthenticated, atLeast, fromService), alone or combined with and/or/chain/race/not. graphql-shield already
 * evaluates such a rule once per request and reuses the answer for every field; here the answer is worked out
 * without a promise per field.
 */
function isCallerOnly(rule: ShieldRule): boolean {
  const shape = rule as unknown as RuleShape;
  switch (kindOf(rule)) {
    case 'RuleTrue':
    case 'RuleFalse':
      return true;
    case 'Rule':
      return shape.cache === 'contextual';
    case 'RuleAnd':
    case 'RuleOr':
    case 'RuleChain':
    case 'RuleRace':
    case 'RuleNot':
      return shape.getRules!().every(isCallerOnly);
    default:
      return false;
  }
}

/** A rule function's answer as graphql-shield reads it: an error stands, a string is an error, else a boolean. */
function normalise(result: unknown): RuleResult {
  if (result instanceof Error) return result;
  if (typeof result === 'string') return new Error(result);
  return result === true;
}

const firstError = (results: RuleResult[]): RuleResult =>
  results.find((result): result is Error => result instanceof Error) ?? false;

function whenAll(results: Pending<RuleResult>[], combine: (all: RuleResult[]) => RuleResult) {
  return results.some(isThenable) ? Promise.all(results).then(combine) : combine(results as RuleResult[]);
}

/** Evaluates rules one after the other until `stop` says so (chain and race), in order. */
function sequence(
  rules: ShieldRule[],
  from: number,
  stop: (result: RuleResult) => boolean,
  done: RuleResult[],
  call: (rule: ShieldRule) => Pending<RuleResult>,
): Pending<RuleResult[]> {
  for (let index = from; index < rules.length; index++) {
    const result = call(rules[index]!);
    if (isThenable(result)) {
      return result.then((settled) => {
        done.push(settled);
        return stop(settled) ? done : sequence(rules, index + 1, stop, done, call);
      });
    }
    done.push(result);
    if (stop(result)) return done;
  }
  return done;
}

const then = <T, U>(value: Pending<T>, next: (settled: T) => U): Pending<U> =>
  isThenable(value) ? value.then(next) : next(value as T);

/**
 * graphql-shield's answer for a caller-only rule (same combinations, same errors), synchronous whenever the
 * rule functions are. A rule function that throws denies, as in graphql-shield without `debug`.
 */
function evaluate(
  rule: ShieldRule,
  parent: unknown,
  args: unknown,
  ctx: unknown,
  info: GraphQLResolveInfo,
): Pending<RuleResult> {
  const shape = rule as unknown as RuleShape;
  const call = (inner: ShieldRule) => evaluate(inner, parent, args, ctx, info);
  switch (kindOf(rule)) {
    case 'RuleTrue':
      return true;
    case 'RuleFalse':
      return false;
    case 'Rule': {
      // graphql-shield's own per-request cache of contextual rules, by name, so a rule that guards fields
      // here and inside a data rule (left to graphql-shield) still runs once per request
      const holder = ctx as { _shield?: { cache: Record<string, unknown> } };
      const cache = (holder._shield ??= { cache: {} }).cache;
      let raw: unknown = cache[shape.name];
      try {
        if (!raw) raw = cache[shape.name] = shape.func!(parent, args, ctx, info);
      } catch {
        return false;
      }
      return isThenable(raw) ? Promise.resolve(raw).then(normalise, () => false) : normalise(raw);
    }
    case 'RuleAnd':
      return whenAll(shape.getRules!().map(call), (all) =>
        all.some((result) => result !== true) ? firstError(all) : true,
      );
    case 'RuleOr':
      return whenAll(shape.getRules!().map(call), (all) =>
        all.every((result) => result !== true) ? firstError(all) : true,
      );
    case 'RuleChain':
      return then(
        sequence(shape.getRules!(), 0, (result) => result !== true, [], call),
        (all) => (all.some((result) => result !== true) ? firstError(all) : true),
      );
    case 'RuleRace':
      // graphql-shield gathers a race's answers last first, so the last error is the one it reports
      return then(
        sequence(shape.getRules!(), 0, (result) => result === true, [], call),
        (all) => (all.some((result) => result === true) ? true : firstError([...all].reverse())),
      );
    case 'RuleNot':
      return then(call(shape.getRules!()[0]!), (result) => (result === true ? (shape.error ?? false) : true));
    default:
      return false;
  }
}

/** Where a request keeps its caller-only answers, one slot per distinct rule of the schema. */
const DECISIONS = Symbol('callerRuleDecisions');
type DecisionSlots = Pending<RuleResult>[];

type Refusal = (
  result: false | Error,
  parent: unknown,
  args: unknown,
  ctx: unknown,
  info: GraphQLResolveInfo,
  requirement: string | undefined,
) => unknown;

/**
 * A resolver's own errors as graphql-shield returned them: public errors stand, anything else is logged and
 * replaced (the error is returned, not thrown, so the audit middleware sees it as the field's result).
 */
function guarded(resolve: Resolver): Resolver {
  return (parent, args, ctx, info) => {
    let result: unknown;
    try {
      result = resolve(parent, args, ctx, info);
    } catch (error) {
      return fallbackRuleError(error, parent, args, ctx as AuthContext, info);
    }
    return isThenable(result)
      ? result.then(undefined, (error: unknown) =>
          fallbackRuleError(error, parent, args, ctx as AuthContext, info),
        )
      : result;
  };
}

const refuse: Refusal = (result, parent, args, ctx, info, requirement) =>
  result === false ? fallbackRuleError(null, parent, args, ctx as AuthContext, info, requirement) : result;

function callerChecked(rule: ShieldRule, slot: number, resolve: Resolver): Resolver {
  const requirement = requirementOf(rule);
  return (parent, args, ctx, info) => {
    const holder = ctx as { [DECISIONS]?: DecisionSlots };
    const slots = (holder[DECISIONS] ??= []);
    let decision = slots[slot];
    if (decision === undefined) decision = slots[slot] = evaluate(rule, parent, args, ctx, info);
    if (decision === true) return resolve(parent, args, ctx, info);
    if (isThenable(decision)) {
      return decision.then((settled) =>
        settled === true
          ? resolve(parent, args, ctx, info)
          : refuse(settled, parent, args, ctx, info, requirement),
      );
    }
    return refuse(decision, parent, args, ctx, info, requirement);
  };
}

/**
 * Puts the subgraph's rules on its schema's resolvers, in place, with graphql-shield's semantics (deny by
 * default, `createPermissions`' errors) but without a promise chain on every field:
 * - `allow`: the resolver as it is;
 * - a rule decided by the caller alone (see `isCallerOnly`): decided once per request, then a plain call;
 * - a rule that reads the data (department scope, own record, the input): graphql-shield's own middleware
 *   for that field, with its caches.
 * Resolvers' own errors are masked as graphql-shield masks them, except on `allow` fields (Apollo's error
 * formatter masks those the same way). Building also validates the tree as graphql-shield does (unknown types
 * or fields throw).
 */
export function applyFieldRules(schema: GraphQLSchema, tree: IRules): void {
  const generated = createPermissions(tree).generate(schema) as Record<
    string,
    Record<string, ShieldMiddleware | { resolve: ShieldMiddleware }>
  >;
  const merged = withFederationRules(tree);
  const fallback = deny as unknown as ShieldRule;
  const slots = new Map<ShieldRule, number>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) throw new Error(`${type.name}.${field.name} has no resolver to secure`);
      const rule = ruleOf(merged, type.name, field.name, fallback);
      if (kindOf(rule) === 'RuleTrue') continue;
      if (isCallerOnly(rule)) {
        let slot = slots.get(rule);
        if (slot === undefined) slots.set(rule, (slot = slots.size));
        field.resolve = callerChecked(rule, slot, guarded(resolve));
        continue;
      }
      const middleware = generated[type.name]![field.name]!;
      const shielded = typeof middleware === 'function' ? middleware : middleware.resolve;
      field.resolve = (parent, args, ctx, info) => shielded(resolve, parent, args, ctx, info);
    }
  }
}
