/** Why a signed message was refused; `status` is the HTTP status a route should answer with. */
export type RefusalCode =
  | 'malformed'
  | 'misdirected'
  | 'unknown-sender'
  | 'bad-signature'
  | 'body-mismatch'
  | 'stale'
  | 'replay';

export type RefusalStatus = 400 | 401 | 409;

const STATUS: Record<RefusalCode, RefusalStatus> = {
  malformed: 400,
  misdirected: 400,
  'unknown-sender': 401,
  'bad-signature': 401,
  'body-mismatch': 400,
  stale: 401,
  replay: 409,
};

/** A message from another node that we will not act on. The message is safe to send back. */
export class EnvelopeRefusal extends Error {
  readonly status: RefusalStatus;
  readonly code: RefusalCode;

  constructor(code: RefusalCode, message: string) {
    super(message);
    this.name = 'EnvelopeRefusal';
    this.code = code;
    this.status = STATUS[code];
  }
}
