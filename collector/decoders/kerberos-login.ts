/**
 * klogind (Kerberos rlogin daemon): `Authentication failed from IP (HOST): REASON` and
 * `Kerberos authentication failed`.
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setSource } from './fields.js';
import { indexOfSpaceBefore, trimEndSpaces } from './scan.js';

export function decodeKerberosLogin(body: string, event: EcsEvent): boolean {
  if (body.startsWith('Authentication failed from ')) {
    const addrEnd = indexOfSpaceBefore(body, 27, body.length);
    setSource(event, body.slice(27, addrEnd));
    const reasonAt = body.indexOf('): ', addrEnd);
    if (reasonAt > 0) event.event.reason = trimEndSpaces(body.slice(reasonAt + 3));
  } else if (!body.startsWith('Kerberos authentication failed')) return false;
  classify(event, ACTIONS.kerberosLogin, ['authentication'], ['info'], 'failure');
  setDataset(event, DATASETS.systemAuth);
  return true;
}
