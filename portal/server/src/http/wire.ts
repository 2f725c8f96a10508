/**
 * What the server may hand to JSON for an answer of contract type `T` (`@babyhelm/sdk/api`): the same
 * shape, except that an instant may still be a Date where the contract has its string (JSON.stringify
 * turns it into ISO 8601). Presenters return `Wire<…>` of the contract's response types; contract routes
 * type their handlers' answers with it (contract-routes.ts).
 *
 * Only a plain `string` takes a Date: string literals (roles, kinds, statuses) stay exactly as the
 * contract lists them.
 */
export type Wire<T> = T extends string
  ? string extends T
    ? string | Date
    : T
  : T extends readonly (infer Item)[]
    ? Wire<Item>[]
    : T extends object
      ? { [Key in keyof T]: Wire<T[Key]> }
      : T;
