/** A privacy parameter is outside its domain; the message names the field, the rule and the value. */
export class PrivacyParameterError extends Error {
  override name = 'PrivacyParameterError';
}

/** The accountant's arithmetic left its safe range (a bug or extreme inputs), never a silent answer. */
export class AccountingError extends Error {
  override name = 'AccountingError';
}
