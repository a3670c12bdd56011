/** Storage: PersistentVolumeClaims, PersistentVolumes, StorageClasses. */
import { accessModes, col, kind } from './cells';
import type { KindDef } from './types';
import type { Obj } from '../kube/types';

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

export const STORAGE_KINDS: KindDef[] = [
  kind(
    'Storage',
    '',
    'v1',
    'persistentvolumeclaims',
    'PersistentVolumeClaim',
    'PersistentVolumeClaims',
    true,
    [
      col('status', 'Status', 'status'),
      col('volume', 'Volume', 'text'),
      col('capacity', 'Capacity', 'text'),
      col('accessModes', 'Access modes', 'text'),
      col('storageClass', 'Storage class', 'text'),
      col('volumeMode', 'Volume mode', 'text', { hidden: true })
    ],
    (c: Obj) => ({
      status: c.status?.phase ?? 'Pending',
      volume: c.spec?.volumeName || null,
      // Bound claims report what they got; pending ones what they asked for.
      capacity: c.status?.capacity?.storage ?? c.spec?.resources?.requests?.storage ?? null,
      accessModes: accessModes(c.status?.accessModes ?? c.spec?.accessModes),
      storageClass: c.spec?.storageClassName ?? null,
      volumeMode: c.spec?.volumeMode ?? 'Filesystem'
    })
  ),
  kind(
    'Storage',
    '',
    'v1',
    'persistentvolumes',
    'PersistentVolume',
    'PersistentVolumes',
    false,
    [
      col('capacity', 'Capacity', 'text'),
      col('accessModes', 'Access modes', 'text'),
      col('reclaimPolicy', 'Reclaim policy', 'text'),
      col('status', 'Status', 'status'),
      col('claim', 'Claim', 'text'),
      col('storageClass', 'Storage class', 'text'),
      col('reason', 'Reason', 'text', { hidden: true })
    ],
    (v: Obj) => {
      const claim = v.spec?.claimRef;
      return {
        capacity: v.spec?.capacity?.storage ?? null,
        accessModes: accessModes(v.spec?.accessModes),
        reclaimPolicy: v.spec?.persistentVolumeReclaimPolicy ?? 'Retain',
        status: v.status?.phase ?? 'Pending',
        claim: claim ? `${claim.namespace}/${claim.name}` : null,
        storageClass: v.spec?.storageClassName ?? null,
        reason: v.status?.reason ?? null
      };
    }
  ),
  kind(
    'Storage',
    'storage.k8s.io',
    'v1',
    'storageclasses',
    'StorageClass',
    'StorageClasses',
    false,
    [
      col('provisioner', 'Provisioner', 'text'),
      col('default', 'Default', 'bool'),
      col('reclaimPolicy', 'Reclaim policy', 'text'),
      col('bindingMode', 'Binding mode', 'text'),
      col('expansion', 'Volume expansion', 'bool', { hidden: true })
    ],
    (s: Obj) => {
      const a = s.metadata.annotations ?? {};
      return {
        provisioner: s.provisioner ?? null,
        default: a[DEFAULT_CLASS] === 'true' || a[BETA_DEFAULT_CLASS] === 'true',
        reclaimPolicy: s.reclaimPolicy ?? 'Delete',
        bindingMode: s.volumeBindingMode ?? 'Immediate',
        expansion: s.allowVolumeExpansion === true
      };
    }
  )
];
