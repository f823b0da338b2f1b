/** A message the hub refuses, with the HTTP status the transport answers with. */
export class Refusal extends Error {
  override name = 'Refusal';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422,
    message: string,
  ) {
    super(message);
  }
}
