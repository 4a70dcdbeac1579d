/**
 * Typed service errors. Routes and the API map them to HTTP statuses;
 * the message is safe to show to the person who caused it.
 */
export class ServiceError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 429 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type FieldErrors = Record<string, string[]>;

export class ValidationError extends ServiceError {
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(400, "invalid", message);
  }
}

export class ForbiddenError extends ServiceError {
  constructor(message = "没有权限执行此操作") {
    super(403, "forbidden", message);
  }
}

export class NotFoundError extends ServiceError {
  constructor(message = "未找到") {
    super(404, "not_found", message);
  }
}

export class ConflictError extends ServiceError {
  constructor(message: string) {
    super(409, "conflict", message);
  }
}

export class TooManyRequestsError extends ServiceError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, "too_many_requests", message);
  }
}
