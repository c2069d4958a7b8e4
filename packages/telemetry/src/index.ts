export * from './telemetry';
export * from './mongo';
export * from './propagation';
