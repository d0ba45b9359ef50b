/**
 * BEGIN, the work, then COMMIT, or ROLLBACK when the work throws: a transaction sent as
 * statements over one connection (the embedded PGlite, from its caller's side and on its thread).
 */
export async function inTransaction<T>(exec: (sql: string) => Promise<unknown>, work: () => Promise<T>): Promise<T> {
  await exec('BEGIN');
  let result: T;
  try {
    result = await work();
  } catch (err) {
    await exec('ROLLBACK').catch(() => undefined);
    throw err;
  }
  await exec('COMMIT');
  return result;
}
