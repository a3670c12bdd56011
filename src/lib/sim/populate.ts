/**
 * Fills a SimCluster with a coherent, realistic world: nodes, system add-ons, Helm releases, app
 * namespaces full of Deployments (with their ReplicaSet history), StatefulSets with volumes,
 * DaemonSets on every node, CronJobs with finished Jobs, Services with EndpointSlices, Ingresses with
 * certificates, autoscalers, budgets, quotas, RBAC and recent Events.
 *
 * Objects are created in dependency order (owners before dependents, with the owner's real uid) and
 * their statuses are computed with the same functions the controllers use, so the world is already
 * reconciled when the controllers start. Everything random comes from `opts.seed`.
 */
import { stringify as toYaml } from 'yaml';
import type { SimCluster } from './cluster';
import { labelJob, parseCron, previousCronTime } from './controllers';
import * as k from './objects';
import { Random } from './random';
import type { KubeObject, NewObject, OwnerReference, ResourceType } from './types';

export interface PopulateOptions {
  seed: number;
  /** Pods the world should hold (every pod: apps, system add-ons, DaemonSets, finished Jobs). */
  pods: number;
  /** Nodes; default one per 30 pods, at least 3, at most 500. */
  nodes?: number;
  /** Namespaces in all, system ones included; default grows with `pods`. */
  namespaces?: number;
  /** Who uses the cluster: `admin` is cluster-admin; `viewer` reads everything but Secrets outside `web`. */
  user?: { name: string; role: 'admin' | 'viewer' };
}

export interface PopulateResult {
  pods: number;
  nodes: number;
  namespaces: number;
  objects: number;
  ms: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

const REGION = 'eu-west-1';
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const POOLS = [
  { pool: 'general', instanceType: 'm6i.2xlarge', cpu: 8, memoryGi: 32, weight: 6 },
  { pool: 'compute', instanceType: 'c6i.4xlarge', cpu: 16, memoryGi: 32, weight: 2 },
  { pool: 'highmem', instanceType: 'r6i.2xlarge', cpu: 8, memoryGi: 64, weight: 2 }
] as const;

const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];
const ADDON_NAMESPACES = ['ingress-nginx', 'cert-manager', 'monitoring', 'logging'];
/** App namespaces in the order they are used; `web` and `data` always exist. */
const APP_NAMESPACES = [
  'web',
  'payments',
  'data',
  'checkout',
  'inventory',
  'search',
  'auth',
  'notifications',
  'analytics',
  'shipping',
  'catalog',
  'billing',
  'recommendations',
  'media',
  'identity',
  'reporting',
  'support',
  'marketing',
  'ml-platform',
  'gateway'
];
const TEAMS = [
  'orion',
  'lyra',
  'vega',
  'draco',
  'cygnus',
  'perseus',
  'hydra',
  'aquila',
  'phoenix',
  'pavo',
  'lupus',
  'corvus'
];
const ENVS = ['staging', 'qa', 'sandbox', 'preview', 'perf', 'canary'];

const SUBJECTS = [
  'orders',
  'invoices',
  'users',
  'carts',
  'prices',
  'quotes',
  'ledger',
  'accounts',
  'sessions',
  'tokens',
  'emails',
  'sms',
  'push',
  'images',
  'videos',
  'thumbnails',
  'reviews',
  'ratings',
  'stock',
  'warehouse',
  'routes',
  'tracking',
  'refunds',
  'payouts',
  'fraud',
  'risk',
  'audit',
  'reports',
  'exports',
  'imports',
  'search',
  'feeds',
  'catalog',
  'promotions',
  'coupons',
  'loyalty',
  'profiles',
  'consent',
  'geo',
  'tax'
];
const ROLES = [
  'api',
  'worker',
  'gateway',
  'scheduler',
  'indexer',
  'consumer',
  'frontend',
  'backend',
  'sync',
  'webhook',
  'processor',
  'exporter',
  'reconciler',
  'notifier',
  'router',
  'admin',
  'stream',
  'ingest',
  'renderer',
  'graphql',
  'grpc',
  'cache',
  'proxy',
  'validator',
  'matcher'
];
const SIDECARS = [
  {
    name: 'otel-agent',
    image: 'otel/opentelemetry-collector-contrib:0.115.1',
    port: 4317,
    portName: 'otlp-grpc'
  },
  { name: 'envoy', image: 'envoyproxy/envoy:v1.32.2', port: 15001, portName: 'envoy-admin' },
  {
    name: 'cloud-sql-proxy',
    image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.2',
    port: 5432,
    portName: 'postgres'
  }
];

const REPLICA_WEIGHTS: [number, number][] = [
  [1, 24],
  [2, 30],
  [3, 20],
  [4, 8],
  [5, 6],
  [6, 4],
  [8, 3],
  [10, 2],
  [12, 1.2],
  [20, 0.6],
  [30, 0.2]
];

interface NodeSlot {
  obj: KubeObject;
  name: string;
  ip: string;
  zone: string;
  cidr: string;
  nextIp: number;
  pods: number;
  maxPods: number;
  controlPlane: boolean;
}

interface SystemComponent {
  key: string;
  cost: number;
  build: () => void;
}

class WorldBuilder {
  readonly rand: Random;
  readonly now: number;
  readonly born: number; // when the cluster was created
  private rts = new Map<string, ResourceType>();
  readonly nodes: NodeSlot[] = [];
  private nodeCursor = 0;
  private usedServiceIPs = new Set<string>();
  private usedNodePorts = new Set<number>();
  private podCount = 0;
  objectCount = 0;
  private caCrt: string;
  /** Per namespace: summed container requests and limits of its pods, for ResourceQuota status. */
  private usage = new Map<
    string,
    {
      cpuReq: number;
      memReq: number;
      cpuLim: number;
      memLim: number;
      pods: number;
      services: number;
      pvcs: number;
    }
  >();
  private eventSources: {
    obj: KubeObject;
    kind: 'pod' | 'deploy' | 'node' | 'crash' | 'unready' | 'pending' | 'job' | 'hpa';
  }[] = [];
  ingressLbIp = '';
  private appsByNamespace = new Map<string, Set<string>>();
  private generatedNames = new Set<string>();
  private hasWorkers = false;
  readonly zoneOfNode = new Map<string, string>();

  constructor(
    readonly cluster: SimCluster,
    readonly opts: PopulateOptions
  ) {
    this.rand = new Random(opts.seed);
    this.now = cluster.clock.now();
    this.born = this.now - 210 * DAY;
    this.caCrt = k.pem('CERTIFICATE', this.rand, 800);
  }

  rt(apiVersion: string, kind: string): ResourceType {
    const key = `${apiVersion} ${kind}`;
    let t = this.rts.get(key);
    if (!t) this.rts.set(key, (t = this.cluster.type(apiVersion, kind)));
    return t;
  }

  /**
   * Creates an object as if at time `at`. The cluster stamps creationTimestamp from its clock, so the
   * clock is pointed at `at` for the duration of the call (the cluster has no bulk-load path that keeps it).
   */
  /** Creates an object as if at time `at`. */
  create(obj: NewObject, at: number = this.now): KubeObject {
    this.objectCount++;
    return this.cluster.create(this.rt(obj.apiVersion, obj.kind), obj.metadata.namespace, obj, {
      createdAt: Math.min(at, this.now)
    });
  }

  mutate(obj: KubeObject, fn: (copy: KubeObject) => void): KubeObject {
    return this.cluster.mutate(
      this.rt(obj.apiVersion, obj.kind),
      obj.metadata.namespace,
      obj.metadata.name,
      fn
    )!;
  }

  /** A time between `from` and `to` (clamped to now). */
  between(from: number, to: number): number {
    const a = Math.min(from, this.now);
    const b = Math.min(Math.max(to, a), this.now);
    return Math.floor(a + this.rand.next() * (b - a));
  }

  usageOf(ns: string) {
    let u = this.usage.get(ns);
    if (!u)
      this.usage.set(ns, (u = { cpuReq: 0, memReq: 0, cpuLim: 0, memLim: 0, pods: 0, services: 0, pvcs: 0 }));
    return u;
  }

  serviceIP(): string {
    for (;;) {
      const n = this.rand.int(11, 0xfffe);
      const ip = `10.96.${n >> 8}.${n & 255}`;
      if ((n & 255) === 0 || (n & 255) === 255 || this.usedServiceIPs.has(ip)) continue;
      this.usedServiceIPs.add(ip);
      return ip;
    }
  }

  nodePort(): number {
    for (;;) {
      const p = this.rand.int(30000, 32767);
      if (this.usedNodePorts.has(p)) continue;
      this.usedNodePorts.add(p);
      return p;
    }
  }

  /** `prefix` + a random 5-character suffix, unique in the namespace (generateName, without collisions). */
  generateName(ns: string | undefined, prefix: string): string {
    for (;;) {
      const name = prefix + this.rand.suffix(5);
      const key = `${ns ?? ''}/${name}`;
      if (this.generatedNames.has(key)) continue;
      this.generatedNames.add(key);
      return name;
    }
  }

