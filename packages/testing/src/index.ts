export * from './subgraph-harness';
export * from './identities';
