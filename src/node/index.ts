export { NodeConfig, IdentityCard, HubLink, NodeRole, ConfigError } from './config.js';
export {
  initNodeDirectory,
  openNodeDirectory,
  readIdentityCard,
  identityCard,
  apiToken,
} from './node-dir.js';
export { startNode, openNodeStore } from './start.js';
export type { RunningNode } from './start.js';
export { HubRefused, MemberClient } from './member-client.js';
export { createLogger } from './logger.js';
export { encodeFrame, decodeFrame, frameSha256, FrameError } from './frame.js';
export { createCollaborationAt } from './collab-setup.js';
export { LocalNetwork, freePort } from './local-network.js';
export type { LocalNetworkSpec, PartySpec } from './local-network.js';
export { packageRoot, cliEntry } from './package-root.js';
