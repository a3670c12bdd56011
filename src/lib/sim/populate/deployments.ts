/**
 * Application Deployments: the pod budget shared out over the namespaces, each app with its config,
 * secrets, service account, Service, and sometimes an Ingress with a certificate, an HPA or a budget.
 */
import * as k from '../objects';
import type { KubeObject } from '../../kube/types';
import type { WorldBuilder } from './builder';
import { DAY, HOUR, MINUTE, REPLICA_WEIGHTS, SIDECARS, SUBJECTS } from './catalog';
import { pdb } from './policy';
import { appLabels, appTemplate, semver, type AppShape } from './templates';

export function deployments(w: WorldBuilder, podBudget: number, namespaces: string[]) {
  const { rand } = w;
  if (podBudget <= 0) return;
  // Shares per namespace (largest remainder so they add up exactly).
  const weights = namespaces.map((ns) => (ns === 'data' ? 0.4 : 0.5 + rand.next() * 1.5));
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((x) => (x / sum) * podBudget);
  const shares = raw.map(Math.floor);
  let left = podBudget - shares.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    shares[i]++;
    left--;
  }
  // Larger clusters run larger deployments.
  const scale = Math.max(1, Math.log10(Math.max(podBudget, 1) / 500) + 1);
  namespaces.forEach((ns, i) => {
    let remaining = shares[i];
    let appIndex = 0;
    while (remaining > 0) {
      const want = Math.max(1, Math.round(rand.weighted(REPLICA_WEIGHTS) * scale));
      const replicas = Math.min(remaining, want);
      appDeployment(w, ns, replicas, appIndex++);
      remaining -= replicas;
    }
  });
}

function appDeployment(w: WorldBuilder, ns: string, replicas: number, appIndex: number) {
  const { rand } = w;
  const isWeb = ns === 'web' || ns.startsWith('web-');
  const name = w.appName(ns, isWeb && appIndex === 0 ? 'storefront' : undefined);
  const role = name.split('-').pop() ?? 'api';
  const worker = ['worker', 'consumer', 'processor', 'sync', 'reconciler', 'scheduler', 'indexer'].includes(
    role
  );
  const versions = semver(rand);
  const created = w.between(w.born + 6 * DAY, w.now - 2 * DAY);
  const shape: AppShape = {
    name,
    namespace: ns,
    image: `registry.acme.io/${ns.split('-')[0]}/${name}`,
    withConfig: rand.chance(0.7),
    withSecret: rand.chance(0.55),
    sidecar: rand.chance(0.2) ? rand.pick(SIDECARS) : undefined,
    cpu: rand.pick(['50m', '100m', '100m', '200m', '250m', '500m']),
    memory: rand.pick(['128Mi', '256Mi', '256Mi', '512Mi', '1Gi']),
    grpc: rand.chance(0.25),
    serviceAccount: name,
    registrySecret: true,
    hardened: false
  };
  // `kubectl rollout restart` some days ago: templateFor stamps it relative to the time it is asked for.
  const restartedAgo = rand.chance(0.2) ? rand.int(1, 20) * DAY : undefined;
  shape.hardened = rand.chance(0.4); // drawn after restartedAgo, as always: the same seed keeps its world
  const labels = appLabels(name, ns, versions[versions.length - 1], worker ? 'worker' : 'server', ns);
  delete labels['app.kubernetes.io/version'];
  if (shape.withConfig) {
    w.create(
      k.withManagedFields(
        k.configMap(
          { name: `${name}-config`, namespace: ns, created, labels },
          {
            'log-level': rand.pick(['info', 'info', 'debug', 'warn']),
            'feature-flags': `checkout-v2=${rand.chance(0.5)},dark-mode=true,new-pricing=${rand.chance(0.3)}`,
            'config.yaml': `server:\n  port: 8080\n  readTimeout: 15s\n  writeTimeout: 15s\nmetrics:\n  port: 9090\nupstreams:\n  - name: ${rand.pick(SUBJECTS)}-api\n    url: http://${rand.pick(SUBJECTS)}-api.${ns}.svc.cluster.local:8080\n    timeout: ${rand.int(1, 10)}s\ncache:\n  ttl: ${rand.int(30, 600)}s\n`
          }
        ),
        'kubectl-client-side-apply',
        created
      ),
      created
    );
  }
  if (shape.withSecret) {
    w.create(
      k.withManagedFields(
        k.secret({ name: `${name}-secrets`, namespace: ns, created, labels }, 'Opaque', {
          'database-url': `postgres://${name.replace(/-/g, '_')}:${rand.hex(24)}@postgres.data.svc.cluster.local:5432/${name.split('-')[0]}?sslmode=require`,
          'api-token': rand.hex(40)
        }),
        'kubectl-client-side-apply',
        created
      ),
      created
    );
  }
  w.create(k.serviceAccount({ name, namespace: ns, created, labels }, ['regcred']), created);
  // A few pods are not fine: crash loops, failing readiness, image pulls, no room to schedule.
  const states: k.PodState[] = [];
  const health = rand.next();
  if (health < 0.04) states.push('crashloop');
  else if (health < 0.065) states.push('notready');
  else if (health < 0.075) states.push('imagepull');
  else if (health < 0.085) states.push('unschedulable');
  if (states.length && replicas > 1) states.unshift(...Array(rand.int(0, replicas - 1)).fill('running'));
  const { deployment, pods } = w.deploymentWithPods({
    namespace: ns,
    name,
    labels,
    replicas,
    templateFor: (v, now) =>
      appTemplate(
        { ...shape, restartedAt: restartedAgo === undefined ? undefined : k.isoTime(now - restartedAgo) },
        v
      ),
    versions,
    created,
    states
  });
  const selector = deployment.spec.selector.matchLabels;
  if (!worker || rand.chance(0.2)) {
    const type = rand.weighted([
      ['ClusterIP', 90],
      ['NodePort', 5],
      ['LoadBalancer', 5]
    ] as const);
    const svc = w.serviceFor({
      namespace: ns,
      name,
      labels,
      selector,
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        ...(shape.grpc ? [{ name: 'grpc', port: 9000, targetPort: 'grpc' }] : [])
      ],
      pods,
      created,
      type
    });
    const exposed = (isWeb && appIndex < 6) || (!worker && rand.chance(0.06));
    if (exposed) ingressFor(w, svc, created);
  }
  if (replicas >= 2 && rand.chance(0.18)) {
    const hpaCreated = created + HOUR;
    const hpa = w.create(
      k.withManagedFields(
        k.horizontalPodAutoscaler({
          name,
          namespace: ns,
          created: hpaCreated,
          labels,
          target: deployment,
          minReplicas: Math.max(1, replicas - rand.int(0, 2)),
          maxReplicas: replicas * rand.int(2, 4),
          cpuTarget: rand.pick([60, 70, 75, 80]),
          cpuCurrent: rand.int(20, 95),
          ...(rand.chance(0.3) ? { memoryTarget: 80, memoryCurrent: rand.int(30, 90) } : {}),
          currentReplicas: replicas,
          lastScale: w.now - rand.int(1, 72) * HOUR
        }),
        'kubectl-client-side-apply',
        hpaCreated,
        { manager: 'kube-controller-manager', timeMs: w.now - rand.int(0, 60_000) }
      ),
      hpaCreated
    );
    if (rand.chance(0.3)) w.noteEventSource(hpa, 'hpa');
  }
  if (replicas >= 2 && rand.chance(0.3)) {
    pdb(
      w,
      ns,
      name,
      selector,
      rand.pick([{ minAvailable: 1 }, { maxUnavailable: 1 }, { minAvailable: '50%' }]),
      pods,
      created + HOUR
    );
  }
}