  appName(ns: string, hint?: string): string {
    let used = this.appsByNamespace.get(ns);
    if (!used) this.appsByNamespace.set(ns, (used = new Set()));
    for (let attempt = 0; ; attempt++) {
      let name = hint && attempt === 0 ? hint : `${this.rand.pick(SUBJECTS)}-${this.rand.pick(ROLES)}`;
      if (attempt > 50) name = `${name}-${attempt}`;
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
  }

  // ---- nodes ---------------------------------------------------------------------------------

  buildNodes(count: number, controlPlanes: number, maxPods: number) {
    let cidrBits = 24;
    while (2 ** (32 - cidrBits) - 3 < maxPods) cidrBits--;
    const images = [
      `registry.k8s.io/kube-proxy:${k.KUBE_VERSION}`,
      'registry.k8s.io/pause:3.10',
      'registry.k8s.io/coredns/coredns:v1.11.3',
      'quay.io/prometheus/node-exporter:v1.8.2',
      'cr.fluentbit.io/fluent/fluent-bit:3.2.2',
      'nginx:1.27.3'
    ];
    for (let i = 0; i < count; i++) {
      const cp = i < controlPlanes;
      const pool = cp
        ? { pool: 'control-plane', instanceType: 'm6i.xlarge', cpu: 4, memoryGi: 16 }
        : this.rand.weighted(POOLS.map((p) => [p, p.weight] as const));
      const zone = ZONES[i % ZONES.length];
      const name = cp
        ? `${this.cluster.name}-control-plane-${i + 1}`
        : this.generateName('', `${this.cluster.name}-${pool.pool}-`);
      const ip = `10.0.${Math.floor(i / 250)}.${(i % 250) + 4}`;
      // Node pod CIDRs are carved out of 10.64.0.0/10: a /24 each, larger for nodes with over 250 pods.
      const cidr = `${k.ipInCidr('10.64.0.0/10', i * 2 ** (32 - cidrBits))}/${cidrBits}`;
      const created = cp ? this.born : this.between(this.born + DAY, this.now - 2 * HOUR);
      const obj = this.create(
        k.withManagedFields(
          k.node({
            name,
            role: cp ? 'control-plane' : 'worker',
            pool: pool.pool,
            zone,
            region: REGION,
            instanceType: pool.instanceType,
            cpu: pool.cpu,
            memoryGi: pool.memoryGi,
            maxPods: cp ? 110 : maxPods,
            internalIP: ip,
            podCIDR: cidr,
            created,
            now: this.now,
            rand: this.rand,
            images
          }),
          'kubelet',
          created,
          { manager: 'kubelet', timeMs: this.now - this.rand.int(0, 40_000) }
        ),
        created
      );
      this.zoneOfNode.set(name, zone);
      if (!cp) this.hasWorkers = true;
      this.nodes.push({
        obj,
        name,
        ip,
        zone,
        cidr,
        nextIp: 2,
        pods: 0,
        maxPods: cp ? 110 : maxPods,
        controlPlane: cp
      });
    }
  }

  /** A worker node with room for a pod, spreading pods evenly. */
  pickWorker(): NodeSlot {
    const workers = this.nodes.length;
    for (let tries = 0; tries < workers * 2; tries++) {
      const n = this.nodes[(this.nodeCursor + this.rand.int(0, 2)) % workers];
      this.nodeCursor = (this.nodeCursor + 1) % workers;
      if (n.controlPlane && this.hasWorkers) continue; // control planes run only what tolerates them
      if (n.pods < n.maxPods) return n;
    }
    return this.nodes.reduce((a, b) => (a.pods <= b.pods ? a : b));
  }

  podIP(n: NodeSlot): string {
    return k.ipInCidr(n.cidr, n.nextIp++);
  }

  // ---- pods ----------------------------------------------------------------------------------

  /**
   * Creates one pod of an owner: picks the node (unless given), its IP, a state, timestamps and
   * managedFields, and accounts for it in the namespace usage.
   */
  makePod(p: {
    name: string;
    namespace: string;
    template: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: Record<string, unknown>;
    };
    owner?: OwnerReference;
    ownerCreated: number;
    controllerFields: Record<string, unknown>;
    state?: k.PodState;
    node?: NodeSlot;
    generateName?: string;
    extraLabels?: Record<string, string>;
    hostname?: string;
    subdomain?: string;
    extraVolumes?: Record<string, unknown>[];
    daemonSet?: boolean;
    hostNetwork?: boolean;
    priority?: number;
    created?: number;
    finishedAt?: number;
    staticAnnotations?: Record<string, string>;
  }): KubeObject {
    const rand = this.rand;
    const state = p.state ?? 'running';
    const node = state === 'unschedulable' ? undefined : (p.node ?? this.pickWorker());
    if (node) node.pods++;
    const created =
      p.created ??
      this.between(p.ownerCreated + 2000, p.ownerCreated + (rand.chance(0.25) ? 20 * DAY : 90_000));
    const base = k.podFromTemplate({
      name: p.name,
      namespace: p.namespace,
      template: p.template,
      owner: p.owner,
      generateName: p.generateName,
      nodeName: node?.name,
      created,
      tokenVolumeSuffix: rand.suffix(5),
      extraLabels: p.extraLabels,
      hostname: p.hostname,
      subdomain: p.subdomain,
      extraVolumes: p.extraVolumes,
      daemonSetNode: p.daemonSet ? node?.name : undefined,
      priority: p.priority
    });
    if (p.staticAnnotations)
      base.metadata.annotations = { ...(base.metadata.annotations ?? {}), ...p.staticAnnotations };
    const scheduledAt = created + rand.int(200, 2500);
    let startedAt = scheduledAt + rand.int(2000, 20_000);
    let restartCount = 0;
    let finishedAt: number | undefined;
    let exitCode: number | undefined;
    if (state === 'running' && rand.chance(0.18)) {
      restartCount = rand.int(1, 6);
      finishedAt = this.between(startedAt + 60_000, this.now - 60_000);
      startedAt = Math.min(this.now - 30_000, finishedAt + rand.int(10_000, 40_000));
      exitCode = rand.pick([1, 1, 2, 137, 143]);
    } else if (state === 'crashloop') {
      restartCount = rand.int(4, 180);
      finishedAt = this.now - rand.int(5_000, 290_000);
      startedAt = finishedAt - rand.int(3_000, 60_000);
      exitCode = rand.pick([1, 1, 2, 137]);
    } else if (state === 'succeeded' || state === 'failed') {
      finishedAt = p.finishedAt ?? Math.min(this.now, startedAt + rand.int(5_000, 600_000));
      exitCode = state === 'failed' ? rand.pick([1, 2, 137]) : 0;
    }
    const hostIP = node?.ip;
    const podIP = !node
      ? undefined
      : p.hostNetwork
        ? node.ip
        : state === 'creating'
          ? undefined
          : this.podIP(node);
    base.status = k.podStatus(base as { metadata: KubeObject['metadata']; spec: Record<string, unknown> }, {
      state,
      rand,
      scheduledAt,
      startedAt,
      finishedAt,
      hostIP,
      podIP,
      restartCount,
      exitCode,
      message:
        state === 'unschedulable'
          ? `0/${this.nodes.length} nodes are available: ${this.nodes.filter((n) => n.controlPlane).length} node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, ${this.nodes.filter((n) => !n.controlPlane).length} Insufficient memory. preemption: 0/${this.nodes.length} nodes are available: ${this.nodes.filter((n) => n.controlPlane).length} Preemption is not helpful for scheduling, ${this.nodes.filter((n) => !n.controlPlane).length} No preemption victims found for incoming pod.`
          : undefined
    });
    const statusTime = Math.min(this.now, Math.max(finishedAt ?? 0, startedAt + 5000));
    base.metadata.managedFields = k.podManagedFields(
      base,
      p.controllerFields,
      created,
      statusTime,
      p.owner ? 'kube-controller-manager' : 'kubelet'
    );
    let pod = this.create(base, created);
    this.podCount++;
    if (state === 'crashloop') {
      // The kubelet's back-off message names the pod's uid, known only once the pod exists.
      pod = this.mutate(pod, (o) => {
        const w = o.status.containerStatuses[0].state.waiting;
        w.message = w.message.replace(/\(\)$/, `(${o.metadata.uid})`);
      });
    }
    if (state !== 'succeeded' && state !== 'failed') {
      const u = this.usageOf(p.namespace);
      u.pods++;
      for (const c of (base.spec.containers as Record<
        string,
        { requests?: Record<string, string>; limits?: Record<string, string> }
      >[]) ?? []) {
        const r = c.resources as { requests?: Record<string, string>; limits?: Record<string, string> };
        u.cpuReq += k.parseQuantity(r?.requests?.cpu) * 1000;
        u.memReq += k.parseQuantity(r?.requests?.memory);
        u.cpuLim += k.parseQuantity(r?.limits?.cpu ?? r?.requests?.cpu) * 1000;
        u.memLim += k.parseQuantity(r?.limits?.memory ?? r?.requests?.memory);
      }
    }
    if (state === 'crashloop') this.eventSources.push({ obj: pod, kind: 'crash' });
    else if (state === 'notready') this.eventSources.push({ obj: pod, kind: 'unready' });
    else if (state === 'unschedulable') this.eventSources.push({ obj: pod, kind: 'pending' });
    else if (this.rand.chance(0.05)) this.eventSources.push({ obj: pod, kind: 'pod' });
    return pod;
  }

  get podsCreated() {
    return this.podCount;
  }

  // ---- workloads -----------------------------------------------------------------------------

  /**
   * A Deployment, its ReplicaSet history and the pods of the current ReplicaSet. Statuses are computed
   * from the pods' intended states before anything is created, so each object is written once.
   */
  deploymentWithPods(d: {
    namespace: string;
    name: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    replicas: number;
    templateFor: (version: string) => Record<string, unknown>;
    versions: string[]; // oldest first; the last is current
    created: number;
    states?: k.PodState[];
  }): { deployment: KubeObject; pods: KubeObject[] } {
    const rand = this.rand;
    const revisions = d.versions.length;
    const templates = new Map<string, Record<string, unknown>>();
    const templateFor = (version: string) => {
      let t = templates.get(version);
      if (!t) {
        templates.set(version, (t = d.templateFor(version)));
        // Revisions differ only in image tags and labels: one managedFields tree serves them all.
        const first = templates.values().next().value as { spec: object };
        k.sameSpecShape(first.spec, (t as { spec: object }).spec);
      }
      return t;
    };
    const rolloutTimes = d.versions.map(() => d.created);
    for (let i = 1; i < revisions; i++) {
      rolloutTimes[i] = this.between(rolloutTimes[i - 1] + HOUR, this.now - (revisions - i) * HOUR);
    }
    const rolledOut = rolloutTimes[revisions - 1];
    const selector = selectorFor(
      (templateFor(d.versions[revisions - 1]) as k.PodTemplateSpec).metadata?.labels ?? {}
    );
    const draft = k.deployment({
      name: d.name,
      namespace: d.namespace,
      created: d.created,
      labels: d.labels,
      annotations: d.annotations,
      replicas: d.replicas,
      selector,
      template: templateFor(d.versions[revisions - 1]),
      revision: revisions
    });
    const states = Array.from({ length: d.replicas }, (_, r) => d.states?.[r] ?? 'running');
    // Keep the last 3 old revisions (a realistic history, fewer objects than the default 10).
    const firstKept = Math.max(0, revisions - 4);
    const rsDrafts: NewObject[] = [];
    for (let i = firstKept; i < revisions; i++) {
      const isCurrent = i === revisions - 1;
      const rs = k.replicaSet({
        name: '',
        namespace: d.namespace,
        created: rolloutTimes[i],
        deployment: draft as KubeObject,
        template: templateFor(d.versions[i]),
        replicas: isCurrent ? d.replicas : 0,
        revision: i + 1
      });
      rs.status = k.replicaSetStatus(
        rs as KubeObject,
        isCurrent ? intendedPods(states, rs.spec.template) : []
      );
      rsDrafts.push(rs);
    }
    const statusTime = rolledOut + 60_000;
    draft.status = k.deploymentStatus(
      draft as KubeObject,
      rsDrafts as KubeObject[],
      rsDrafts[rsDrafts.length - 1] as KubeObject,
      statusTime
    );
    const manager =
      d.labels['app.kubernetes.io/managed-by'] === 'Helm' ? 'helm' : 'kubectl-client-side-apply';
    k.withManagedFields(draft, manager, rolledOut, {
      manager: 'kube-controller-manager',
      timeMs: statusTime
    });
    const deployment = this.create(draft, d.created);
    const owner = k.ownerRef(deployment);
    let pods: KubeObject[] = [];
    rsDrafts.forEach((rs, j) => {
      const i = firstKept + j;
      const isCurrent = i === revisions - 1;
      rs.metadata.ownerReferences = [owner];
      k.withManagedFields(rs, 'kube-controller-manager', rolloutTimes[i], {
        manager: 'kube-controller-manager',
        timeMs: isCurrent ? this.now - rand.int(0, HOUR) : rolloutTimes[i + 1]
      });
      const rsObj = this.create(rs, rolloutTimes[i]);
      if (!isCurrent) return;
      const rsOwner = k.ownerRef(rsObj);
      const tpl = rsObj.spec.template;
      const fields = k.podControllerFields(tpl, rsOwner, `${rsObj.metadata.name}-`);
      pods = states.map((state) =>
        this.makePod({
          name: this.generateName(d.namespace, `${rsObj.metadata.name}-`),
          generateName: `${rsObj.metadata.name}-`,
          namespace: d.namespace,
          template: tpl,
          owner: rsOwner,
          ownerCreated: rolloutTimes[i],
          controllerFields: fields,
          state
        })
      );
    });
    if (rand.chance(0.1)) this.eventSources.push({ obj: deployment, kind: 'deploy' });
    return { deployment, pods };
  }

