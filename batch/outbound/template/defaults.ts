/**
 * AAM's default contents ("Outbound Data File Contents"): the ID, a space, the segments, and a space
 * and the segments the user left, each list comma-separated. edgesync keys the line by the partner's own
 * user ID (SPEC §6), so DP_UUID stands where AAM writes its UUID. Without removals the line ends after
 * the segments (no trailing space).
 */
export const AAM_DEFAULT_TEMPLATE =
	'<DP_UUID> <SEGMENT_LIST; separator=","><if(REMOVED_SEGMENT_LIST)> <REMOVED_SEGMENT_LIST; separator=","><endif>';

/**
 * The layout every destination had before templates (migration 0019 gives it to the destinations saved
 * then, and runs planned before it keep it): TAB-separated instead of space-separated.
 */
export const TAB_TEMPLATE =
	'<DP_UUID><TAB><SEGMENT_LIST; separator=","><if(REMOVED_SEGMENT_LIST)><TAB><REMOVED_SEGMENT_LIST; separator=","><endif>';
