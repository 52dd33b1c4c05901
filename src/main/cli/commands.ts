import { INFER_COMMAND } from './infer-command';
import { INSTALL_COMMAND } from './install-command';
import { POOL_GROUP } from './pool-commands';
import type { Group } from './router';

/** The whole command tree; every module it imports is light (help text and argument checks). */
export const ROOT: Group = {
  kind: 'group',
  name: 'llorch',
  summary: 'rbees-ctl (llorch): control rbees pool hosts over SSH and run inference on the daemon.',
  children: [{ ...POOL_GROUP, children: [...POOL_GROUP.children, INSTALL_COMMAND] }, INFER_COMMAND],
};