  /** A Service for pods with `selector`, and its EndpointSlice listing them. */
  serviceFor(s: {
    namespace: string;
    name: string;
    labels: Record<string, string>;
    selector: Record<string, string>;
    ports: k.ServicePortInit[];
    pods: KubeObject[];
    created: number;
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
    headless?: boolean;
    annotations?: Record<string, string>;
    clusterIP?: string;
  }): KubeObject {
    const type = s.type ?? 'ClusterIP';
    const lbIp = type === 'LoadBalancer' ? `203.0.113.${this.rand.int(10, 250)}` : undefined;
    const draft = k.service({
      name: s.name,
      namespace: s.namespace,
      created: s.created,
      labels: s.labels,
      annotations: s.annotations,
      type,
      clusterIP: s.clusterIP ?? this.serviceIP(),
      selector: s.selector,
      headless: s.headless,
      loadBalancerIP: lbIp,
      ports: s.ports.map((p) => ({ ...p, ...(type !== 'ClusterIP' ? { nodePort: this.nodePort() } : {}) }))
    });
    k.withManagedFields(
      draft,
      s.labels['app.kubernetes.io/managed-by'] === 'Helm' ? 'helm' : 'kubectl-client-side-apply',
      s.created
    );
    const svc = this.create(draft, s.created);
    this.usageOf(s.namespace).services++;
    this.endpointSlicesFor(svc, s.pods, s.created);
    return svc;
  }

  endpointSlicesFor(svc: KubeObject, pods: KubeObject[], created: number) {
    const zoneOf = this.zoneOfNode;
    // The controller lists endpoints by pod name.
    const withIp = pods
      .filter((p) => p.status?.podIP)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const ports = k.endpointPorts(svc, pods[0]);
    const chunks = Math.max(1, Math.ceil(withIp.length / 100));
    for (let c = 0; c < chunks; c++) {
      const chunk = withIp.slice(c * 100, c * 100 + 100);
      const draft = k.endpointSlice({
        name: this.generateName(svc.metadata.namespace, `${svc.metadata.name}-`),
        service: svc,
        endpoints: k.endpointsOf(chunk.map((pod) => ({ pod, zone: zoneOf.get(pod.spec.nodeName) }))),
        ports,
        created: Math.max(created, ...chunk.map((p) => Date.parse(p.metadata.creationTimestamp)))
      });
      k.withManagedFields(draft, 'endpointslice-controller.k8s.io', this.now - this.rand.int(0, 6 * HOUR));
      this.create(draft, created);
    }
  }

  // ---- event sources ------------------------------------------------------------------------

  noteEventSource(
    obj: KubeObject,
    kind: 'pod' | 'deploy' | 'node' | 'crash' | 'unready' | 'pending' | 'job' | 'hpa'
  ) {
    this.eventSources.push({ obj, kind });
  }

  get sources() {
    return this.eventSources;
  }

  get ca() {
    return this.caCrt;
  }
}

/** The labels a workload selects its pods by: the stable identifying subset of its template's labels. */
function selectorFor(labels: Record<string, string>): Record<string, string> {
  const preferred = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component'];
  const legacy = ['k8s-app', 'app', 'component'];
  for (const keys of [preferred, legacy]) {
    const out: Record<string, string> = {};
    for (const key of keys) if (labels[key] !== undefined) out[key] = labels[key];
    if (Object.keys(out).length) return out;
  }
  const out = { ...labels };
  delete out['app.kubernetes.io/version'];
  delete out['helm.sh/chart'];
  return out;
}

/** Stand-ins for pods about to be created in these states: enough for the status computations. */
function intendedPods(
  states: k.PodState[],
  template: { metadata?: { labels?: Record<string, string> } }
): KubeObject[] {
  return states.map(
    (state) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { labels: template.metadata?.labels ?? {} },
        status: {
          phase: state === 'running' || state === 'notready' || state === 'crashloop' ? 'Running' : 'Pending',
          conditions: [{ type: 'Ready', status: state === 'running' ? 'True' : 'False' }]
        }
      }) as unknown as KubeObject
  );
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

function appLabels(
  name: string,
  ns: string,
  version: string,
  component: string,
  partOf: string
): Record<string, string> {
  return {
    app: name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/version': version,
    team: ns
  };
}

interface AppShape {
  name: string;
  namespace: string;
  image: string; // without tag
  withConfig: boolean;
  withSecret: boolean;
  sidecar?: (typeof SIDECARS)[number];
  cpu: string;
  memory: string;
  grpc: boolean;
  restartedAt?: string;
  serviceAccount: string;
  registrySecret: boolean;
  /** Restricted security contexts and zone spreading: what a platform team's chart template adds. */
  hardened: boolean;
}

function appTemplate(a: AppShape, version: string): Record<string, unknown> {
  const selectorLabels = { 'app.kubernetes.io/instance': a.name, 'app.kubernetes.io/name': a.name };
  const env: Record<string, unknown>[] = [
    { name: 'APP_ENV', value: 'production' },
    ...(a.withConfig
      ? [
          {
            name: 'LOG_LEVEL',
            valueFrom: { configMapKeyRef: { key: 'log-level', name: `${a.name}-config` } }
          }
        ]
      : [{ name: 'LOG_LEVEL', value: 'info' }]),
    ...(a.withSecret
      ? [
          {
            name: 'DATABASE_URL',
            valueFrom: { secretKeyRef: { key: 'database-url', name: `${a.name}-secrets` } }
          }
        ]
      : []),
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { divisor: '0', resource: 'limits.cpu' } } },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.monitoring.svc.cluster.local:4317' }
  ];
  const mounts = [
    ...(a.withConfig ? [{ mountPath: '/etc/app', name: 'config', readOnly: true }] : []),
    ...(a.withSecret ? [{ mountPath: '/etc/app/secrets', name: 'secrets', readOnly: true }] : []),
    { mountPath: '/tmp', name: 'tmp' }
  ];
  const cpuLimit = k.formatCpu(k.parseQuantity(a.cpu) * 4000);
  const containers: k.ContainerInit[] = [
    {
      name: a.name.length <= 63 ? a.name : 'app',
      image: `${a.image}:${version}`,
      args: ['--config=/etc/app/config.yaml'],
      ports: [
        { name: 'http', containerPort: 8080 },
        { name: 'metrics', containerPort: 9090 },
        ...(a.grpc ? [{ name: 'grpc', containerPort: 9000 }] : [])
      ],
      env,
      requests: { cpu: a.cpu, memory: a.memory },
      limits: { cpu: cpuLimit, memory: k.formatMemory(k.parseQuantity(a.memory) * 2) },
      readiness: { path: '/healthz/ready', port: 'http', initialDelaySeconds: 5 },
      liveness: a.hardened
        ? { path: '/healthz/live', port: 'http', initialDelaySeconds: 15, periodSeconds: 20 }
        : undefined,
      volumeMounts: mounts,
      securityContext: a.hardened
        ? {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true
          }
        : undefined
    }
  ];
  if (a.sidecar) {
    containers.push({
      name: a.sidecar.name,
      image: a.sidecar.image,
      ports: [{ name: a.sidecar.portName, containerPort: a.sidecar.port }],
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { memory: '128Mi' }
    });
  }
  return k.podTemplate({
    labels: { ...selectorLabels, 'app.kubernetes.io/version': version },
    annotations: {
      'prometheus.io/port': '9090',
      'prometheus.io/scrape': 'true',
      ...(a.restartedAt ? { 'kubectl.kubernetes.io/restartedAt': a.restartedAt } : {})
    },
    containers,
    serviceAccountName: a.serviceAccount,
    imagePullSecrets: a.registrySecret ? [{ name: 'regcred' }] : undefined,
    securityContext: a.hardened
      ? { fsGroup: 10001, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } }
      : {},
    topologySpreadConstraints: a.hardened
      ? [
          {
            labelSelector: { matchLabels: selectorLabels },
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'ScheduleAnyway'
          }
        ]
      : undefined,
    volumes: [
      ...(a.withConfig
        ? [{ configMap: { defaultMode: 420, name: `${a.name}-config` }, name: 'config' }]
        : []),
      ...(a.withSecret
        ? [{ name: 'secrets', secret: { defaultMode: 420, secretName: `${a.name}-secrets` } }]
        : []),
      { emptyDir: {}, name: 'tmp' }
    ]
  });
}

