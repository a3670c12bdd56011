/**
 * The write verbs of SimCluster: create, update (also of the status and scale subresources), patch
 * (merge, strategic, JSON patch, server-side apply), delete with finalizers and owner propagation,
 * and `mutate`, the storage-level write controllers and churn use.
 */
import {
  ApiError,
  type DeleteOptions,
  type KubeObject,
  type NewObject,
  type PatchType,
  type ResourceType,
  type WriteOptions
} from '../../kube/types';
import { jsonPatch, mergePatch, strategicMerge } from '../patch';
import { selectorString } from '../selectors';
import { alreadyExists, conflict, notFound } from './errors';
import { bumpGeneration } from './fields';
import { ClusterReads } from './reads';
import { objKey, type CreateOptions, type SubresourceWrite } from './types';
import { present, toStored } from './versions';

export class ClusterWrites extends ClusterReads {
  /**
   * Create an object. The cluster takes ownership of `input` (the HTTP layer parses a fresh one per
   * request; world builders build fresh ones): it is stored without a defensive copy.
   */
  create(
    rt: ResourceType,
    namespace: string | undefined,
    input: NewObject,
    opts: CreateOptions = {}
  ): KubeObject {
    this.checkWritable(rt);
    const ns = rt.namespaced ? (namespace ?? input.metadata.namespace) : undefined;
    if (rt.namespaced && !ns)
      throw new ApiError(
        400,
        'BadRequest',
        'the server could not find the requested resource: namespace is required'
      );
    if (namespace && input.metadata.namespace && input.metadata.namespace !== namespace) {
      throw new ApiError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request'
      );
    }
    this.checkNamespace(rt, ns, true);
    let name = input.metadata.name;
    if (!name && input.metadata.generateName) name = input.metadata.generateName + this.rng.suffix(5);
    if (!name)
      throw new ApiError(
        422,
        'Invalid',
        `${rt.kind} "" is invalid: metadata.name: Required value: name or generateName is required`
      );
    if (this.bucket(rt).has(objKey(ns, name))) throw alreadyExists(rt, name);
    const now = this.timestamp(opts.createdAt);
    const obj = toStored(rt, input as KubeObject);
    obj.metadata = {
      ...obj.metadata,
      name,
      ...(ns ? { namespace: ns } : {}),
      uid: this.uid(),
      resourceVersion: '',
      creationTimestamp: now
    };
    // Pods carry no generation before 1.33; every other kind with a spec does.
    if ((obj.spec !== undefined && rt.kind !== 'Pod') || rt.kind === 'CustomResourceDefinition') {
      obj.metadata.generation = 1;
    }
    if (!obj.metadata.managedFields && opts.fieldManager) {
      obj.metadata.managedFields = [this.managedEntry(rt, opts.fieldManager, 'Update', input)];
    }
    if (rt.kind === 'Namespace') obj.status = { phase: 'Active', ...(obj.status ?? {}) };
    if (opts.dryRun)
      return present(rt, {
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: this.resourceVersion() }
      });
    return present(rt, this.commit(rt, 'ADDED', obj));
  }

  update(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    input: KubeObject,
    opts: SubresourceWrite = {}
  ): KubeObject {
    this.checkWritable(rt);
    const current = this.stored(rt, namespace, name);
    if (!current) throw notFound(rt, name);
    if (input.metadata?.name && input.metadata.name !== name) {
      throw new ApiError(
        400,
        'BadRequest',
        `the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`
      );
    }
    if (opts.subresource === 'scale') return this.updateScale(rt, current, input, opts);
    const inputRv = input.metadata?.resourceVersion;
    if (inputRv && inputRv !== current.metadata.resourceVersion) throw conflict(rt, name);
    const next = toStored(rt, structuredClone(input));
    const hasStatus = rt.subresources?.includes('status');
    if (opts.subresource === 'status') {
      const merged = { ...current, status: next.status };
      return present(rt, this.write(rt, current, merged, opts));
    }
    if (hasStatus) next.status = current.status;
    next.metadata = {
      ...next.metadata,
      name: current.metadata.name,
      ...(current.metadata.namespace ? { namespace: current.metadata.namespace } : {}),
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      ...(current.metadata.deletionTimestamp
        ? { deletionTimestamp: current.metadata.deletionTimestamp }
        : {}),
      ...(current.metadata.generation !== undefined ? { generation: current.metadata.generation } : {}),
      managedFields: next.metadata.managedFields ?? current.metadata.managedFields
    };
    return present(rt, this.write(rt, current, next, opts));
  }

  patch(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: SubresourceWrite = {}
  ): KubeObject {
    this.checkWritable(rt);
    const ns = rt.namespaced ? namespace : undefined;
    const stored = this.stored(rt, ns, name);
    if (type === 'apply' && !stored) {
      if (opts.subresource) throw notFound(rt, name);
      if (!opts.fieldManager)
        throw new ApiError(400, 'BadRequest', 'PATCH /apply requires a fieldManager query parameter');
      const applied = body as NewObject;
      const created = this.create(
        rt,
        ns,
        { ...applied, metadata: { ...applied.metadata, name } },
        { ...opts, fieldManager: undefined }
      );
      if (opts.dryRun) return created;
      return this.mutate(rt, ns, name, (o) => {
        o.metadata.managedFields = [this.managedEntry(rt, opts.fieldManager!, 'Apply', applied)];
      })!;
    }
    if (!stored) throw notFound(rt, name);
    const current = opts.subresource === 'scale' ? scaleOf(rt, stored) : present(rt, stored);
    let next: KubeObject;
    if (type === 'merge') next = mergePatch(current, body) as KubeObject;
    else if (type === 'strategic' || type === 'apply') next = strategicMerge(current, body) as KubeObject;
    else next = jsonPatch(current, body) as KubeObject;
    if (!next || typeof next !== 'object' || !next.metadata)
      throw new ApiError(422, 'Invalid', 'patch removed the object metadata');
    const patchRv = (body as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
    if (!patchRv) next.metadata = { ...next.metadata, resourceVersion: '' };
    if (type === 'apply' && opts.fieldManager) {
      const others = (next.metadata.managedFields ?? []).filter(
        (m) => !(m.manager === opts.fieldManager && m.operation === 'Apply')
      );
      next.metadata.managedFields = [
        ...others,
        this.managedEntry(rt, opts.fieldManager, 'Apply', body as KubeObject)
      ];
    }
    return this.update(rt, ns, name, next, opts);
  }

  delete(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {}
  ): KubeObject {
    this.checkWritable(rt);
    const ns = rt.namespaced ? namespace : undefined;
    const current = this.stored(rt, ns, name);
    if (!current) throw notFound(rt, name);
    const pre = opts.preconditions;
    if (
      (pre?.uid && pre.uid !== current.metadata.uid) ||
      (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
    ) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${rt.plural} "${name}": Precondition failed`
      );
    }
    if (opts.dryRun) return present(rt, current);
    const finalizers = current.metadata.finalizers ?? [];
    if (finalizers.length > 0) {
      // Stays, marked for deletion, until its finalizers are removed by an update.
      if (current.metadata.deletionTimestamp) return present(rt, current);
      return this.mutate(rt, ns, name, (o) => {
        o.metadata.deletionTimestamp = this.timestamp();
        (o.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds = 0;
      })!;
    }
    const policy = opts.propagationPolicy ?? 'Background';
    const removed = this.commit(rt, 'DELETED', current);
    if (rt.kind === 'Namespace') {
      for (const { rt: contentType, object } of this.remainingInNamespace(name)) {
        this.delete(contentType, name, object.metadata.name, { propagationPolicy: 'Background' });
      }
    }
    for (const dep of this.dependentsOf(current.metadata.uid)) {
      const d = dep.object;
      if (policy === 'Orphan') {
        this.mutate(dep.rt, d.metadata.namespace, d.metadata.name, (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter(
            (r) => r.uid !== current.metadata.uid
          );
          if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        });
      } else if (this.bucket(dep.rt).has(objKey(d.metadata.namespace, d.metadata.name))) {
        this.delete(dep.rt, d.metadata.namespace, d.metadata.name, { propagationPolicy: policy });
      }
    }
    return present(rt, removed);
  }

  /** Storage-level write for controllers and churn: edit a copy, store it, notify. */
  mutate(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    fn: (copy: KubeObject) => void
  ): KubeObject | undefined {
    const current = this.stored(rt, namespace, name);
    if (!current) return undefined;
    const copy = structuredClone(current);
    fn(copy);
    bumpGeneration(current, copy);
    if (copy.metadata.deletionTimestamp && (copy.metadata.finalizers ?? []).length === 0) {
      this.commit(rt, 'MODIFIED', copy);
      this.delete(rt, namespace, name);
      return present(rt, copy);
    }
    return present(rt, this.commit(rt, 'MODIFIED', copy));
  }

  private write(rt: ResourceType, current: KubeObject, next: KubeObject, opts: WriteOptions): KubeObject {
    bumpGeneration(current, next);
    if (opts.dryRun)
      return { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } };
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      const last = this.commit(rt, 'MODIFIED', next);
      this.delete(rt, next.metadata.namespace, next.metadata.name);
      return last;
    }
    return this.commit(rt, 'MODIFIED', next);
  }

  /** PUT of the scale subresource: only spec.replicas changes. */
  private updateScale(
    rt: ResourceType,
    current: KubeObject,
    scale: KubeObject,
    opts: WriteOptions
  ): KubeObject {
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(rt, current.metadata.name);
    const replicas = scale.spec?.replicas;
    if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`
      );
    }
    const next = { ...current, spec: { ...current.spec, replicas } };
    const written = opts.dryRun ? next : this.write(rt, current, next, opts);
    return scaleOf(rt, written);
  }
}

/** autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet. */
export function scaleOf(rt: ResourceType, o: KubeObject): KubeObject {
  if (!rt.subresources?.includes('scale')) throw notFound(rt, o.metadata.name);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp
    },
    spec: { replicas: o.spec?.replicas ?? 1 },
    status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) }
  };
}
