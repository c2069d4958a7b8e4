export * from './apollo';
export * from './http';
export * from './input-limits';
export * from './json-input-limits';
export * from './subgraph';
export * from './subgraph-runtime';
export * from './router-trust';
export * from './metrics';
