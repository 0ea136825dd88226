import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChunkLine } from "../../batch/inbound/chunk-decision";
import { asciiJson } from "../../batch/inbound/groups/piece";
import { decodeIdLine, decodeTraitLine, encodeIdLine, encodeTraitLine } from "../../batch/inbound/groups/piece-line";
import type { IdChunkLine } from "../../batch/inbound/id-chunk-decision";
import type { LineSignal } from "../../batch/inbound/realize";

const traitId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const text = fc.string({ unit: "grapheme", maxLength: 40 });
const signal: fc.Arbitrary<LineSignal> = fc.oneof(
	traitId.map((id) => ({ kind: "add" as const, traitId: id })),
	traitId.map((id) => ({ kind: "add" as const, traitId: id, bare: true as const })),
	traitId.map((id) => ({ kind: "remove" as const, traitId: id })),
	fc.record({ kind: fc.constant("kv" as const), key: text, value: text }),
	fc.constant({ kind: "unusable" as const }),
);
const traitLine: fc.Arbitrary<ChunkLine> = fc.record({
	n: fc.integer({ min: 1, max: 2 ** 40 }),
	u: text,
	s: fc.array(signal, { maxLength: 12 }),
	t: text,
});
const idLine: fc.Arbitrary<IdChunkLine> = fc.record({
	n: fc.integer({ min: 1, max: 2 ** 40 }),
	ids: fc.array(text, { minLength: 2, maxLength: 4 }),
	t: text,
});
const printableAscii = /^[\x20-\x7e]*$/;

describe("piece lines: parsed lines as compact JSON arrays", () => {
	it("a trait line reads back as written, whatever its IDs, signals and text hold, in ASCII only", () => {
		fc.assert(
			fc.property(traitLine, (line) => {
				const encoded = encodeTraitLine(line);
				expect(printableAscii.test(encoded)).toBe(true);
				expect(decodeTraitLine(encoded)).toEqual(line);
			}),
		);
	});

	it("an ID-sync line reads back as written, in ASCII only", () => {
		fc.assert(
			fc.property(idLine, (line) => {
				const encoded = encodeIdLine(line);
				expect(printableAscii.test(encoded)).toBe(true);
				expect(decodeIdLine(encoded)).toEqual(line);
			}),
		);
	});

	it("an unusable signal keeps only that it was one: the parser's text for it is not written", () => {
		const parsed = { kind: "unusable", text: "d_sid=abc" } as LineSignal;
		const line: ChunkLine = { n: 3, u: "p3", s: [parsed, { kind: "add", traitId: 9 }], t: "p3\td_sid=abc,9" };
		expect(encodeTraitLine(line)).not.toContain('d_sid=abc"]');
		expect(decodeTraitLine(encodeTraitLine(line)).s).toEqual([{ kind: "unusable" }, { kind: "add", traitId: 9 }]);
	});

	it("a line written as an object (pieces from before this format, mid-deploy) reads back as it is", () => {
		const trait: ChunkLine = { n: 7, u: "p7", s: [{ kind: "remove", traitId: 4 }], t: "p7\td_unsid=4" };
		const id: IdChunkLine = { n: 8, ids: ["u8", "p8"], t: "u8\tp8" };
		expect(decodeTraitLine(asciiJson(trait))).toEqual(trait);
		expect(decodeIdLine(asciiJson(id))).toEqual(id);
	});

	it("take half the object form for the bench's line (a user and two trait signals)", () => {
		const line: ChunkLine = {
			n: 123_456,
			u: "p123455",
			s: [
				{ kind: "add", traitId: 1015 },
				{ kind: "add", traitId: 1005 },
			],
			t: "p123455\td_sid=1015,d_sid=1005",
		};
		expect(encodeTraitLine(line).length).toBe(63);
		expect(asciiJson(line).length).toBe(129);
	});
});
