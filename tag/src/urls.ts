/**
 * The signed copy of the UUID the edge hands out: `<38-digit UUID>.<22-character MAC>`. Anything else in
 * our cookie (an old unsigned copy too) is ignored, so the tag asks `/id` and stores a signed one.
 */
// test() stringifies: undefined, null and numbers never match, so no typeof check is needed.
export const isCopy = (v: unknown): v is string => /^\d{38}\.[\w-]{22}$/.test(v as string);

/** The plain UUID in a signed copy (what pages get through `getUuid`). */
export const uuidOf = (copy: string): string => copy.slice(0, 38);
