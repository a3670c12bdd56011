/**
 * WorldBuilder: the state of one populate run (the clock, nodes with free room and pod IPs, used
 * service IPs and names, per-namespace usage, event sources) and the building blocks every part of
 * the world uses: nodes, pods (pods.ts), Deployments with their ReplicaSet history
 * (deployment-history.ts), Services with EndpointSlices.
 */
import type { SimCluster } from '../cluster';
import * as k from '../objects';
import { Random } from '../random';
import type { KubeObject, NewObject, ResourceType } from '../../kube/types';
import { DAY, HOUR, NAMING_EPOCH, POOLS, REGION, ROLES, SUBJECTS, ZONES } from './catalog';
import { deploymentWithPods, type DeploymentPlan } from './deployment-history';
import { makePod, type PodPlan } from './pods';
import type { PopulateOptions } from './populate';

export type { PodPlan } from './pods';

/** What an Event in the populated world can be about. */
export type EventSourceKind = 'pod' | 'deploy' | 'node' | 'crash' | 'unready' | 'pending' | 'job' | 'hpa';

export interface NodeSlot {
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

export class WorldBuilder {
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
  private eventSources: { obj: KubeObject; kind: EventSourceKind }[] = [];
  ingressLbIp = '';
  private appsByNamespace = new Map<string, Set<string>>();
  private generatedNames = new Set<string>();
  private hasWorkers = false;
  readonly zoneOfNode = new Map<string, string>();
  /** Deployment uid → name of its current ReplicaSet. */
  private currentReplicaSets = new Map<string, string>();

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

  /** Creates an object as if at time `at` (its creationTimestamp; never later than now). */
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

  /**
   * `t` as of NAMING_EPOCH (the same distance before it as `t` is before now): the time to use for
   * anything that is named or hashed, so that names do not change with the clock.
   */
  nameTime(t: number): number {
    return NAMING_EPOCH + (t - this.now);
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

  /** Creates one pod of an owner (see pods.ts). */
  makePod(p: PodPlan): KubeObject {
    const pod = makePod(this, p);
    this.podCount++;
    return pod;
  }

  get podsCreated() {
    return this.podCount;
  }

  // ---- workloads -----------------------------------------------------------------------------

  /** A Deployment, its ReplicaSet history and the pods of the current ReplicaSet (see deployment-history.ts). */
  deploymentWithPods(d: DeploymentPlan): { deployment: KubeObject; pods: KubeObject[] } {
    const { deployment, pods, currentReplicaSet } = deploymentWithPods(this, d);
    if (currentReplicaSet) this.currentReplicaSets.set(deployment.metadata.uid, currentReplicaSet);
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

  /** The name of a populated Deployment's current ReplicaSet. */
  replicaSetOf(deployment: KubeObject): string | undefined {
    return this.currentReplicaSets.get(deployment.metadata.uid);
  }

  // ---- event sources ------------------------------------------------------------------------

  noteEventSource(obj: KubeObject, kind: EventSourceKind) {
    this.eventSources.push({ obj, kind });
  }

  get sources() {
    return this.eventSources;
  }

  get ca() {
    return this.caCrt;
  }
}
