import type { GraphQLResolveInfo } from 'graphql';
import { snakeCaseFieldResolver, snakeCaseResolverFor, toSnakeCase } from './field-resolver';

const info = (fieldName: string) => ({ fieldName }) as GraphQLResolveInfo;

describe('snakeCaseFieldResolver', () => {
  it('maps camelCase fields onto snake_case document keys', () => {
    expect(toSnakeCase('nicPassport')).toBe('nic_passport');
    expect(snakeCaseFieldResolver({ first_name: 'Ana' }, {}, {}, info('firstName'))).toBe('Ana');
  });

  it('prefers a camelCase property and calls functions with the field arguments', () => {
    const source = { totalCount: (args: { x: number }) => args.x * 2, first_name: 'no', firstName: 'yes' };
    expect(snakeCaseFieldResolver(source, { x: 21 }, {}, info('totalCount'))).toBe(42);
    expect(snakeCaseFieldResolver(source, {}, {}, info('firstName'))).toBe('yes');
  });
});

describe('snakeCaseResolverFor', () => {
  it('resolves its own field like the default resolver', () => {
    const firstName = snakeCaseResolverFor('firstName');
    expect(firstName({ first_name: 'Ana' }, {}, {}, info('firstName'))).toBe('Ana');
    expect(firstName({ first_name: 'no', firstName: 'yes' }, {}, {}, info('firstName'))).toBe('yes');
    expect(firstName(null, {}, {}, info('firstName'))).toBeUndefined();
    const totalCount = snakeCaseResolverFor('totalCount');
    const source = { totalCount: (args: { x: number }) => args.x * 2 };
    expect(totalCount(source, { x: 21 }, {}, info('totalCount'))).toBe(42);
  });
});
