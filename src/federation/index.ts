export { Hub, Refusal } from './hub.js';
export type { JobEvent } from './hub-context.js';
export { TrainJobSpec, LocalTraining } from './job-spec.js';
export { Task, Report, Evaluation } from './protocol.js';
export { SiteWorker } from './site-worker.js';
export type { LoadedDataset } from './site-worker.js';
export { summarizeJob } from './job-summary.js';
export type { JobSummary, RoundSummary } from './job-summary.js';
export {
  CollaborationSpec,
  SafeZoneDomain,
  createCollaboration,
  addMember,
  listMembers,
  findMember,
  getCollaboration,
  listCollaborations,
} from './collab-records.js';
export type { Member } from './collab-records.js';
export { listJobs, getJob } from './job-records.js';
export type { JobRecord } from './job-records.js';
