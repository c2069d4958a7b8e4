import { ConfigError, parseEnv, subgraphEnv } from './index';

describe('parseEnv', () => {
  const schema = subgraphEnv({ port: 4001, database: 'casino_loyalty' });

  it('applies defaults and coerces numbers', () => {
    const env = parseEnv('loyalty', schema, { MONGODB_URI: 'mongodb://localhost:27017', PORT: '5001' });
    expect(env.PORT).toBe(5001);
    expect(env.MONGODB_DATABASE).toBe('casino_loyalty');
    expect(env.MAX_PAGE_SIZE).toBe(200);
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      parseEnv('loyalty', schema, { MONGODB_URI: 'http://nope', PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('MONGODB_URI');
    expect(problems).toContain('PORT');
    expect(problems).toContain('LOG_LEVEL');
    expect((caught as ConfigError).problems).toHaveLength(3);
  });
});
