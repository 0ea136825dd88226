// The inbound-file parser: pure and streaming, the same in the Worker pipeline and the vendor CLI.

export {
	DEFAULT_MAX_FILE_BYTES,
	DEFAULT_MAX_SIGNALS_PER_LINE,
	MAX_LINE_BYTES,
	MAX_LINES_PER_USER,
} from "../../../core/inbound-limits";
export {
	countFormatError,
	countOutcome,
	countSignalsOverCap,
	countSkippedLine,
	noteFileCut,
	noteFileError,
	PROBLEM_TEXT,
} from "./count";
export { type ParseFileOptions, parseInboundFile, parseInboundFileInBatches } from "./file";
export { type FileErrorCode, InboundFileError, SourceReadError } from "./file-error";
export {
	type FileNameError,
	type FileNameProblem,
	type InboundFileName,
	isFileNameError,
	parseInboundFileName,
} from "./file-name";
export { type InboundIdType, idColumnOf, type LineProblem, parseIdSyncLine, parseTraitLine } from "./line";
export { LineSplitter, type RawLine } from "./lines";
export type {
	FileCutOutcome,
	FileErrorOutcome,
	FormatErrorOutcome,
	IdPairOutcome,
	InboundOutcome,
	InvalidIdOutcome,
	RecordOutcome,
} from "./outcome";
export { cutToSample, SAMPLE_CHARS } from "./outcome";
export { parseSignals, readSignals, type Signal, SignalItems, type SignalList } from "./signals";
export {
	addSample,
	emptyTally,
	mergeTallies,
	receiptSampleLine,
	receiptSampleLines,
	SAMPLES_PER_KIND,
	type Sample,
	type SampleKind,
	type Samples,
	type StoredTally,
	samplesFull,
	type Tally,
} from "./tally";
export { memoryUserLineCounter, type UserLineCounter } from "./user-lines";