function semver(rand: Random): string[] {
  const major = rand.int(0, 4);
  let minor = rand.int(0, 30);
  let patch = rand.int(0, 9);
  const n = rand.weighted([
    [1, 3],
    [2, 3],
    [3, 2],
    [4, 2],
    [6, 1]
  ] as const);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`${major}.${minor}.${patch}`);
    if (rand.chance(0.6)) patch++;
    else {
      minor++;
      patch = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------------------------

/** Populates `cluster` with a world of about `opts.pods` pods (exactly that many, in practice). */
export function populate(cluster: SimCluster, opts: PopulateOptions): PopulateResult {
  const started = performance.now();
  const w = new WorldBuilder(cluster, opts);
  const { rand } = w;
  const total = Math.max(0, Math.floor(opts.pods));
  const nodeCount = opts.nodes ?? Math.min(500, Math.max(3, Math.ceil(total / 30)));
  const controlPlanes = nodeCount >= 5 ? 3 : 1;
  const workers = Math.max(1, nodeCount - controlPlanes);
  // kubelet's default of 110 pods per node, raised (as dense clusters do) when the pods need it.
  const perWorker = total / workers;
  const maxPods = perWorker <= 95 ? 110 : Math.max(250, Math.ceil(perWorker * 1.15));

  clusterScoped(w);
  const appNsCount = Math.max(
    3,
    opts.namespaces !== undefined
      ? opts.namespaces - SYSTEM_NAMESPACES.length - ADDON_NAMESPACES.length
      : Math.min(200, Math.max(3, Math.round(total / 250)))
  );
  const appNamespaces = appNamespaceNames(appNsCount, rand);
  for (const ns of [...SYSTEM_NAMESPACES, ...ADDON_NAMESPACES, ...appNamespaces])
    namespaceBasics(w, ns, appNamespaces.includes(ns));
  w.buildNodes(nodeCount, controlPlanes, maxPods);

  // System add-ons, most essential first, while they fit in their share of the pods.
  const systemShare = total < 100 ? Math.floor(total * 0.4) : Math.floor(total * 0.5);
  let systemLeft = systemShare;
  const components = systemComponents(w, controlPlanes);
  for (const c of components) {
    if (c.cost > systemLeft) continue;
    systemLeft -= c.cost;
    c.build();
  }

  const appPods = total - w.podsCreated;
  // StatefulSets and CronJobs take a small share; Deployments the rest.
  const stsBudget = appPods >= 60 ? Math.floor(appPods * 0.05) : 0;
  const jobBudget = appPods >= 40 ? Math.floor(appPods * 0.03) : 0;
  const stsUsed = statefulSets(w, stsBudget, appNamespaces);
  const jobsUsed = cronJobs(w, jobBudget, appNamespaces);
  deployments(w, appPods - stsUsed - jobsUsed, appNamespaces);

  quotas(w, appNamespaces);
  helmReleases(w);
  rbac(w, opts.user);
  events(w, Math.min(400, Math.max(20, Math.round(total * 2))));

  return {
    pods: w.podsCreated,
    nodes: w.nodes.length,
    namespaces: SYSTEM_NAMESPACES.length + ADDON_NAMESPACES.length + appNamespaces.length,
    objects: w.objectCount,
    ms: Math.round(performance.now() - started)
  };
}

function appNamespaceNames(count: number, rand: Random): string[] {
  const out = APP_NAMESPACES.slice(0, Math.min(count, APP_NAMESPACES.length));
  const used = new Set(out);
  while (out.length < count) {
    const name = rand.chance(0.5)
      ? `team-${rand.pick(TEAMS)}-${rand.pick(SUBJECTS)}`
      : `${rand.pick(APP_NAMESPACES)}-${rand.pick(ENVS)}`;
    const unique = used.has(name) ? `${name}-${out.length}` : name;
    used.add(unique);
    out.push(unique);
  }
  return out;
}

function clusterScoped(w: WorldBuilder) {
  const t = w.born;
  w.create(
    k.priorityClass(
      'system-cluster-critical',
      2000000000,
      t,
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'
    ),
    t
  );
  w.create(
    k.priorityClass(
      'system-node-critical',
      2000001000,
      t,
      'Used for system critical pods that must not be moved from their current node.'
    ),
    t
  );
  w.create(k.priorityClass('high-priority', 100000, t + DAY, 'Customer-facing services.'), t + DAY);
  w.create(k.priorityClass('batch-low', -10, t + DAY, 'Preemptible batch work.'), t + DAY);
  w.create(
    k.storageClass('standard', 'rbd.csi.ceph.com', t, true, {
      clusterID: 'rook-ceph',
      imageFeatures: 'layering',
      pool: 'replicapool'
    }),
    t
  );
  w.create(
    k.storageClass('fast-ssd', 'rbd.csi.ceph.com', t + DAY, false, {
      clusterID: 'rook-ceph',
      imageFeatures: 'layering',
      pool: 'ssdpool'
    }),
    t + DAY
  );
  w.create(k.storageClass('local-path', 'rancher.io/local-path', t, false), t);
  w.create(k.ingressClass('nginx', 'k8s.io/ingress-nginx', t + 2 * DAY, true), t + 2 * DAY);
  w.create(k.certificateCrd(t + 2 * DAY), t + 2 * DAY);
  const ca = k.base64(w.ca);
  w.create(
    k.webhookConfiguration(
      'ValidatingWebhookConfiguration',
      'cert-manager-webhook',
      t + 2 * DAY,
      [
        {
          name: 'webhook.cert-manager.io',
          service: { name: 'cert-manager-webhook', namespace: 'cert-manager', path: '/validate' },
          rules: [
            {
              apiGroups: ['cert-manager.io', 'acme.cert-manager.io'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['*/*']
            }
          ],
          caBundle: ca,
          namespaceSelector: {
            matchExpressions: [
              { key: 'cert-manager.io/disable-validation', operator: 'NotIn', values: ['true'] }
            ]
          }
        }
      ],
      { app: 'webhook', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/managed-by': 'Helm' }
    ),
    t + 2 * DAY
  );
  w.create(
    k.webhookConfiguration(
      'MutatingWebhookConfiguration',
      'cert-manager-webhook',
      t + 2 * DAY,
      [
        {
          name: 'webhook.cert-manager.io',
          service: { name: 'cert-manager-webhook', namespace: 'cert-manager', path: '/mutate' },
          rules: [
            {
              apiGroups: ['cert-manager.io'],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: ['certificaterequests']
            }
          ],
          caBundle: ca
        }
      ],
      { app: 'webhook', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/managed-by': 'Helm' }
    ),
    t + 2 * DAY
  );
  w.create(
    k.webhookConfiguration(
      'ValidatingWebhookConfiguration',
      'ingress-nginx-admission',
      t + 2 * DAY,
      [
        {
          name: 'validate.nginx.ingress.kubernetes.io',
          service: {
            name: 'ingress-nginx-controller-admission',
            namespace: 'ingress-nginx',
            path: '/networking/v1/ingresses'
          },
          rules: [
            {
              apiGroups: ['networking.k8s.io'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['ingresses']
            }
          ],
          caBundle: ca
        }
      ],
      {
        'app.kubernetes.io/component': 'admission-webhook',
        'app.kubernetes.io/instance': 'ingress-nginx',
        'app.kubernetes.io/managed-by': 'Helm'
      }
    ),
    t + 2 * DAY
  );
}

function namespaceBasics(w: WorldBuilder, ns: string, isApp: boolean) {
  const { rand } = w;
  const created = SYSTEM_NAMESPACES.includes(ns) ? w.born : w.between(w.born + DAY, w.now - 5 * DAY);
  const labels: Record<string, string> = isApp
    ? {
        team: ns.split('-')[0],
        environment: /-(staging|qa|sandbox|preview|perf|canary)$/.exec(ns)?.[1] ?? 'production',
        'pod-security.kubernetes.io/enforce': rand.pick(['baseline', 'restricted'])
      }
    : {};
  w.create(k.namespace(ns, created, labels), created);
  w.create(
    k.withManagedFields(
      k.serviceAccount({ name: 'default', namespace: ns, created }),
      'kube-controller-manager',
      created
    ),
    created
  );
  w.create(
    k.withManagedFields(
      k.configMap(
        {
          name: 'kube-root-ca.crt',
          namespace: ns,
          created,
          annotations: {
            'kubernetes.io/description':
              'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.'
          }
        },
        { 'ca.crt': w.ca }
      ),
      'kube-controller-manager',
      created
    ),
    created
  );
  if (isApp) {
    w.create(
      k.withManagedFields(
        k.dockerConfigSecret(
          { name: 'regcred', namespace: ns, created },
          'registry.acme.io',
          `robot$${ns}`,
          rand.hex(32)
        ),
        'kubectl-create',
        created
      ),
      created
    );
    if (rand.chance(0.5)) {
      w.create(
        k.withManagedFields(
          k.networkPolicy(
            { name: 'default-deny-ingress', namespace: ns, created },
            { podSelector: {}, policyTypes: ['Ingress'] }
          ),
          'kubectl-client-side-apply',
          created
        ),
        created
      );
      w.create(
        k.withManagedFields(
          k.networkPolicy(
            { name: 'allow-from-ingress-nginx', namespace: ns, created },
            {
              ingress: [
                {
                  from: [
                    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }
                  ],
                  ports: [{ port: 8080, protocol: 'TCP' }]
                }
              ],
              podSelector: {},
              policyTypes: ['Ingress']
            }
          ),
          'kubectl-client-side-apply',
          created
        ),
        created
      );
    }
    if (rand.chance(0.3)) {
      const sa = w.create(k.serviceAccount({ name: 'ci-deployer', namespace: ns, created }), created);
      w.create(
        k.serviceAccountTokenSecret({ name: 'ci-deployer-token', namespace: ns, created }, sa, rand, w.ca),
        created
      );
      w.create(
        k.role({ name: 'ci-deployer', namespace: ns, created }, [
          {
            apiGroups: ['apps'],
            resources: ['deployments', 'statefulsets'],
            verbs: ['get', 'list', 'watch', 'patch', 'update']
          },
          {
            apiGroups: [''],
            resources: ['configmaps', 'services'],
            verbs: ['get', 'list', 'watch', 'create', 'patch', 'update']
          }
        ]),
        created
      );
      w.create(
        k.roleBinding(
          { name: 'ci-deployer', namespace: ns, created },
          { kind: 'Role', name: 'ci-deployer' },
          [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: ns }]
        ),
        created
      );
    }
  }
}

// ---- system add-ons ----------------------------------------------------------------------------

function helmLabels(
  release: string,
  chart: string,
  version: string,
  appVersion: string,
  component?: string
): Record<string, string> {
  return {
    'app.kubernetes.io/instance': release,
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': chart,
    'app.kubernetes.io/part-of': chart,
    'app.kubernetes.io/version': appVersion,
    ...(component ? { 'app.kubernetes.io/component': component } : {}),
    'helm.sh/chart': `${chart}-${version}`
  };
}

function helmAnnotations(release: string, ns: string) {
  return { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': ns };
}

function simpleTemplate(
  name: string,
  image: string,
  opts: {
    labels: Record<string, string>;
    ports?: { name: string; containerPort: number; protocol?: 'TCP' | 'UDP' }[];
    cpu?: string;
    memory?: string;
    args?: string[];
    serviceAccount?: string;
    priorityClassName?: string;
    tolerations?: Record<string, unknown>[];
    hostNetwork?: boolean;
    volumes?: Record<string, unknown>[];
    mounts?: { name: string; mountPath: string; readOnly?: boolean }[];
    probePath?: string;
    probePort?: string | number;
    nodeSelector?: Record<string, string>;
    restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  }
) {
  return k.podTemplate({
    labels: opts.labels,
    containers: [
      {
        name,
        image,
        args: opts.args,
        ports: opts.ports,
        requests: { cpu: opts.cpu ?? '100m', memory: opts.memory ?? '128Mi' },
        limits: { memory: k.formatMemory(k.parseQuantity(opts.memory ?? '128Mi') * 2) },
        readiness: opts.probePort !== undefined ? { path: opts.probePath, port: opts.probePort } : undefined,
        liveness:
          opts.probePort !== undefined
            ? { path: opts.probePath, port: opts.probePort, initialDelaySeconds: 10 }
            : undefined,
        volumeMounts: opts.mounts
      }
    ],
    serviceAccountName: opts.serviceAccount,
    priorityClassName: opts.priorityClassName,
    tolerations: opts.tolerations,
    hostNetwork: opts.hostNetwork,
    volumes: opts.volumes,
    nodeSelector: opts.nodeSelector ?? { 'kubernetes.io/os': 'linux' },
    restartPolicy: opts.restartPolicy
  });
}

function systemDeployment(
  w: WorldBuilder,
  ns: string,
  name: string,
  replicas: number,
  labels: Record<string, string>,
  templateFor: (v: string) => Record<string, unknown>,
  versions: string[],
  service?: {
    name: string;
    ports: k.ServicePortInit[];
    type?: 'ClusterIP' | 'LoadBalancer';
    clusterIP?: string;
  },
  annotations?: Record<string, string>
) {
  const created = w.between(w.born + DAY, w.born + 3 * DAY);
  const { deployment, pods } = w.deploymentWithPods({
    namespace: ns,
    name,
    labels,
    annotations,
    replicas,
    templateFor,
    versions,
    created
  });
  let svc: KubeObject | undefined;
  if (service) {
    svc = w.serviceFor({
      namespace: ns,
      name: service.name,
      labels,
      annotations,
      selector: deployment.spec.selector.matchLabels,
      ports: service.ports,
      pods,
      created,
      type: service.type,
      clusterIP: service.clusterIP
    });
  }
  return { deployment, pods, svc };
}

function daemonSetWithPods(
  w: WorldBuilder,
  ns: string,
  name: string,
  labels: Record<string, string>,
  template: Record<string, unknown>,
  hostNetwork: boolean,
  annotations?: Record<string, string>
): KubeObject[] {
  const created = w.between(w.born, w.born + 2 * DAY);
  const selector = { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'] ?? name };
  const tpl = {
    ...template,
    metadata: {
      ...(template.metadata as object),
      labels: { ...((template.metadata as { labels: Record<string, string> }).labels ?? {}), ...selector }
    }
  };
  const draft = k.daemonSet({ name, namespace: ns, created, labels, annotations, selector, template: tpl });
  k.withManagedFields(draft, labels['app.kubernetes.io/managed-by'] === 'Helm' ? 'helm' : 'kubeadm', created);
  const ds = w.create(draft, created);
  const owner = k.ownerRef(ds);
  const hash = k.templateHash(ds.spec.template);
  const extraLabels = { 'controller-revision-hash': hash, 'pod-template-generation': '1' };
  const fields = k.podControllerFields(ds.spec.template, owner, `${name}-`, extraLabels);
  const pods: KubeObject[] = [];
  for (const n of w.nodes) {
    pods.push(
      w.makePod({
        name: w.generateName(ns, `${name}-`),
        generateName: `${name}-`,
        namespace: ns,
        template: ds.spec.template,
        owner,
        ownerCreated: Math.max(created, Date.parse(n.obj.metadata.creationTimestamp)),
        controllerFields: fields,
        node: n,
        extraLabels,
        daemonSet: true,
        hostNetwork,
        priority: ds.spec.template.spec.priorityClassName === 'system-node-critical' ? 2000001000 : 0
      })
    );
  }
  w.mutate(ds, (o) => {
    o.status = k.daemonSetStatus(o, pods, w.nodes.length);
    o.metadata.managedFields = [
      ...(o.metadata.managedFields ?? []),
      k.managedEntry(
        'kube-controller-manager',
        'apps/v1',
        w.now - HOUR,
        k.fieldsV1Of({ status: o.status }),
        'status'
      )
    ];
  });
  return pods;
}

function systemComponents(w: WorldBuilder, controlPlanes: number): SystemComponent[] {
  const n = w.nodes.length;
  const allTolerations = [{ operator: 'Exists' }];
  return [
    {
      key: 'kube-proxy',
      cost: n,
      build: () => {
        const labels = { 'k8s-app': 'kube-proxy' };
        daemonSetWithPods(
          w,
          'kube-system',
          'kube-proxy',
          labels,
          k.podTemplate({
            labels,
            containers: [
              {
                name: 'kube-proxy',
                image: `registry.k8s.io/kube-proxy:${k.KUBE_VERSION}`,
                command: [
                  '/usr/local/bin/kube-proxy',
                  '--config=/var/lib/kube-proxy/config.conf',
                  '--hostname-override=$(NODE_NAME)'
                ],
                env: [
                  {
                    name: 'NODE_NAME',
                    valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } }
                  }
                ],
                securityContext: { privileged: true },
                volumeMounts: [
                  { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
                  { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
                  { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true }
                ]
              }
            ],
            hostNetwork: true,
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'kube-proxy',
            tolerations: allTolerations,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            volumes: [
              { configMap: { defaultMode: 420, name: 'kube-proxy' }, name: 'kube-proxy' },
              { hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' }, name: 'xtables-lock' },
              { hostPath: { path: '/lib/modules', type: '' }, name: 'lib-modules' }
            ]
          }),
          true
        );
        w.create(k.serviceAccount({ name: 'kube-proxy', namespace: 'kube-system', created: w.born }), w.born);
        w.create(
          k.configMap(
            { name: 'kube-proxy', namespace: 'kube-system', created: w.born, labels: { app: 'kube-proxy' } },
            {
              'config.conf':
                'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.64.0.0/10\nmode: iptables\n'
            }
          ),
          w.born
        );
      }
    },
    {
      key: 'coredns',
      cost: 2,
      build: () => {
        const labels = { 'k8s-app': 'kube-dns' };
        w.create(
          k.configMap(
            { name: 'coredns', namespace: 'kube-system', created: w.born },
            {
              Corefile:
                '.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n'
            }
          ),
          w.born
        );
        w.create(k.serviceAccount({ name: 'coredns', namespace: 'kube-system', created: w.born }), w.born);
        systemDeployment(
          w,
          'kube-system',
          'coredns',
          2,
          labels,
          (v) =>
            simpleTemplate('coredns', `registry.k8s.io/coredns/coredns:${v}`, {
              labels,
              args: ['-conf', '/etc/coredns/Corefile'],
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53 },
                { name: 'metrics', containerPort: 9153 }
              ],
              memory: '70Mi',
              serviceAccount: 'coredns',
              priorityClassName: 'system-cluster-critical',
              tolerations: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }],
              probePath: '/health',
              probePort: 8080,
              volumes: [
                {
                  configMap: {
                    defaultMode: 420,
                    items: [{ key: 'Corefile', path: 'Corefile' }],
                    name: 'coredns'
                  },
                  name: 'config-volume'
                }
              ],
              mounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }]
            }),
          ['v1.11.1', 'v1.11.3'],
          {
            name: 'kube-dns',
            clusterIP: '10.96.0.10',
            ports: [
              { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
              { name: 'dns-tcp', port: 53, targetPort: 53 },
              { name: 'metrics', port: 9153, targetPort: 9153 }
            ]
          }
        );
      }
    },
    {
      key: 'control-plane',
      cost: 4 * controlPlanes,
      build: () => staticPods(w)
    },
    {
      key: 'metrics-server',
      cost: 1,
      build: () => {
        const labels = { 'k8s-app': 'metrics-server' };
        systemDeployment(
          w,
          'kube-system',
          'metrics-server',
          1,
          labels,
          (v) =>
            simpleTemplate('metrics-server', `registry.k8s.io/metrics-server/metrics-server:${v}`, {
              labels,
              args: [
                '--cert-dir=/tmp',
                '--secure-port=10250',
                '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
                '--kubelet-use-node-status-port',
                '--metric-resolution=15s'
              ],
              ports: [{ name: 'https', containerPort: 10250 }],
              memory: '200Mi',
              priorityClassName: 'system-cluster-critical',
              probePath: '/readyz',
              probePort: 'https'
            }),
          ['v0.7.1', 'v0.7.2'],
          { name: 'metrics-server', ports: [{ name: 'https', port: 443, targetPort: 'https' }] }
        );
      }
    },
    {
      key: 'node-exporter',
      cost: n,
      build: () => {
        const labels = helmLabels(
          'kube-prometheus-stack',
          'prometheus-node-exporter',
          '4.42.0',
          '1.8.2',
          'metrics'
        );
        daemonSetWithPods(
          w,
          'monitoring',
          'kube-prometheus-stack-prometheus-node-exporter',
          labels,
          simpleTemplate('node-exporter', 'quay.io/prometheus/node-exporter:v1.8.2', {
            labels: { ...labels, 'app.kubernetes.io/name': 'prometheus-node-exporter' },
            args: [
              '--path.procfs=/host/proc',
              '--path.sysfs=/host/sys',
              '--path.rootfs=/host/root',
              '--web.listen-address=[$(HOST_IP)]:9100'
            ],
            ports: [{ name: 'http-metrics', containerPort: 9100 }],
            cpu: '50m',
            memory: '32Mi',
            hostNetwork: true,
            tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }],
            probePath: '/',
            probePort: 9100,
            volumes: [
              { hostPath: { path: '/proc', type: '' }, name: 'proc' },
              { hostPath: { path: '/sys', type: '' }, name: 'sys' },
              { hostPath: { path: '/', type: '' }, name: 'root' }
            ],
            mounts: [
              { mountPath: '/host/proc', name: 'proc', readOnly: true },
              { mountPath: '/host/sys', name: 'sys', readOnly: true },
              { mountPath: '/host/root', name: 'root', readOnly: true }
            ]
          }),
          true,
          helmAnnotations('kube-prometheus-stack', 'monitoring')
        );
      }
    },
    {
      key: 'fluent-bit',
      cost: n,
      build: () => {
        const labels = { 'app.kubernetes.io/instance': 'fluent-bit', 'app.kubernetes.io/name': 'fluent-bit' };
        w.create(
          k.configMap(
            { name: 'fluent-bit', namespace: 'logging', created: w.born + DAY, labels },
            {
              'fluent-bit.conf':
                '[SERVICE]\n    Flush 1\n    Daemon Off\n    Log_Level info\n    Parsers_File parsers.conf\n    HTTP_Server On\n    HTTP_Listen 0.0.0.0\n    HTTP_Port 2020\n\n[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n    multiline.parser docker, cri\n    Tag kube.*\n    Mem_Buf_Limit 5MB\n    Skip_Long_Lines On\n\n[OUTPUT]\n    Name loki\n    Match kube.*\n    Host loki.logging.svc\n    Port 3100\n'
            }
          ),
          w.born + DAY
        );
        daemonSetWithPods(
          w,
          'logging',
          'fluent-bit',
          labels,
          simpleTemplate('fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:3.2.2', {
            labels,
            ports: [{ name: 'http', containerPort: 2020 }],
            cpu: '50m',
            memory: '64Mi',
            tolerations: [
              { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }
            ],
            probePath: '/',
            probePort: 'http',
            volumes: [
              { configMap: { defaultMode: 420, name: 'fluent-bit' }, name: 'config' },
              { hostPath: { path: '/var/log', type: '' }, name: 'varlog' }
            ],
            mounts: [
              { mountPath: '/fluent-bit/etc/conf', name: 'config' },
              { mountPath: '/var/log', name: 'varlog' }
            ]
          }),
          false
        );
      }
    },
    {
      key: 'ingress-nginx',
      cost: 2,
      build: () => {
        const ns = 'ingress-nginx';
        const labels = helmLabels('ingress-nginx', 'ingress-nginx', '4.11.3', '1.11.3', 'controller');
        const { svc } = systemDeployment(
          w,
          ns,
          'ingress-nginx-controller',
          2,
          labels,
          (v) =>
            simpleTemplate('controller', `registry.k8s.io/ingress-nginx/controller:${v}`, {
              labels: { ...labels, 'app.kubernetes.io/name': 'ingress-nginx' },
              args: [
                '/nginx-ingress-controller',
                '--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller',
                '--election-id=ingress-nginx-leader',
                '--controller-class=k8s.io/ingress-nginx',
                '--ingress-class=nginx',
                '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller',
                '--validating-webhook=:8443'
              ],
              ports: [
                { name: 'http', containerPort: 80 },
                { name: 'https', containerPort: 443 },
                { name: 'webhook', containerPort: 8443 }
              ],
              memory: '90Mi',
              serviceAccount: 'ingress-nginx',
              probePath: '/healthz',
              probePort: 10254
            }),
          ['v1.10.1', 'v1.11.2', 'v1.11.3'],
          {
            name: 'ingress-nginx-controller',
            type: 'LoadBalancer',
            ports: [
              { name: 'http', port: 80, targetPort: 'http' },
              { name: 'https', port: 443, targetPort: 'https' }
            ]
          },
          helmAnnotations('ingress-nginx', ns)
        );
        w.ingressLbIp = svc?.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
      }
    },
    {
      key: 'cert-manager',
      cost: 3,
      build: () => {
        const ns = 'cert-manager';
        for (const [name, image, port] of [
          ['cert-manager', 'quay.io/jetstack/cert-manager-controller', 9402],
          ['cert-manager-cainjector', 'quay.io/jetstack/cert-manager-cainjector', 9402],
          ['cert-manager-webhook', 'quay.io/jetstack/cert-manager-webhook', 10250]
        ] as const) {
          const labels = {
            ...helmLabels(
              'cert-manager',
              name,
              'v1.16.2',
              'v1.16.2',
              name.replace('cert-manager-', '') || 'controller'
            ),
            app: name
          };
          systemDeployment(
            w,
            ns,
            name,
            1,
            labels,
            (v) =>
              simpleTemplate(
                name.replace('cert-manager-', '') || 'cert-manager-controller',
                `${image}:${v}`,
                {
                  labels: { ...labels, 'app.kubernetes.io/version': v },
                  args: [
                    '--v=2',
                    `--cluster-resource-namespace=$(POD_NAMESPACE)`,
                    '--leader-election-namespace=kube-system'
                  ],
                  ports: [{ name: port === 9402 ? 'http-metrics' : 'https', containerPort: port }],
                  cpu: '10m',
                  memory: '32Mi',
                  serviceAccount: name
                }
              ),
            ['v1.15.3', 'v1.16.1', 'v1.16.2'],
            name === 'cert-manager-webhook'
              ? { name, ports: [{ name: 'https', port: 443, targetPort: 'https' }] }
              : undefined,
            helmAnnotations('cert-manager', ns)
          );
        }
      }
    },
    {
      key: 'monitoring',
      cost: 5,
      build: () => {
        const ns = 'monitoring';
        for (const [name, image, port, versions] of [
          [
            'kube-prometheus-stack-grafana',
            'docker.io/grafana/grafana',
            3000,
            ['11.2.2', '11.3.1', '11.4.0']
          ],
          [
            'kube-prometheus-stack-kube-state-metrics',
            'registry.k8s.io/kube-state-metrics/kube-state-metrics',
            8080,
            ['v2.13.0', 'v2.14.0']
          ],
          [
            'kube-prometheus-stack-operator',
            'quay.io/prometheus-operator/prometheus-operator',
            10250,
            ['v0.77.2', 'v0.78.2']
          ]
        ] as const) {
          const labels = helmLabels(
            'kube-prometheus-stack',
            name.replace('kube-prometheus-stack-', ''),
            '66.3.1',
            versions[versions.length - 1]
          );
          systemDeployment(
            w,
            ns,
            name,
            1,
            labels,
            (v) =>
              simpleTemplate(name.replace('kube-prometheus-stack-', ''), `${image}:${v}`, {
                labels: { ...labels, 'app.kubernetes.io/version': v },
                ports: [{ name: 'http', containerPort: port }],
                memory: '256Mi',
                probePath: '/api/health',
                probePort: 'http'
              }),
            [...versions],
            { name, ports: [{ name: 'http-web', port: port === 3000 ? 80 : port, targetPort: 'http' }] },
            helmAnnotations('kube-prometheus-stack', ns)
          );
        }
        statefulSetWithPods(w, {
          namespace: ns,
          name: 'prometheus-kube-prometheus-stack-prometheus',
          image: 'quay.io/prometheus/prometheus:v3.0.1',
          port: 9090,
          replicas: 1,
          storage: '100Gi',
          labels: helmLabels('kube-prometheus-stack', 'prometheus', '66.3.1', 'v3.0.1'),
          memory: '2Gi'
        });
        statefulSetWithPods(w, {
          namespace: ns,
          name: 'alertmanager-kube-prometheus-stack-alertmanager',
          image: 'quay.io/prometheus/alertmanager:v0.27.0',
          port: 9093,
          replicas: 1,
          storage: '10Gi',
          labels: helmLabels('kube-prometheus-stack', 'alertmanager', '66.3.1', 'v0.27.0'),
          memory: '128Mi'
        });
      }
    }
  ];
}

