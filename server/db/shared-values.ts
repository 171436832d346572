/**
 * The distinct values among `keys`, in the order first met, and the index of each: a statement's JSON
 * parameter sends once a value that many of its rows share (a case's signature, a transaction's actor), and
 * the rows refer to it by index.
 */
export function sharedValues<T>(keys: T[]) {
  const values = [...new Set(keys)];
  const positions = new Map(values.map((value, index) => [value, index]));
  return { values, indexOf: (key: T) => positions.get(key)! };
}
