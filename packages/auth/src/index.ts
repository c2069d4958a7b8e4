export * from './identity';
export * from './rules';
export * from './tokens';
