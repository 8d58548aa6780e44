/** Base class of every expected failure; `status` is the HTTP status it maps to. */
export class HelpdeskError extends Error {
  /** Creates an error with its HTTP status and, where one field is at fault, that field. */
  constructor(message: string, readonly status: number, readonly field?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: a field is missing, too long, or of the wrong kind (400). */
export class ValidationError extends HelpdeskError {
  /** Names the field at fault so pages can show the message next to it. */
  constructor(message: string, field?: string) {
    super(message, 400, field);
  }
}

/** The role of the request may not do this (403). */
export class ForbiddenError extends HelpdeskError {
  /** Explains what the role may not do, optionally naming the field that asked for it. */
  constructor(message: string, field?: string) {
    super(message, 403, field);
  }
}

/** The thing does not exist, or is not visible to this role (404). */
export class NotFoundError extends HelpdeskError {
  /** Names what was not found. */
  constructor(message = "This ticket does not exist, or it is not visible to you.") {
    super(message, 404);
  }
}

/** The ticket changed since the client read it, or is closed for writing (409). */
export class ConflictError extends HelpdeskError {
  /** Explains the conflict; the client should reload before trying again. */
  constructor(
    message = "This ticket was changed since you opened it. Reload it and try again.",
    field?: string,
  ) {
    super(message, 409, field);
  }
}

/** A status change outside open → active → closed (422). */
export class TransitionError extends HelpdeskError {
  /** Names the refused transition. */
  constructor(message: string) {
    super(message, 422, "status");
  }
}
