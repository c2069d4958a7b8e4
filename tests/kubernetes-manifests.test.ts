import { readFileSync } from 'node:fs';
import path from 'node:path';
import { commonEnv } from '@casino/config';
import { parse, parseAllDocuments } from 'yaml';
import { SUBGRAPHS, isSecret, serviceSchemas } from '../scripts/config-docs';
import type { ServiceName } from '../scripts/config-docs';

/** The kustomize base in deploy/kubernetes, checked against the services' own schemas and ports. */
const ROOT = path.resolve(__dirname, '..');
const BASE = path.join(ROOT, 'deploy/kubernetes');

type Labels = Record<string, string>;
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown };
}
interface Container {
  name: string;
  image: string;
  command: string[];
  ports: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { kind: string; metadata: { name: string; labels?: Labels }; spec?: any; data?: Labels };

const kustomization = parse(readFileSync(path.join(BASE, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
  images: Array<{ name: string; newTag?: string }>;
};
const resources: Resource[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(BASE, file), 'utf8')).map((doc) => doc.toJS() as Resource),
);
const ofKind = (kind: string) => resources.filter((r) => r.kind === kind);
const matches = (selector: Labels, labels: Labels) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

const PORTS: Record<string, number> = {
  gateway: 4000,
  ...Object.fromEntries(Object.entries(SUBGRAPHS).map(([name, s]) => [name, s.port])),
};
const SERVICES = Object.keys(PORTS) as ServiceName[];
const schemas = serviceSchemas();
const readBy = (service: ServiceName) => new Set(schemas[service].flatMap((shape) => Object.keys(shape)));

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command?: string[]; image?: string; build?: { target: string } }>;
};

const deployments = ofKind('Deployment');
const deploymentOf = (service: string) => {
  const deployment = deployments.find((d) => d.metadata.name === service);
  if (!deployment) throw new Error(`no Deployment ${service}`);
  return deployment;
};
const containerOf = (service: string) => deploymentOf(service).spec.template.spec.containers[0] as Container;
const podLabels = (service: string) => deploymentOf(service).spec.template.metadata.labels as Labels;
const configMap = (name: string) => ofKind('ConfigMap').find((c) => c.metadata.name === name);

