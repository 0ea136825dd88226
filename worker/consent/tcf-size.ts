/**
 * How many vendor entries a TC string makes its decoder write, read from the string's own range headers
 * without decoding it. @iabtcf/core expands every range entry one vendor at a time, so a 4 KB string of
 * 700 entries "1–65535" costs ~46 million inserts (seconds of CPU); the header walk below costs one pass
 * over the bits. Layout: IAB TCF v2 "TC String Format" (core segment, then typed segments after ".").
 */

/**
 * Every possible vendor ID once. Real strings declare about three times the Global Vendor List's size (a
 * few thousand: consents, legitimate interests, disclosed vendors); a string at the cap decodes in ~20 ms
 * (Node, measured), one of 700 full ranges (3.9 KB) in 3.7 s.
 */
export const MAX_TCF_VENDOR_ENTRIES = 65_536;

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Bits of the core segment before its vendor consent section (version … publisher country code). */
const CORE_FIELDS_BITS = 213;
const CORE = 0;
const PUBLISHER_TC = 3;

interface BitReader {
	/** The next `n` bits as an unsigned number, or null past the end (a truncated string). */
	read(n: number): number | null;
	skip(n: number): void;
}

function bitReader(segment: string): BitReader | null {
	const sextets = [...segment].map((c) => BASE64URL.indexOf(c));
	if (sextets.includes(-1)) return null;
	let position = 0;
	return {
		read(n) {
			let value = 0;
			for (let i = 0; i < n; i++, position++) {
				const sextet = sextets[Math.floor(position / 6)];
				if (sextet === undefined) return null;
				value = value * 2 + ((sextet >> (5 - (position % 6))) & 1);
			}
			return value;
		},
		skip(n) {
			position += n;
		},
	};
}

/** One vendor section (MaxVendorId, then a bitfield or range entries): the entries it expands to. */
function vendorSection(bits: BitReader): number | null {
	const maxVendorId = bits.read(16);
	const isRangeEncoding = bits.read(1);
	if (maxVendorId === null || isRangeEncoding === null) return null;
	if (isRangeEncoding === 0) {
		bits.skip(maxVendorId);
		return maxVendorId;
	}
	return rangeEntries(bits);
}

/** NumEntries, then each entry a vendor or a range of them. */
function rangeEntries(bits: BitReader): number | null {
	const count = bits.read(12);
	if (count === null) return null;
	let total = 0;
	for (let i = 0; i < count; i++) {
		const isRange = bits.read(1);
		const start = bits.read(16);
		const end = isRange === 1 ? bits.read(16) : start;
		if (start === null || end === null) return null;
		total += Math.max(end - start + 1, 1);
	}
	return total;
}

/** Publisher restrictions: each a purpose and type (8 bits) with its own range entries. */
function publisherRestrictions(bits: BitReader): number | null {
	const count = bits.read(12);
	if (count === null) return null;
	let total = 0;
	for (let i = 0; i < count; i++) {
		bits.skip(8);
		const entries = rangeEntries(bits);
		if (entries === null) return null;
		total += entries;
	}
	return total;
}

/**
 * The vendor entries `tcString` declares, summed over its segments, or null when it is no TC string of
 * version 2 (bad characters, another version, no core). Each segment says its type in its first 3 bits,
 * as the decoder reads them, in whatever order they come: 0 the core (whose first 6 bits are its
 * version), 1 and 2 disclosed and allowed vendors (one vendor section each), 3 publisher purposes. A
 * truncated section counts what it holds: the decoder refuses the rest itself.
 */
export function tcfVendorEntries(tcString: string): number | null {
	let total = 0;
	let core = false;
	for (const segment of tcString.split(".")) {
		const bits = bitReader(segment);
		const type = bits?.read(3);
		if (!bits || type === null || type === undefined || type > PUBLISHER_TC) return null;
		if (type === CORE) {
			bits.skip(-3);
			if (bits.read(6) !== 2) return null;
			bits.skip(CORE_FIELDS_BITS - 6);
			total += coreEntries(bits);
			core = true;
		} else if (type !== PUBLISHER_TC) {
			total += vendorSection(bits) ?? 0;
		}
	}
	return core ? total : null;
}

/** The core's vendor consents, vendor legitimate interests and publisher restrictions, as far as they go. */
function coreEntries(bits: BitReader): number {
	let total = 0;
	for (const section of [vendorSection, vendorSection, publisherRestrictions]) {
		const entries = section(bits);
		if (entries === null) break;
		total += entries;
	}
	return total;
}
