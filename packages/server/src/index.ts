export * from './apollo';
export * from './http';
export * from './subgraph';
export * from './subgraph-runtime';
