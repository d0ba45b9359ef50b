/** GDM's own failure line `Couldn't authenticate user` (its PAM lines go to pam.ts). */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset } from './fields.js';

export function decodeDisplayManager(body: string, event: EcsEvent): boolean {
  if (!body.startsWith("Couldn't authenticate user")) return false;
  classify(event, ACTIONS.displayManagerLogin, ['authentication'], ['info'], 'failure');
  setDataset(event, DATASETS.systemAuth);
  return true;
}
