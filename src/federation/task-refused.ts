/** A task this site declines; its message goes to the hub, which fails the job with it. */
export class TaskRefused extends Error {
  override name = 'TaskRefused';
}