function ingressFor(w: WorldBuilder, svc: KubeObject, created: number) {
  const { rand } = w;
  const ns = svc.metadata.namespace!;
  const host = `${svc.metadata.name}.${ns}.acme.example.com`;
  const secretName = `${svc.metadata.name}-tls`;
  const ing = w.create(
    k.withManagedFields(
      k.ingress({
        name: svc.metadata.name,
        namespace: ns,
        created,
        labels: svc.metadata.labels,
        annotations: {
          'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
          'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
          ...(rand.chance(0.3) ? { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } : {})
        },
        className: 'nginx',
        rules: [
          {
            host,
            paths: [
              { path: '/', service: svc.metadata.name, port: 80 },
              ...(rand.chance(0.3) ? [{ path: '/api', service: svc.metadata.name, port: 'http' }] : [])
            ]
          }
        ],
        tls: [{ hosts: [host], secretName }],
        loadBalancerIP: w.ingressLbIp || undefined
      }),
      'kubectl-client-side-apply',
      created,
      { manager: 'nginx-ingress-controller', timeMs: created + 60_000 }
    ),
    created
  );
  const ready = rand.chance(0.92);
  if (ready)
    w.create(
      k.withManagedFields(
        k.tlsSecret(
          {
            name: secretName,
            namespace: ns,
            created: created + 90_000,
            annotations: {
              'cert-manager.io/alt-names': host,
              'cert-manager.io/certificate-name': secretName,
              'cert-manager.io/common-name': host,
              'cert-manager.io/issuer-kind': 'ClusterIssuer',
              'cert-manager.io/issuer-name': 'letsencrypt-prod'
            },
            labels: { 'controller.cert-manager.io/fao': 'true' }
          },
          rand
        ),
        'cert-manager-certificates-issuing',
        created + 90_000
      ),
      created + 90_000
    );
  w.create(
    k.certificate({
      name: secretName,
      namespace: ns,
      created: created + 5000,
      owner: k.ownerRef(ing),
      labels: svc.metadata.labels,
      dnsNames: [host],
      secretName,
      issuer: 'letsencrypt-prod',
      ready,
      notBefore: ready ? w.now - rand.int(1, 60) * DAY : w.now - rand.int(1, 30) * MINUTE,
      revision: rand.int(1, 4)
    }),
    created + 5000
  );
}