/** Mirror pods of the control plane's static pods: owned by their Node, host network, node-critical. */
function staticPods(w: WorldBuilder) {
  const components: [string, string, string[], number][] = [
    [
      'etcd',
      'registry.k8s.io/etcd:3.5.16-0',
      [
        'etcd',
        '--advertise-client-urls=https://$(IP):2379',
        '--data-dir=/var/lib/etcd',
        '--listen-metrics-urls=http://127.0.0.1:2381'
      ],
      2381
    ],
    [
      'kube-apiserver',
      `registry.k8s.io/kube-apiserver:${k.KUBE_VERSION}`,
      [
        'kube-apiserver',
        '--advertise-address=$(IP)',
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        '--service-cluster-ip-range=10.96.0.0/12'
      ],
      6443
    ],
    [
      'kube-controller-manager',
      `registry.k8s.io/kube-controller-manager:${k.KUBE_VERSION}`,
      [
        'kube-controller-manager',
        '--allocate-node-cidrs=true',
        '--cluster-cidr=10.64.0.0/10',
        '--leader-elect=true',
        '--use-service-account-credentials=true'
      ],
      10257
    ],
    [
      'kube-scheduler',
      `registry.k8s.io/kube-scheduler:${k.KUBE_VERSION}`,
      ['kube-scheduler', '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true'],
      10259
    ]
  ];
  for (const n of w.nodes.filter((x) => x.controlPlane)) {
    for (const [component, image, command, port] of components) {
      const labels = { component, tier: 'control-plane' };
      const template = k.podTemplate({
        labels,
        containers: [
          {
            name: component,
            image,
            command: command.map((c) => c.replace('$(IP)', n.ip)),
            requests: {
              cpu: component === 'kube-apiserver' ? '250m' : '100m',
              ...(component === 'etcd' ? { memory: '100Mi' } : {})
            },
            liveness: { path: component === 'etcd' ? '/livez' : '/livez', port, initialDelaySeconds: 10 },
            startup: { path: '/livez', port, initialDelaySeconds: 10 },
            volumeMounts: [{ mountPath: '/etc/kubernetes/pki', name: 'k8s-certs', readOnly: true }]
          }
        ],
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        tolerations: [{ effect: 'NoExecute', operator: 'Exists' }],
        volumes: [{ hostPath: { path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate' }, name: 'k8s-certs' }]
      });
      const owner: OwnerReference = {
        apiVersion: 'v1',
        controller: true,
        kind: 'Node',
        name: n.name,
        uid: n.obj.metadata.uid
      };
      const hash = w.rand.hex(32);
      w.makePod({
        name: `${component}-${n.name}`,
        namespace: 'kube-system',
        template,
        owner,
        ownerCreated: Date.parse(n.obj.metadata.creationTimestamp),
        controllerFields: k.podControllerFields(template, owner),
        node: n,
        hostNetwork: true,
        priority: 2000001000,
        staticAnnotations: {
          'kubernetes.io/config.hash': hash,
          'kubernetes.io/config.mirror': hash,
          'kubernetes.io/config.seen': k.isoTime(w.now - w.rand.int(1, 30) * DAY),
          'kubernetes.io/config.source': 'file'
        }
      });
    }
  }
}

// ---- stateful sets -------------------------------------------------------------------------

function statefulSetWithPods(
  w: WorldBuilder,
  s: {
    namespace: string;
    name: string;
    image: string;
    port: number;
    replicas: number;
    storage: string;
    labels: Record<string, string>;
    memory: string;
    env?: Record<string, unknown>[];
  }
) {
  const { rand } = w;
  const created = w.between(w.born + 3 * DAY, w.now - 10 * DAY);
  const selector = {
    'app.kubernetes.io/instance': s.labels['app.kubernetes.io/instance'] ?? s.name,
    'app.kubernetes.io/name': s.name
  };
  const labels = { ...s.labels, ...selector };
  const template = k.podTemplate({
    labels,
    containers: [
      {
        name: s.name.split('-')[0],
        image: s.image,
        ports: [{ name: 'tcp', containerPort: s.port }],
        env: s.env,
        requests: { cpu: '250m', memory: s.memory },
        limits: { memory: s.memory },
        readiness: { port: 'tcp', periodSeconds: 5 },
        liveness: { port: 'tcp', initialDelaySeconds: 30 },
        volumeMounts: [{ mountPath: '/data', name: 'data' }]
      }
    ],
    securityContext: { fsGroup: 1001, runAsUser: 1001 },
    terminationGracePeriodSeconds: 60
  });
  const headless = `${s.name}-headless`;
  const draft = k.statefulSet({
    name: s.name,
    namespace: s.namespace,
    created,
    labels,
    replicas: s.replicas,
    selector,
    serviceName: headless,
    template,
    storage: s.storage,
    storageClassName: 'standard'
  });
  k.withManagedFields(
    draft,
    s.labels['app.kubernetes.io/managed-by'] === 'Helm' ? 'helm' : 'kubectl-client-side-apply',
    created
  );
  const sts = w.create(draft, created);
  const owner = k.ownerRef(sts);
  const revision = k.revisionName(sts, sts.spec.template);
  const pods: KubeObject[] = [];
  for (let i = 0; i < s.replicas; i++) {
    const podName = `${s.name}-${i}`;
    const claimName = `data-${podName}`;
    const node = w.pickWorker();
    const pvcCreated = created + i * 40_000;
    let pvc = w.create(
      k.persistentVolumeClaim({
        name: claimName,
        namespace: s.namespace,
        created: pvcCreated,
        labels: selector,
        storage: s.storage,
        storageClassName: 'standard',
        provisioner: 'rbd.csi.ceph.com',
        nodeName: node.name
      }),
      pvcCreated
    );
    const pv = w.create(
      k.persistentVolume(pvc, 'rbd.csi.ceph.com', pvcCreated + 3000, rand),
      pvcCreated + 3000
    );
    // Binding names the volume, which is named after the claim's uid: a second write, as the binder does.
    pvc = w.mutate(pvc, (o) => {
      o.spec.volumeName = pv.metadata.name;
      o.metadata.annotations = {
        ...o.metadata.annotations,
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes'
      };
      o.status = { accessModes: ['ReadWriteOnce'], capacity: { storage: s.storage }, phase: 'Bound' };
    });
    w.usageOf(s.namespace).pvcs++;
    const extraLabels = {
      'apps.kubernetes.io/pod-index': String(i),
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': podName
    };
    pods.push(
      w.makePod({
        name: podName,
        namespace: s.namespace,
        template: sts.spec.template,
        owner,
        ownerCreated: created,
        controllerFields: k.podControllerFields(sts.spec.template, owner, undefined, extraLabels),
        node,
        extraLabels,
        hostname: podName,
        subdomain: headless,
        extraVolumes: [{ name: 'data', persistentVolumeClaim: { claimName } }]
      })
    );
  }
  const withStatus = w.mutate(sts, (o) => {
    o.status = k.statefulSetStatus(o, pods);
    o.metadata.managedFields = [
      ...(o.metadata.managedFields ?? []),
      k.managedEntry(
        'kube-controller-manager',
        'apps/v1',
        w.now - rand.int(0, DAY),
        k.fieldsV1Of({ status: o.status }),
        'status'
      )
    ];
  });
  const ports = [{ name: 'tcp', port: s.port, targetPort: 'tcp' }];
  w.serviceFor({
    namespace: s.namespace,
    name: headless,
    labels,
    selector,
    ports,
    pods,
    created,
    headless: true
  });
  w.serviceFor({ namespace: s.namespace, name: s.name, labels, selector, ports, pods, created });
  if (s.replicas > 1) pdb(w, s.namespace, s.name, selector, { maxUnavailable: 1 }, pods, created);
  return withStatus;
}

function statefulSets(w: WorldBuilder, budget: number, namespaces: string[]): number {
  const { rand } = w;
  const catalog = [
    {
      name: 'postgres',
      image: 'docker.io/bitnami/postgresql:16.6.0',
      port: 5432,
      storage: '50Gi',
      memory: '1Gi'
    },
    { name: 'redis', image: 'docker.io/bitnami/redis:7.4.1', port: 6379, storage: '8Gi', memory: '512Mi' },
    { name: 'kafka', image: 'docker.io/bitnami/kafka:3.9.0', port: 9092, storage: '100Gi', memory: '2Gi' },
    {
      name: 'elasticsearch',
      image: 'docker.elastic.co/elasticsearch/elasticsearch:8.16.1',
      port: 9200,
      storage: '200Gi',
      memory: '4Gi'
    },
    {
      name: 'rabbitmq',
      image: 'docker.io/bitnami/rabbitmq:4.0.4',
      port: 5672,
      storage: '20Gi',
      memory: '1Gi'
    }
  ];
  let used = 0;
  let i = 0;
  while (used < budget && i < 400) {
    const c = catalog[i % catalog.length];
    const ns = i < catalog.length ? 'data' : rand.pick(namespaces);
    const replicas = Math.min(budget - used, i < catalog.length ? 3 : rand.pick([1, 1, 2, 3]));
    const name = w.appName(ns, i < catalog.length ? c.name : `${rand.pick(SUBJECTS)}-${c.name}`);
    const version = /:(.+)$/.exec(c.image)![1];
    statefulSetWithPods(w, {
      namespace: ns,
      name,
      image: c.image,
      port: c.port,
      replicas,
      storage: c.storage,
      memory: c.memory,
      labels: appLabels(name, ns, version, 'database', ns)
    });
    used += replicas;
    i++;
  }
  return used;
}

// ---- jobs ----------------------------------------------------------------------------------

function cronJobs(w: WorldBuilder, budget: number, namespaces: string[]): number {
  const { rand } = w;
  let used = 0;
  const kinds = [
    {
      name: 'db-backup',
      schedule: '0 2 * * *',
      every: DAY,
      image: 'docker.io/bitnami/postgresql:16.6.0',
      cmd: ['/bin/sh', '-c', 'pg_dump "$DATABASE_URL" | gzip > /backup/dump-$(date +%F).sql.gz']
    },
    {
      name: 'report-generator',
      schedule: '0 * * * *',
      every: HOUR,
      image: 'registry.acme.io/reporting/report-generator:1.8.2',
      cmd: ['report', '--period=1h']
    },
    {
      name: 'cache-warmer',
      schedule: '*/15 * * * *',
      every: 15 * MINUTE,
      image: 'registry.acme.io/web/cache-warmer:0.4.1',
      cmd: ['warm', '--all']
    },
    {
      name: 'cleanup-sessions',
      schedule: '*/30 * * * *',
      every: 30 * MINUTE,
      image: 'registry.acme.io/auth/session-janitor:2.1.0',
      cmd: ['janitor', '--older-than=24h']
    }
  ];
  let index = 0;
  while (used < budget && index < 300) {
    const kind = kinds[index % kinds.length];
    const ns = index < kinds.length ? namespaces[index % namespaces.length] : rand.pick(namespaces);
    const name = w.appName(ns, kind.name);
    const created = w.between(w.born + 5 * DAY, w.now - 3 * DAY);
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': ns };
    const template = simpleTemplate(kind.name, kind.image, {
      labels,
      args: kind.cmd,
      cpu: '100m',
      memory: '256Mi',
      restartPolicy: 'OnFailure'
    });
    const draft = k.cronJob({ name, namespace: ns, created, labels, schedule: kind.schedule, template });
    k.withManagedFields(draft, 'kubectl-client-side-apply', created);
    const cj = w.create(draft, created);
    const history = Math.min(3, budget - used);
    const lastRun = previousCronTime(parseCron(kind.schedule)!, w.now) ?? w.now;
    let lastSuccess: string | undefined;
    for (let h = history - 1; h >= 0; h--) {
      const scheduled = lastRun - h * kind.every;
      if (scheduled < created) continue;
      const failed = h === 1 && rand.chance(0.1);
      const ran = runJob(w, {
        namespace: ns,
        name: `${name}-${Math.floor(scheduled / MINUTE)}`,
        template: cj.spec.jobTemplate.spec.template,
        owner: k.ownerRef(cj),
        created: scheduled,
        failed,
        annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': k.isoTime(scheduled) },
        labels
      });
      if (!failed) lastSuccess = ran.status.completionTime;
      used++;
    }
    w.mutate(cj, (o) => {
      o.status = {
        lastScheduleTime: k.isoTime(lastRun),
        ...(lastSuccess ? { lastSuccessfulTime: lastSuccess } : {})
      };
    });
    index++;
  }
  // A one-off migration Job, when there is room.
  if (used < budget) {
    const ns = namespaces[1 % namespaces.length];
    const labels = { 'app.kubernetes.io/name': 'db-migrate' };
    runJob(w, {
      namespace: ns,
      name: w.generateName(ns, 'db-migrate-'),
      template: simpleTemplate('migrate', `registry.acme.io/${ns}/migrations:2024.11.${rand.int(1, 28)}`, {
        labels,
        args: ['migrate', 'up'],
        restartPolicy: 'Never'
      }),
      created: w.now - rand.int(2, 48) * HOUR,
      failed: false,
      labels
    });
    used++;
  }
  return used;
}

function runJob(
  w: WorldBuilder,
  j: {
    namespace: string;
    name: string;
    template: Record<string, unknown>;
    owner?: OwnerReference;
    created: number;
    failed: boolean;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  }
) {
  const draft = k.job({
    name: j.name,
    namespace: j.namespace,
    created: j.created,
    labels: j.labels,
    annotations: j.annotations,
    owner: j.owner,
    template: j.template,
    uid: '',
    backoffLimit: j.failed ? 0 : 2
  });
  // The selector and pod labels carry the Job's uid, which the server assigns: set them once it exists.
  const job = labelJob(w.cluster, w.rt('batch/v1', 'Job'), w.create(draft, j.created));
  const owner = k.ownerRef(job);
  const pod = w.makePod({
    name: w.generateName(j.namespace, `${j.name}-`),
    generateName: `${j.name}-`,
    namespace: j.namespace,
    template: job.spec.template,
    owner,
    ownerCreated: j.created,
    created: j.created + 100,
    controllerFields: k.podControllerFields(job.spec.template, owner, `${j.name}-`),
    state: j.failed ? 'failed' : 'succeeded',
    finishedAt: Math.min(w.now, j.created + w.rand.int(20_000, 300_000))
  });
  const final = w.mutate(job, (o) => {
    o.status = k.jobStatus(o, [pod], w.now);
    if (j.failed) {
      o.status = k.jobStatus(
        { ...o, spec: { ...o.spec, backoffLimit: -1 } } as KubeObject,
        [pod],
        Date.parse(pod.status.containerStatuses[0].state.terminated.finishedAt)
      );
    }
  });
  w.noteEventSource(final, 'job');
  return final;
}

// ---- deployments ---------------------------------------------------------------------------

function deployments(w: WorldBuilder, podBudget: number, namespaces: string[]) {
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
    restartedAt: rand.chance(0.2) ? k.isoTime(w.now - rand.int(1, 20) * DAY) : undefined,
    serviceAccount: name,
    registrySecret: true,
    hardened: rand.chance(0.4)
  };
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
    templateFor: (v) => appTemplate(shape, v),
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

function pdb(
  w: WorldBuilder,
  ns: string,
  name: string,
  selector: Record<string, string>,
  budget: { minAvailable?: number | string; maxUnavailable?: number | string },
  pods: KubeObject[],
  created: number
) {
  const draft = k.podDisruptionBudget({ name, namespace: ns, created }, selector, budget);
  draft.metadata.generation = 1;
  draft.status = k.pdbStatus(draft as KubeObject, pods, created);
  k.withManagedFields(draft, 'kubectl-client-side-apply', created, {
    manager: 'kube-controller-manager',
    timeMs: w.now - w.rand.int(0, HOUR)
  });
  w.create(draft, created);
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

// ---- quotas ---------------------------------------------------------------------------------

function quotas(w: WorldBuilder, namespaces: string[]) {
  const { rand } = w;
  namespaces.forEach((ns, i) => {
    if (i % 3 !== 1) return;
    const u = w.usageOf(ns);
    const created = w.between(w.born + 10 * DAY, w.now - DAY);
    const roundUp = (x: number, step: number) =>
      Math.max(step, Math.ceil((x * rand.int(15, 30)) / 10 / step) * step);
    const hard = {
      'limits.cpu': k.formatCpu(roundUp(u.cpuLim, 1000)),
      'limits.memory': k.formatMemory(roundUp(u.memLim, 1024 ** 3)),
      persistentvolumeclaims: String(Math.max(10, u.pvcs * 2)),
      pods: String(Math.max(20, Math.ceil((u.pods * 1.5) / 10) * 10)),
      'requests.cpu': k.formatCpu(roundUp(u.cpuReq, 1000)),
      'requests.memory': k.formatMemory(roundUp(u.memReq, 1024 ** 3)),
      services: String(Math.max(10, Math.ceil((u.services * 1.5) / 5) * 5))
    };
    const used = {
      'limits.cpu': k.formatCpu(u.cpuLim),
      'limits.memory': k.formatMemory(u.memLim),
      persistentvolumeclaims: String(u.pvcs),
      pods: String(u.pods),
      'requests.cpu': k.formatCpu(u.cpuReq),
      'requests.memory': k.formatMemory(u.memReq),
      services: String(u.services)
    };
    w.create(
      k.withManagedFields(
        k.resourceQuota({ name: `${ns}-quota`, namespace: ns, created }, hard, used),
        'kubectl-client-side-apply',
        created,
        { manager: 'kube-controller-manager', timeMs: w.now - rand.int(0, 600_000) }
      ),
      created
    );
    w.create(
      k.withManagedFields(
        k.limitRange({ name: `${ns}-limits`, namespace: ns, created }),
        'kubectl-client-side-apply',
        created
      ),
      created
    );
  });
}

// ---- helm ---------------------------------------------------------------------------------

function helmReleases(w: WorldBuilder) {
  const { rand } = w;
  const releases = [
    {
      name: 'ingress-nginx',
      namespace: 'ingress-nginx',
      chart: 'ingress-nginx',
      versions: [
        ['4.10.1', '1.10.1'],
        ['4.11.0', '1.11.0'],
        ['4.11.2', '1.11.2'],
        ['4.11.3', '1.11.3']
      ],
      values: {
        controller: {
          replicaCount: 1,
          service: { type: 'LoadBalancer' },
          metrics: { enabled: false },
          admissionWebhooks: { enabled: true }
        }
      },
      config: {
        controller: {
          replicaCount: 2,
          metrics: { enabled: true },
          config: { 'use-forwarded-headers': 'true' }
        }
      }
    },
    {
      name: 'cert-manager',
      namespace: 'cert-manager',
      chart: 'cert-manager',
      versions: [
        ['v1.15.3', 'v1.15.3'],
        ['v1.16.1', 'v1.16.1'],
        ['v1.16.2', 'v1.16.2']
      ],
      values: {
        installCRDs: false,
        crds: { enabled: false, keep: true },
        replicaCount: 1,
        prometheus: { enabled: true }
      },
      config: { crds: { enabled: true }, global: { leaderElection: { namespace: 'kube-system' } } }
    },
    {
      name: 'kube-prometheus-stack',
      namespace: 'monitoring',
      chart: 'kube-prometheus-stack',
      versions: [
        ['61.9.0', 'v0.75.2'],
        ['62.7.0', 'v0.76.1'],
        ['65.1.0', 'v0.77.1'],
        ['65.1.1', 'v0.77.1'],
        ['66.3.1', 'v0.78.2']
      ],
      values: {
        alertmanager: { enabled: true },
        grafana: { enabled: true, adminPassword: 'prom-operator' },
        prometheus: { prometheusSpec: { retention: '10d' } }
      },
      config: {
        grafana: { adminPassword: rand.hex(16), ingress: { enabled: false } },
        prometheus: {
          prometheusSpec: {
            retention: '30d',
            storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '100Gi' } } } } }
          }
        }
      }
    }
  ];
  for (const r of releases) {
    const first = w.between(w.born + DAY, w.born + 3 * DAY);
    let deployedAt = first;
    r.versions.forEach(([chartVersion, appVersion], i) => {
      const last = i === r.versions.length - 1;
      // One upgrade in the middle of kube-prometheus-stack's history failed and was retried.
      const failed = r.name === 'kube-prometheus-stack' && i === 2;
      const labels = helmLabels(r.name, r.chart, chartVersion, appVersion, 'controller');
      const manifest = releaseManifest(r.name, r.namespace, r.chart, labels, appVersion);
      const secret = k.helmReleaseSecret({
        name: r.name,
        namespace: r.namespace,
        revision: i + 1,
        status: last ? 'deployed' : failed ? 'failed' : 'superseded',
        chart: { name: r.chart, version: chartVersion, appVersion },
        values: r.values,
        config: r.config,
        manifest,
        firstDeployed: first,
        lastDeployed: deployedAt,
        description: failed ? 'Upgrade "kube-prometheus-stack" failed: context deadline exceeded' : undefined,
        notes: `${r.chart} has been installed. Check its status by running:\n  kubectl --namespace ${r.namespace} get pods -l "release=${r.name}"\n`
      });
      w.create(secret, deployedAt);
      deployedAt = w.between(deployedAt + DAY, w.now - (r.versions.length - i) * DAY);
    });
  }
}

