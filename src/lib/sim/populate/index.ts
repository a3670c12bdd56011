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
export { populate, type PopulateOptions, type PopulateResult } from './populate';
