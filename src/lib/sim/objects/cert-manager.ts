/** cert-manager's Certificate CRD and Certificates. */
import type { NewObject } from '../../kube/types';
import { establishedCrdStatus } from './crd';
import { isoTime } from './format';
import { meta, type MetaInit } from './meta';

/** The CRD's names, which its status repeats as the accepted ones (a fresh copy each time: no aliasing). */
function certificateNames() {
  return {
    categories: ['cert-manager'],
    kind: 'Certificate',
    listKind: 'CertificateList',
    plural: 'certificates',
    shortNames: ['cert', 'certs'],
    singular: 'certificate'
  };
}

export function certificateCrd(created: number): NewObject {
  const str = { type: 'string' };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: 'certificates.cert-manager.io',
      creationTimestamp: isoTime(created),
      generation: 1,
      labels: {
        app: 'cert-manager',
        'app.kubernetes.io/instance': 'cert-manager',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/name': 'cert-manager',
        'app.kubernetes.io/version': 'v1.16.2'
      },
      annotations: {
        'helm.sh/resource-policy': 'keep',
        'meta.helm.sh/release-name': 'cert-manager',
        'meta.helm.sh/release-namespace': 'cert-manager'
      }
    },
    spec: {
      conversion: { strategy: 'None' },
      group: 'cert-manager.io',
      names: certificateNames(),
      scope: 'Namespaced',
      versions: [
        {
          additionalPrinterColumns: [
            { jsonPath: '.status.conditions[?(@.type=="Ready")].status', name: 'Ready', type: 'string' },
            { jsonPath: '.spec.secretName', name: 'Secret', type: 'string' },
            { jsonPath: '.spec.issuerRef.name', name: 'Issuer', priority: 1, type: 'string' },
            {
              description:
                'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
              jsonPath: '.metadata.creationTimestamp',
              name: 'Age',
              type: 'date'
            }
          ],
          name: 'v1',
          schema: {
            openAPIV3Schema: {
              description:
                'A Certificate resource should be created to ensure an up to date and signed X.509 certificate is stored in the Kubernetes Secret resource named in `spec.secretName`.',
              properties: {
                apiVersion: str,
                kind: str,
                metadata: { type: 'object' },
                spec: {
                  properties: {
                    commonName: str,
                    dnsNames: { items: str, type: 'array' },
                    duration: str,
                    issuerRef: {
                      properties: { group: str, kind: str, name: str },
                      required: ['name'],
                      type: 'object'
                    },
                    privateKey: {
                      properties: {
                        algorithm: { enum: ['RSA', 'ECDSA', 'Ed25519'], type: 'string' },
                        rotationPolicy: { enum: ['Never', 'Always'], type: 'string' },
                        size: { type: 'integer' }
                      },
                      type: 'object'
                    },
                    renewBefore: str,
                    secretName: str,
                    usages: { items: str, type: 'array' }
                  },
                  required: ['issuerRef', 'secretName'],
                  type: 'object'
                },
                status: {
                  properties: {
                    conditions: {
                      items: {
                        properties: {
                          lastTransitionTime: { format: 'date-time', type: 'string' },
                          message: str,
                          observedGeneration: { format: 'int64', type: 'integer' },
                          reason: str,
                          status: { enum: ['True', 'False', 'Unknown'], type: 'string' },
                          type: str
                        },
                        required: ['status', 'type'],
                        type: 'object'
                      },
                      type: 'array',
                      'x-kubernetes-list-map-keys': ['type'],
                      'x-kubernetes-list-type': 'map'
                    },
                    notAfter: { format: 'date-time', type: 'string' },
                    notBefore: { format: 'date-time', type: 'string' },
                    renewalTime: { format: 'date-time', type: 'string' },
                    revision: { type: 'integer' }
                  },
                  type: 'object'
                }
              },
              type: 'object'
            }
          },
          served: true,
          storage: true,
          subresources: { status: {} }
        }
      ]
    },
    status: establishedCrdStatus(certificateNames(), ['v1'], created)
  };
}

export interface CertificateInit extends MetaInit {
  dnsNames: string[];
  secretName: string;
  issuer: string;
  ready: boolean;
  notBefore: number;
  revision: number;
}

export function certificate(c: CertificateInit): NewObject {
  const t = isoTime(c.notBefore);
  const notAfter = c.notBefore + 90 * 86400_000;
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: meta({ ...c, generation: 1 }),
    spec: {
      dnsNames: c.dnsNames,
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: c.issuer },
      privateKey: { algorithm: 'ECDSA', rotationPolicy: 'Always', size: 256 },
      secretName: c.secretName,
      usages: ['digital signature', 'key encipherment']
    },
    status: {
      conditions: [
        c.ready
          ? {
              lastTransitionTime: t,
              message: 'Certificate is up to date and has not expired',
              observedGeneration: 1,
              reason: 'Ready',
              status: 'True',
              type: 'Ready'
            }
          : {
              lastTransitionTime: t,
              message: `Issuing certificate as Secret does not exist`,
              observedGeneration: 1,
              reason: 'DoesNotExist',
              status: 'False',
              type: 'Ready'
            }
      ],
      ...(c.ready
        ? {
            notAfter: isoTime(notAfter),
            notBefore: t,
            renewalTime: isoTime(notAfter - 30 * 86400_000),
            revision: c.revision
          }
        : {})
    }
  };
}