function releaseManifest(
  release: string,
  ns: string,
  chart: string,
  labels: Record<string, string>,
  appVersion: string
): string {
  const docs = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: release, namespace: ns, labels } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${release}-controller`, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        selector: { 'app.kubernetes.io/instance': release }
      }
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${release}-controller`, namespace: ns, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/instance': release } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: release,
            containers: [
              {
                name: 'controller',
                image: `registry.example/${chart}:${appVersion}`,
                ports: [{ name: 'http', containerPort: 80 }]
              }
            ]
          }
        }
      }
    }
  ];
  return docs
    .map((d) => `---\n# Source: ${chart}/templates/${d.kind.toLowerCase()}.yaml\n${toYaml(d)}`)
    .join('');
}

// ---- RBAC ---------------------------------------------------------------------------------

const READ = ['get', 'list', 'watch'];

function rbac(w: WorldBuilder, user: PopulateOptions['user']) {
  const t = w.born;
  const bootstrap = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
  w.create(
    k.clusterRole(
      'cluster-admin',
      t,
      [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] }
      ],
      bootstrap
    ),
    t
  );
  const viewRules = [
    {
      apiGroups: [''],
      resources: [
        'configmaps',
        'endpoints',
        'persistentvolumeclaims',
        'persistentvolumeclaims/status',
        'pods',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'serviceaccounts',
        'services',
        'services/status'
      ],
      verbs: READ
    },
    {
      apiGroups: [''],
      resources: [
        'bindings',
        'events',
        'limitranges',
        'namespaces/status',
        'pods/log',
        'pods/status',
        'replicationcontrollers/status',
        'resourcequotas',
        'resourcequotas/status'
      ],
      verbs: READ
    },
    { apiGroups: [''], resources: ['namespaces'], verbs: READ },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
    {
      apiGroups: ['apps'],
      resources: [
        'controllerrevisions',
        'daemonsets',
        'daemonsets/status',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
        'statefulsets',
        'statefulsets/scale',
        'statefulsets/status'
      ],
      verbs: READ
    },
    {
      apiGroups: ['autoscaling'],
      resources: ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'],
      verbs: READ
    },
    { apiGroups: ['batch'], resources: ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], verbs: READ },
    {
      apiGroups: ['policy'],
      resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status'],
      verbs: READ
    },
    {
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses', 'ingresses/status', 'networkpolicies'],
      verbs: READ
    }
  ];
  const editExtra = [
    {
      apiGroups: [''],
      resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'],
      verbs: ['create', 'delete', 'deletecollection', 'patch', 'update']
    },
    {
      apiGroups: [''],
      resources: [
        'configmaps',
        'events',
        'persistentvolumeclaims',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'secrets',
        'serviceaccounts',
        'services',
        'services/proxy'
      ],
      verbs: ['create', 'delete', 'deletecollection', 'patch', 'update']
    },
    {
      apiGroups: ['apps'],
      resources: [
        'daemonsets',
        'deployments',
        'deployments/rollback',
        'deployments/scale',
        'replicasets',
        'replicasets/scale',
        'statefulsets',
        'statefulsets/scale'
      ],
      verbs: ['create', 'delete', 'deletecollection', 'patch', 'update']
    },
    {
      apiGroups: ['batch'],
      resources: ['cronjobs', 'jobs'],
      verbs: ['create', 'delete', 'deletecollection', 'patch', 'update']
    },
    { apiGroups: [''], resources: ['secrets'], verbs: READ }
  ];
  w.create(
    k.clusterRole('view', t, viewRules, {
      ...bootstrap,
      'rbac.authorization.k8s.io/aggregate-to-edit': 'true'
    }),
    t
  );
  w.create(
    k.clusterRole('edit', t, [...viewRules, ...editExtra], {
      ...bootstrap,
      'rbac.authorization.k8s.io/aggregate-to-admin': 'true'
    }),
    t
  );
  w.create(
    k.clusterRole(
      'admin',
      t,
      [
        ...viewRules,
        ...editExtra,
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['rolebindings', 'roles'],
          verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
        }
      ],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRole(
      'system:basic-user',
      t,
      [
        {
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
          verbs: ['create']
        }
      ],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRole(
      'system:discovery',
      t,
      [
        {
          nonResourceURLs: [
            '/api',
            '/api/*',
            '/apis',
            '/apis/*',
            '/healthz',
            '/livez',
            '/openapi',
            '/openapi/*',
            '/readyz',
            '/version',
            '/version/'
          ],
          verbs: ['get']
        }
      ],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRole('cert-manager-controller-certificates', t + 2 * DAY, [
      {
        apiGroups: ['cert-manager.io'],
        resources: [
          'certificates',
          'certificates/status',
          'certificaterequests',
          'certificaterequests/status'
        ],
        verbs: ['update', 'patch']
      },
      {
        apiGroups: ['cert-manager.io'],
        resources: ['certificates', 'certificaterequests', 'clusterissuers', 'issuers'],
        verbs: READ
      },
      { apiGroups: [''], resources: ['secrets'], verbs: [...READ, 'create', 'update', 'delete', 'patch'] }
    ]),
    t + 2 * DAY
  );
  w.create(
    k.clusterRoleBinding(
      'cluster-admin',
      t,
      'cluster-admin',
      [{ kind: 'Group', name: 'system:masters' }],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRoleBinding(
      'system:basic-user',
      t,
      'system:basic-user',
      [{ kind: 'Group', name: 'system:authenticated' }],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRoleBinding(
      'system:discovery',
      t,
      'system:discovery',
      [{ kind: 'Group', name: 'system:authenticated' }],
      bootstrap
    ),
    t
  );
  w.create(
    k.clusterRoleBinding(
      'cert-manager-controller-certificates',
      t + 2 * DAY,
      'cert-manager-controller-certificates',
      [{ kind: 'ServiceAccount', name: 'cert-manager', namespace: 'cert-manager' }]
    ),
    t + 2 * DAY
  );

  const created = w.now - 30 * DAY;
  if (!user || user.role === 'admin') {
    const name = user?.name ?? 'admin';
    w.create(
      k.clusterRoleBinding(`skiff-admin-${name}`, created, 'cluster-admin', [{ kind: 'User', name }]),
      created
    );
    return;
  }
  // A viewer: everything readable except Secrets, which are readable only in `web`.
  const byGroup = new Map<string, Set<string>>();
  for (const t2 of w.cluster.registry.all()) {
    if (t2.group === 'authorization.k8s.io') continue;
    if (t2.group === '' && t2.plural === 'secrets') continue;
    let set = byGroup.get(t2.group);
    if (!set) byGroup.set(t2.group, (set = new Set()));
    set.add(t2.plural);
    for (const sub of t2.subresources ?? [])
      if (sub === 'log' || sub === 'status' || sub === 'scale') set.add(`${t2.plural}/${sub}`);
  }
  const rules: k.PolicyRule[] = [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: READ }));
  rules.push({
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    verbs: ['create']
  });
  w.create(k.clusterRole('skiff-viewer', created, rules, { 'app.kubernetes.io/part-of': 'skiff' }), created);
  w.create(
    k.clusterRoleBinding(`skiff-viewer-${user.name}`, created, 'skiff-viewer', [
      { kind: 'User', name: user.name }
    ]),
    created
  );
  w.create(
    k.role({ name: 'secret-reader', namespace: 'web', created }, [
      { apiGroups: [''], resources: ['secrets'], verbs: READ }
    ]),
    created
  );
  w.create(
    k.roleBinding(
      { name: `secret-reader-${user.name}`, namespace: 'web', created },
      { kind: 'Role', name: 'secret-reader' },
      [{ kind: 'User', name: user.name }]
    ),
    created
  );
}

// ---- events --------------------------------------------------------------------------------

function events(w: WorldBuilder, count: number) {
  const { rand } = w;
  const sources = w.sources;
  const nodes = w.nodes;
  if (sources.length === 0 && nodes.length === 0) return;
  const ev = (
    obj: KubeObject,
    reason: string,
    message: string,
    type: 'Normal' | 'Warning',
    component: string,
    host?: string,
    count = 1,
    fieldPath?: string
  ) => {
    const last = w.now - rand.int(0, 55 * MINUTE);
    const first = count > 1 ? last - rand.int(count, count * 60) * 1000 : last;
    w.create(
      k.event({
        name: k.eventName(obj.metadata.name, first, rand),
        involved: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name,
          namespace: obj.metadata.namespace,
          uid: obj.metadata.uid,
          resourceVersion: obj.metadata.resourceVersion
        },
        fieldPath,
        reason,
        message,
        type,
        component,
        host,
        count,
        first,
        last
      }),
      first
    );
  };
  for (let i = 0; i < count; i++) {
    const useNode = nodes.length > 0 && (sources.length === 0 || rand.chance(0.04));
    if (useNode) {
      const n = rand.pick(nodes);
      const [reason, message] = rand.pick([
        ['NodeHasSufficientMemory', `Node ${n.name} status is now: NodeHasSufficientMemory`],
        ['RegisteredNode', `Node ${n.name} event: Registered Node ${n.name} in Controller`],
        ['NodeReady', `Node ${n.name} status is now: NodeReady`]
      ] as const);
      ev(
        n.obj,
        reason,
        message,
        'Normal',
        reason === 'RegisteredNode' ? 'node-controller' : 'kubelet',
        n.name
      );
      continue;
    }
    const s = rand.pick(sources);
    const o = s.obj;
    const node = o.spec?.nodeName as string | undefined;
    const c = o.spec?.containers?.[0];
    const fp = c ? `spec.containers{${c.name}}` : undefined;
    switch (s.kind) {
      case 'crash':
        if (rand.chance(0.6))
          ev(
            o,
            'BackOff',
            `Back-off restarting failed container ${c.name} in pod ${o.metadata.name}_${o.metadata.namespace}(${o.metadata.uid})`,
            'Warning',
            'kubelet',
            node,
            rand.int(5, 400),
            fp
          );
        else
          ev(
            o,
            'Pulled',
            `Container image "${c.image}" already present on machine`,
            'Normal',
            'kubelet',
            node,
            rand.int(2, 60),
            fp
          );
        break;
      case 'unready':
        ev(
          o,
          'Unhealthy',
          `Readiness probe failed: HTTP probe failed with statuscode: ${rand.pick([500, 503, 503])}`,
          'Warning',
          'kubelet',
          node,
          rand.int(3, 900),
          fp
        );
        break;
      case 'pending':
        ev(
          o,
          'FailedScheduling',
          o.status.conditions[0].message,
          'Warning',
          'default-scheduler',
          undefined,
          rand.int(1, 30)
        );
        break;
      case 'job':
        ev(o, 'Completed', 'Job completed', 'Normal', 'job-controller');
        break;
      case 'hpa':
        ev(
          o,
          'SuccessfulRescale',
          `New size: ${o.status.currentReplicas}; reason: cpu resource utilization (percentage of request) above target`,
          'Normal',
          'horizontal-pod-autoscaler'
        );
        break;
      case 'deploy':
        ev(
          o,
          'ScalingReplicaSet',
          `Scaled up replica set ${o.metadata.name}-${o.spec.template ? k.templateHash(o.spec.template) : ''} from 0 to ${o.spec.replicas}`,
          'Normal',
          'deployment-controller'
        );
        break;
      default: {
        const pick = rand.int(0, 3);
        if (pick === 0)
          ev(
            o,
            'Scheduled',
            `Successfully assigned ${o.metadata.namespace}/${o.metadata.name} to ${node}`,
            'Normal',
            'default-scheduler'
          );
        else if (pick === 1)
          ev(
            o,
            'Pulled',
            `Successfully pulled image "${c.image}" in ${rand.int(300, 9000)}ms (${rand.int(300, 9000)}ms including waiting). Image size: ${rand.int(10_000_000, 300_000_000)} bytes.`,
            'Normal',
            'kubelet',
            node,
            1,
            fp
          );
        else if (pick === 2)
          ev(o, 'Created', `Created container ${c.name}`, 'Normal', 'kubelet', node, 1, fp);
        else ev(o, 'Started', `Started container ${c.name}`, 'Normal', 'kubelet', node, 1, fp);
      }
    }
  }
}
