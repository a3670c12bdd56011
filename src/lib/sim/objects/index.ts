/**
 * Factories for the objects of a simulated cluster, shaped like kube-apiserver JSON (v1.32):
 * server-side defaults filled, status shapes as the controllers and the kubelet write them,
 * managedFields with plausible fieldsV1 trees. Pure functions: callers pass times and a Random.
 *
 * Also the pure status computations (ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, PDB) that
 * both `populate` and the controllers use, so a freshly populated world is already reconciled.
 */
export * from './format';
export { controllerOfKind, ownerRef } from './meta';
export * from './managed-fields';
export * from './nodes';
export * from './pods';
export * from './workloads';
export * from './status';
export * from './network';
export * from './config';
export * from './storage';
export * from './helm';
export * from './access';
export * from './policy';
export * from './events';
export * from './cert-manager';
export * from './gateway';
