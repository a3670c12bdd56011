/** The status the apiserver gives a CustomResourceDefinition whose names it accepted and that it serves. */
import { isoTime } from './format';

export function establishedCrdStatus(
  acceptedNames: Record<string, unknown>,
  storedVersions: string[],
  created: number
) {
  return {
    acceptedNames,
    conditions: [
      {
        lastTransitionTime: isoTime(created),
        message: 'no conflicts found',
        reason: 'NoConflicts',
        status: 'True',
        type: 'NamesAccepted'
      },
      {
        lastTransitionTime: isoTime(created),
        message: 'the initial names have been accepted',
        reason: 'InitialNamesAccepted',
        status: 'True',
        type: 'Established'
      }
    ],
    storedVersions
  };
}
