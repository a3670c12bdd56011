/** PersistentVolumeClaims, the PersistentVolumes provisioned for them, and StorageClasses. */
import type { Random } from '../random';
import type { KubeObject, NewObject } from '../../kube/types';
import { isoTime } from './format';
import { meta, type MetaInit } from './meta';

export interface PvcInit extends MetaInit {
  storage: string;
  storageClassName: string;
  volumeName?: string;
  provisioner: string;
  nodeName?: string;
}

export function persistentVolumeClaim(p: PvcInit): NewObject {
  const bound = !!p.volumeName;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      ...meta({
        ...p,
        annotations: {
          ...(bound
            ? { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' }
            : {}),
          'volume.beta.kubernetes.io/storage-provisioner': p.provisioner,
          'volume.kubernetes.io/storage-provisioner': p.provisioner,
          ...(p.nodeName ? { 'volume.kubernetes.io/selected-node': p.nodeName } : {}),
          ...(p.annotations ?? {})
        }
      }),
      finalizers: ['kubernetes.io/pvc-protection']
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: p.storage } },
      storageClassName: p.storageClassName,
      volumeMode: 'Filesystem',
      ...(p.volumeName ? { volumeName: p.volumeName } : {})
    },
    status: bound
      ? { accessModes: ['ReadWriteOnce'], capacity: { storage: p.storage }, phase: 'Bound' }
      : { phase: 'Pending' }
  };
}

export function persistentVolume(
  pvc: KubeObject,
  provisioner: string,
  created: number,
  rand: Random
): NewObject {
  const storage = pvc.spec.resources.requests.storage as string;
  const node = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: `pvc-${pvc.metadata.uid}`,
      creationTimestamp: isoTime(created),
      annotations: {
        'pv.kubernetes.io/provisioned-by': provisioner,
        'volume.kubernetes.io/provisioner-deletion-secret-name': '',
        'volume.kubernetes.io/provisioner-deletion-secret-namespace': ''
      },
      finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection']
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: pvc.metadata.name,
        namespace: pvc.metadata.namespace,
        resourceVersion: pvc.metadata.resourceVersion,
        uid: pvc.metadata.uid
      },
      csi: {
        driver: provisioner,
        fsType: 'ext4',
        volumeAttributes: {
          'storage.kubernetes.io/csiProvisionerIdentity': `${Math.floor(created / 1000) - 86400}-${rand.int(1000, 9999)}-${provisioner}`
        },
        volumeHandle: `0001-0009-rook-ceph-0000000000000001-${rand.uid()}`
      },
      ...(node
        ? {
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }
                ]
              }
            }
          }
        : {}),
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: pvc.spec.storageClassName,
      volumeMode: 'Filesystem'
    },
    status: { lastPhaseTransitionTime: isoTime(created), phase: 'Bound' }
  };
}

export function storageClass(
  name: string,
  provisioner: string,
  created: number,
  isDefault: boolean,
  parameters: Record<string, string> = {}
): NewObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      creationTimestamp: isoTime(created),
      ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {})
    },
    allowVolumeExpansion: true,
    parameters,
    provisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer'
  };
}
