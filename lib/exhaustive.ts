/**
 * The default branch of a switch that handles every member of a union. Type-checked: when a member is
 * added to the union (an event type, an audit action), every switch that misses it stops compiling.
 * At run time it throws on a value from outside the union, such as a row written by a newer version.
 */
export function unreachable(value: never, what = "value"): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
