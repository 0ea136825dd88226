/** What every line of a run shares: the destination and the run. */
export interface FileFacts {
	dpid: number;
	destinationId: number;
	pidAlias: string | null;
	/** full or iter (destinations/schema.ts, Mode). */
	mode: "full" | "iter";
	syncType: string;
	/** The run's timestamp, Unix ms (the file names' TIMESTAMP13). */
	timestamp: number;
}

export interface SegmentFact {
	id: number;
	enteredAt: number;
	/** When membership last changed: entered (current segments) or left (removed ones). */
	changedAt: number;
}
export interface TraitFact {
	id: number;
	realizedAt: number;
}

/** One line's member: the partner's ID and what it holds. Lists are in ascending order. */
export interface LineFacts {
	dpuuid: string;
	/** The edgesync visitor ID ("" for an opted-out partner ID's removal line). */
	uuid: string;
	/** Every ID of the partner paired with the visitor (DP_UUID_LIST). */
	dpuuids: readonly string[];
	segments: readonly SegmentFact[];
	removed: readonly SegmentFact[];
	/** The visitor's traits among those the destination's segments are built from (TRAIT_LIST). */
	traits: readonly TraitFact[];
}

export type Role = "line" | "header";

interface Scalar {
	/** A header has no member: line macros are refused there. */
	perLine: boolean;
	value: (file: FileFacts, line: LineFacts | null) => string;
	/** What a constant writes whatever the file and member: it is part of the layout, like the template's text. */
	literal?: string;
}

const constant = (text: string): Scalar => ({ perLine: false, value: () => text, literal: text });
const ofFile = (value: (f: FileFacts) => string | number): Scalar => ({
	perLine: false,
	value: (f) => String(value(f)),
});
const ofLine = (value: (l: LineFacts) => string): Scalar => ({
	perLine: true,
	value: (_, l) => (l ? value(l) : ""),
});

/** AAM's scalar macros (Outbound Template Macros). TIMESTAMP is Unix seconds, 10 digits, as AAM writes it. */
export const SCALARS: Readonly<Record<string, Scalar>> = {
	TAB: constant("\t"),
	NEW_LINE: constant("\n"),
	ASCII_SOH: constant("\u0001"),
	OPEN_CURLY_BRACKET: constant("{"),
	CLOSE_CURLY_BRACKET: constant("}"),
	COMMA: constant(","),
	SET_ATTRIBUTES: constant("1"),
	OUTPUT_ATTRIBUTE_VALUE: constant("1"),
	DPID: ofFile((f) => f.dpid),
	MASTER_DPID: ofFile((f) => f.dpid),
	PID: ofFile((f) => f.dpid),
	ORDER_ID: ofFile((f) => f.destinationId),
	PID_ALIAS: ofFile((f) => f.pidAlias ?? ""),
	PIDALIAS: ofFile((f) => f.pidAlias ?? ""),
	SYNC_MODE: ofFile((f) => f.mode),
	SYNC_TYPE: ofFile((f) => f.syncType),
	TIMESTAMP: ofFile((f) => Math.floor(f.timestamp / 1000)),
	UUID: ofLine((l) => l.uuid),
	DP_UUID: ofLine((l) => l.dpuuid),
};

export type ElementKind = "segment" | "trait" | "id";
export type Element = SegmentFact | TraitFact | string;

interface List {
	kind: ElementKind;
	of: (l: LineFacts) => readonly Element[];
}

export const LISTS: Readonly<Record<string, List>> = {
	SEGMENT_LIST: { kind: "segment", of: (l) => l.segments },
	REMOVED_SEGMENT_LIST: { kind: "segment", of: (l) => l.removed },
	TRAIT_LIST: { kind: "trait", of: (l) => l.traits },
	DP_UUID_LIST: { kind: "id", of: (l) => l.dpuuids },
};

const segmentId = (e: Element) => String((e as SegmentFact).id);
const traitId = (e: Element) => String((e as TraitFact).id);

/** `<seg.sid>`, `<trait.lastRealized>`…: an element's attributes, and what the element alone writes. */
export const ATTRIBUTES: Readonly<Record<ElementKind, Readonly<Record<string, (e: Element) => string>>>> = {
	segment: {
		"": segmentId,
		sid: segmentId,
		segmentId,
		csegid: segmentId,
		// AAM: "Deprecated"; its examples still write it as the segment's name at the partner. edgesync keeps
		// no per-destination aliases, so it is the segment id.
		alias: segmentId,
		type: () => "5",
		lastUpdateTime: (e) => String((e as SegmentFact).changedAt),
		lastRealizationTime: (e) => String((e as SegmentFact).enteredAt),
	},
	trait: {
		"": traitId,
		traitId,
		Id: traitId,
		id: traitId,
		// Every edgesync trait is onboarded from files: AAM's type 10.
		type: () => "10",
		lastRealized: (e) => String((e as TraitFact).realizedAt),
	},
	id: { "": (e) => e as string },
};

/** Macros AAM documents that edgesync refuses, each with the reason the operator reads. */
export const REFUSED: Readonly<Record<string, string>> = {
	MCID: "edgesync has no Experience Cloud ID: use UUID (the edgesync visitor ID) or DP_UUID",
	DPUUIDS: "it lists other data sources' IDs, and edgesync never hands one partner another partner's IDs",
	OPT_OUT: "AAM deprecated it (do not use); opted-out IDs come as removals in REMOVED_SEGMENT_LIST",
	OUTPUT_ATTRIBUTE_TYPE: "AAM deprecated it (do not use)",
};

export const KNOWN_NAMES = [...Object.keys(SCALARS), ...Object.keys(LISTS)].sort();
