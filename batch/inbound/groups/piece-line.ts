import type { ChunkLine } from "../chunk-decision";
import type { IdChunkLine } from "../id-chunk-decision";
import type { LineSignal } from "../realize";
import { asciiJson } from "./piece";

/**
 * How a parsed line is written into a piece: a JSON array, not an object. A trait line is
 * `[n, u, signals, t]`, an ID-sync line `[n, ids, t]`. A signal is a number or a short array:
 * `7` adds trait 7, `-7` removes it, `[7]` is a bare `7` (realize reads it as `ic=7` where a rule
 * compares ic with it), `["key", "value"]` a key-value signal and `0` an unusable one (trait IDs start
 * at 1, and the decision only counts an unusable signal). The line of bench/inbound.ts takes 63 bytes
 * this way and 129 as an object (its raw text, kept for error samples, is most of the rest): the split
 * step writes, and every group step reads, half as much.
 */
type EncodedSignal = number | [number] | [string, string];
type EncodedTraitLine = [number, string, EncodedSignal[], string];
type EncodedIdLine = [number, string[], string];

export function encodeTraitLine(line: ChunkLine): string {
	const encoded: EncodedTraitLine = [line.n, line.u, line.s.map(encodeSignal), line.t];
	return asciiJson(encoded);
}

export function encodeIdLine(line: IdChunkLine): string {
	const encoded: EncodedIdLine = [line.n, line.ids, line.t];
	return asciiJson(encoded);
}

/**
 * A piece line back as the decision reads it. An object is a line written before this format (pieces
 * of a delivery that was being applied while the edge was deployed): it is already that.
 */
export function decodeTraitLine(text: string): ChunkLine {
	const value = JSON.parse(text) as EncodedTraitLine | ChunkLine;
	if (!Array.isArray(value)) return value;
	const [n, u, s, t] = value;
	return { n, u, s: s.map(decodeSignal), t };
}

export function decodeIdLine(text: string): IdChunkLine {
	const value = JSON.parse(text) as EncodedIdLine | IdChunkLine;
	if (!Array.isArray(value)) return value;
	const [n, ids, t] = value;
	return { n, ids, t };
}

function encodeSignal(signal: LineSignal): EncodedSignal {
	switch (signal.kind) {
		case "add":
			return signal.bare ? [signal.traitId] : signal.traitId;
		case "remove":
			return -signal.traitId;
		case "kv":
			return [signal.key, signal.value];
		case "unusable":
			return 0;
	}
}

function decodeSignal(signal: EncodedSignal): LineSignal {
	if (typeof signal === "number") {
		if (signal > 0) return { kind: "add", traitId: signal };
		return signal < 0 ? { kind: "remove", traitId: -signal } : { kind: "unusable" };
	}
	if (signal.length === 1) return { kind: "add", traitId: signal[0], bare: true };
	return { kind: "kv", key: signal[0], value: signal[1] };
}
