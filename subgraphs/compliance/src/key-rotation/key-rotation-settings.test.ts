import { DEFAULT_COMPLIANCE_SETTINGS, parseComplianceSettings } from '../settings';

describe('key rotation settings', () => {
  it('default to batches of 200 and at most 1000 batches per subgraph, and read the environment', () => {
    expect(DEFAULT_COMPLIANCE_SETTINGS).toMatchObject({
      keyRotationBatchSize: 200,
      keyRotationMaxBatches: 1_000,
    });
    expect(
      parseComplianceSettings({ KEY_ROTATION_BATCH_SIZE: '50', KEY_ROTATION_MAX_BATCHES: '20' }),
    ).toMatchObject({ keyRotationBatchSize: 50, keyRotationMaxBatches: 20 });
  });

  it('refuses a batch size the subgraphs would refuse', () => {
    expect(() => parseComplianceSettings({ KEY_ROTATION_BATCH_SIZE: '1001' })).toThrow(
      /KEY_ROTATION_BATCH_SIZE/,
    );
    expect(() => parseComplianceSettings({ KEY_ROTATION_MAX_BATCHES: '0' })).toThrow(
      /KEY_ROTATION_MAX_BATCHES/,
    );
  });
});
