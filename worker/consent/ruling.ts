/** What one privacy signal (a TC string, a us_privacy string, a GPP section) allows. */
export interface Ruling {
	/** Why the edge may not act at all, or null when this signal allows it. */
	readonly refusal: string | null;
	/** A per-partner check on top of the edge's; absent when the signal does not name vendors (US regimes). */
	readonly allowsVendor?: (vendorId: number) => boolean;
}

export const ALLOW: Ruling = { refusal: null };

export function refuse(reason: string): Ruling {
	return { refusal: reason };
}
