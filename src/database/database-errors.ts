/** SQLSTATEs that mean the database is unreachable or shedding load, not that the request was wrong. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3]|57014|40001|40P01)/;
const UNAVAILABLE_NODE_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|Connection is not established|terminating connection|the database system is (starting up|shutting down)|recovery is in progress/i;

/** A failure that says "try again later" (503), as opposed to a bug (500). */
export function isDatabaseUnavailable(failure: unknown): boolean {
  const { code, message } = (failure ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_ERROR.test(code))) return true;
  return typeof message === 'string' && UNAVAILABLE_NODE_ERROR.test(message);
}
