import { SpanStatusCode, context } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { parseEnv, telemetryEnv, z } from '@casino/config';
import { injectTraceContext } from './propagation';
import { startTelemetry, withSpan } from './telemetry';

const settingsOf = (env: Record<string, string>) => parseEnv('test', z.object(telemetryEnv), env);

/** Keeps what it is sent (the SDK's in-memory exporter forgets everything when shut down). */
class Collected implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans.push(...spans);
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

class StoredValueError extends Error {
  override name = 'StoredValueError';
}

describe('telemetry settings', () => {
  it('is off without an endpoint, and with OTEL_SDK_DISABLED even with one', async () => {
    const envs: Record<string, string>[] = [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' },
    ];
    for (const env of envs) {
      const telemetry = startTelemetry('loyalty', settingsOf(env));
      expect(telemetry.enabled).toBe(false);
      expect(telemetry.tracer).toBeNull();
      await expect(telemetry.withSpan('job x', {}, () => 42)).resolves.toBe(42);
      const headers: Record<string, string> = {};
      injectTraceContext(headers);
      expect(headers).toEqual({});
    }
  });

  it('reads the OTLP headers and resource attributes as key=value lists and refuses anything else', () => {
    expect(
      settingsOf({
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, tenant=casino',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=production',
      }),
    ).toMatchObject({
      OTEL_EXPORTER_OTLP_HEADERS: { 'x-api-key': 'abc==', tenant: 'casino' },
      OTEL_RESOURCE_ATTRIBUTES: { 'deployment.environment.name': 'production' },
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    });
    expect(() => settingsOf({ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' })).toThrow(
      /OTEL_EXPORTER_OTLP_HEADERS/,
    );
    expect(() => settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});

describe('spans of background work', () => {
  const exporter = new Collected();
  const telemetry = startTelemetry('gaming', settingsOf({}), { exporter });

  afterAll(() => telemetry.shutdown());

  it('runs a pass as a trace of its own whose deliveries are its children, named after the service', async () => {
    await telemetry.withSpan('outer request', {}, () =>
      telemetry.withSpan(
        'job credits',
        { 'job.name': 'credits' },
        () => withSpan('deliver gaming credit', {}, () => 'ok'),
        {
          root: true,
        },
      ),
    );
    await telemetry.shutdown();
    const spans = exporter.spans;
    const pass = spans.find((span) => span.name === 'job credits')!;
    const delivery = spans.find((span) => span.name === 'deliver gaming credit')!;
    const request = spans.find((span) => span.name === 'outer request')!;
    expect(pass.parentSpanContext).toBeUndefined();
    expect(pass.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(delivery.parentSpanContext?.spanId).toBe(pass.spanContext().spanId);
    expect(delivery.resource.attributes['service.name']).toBe('gaming');
  });
});

describe('failures', () => {
  it('mark the span failed with the error type only, never its message', async () => {
    const exporter = new Collected();
    const telemetry = startTelemetry('loyalty', settingsOf({}), { exporter });
    await expect(
      telemetry.withSpan('job expiry', {}, () => {
        throw new StoredValueError('duplicate key: { memberNumber: "M-0001" }');
      }),
    ).rejects.toThrow(StoredValueError);
    await telemetry.shutdown();
    const [span] = exporter.spans;
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span!.attributes['error.type']).toBe('StoredValueError');
    expect(JSON.stringify([span!.attributes, span!.events, span!.status])).not.toContain('M-0001');
  });

  it('outside any traced work, withSpan just runs the work', async () => {
    await expect(context.with(context.active(), () => withSpan('x', {}, () => 7))).resolves.toBe(7);
  });
});
