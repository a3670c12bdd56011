/**
 * Server-side printing: the `Table` (meta.k8s.io/v1) and `PartialObjectMetadata` answers kube-apiserver
 * gives when a client asks for them in its Accept header. Columns and cells follow kubectl's printers
 * (k8s.io/kubernetes pkg/printers/internalversion/printers.go), which the API server runs with
 * `Wide: true`: every column is present and the wide-only ones carry `priority: 1`.
 * Custom resources print their CRD's additionalPrinterColumns (JSONPath: see kube/jsonpath.ts).
 */
export type * from './types';
export { columnDefinitions, toPartialObjectMetadata, toPartialObjectMetadataList, toTable } from './table';
export { humanDuration } from '../../kube/time';
export { nodeStatus } from '../../kube/node-status';
export { podSummary } from '../../kube/pod-status';
export { isDefaultStorageClass } from './printers/config';
