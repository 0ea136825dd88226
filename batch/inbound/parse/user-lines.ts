/**
 * Counts lines per user for the 200-lines rule. Exact counting needs one entry per distinct user, so
 * where that lives is the caller's choice: the pipeline routes every line of a user to one group and
 * counts there (batch/inbound/groups/); the CLI uses the bounded map below.
 */
export interface UserLineCounter {
	/** Counts one more line for `userId` and returns that user's line count so far, this one included. */
	next(userId: string): number;
	/** False once some user could not be tracked: over-limit lines may then have gone unnoticed. */
	readonly exact: boolean;
}

/** Enough for files of a few million lines in a CLI run; about 100 bytes per user with 40-byte IDs. */
export const DEFAULT_TRACKED_USERS = 1_000_000;

/**
 * An in-memory counter that stays bounded: once `maxUsers` users are tracked, new users are let
 * through counted only while their lines are consecutive, and `exact` turns false (it can then miss an
 * over-limit user, never flag a good one). A file sorted or grouped by user is counted exactly anyway.
 * Not for the Worker pipeline: a gigabyte file's users do not fit in 128 MB.
 */
export function memoryUserLineCounter(maxUsers = DEFAULT_TRACKED_USERS): UserLineCounter {
	const lines = new Map<string, number>();
	let exact = true;
	let runUser: string | null = null;
	let runLines = 0;
	return {
		next(userId) {
			const seen = lines.get(userId);
			if (seen !== undefined) {
				lines.set(userId, seen + 1);
				return seen + 1;
			}
			if (lines.size < maxUsers) {
				lines.set(userId, 1);
				return 1;
			}
			exact = false;
			if (userId !== runUser) {
				runUser = userId;
				runLines = 0;
			}
			return ++runLines;
		},
		get exact() {
			return exact;
		},
	};
}
