// Partner IDs are listed in the order SQLite keeps its keys, whichever store lists them.

/**
 * Orders strings as SQLite's BINARY collation does (by UTF-8 bytes, so by code point), which differs
 * from JavaScript's UTF-16 order for characters above U+FFFF against U+E000..U+FFFF.
 */
export function byCodePoint(a: string, b: string): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a.charCodeAt(i);
		const y = b.charCodeAt(i);
		if (x !== y) return codePointRank(x) - codePointRank(y);
	}
	return a.length - b.length;
}

// Surrogates (code points above U+FFFF) move above U+E000..U+FFFF, which move down to make room.
function codePointRank(unit: number): number {
	if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
	return unit >= 0xe000 ? unit - 0x800 : unit;
}