describe('Kubernetes manifests', () => {
  it('have a Deployment for the gateway and each subgraph, running its own image target as compose does', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
    const targets = [
      ...readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^FROM runtime AS (\S+)$/gm),
    ].map((m) => m[1]);
    for (const service of SERVICES) {
      const container = containerOf(service);
      expect(container.image).toBe(`casino-supergraph/${service}`);
      expect(compose.services[service]?.image).toBe(`casino-supergraph/${service}:local`);
      expect(compose.services[service]?.build?.target).toBe(service);
      expect(targets).toContain(service);
      // the image's own command (node on the compiled entry point), as compose runs it
      expect(container.command).toBeUndefined();
      expect(compose.services[service]?.command).toBeUndefined();
      expect(kustomization.images.map((i) => i.name)).toContain(container.image);
      expect(container.resources?.requests?.cpu).toBeTruthy();
      expect(container.resources?.limits?.memory).toBeTruthy();
    }
  });

  it.each(SERVICES)('%s: is given longer to stop than its drain delay and grace together', (service) => {
    const settings = configMap('casino-config')?.data ?? {};
    const grace = commonEnv.SHUTDOWN_GRACE_MS.parse(settings.SHUTDOWN_GRACE_MS);
    const delay = commonEnv.SHUTDOWN_DRAIN_DELAY_MS.parse(settings.SHUTDOWN_DRAIN_DELAY_MS);
    const period = deploymentOf(service).spec.template.spec.terminationGracePeriodSeconds as number;
    expect(period * 1000).toBeGreaterThan(grace + delay);
  });

  it.each(SERVICES)('%s: probes /ready and /health on the port the service serves', (service) => {
    const container = containerOf(service);
    const port = PORTS[service]!;
    expect(container.ports.map((p) => p.containerPort)).toEqual([port]);
    // PORT is what the service listens on; the schema default is the same port
    expect(container.env?.find((e) => e.name === 'PORT')?.value).toBe(String(port));
    const portOf = (probePort: number | string | undefined) =>
      typeof probePort === 'number'
        ? probePort
        : container.ports.find((p) => p.name === probePort)?.containerPort;
    expect(container.readinessProbe?.httpGet?.path).toBe('/ready');
    expect(portOf(container.readinessProbe?.httpGet?.port)).toBe(port);
    expect(container.livenessProbe?.httpGet?.path).toBe('/health');
    expect(portOf(container.livenessProbe?.httpGet?.port)).toBe(port);
  });

  it.each(SERVICES)('%s: every variable it is given is one the service reads', (service) => {
    const known = readBy(service);
    const container = containerOf(service);
    const names = (container.env ?? []).map((e) => e.name);
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef) names.push(...Object.keys(configMap(source.configMapRef.name)?.data ?? {}));
    }
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    expect(names).toContain('SERVICE_SIGNING_KEY');
  });

  it('never inline a secret: secrets come from secretKeyRef, and the base holds no Secret values', () => {
    expect(ofKind('Secret')).toEqual([]);
    for (const map of ofKind('ConfigMap')) {
      expect(Object.keys(map.data ?? {}).filter(isSecret)).toEqual([]);
    }
    const signingSecrets = new Set<string>();
    for (const service of SERVICES) {
      for (const variable of containerOf(service).env ?? []) {
        if (!isSecret(variable.name)) continue;
        expect({ name: variable.name, value: variable.value }).toEqual({
          name: variable.name,
          value: undefined,
        });
        expect(variable.valueFrom?.secretKeyRef?.name).toBeTruthy();
        if (variable.name === 'SERVICE_SIGNING_KEY')
          signingSecrets.add(variable.valueFrom!.secretKeyRef!.name);
      }
    }
    // one signing key per service, never one shared by all
    expect(signingSecrets.size).toBe(SERVICES.length);
    // the services that hold personal data get their keys, and compliance the access-token signing key
    for (const service of ['loyalty', 'workforce', 'marketing', 'compliance']) {
      const names = (containerOf(service).env ?? []).map((e) => e.name);
      expect(names).toEqual(
        expect.arrayContaining(['DATA_ENCRYPTION_KEYS', 'BLIND_INDEX_KEY', 'MONGODB_URI']),
      );
    }
    expect((containerOf('compliance').env ?? []).map((e) => e.name)).toContain('ACCESS_TOKEN_SIGNING_KEY');
    expect((containerOf('gateway').env ?? []).map((e) => e.name)).not.toContain('ACCESS_TOKEN_SIGNING_KEY');
  });

  it('have a Service and a PodDisruptionBudget per Deployment, and an autoscaler for the gateway', () => {
    for (const service of SERVICES) {
      const svc = ofKind('Service').find((s) => s.metadata.name === service);
      expect(svc).toBeDefined();
      expect(matches(svc!.spec.selector, podLabels(service))).toBe(true);
      expect(svc!.spec.ports.map((p: { port: number }) => p.port)).toEqual([PORTS[service]]);
      const budgets = ofKind('PodDisruptionBudget').filter((b) =>
        matches(b.spec.selector.matchLabels, podLabels(service)),
      );
      expect(budgets).toHaveLength(1);
    }
    const [autoscaler, ...others] = ofKind('HorizontalPodAutoscaler');
    expect(others).toEqual([]);
    expect(autoscaler?.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'gateway' });
  });

  describe('network policy', () => {
    const policies = ofKind('NetworkPolicy');
    const selecting = (service: string) =>
      policies.filter((p) => matches(p.spec.podSelector.matchLabels ?? {}, podLabels(service)));
    /** Whether a pod of `from` may open a connection to `port` of a pod of `to`, by the policies selecting `to`. */
    const admits = (from: string, to: string, port: number) =>
      selecting(to).some((policy) =>
        (policy.spec.ingress ?? []).some(
          (rule: {
            from?: Array<{ podSelector?: { matchLabels: Labels } }>;
            ports?: Array<{ port: number }>;
          }) =>
            (rule.from === undefined ||
              rule.from.some(
                (peer) => peer.podSelector && matches(peer.podSelector.matchLabels, podLabels(from)),
              )) &&
            (rule.ports === undefined || rule.ports.some((p) => p.port === port)),
        ),
      );
    const subgraphs = Object.keys(SUBGRAPHS);

    it('admits the gateway to every subgraph, and the subgraphs to each other', () => {
      for (const to of subgraphs) {
        expect(admits('gateway', to, PORTS[to]!)).toBe(true);
        for (const from of subgraphs) expect(admits(from, to, PORTS[to]!)).toBe(true);
      }
    });

    /** The scrape rule: Prometheus's pods in its namespace, on the subgraph ports. */
    const isScrapeRule = (rule: { from?: Array<Record<string, unknown>> }) =>
      rule.from?.length === 1 && Object.keys(rule.from[0]!).sort().join() === 'namespaceSelector,podSelector';

    it('admits Prometheus to scrape every subgraph, by namespace and pod together', () => {
      for (const to of subgraphs) {
        const scrape = selecting(to).flatMap((p) => (p.spec.ingress ?? []).filter(isScrapeRule));
        expect(scrape).toHaveLength(1);
        const [peer] = scrape[0].from;
        expect(Object.keys(peer.namespaceSelector.matchLabels)).toEqual(['kubernetes.io/metadata.name']);
        expect(peer.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus' });
        expect(scrape[0].ports.map((p: { port: number }) => p.port)).toContain(PORTS[to]);
      }
    });

    it('admits nothing else to the subgraphs: no open rule, no other namespace or address block', () => {
      for (const to of subgraphs) {
        const policy = selecting(to);
        expect(policy.length).toBeGreaterThan(0);
        for (const p of policy) {
          expect(p.spec.policyTypes).toContain('Ingress');
          for (const rule of p.spec.ingress ?? []) {
            expect(rule.from?.length).toBeGreaterThan(0);
            if (isScrapeRule(rule)) continue;
            for (const peer of rule.from) expect(Object.keys(peer)).toEqual(['podSelector']);
          }
        }
        // a pod of this app that is neither the gateway nor a subgraph (e.g. a seed job) is not let in
        const other = {
          'app.kubernetes.io/name': 'casino-supergraph',
          'app.kubernetes.io/component': 'seed',
        };
        const admitted = policy.some((p) =>
          (p.spec.ingress ?? []).some((rule: { from: Array<{ podSelector: { matchLabels: Labels } }> }) =>
            rule.from.some((peer) => matches(peer.podSelector.matchLabels, other)),
          ),
        );
        expect(admitted).toBe(false);
      }
    });
  });
});
