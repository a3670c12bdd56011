/** Configuration and storage: ConfigMaps, Secrets, ServiceAccounts, volumes, claims, classes, quotas. */
import { accessModes, col, namedRowPrinter, type Printer } from './common';
import type { Obj } from '../../../kube/types';

export const configMapPrinter: Printer = namedRowPrinter({
  columns: [col('Data', 'Data contains the configuration data.')],
  cells: (o) => [Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length]
});

export const secretPrinter: Printer = namedRowPrinter({
  columns: [
    col('Type', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'Data contains the secret data.')
  ],
  cells: (o) => [o.type ?? 'Opaque', Object.keys(o.data ?? {}).length]
});

export const serviceAccountPrinter: Printer = namedRowPrinter({
  columns: [
    col(
      'Secrets',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'
    )
  ],
  cells: (o) => [(o.secrets ?? []).length]
});

export const pvPrinter: Printer = namedRowPrinter({
  columns: [
    col('Capacity', "capacity is the description of the persistent volume's resources and capacity."),
    col('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    col(
      'Reclaim Policy',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'
    ),
    col('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col(
      'Claim',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'
    ),
    col('StorageClass', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    col(
      'Reason',
      'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'
    )
  ],
  afterAge: [
    col(
      'VolumeMode',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      'string',
      1
    )
  ],
  cells(o) {
    const spec = o.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const storageClass =
      o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? spec.storageClassName ?? '';
    return [
      spec.capacity?.storage ?? '0',
      accessModes(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      claim,
      storageClass,
      spec.volumeAttributesClassName ?? '<unset>',
      o.status?.reason ?? '',
      spec.volumeMode ?? '<unset>'
    ];
  }
});

export const pvcPrinter: Printer = namedRowPrinter({
  columns: [
    col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pvc')
  ],
  afterAge: [
    col('VolumeMode', 'volumeMode defines what type of volume is required by the claim.', 'string', 1)
  ],
  cells(o) {
    const spec = o.spec ?? {};
    const bound = !!spec.volumeName;
    const storageClass =
      o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? spec.storageClassName ?? '';
    return [
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      spec.volumeName ?? '',
      bound ? (o.status?.capacity?.storage ?? '0') : '',
      bound ? accessModes(o.status?.accessModes) : '',
      storageClass,
      spec.volumeAttributesClassName ?? '<unset>',
      spec.volumeMode ?? '<unset>'
    ];
  }
});

/** storageutil.IsDefaultAnnotation. */
export function isDefaultStorageClass(o: Obj): boolean {
  const a = o.metadata?.annotations ?? {};
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

export const storageClassPrinter: Printer = namedRowPrinter({
  columns: [
    col('Provisioner', 'provisioner indicates the type of the provisioner.'),
    col(
      'ReclaimPolicy',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'
    ),
    col(
      'VolumeBindingMode',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'
    ),
    col('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.')
  ],
  name: (o) => (isDefaultStorageClass(o) ? `${o.metadata.name} (default)` : o.metadata.name),
  cells: (o) => [
    o.provisioner ?? '',
    o.reclaimPolicy ?? 'Delete',
    o.volumeBindingMode ?? 'Immediate',
    o.allowVolumeExpansion ?? false
  ]
});

export const resourceQuotaPrinter: Printer = namedRowPrinter({
  columns: [
    col('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col(
      'Limit',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'
    )
  ],
  cells(o) {
    const hard: Record<string, string> = o.status?.hard ?? {};
    const used: Record<string, string> = o.status?.used ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const name of Object.keys(hard).sort()) {
      const text = `${name}: ${used[name] ?? '0'}/${hard[name]}`;
      const pieces = name.split('.');
      (pieces.length > 1 && pieces[0] === 'limits' ? limits : requests).push(text);
    }
    return [requests.join(', '), limits.join(', ')];
  }
});
