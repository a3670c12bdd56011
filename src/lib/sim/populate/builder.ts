/**
 * WorldBuilder: the state of one populate run (the clock, nodes with free room and pod IPs, used
 * service IPs and names, per-namespace usage, event sources) and the building blocks every part of
 * the world uses: pods, Deployments with their ReplicaSet history, Services with EndpointSlices.
 */
import type { SimCluster } from '../cluster';
import * as k from '../objects';
import { Random } from '../random';
import type { KubeObject, NewObject, ResourceType } from '../../kube/types';
import { DAY, HOUR, NAMING_EPOCH, POOLS, REGION, ROLES, SUBJECTS, ZONES } from './catalog';
import type { PopulateOptions } from './populate';

/** A pod for `makePod`: what `podFromTemplate` takes from the owner, and how the pod should be placed and doing. */
export interface PodPlan extends Pick<
  k.PodInit,
  | 'name'
  | 'namespace'
  | 'template'
  | 'owner'
  | 'generateName'
  | 'extraLabels'
  | 'hostname'
  | 'subdomain'
  | 'extraVolumes'
  | 'priority'
> {
  ownerCreated: number;
  controllerFields: Record<string, unknown>;
  state?: k.PodState;
  node?: NodeSlot;
  daemonSet?: boolean;
  hostNetwork?: boolean;
  /** Default: shortly after the owner, sometimes weeks later (a replaced pod). */
  created?: number;
  finishedAt?: number;
  staticAnnotations?: Record<string, string>;
}

/** What an Event in the populated world can be about. */
type EventSourceKind = 'pod' | 'deploy' | 'node' | 'crash' | 'unready' | 'pending' | 'job' | 'hpa';

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

  /**
   * Creates one pod of an owner: picks the node (unless given), its IP, a state, timestamps and
   * managedFields, and accounts for it in the namespace usage.
   */
  makePod(p: PodPlan): KubeObject {
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
    /** The pod template of a version; `now` is the time its time-derived values are relative to. */
    templateFor: (version: string, now: number) => Record<string, unknown>;
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
        templates.set(version, (t = d.templateFor(version, this.now)));
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
        // The hash of the template as of NAMING_EPOCH: a restartedAt annotation must not rename the
        // ReplicaSet and its pods on every load (the controller finds it by template, not by hash).
        hash: k.templateHash(d.templateFor(d.versions[i], NAMING_EPOCH)),
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
      this.currentReplicaSets.set(deployment.metadata.uid, rsObj.metadata.name);
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
