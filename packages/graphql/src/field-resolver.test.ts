import type { GraphQLResolveInfo } from 'graphql';
import { snakeCaseFieldResolver, toSnakeCase } from './field-resolver';

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
