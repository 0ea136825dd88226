/**
 * A sighting of a pair that is already known rewrites nothing unless the mapping moved or the stored
 * `last_seen` is at least this old: a refresh is the commonest event and carries no new information
 * beyond "still here", which a day's precision answers (the shortest resync interval is a day).
 */
export const REFRESH_AFTER_MS = 86_400_000;
