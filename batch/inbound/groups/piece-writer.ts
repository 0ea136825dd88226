import { buildPiece, type PieceLine, pieceKey } from "./piece";
import { type BucketLines, noBucketLines } from "./route";
import { forgetPiecesFrom, putPieceStarts } from "./store";

/**
 * Fills pieces of at most `pieceBytes` and writes each, sorted by bucket, to R2 with its bucket
 * starts to D1. Memory is one piece, whatever the file. Numbers pieces on from `firstPiece`, so the
 * split parts of a delivery write one sequence; a retried part rewrites the same pieces.
 */
export class PieceWriter {
	private lines: PieceLine[] = [];
	private bytes = 0;
	private next: number;
	bucketLines: BucketLines = noBucketLines();

	constructor(
		private readonly env: Env,
		private readonly deliveryId: string,
		private readonly firstPiece: number,
		private readonly pieceBytes: number,
	) {
		this.next = firstPiece;
	}

	/** Pieces written so far, counting from the delivery's first. */
	get nextPiece(): number {
		return this.next;
	}

	async add(line: PieceLine): Promise<void> {
		this.lines.push(line);
		this.bytes += line.json.length + 1;
		this.bucketLines[line.bucket] = (this.bucketLines[line.bucket] ?? 0) + 1;
		if (this.bytes >= this.pieceBytes) await this.flush();
	}

	/**
	 * Takes back every line added: the pieces written are forgotten in D1 first (no group reads them
	 * from then on, and a group reads only pieces D1 lists), then deleted from R2. Idempotent, so a
	 * retried step that refuses the same file again ends in the same state.
	 */
	async discard(): Promise<void> {
		this.lines = [];
		this.bytes = 0;
		this.bucketLines = noBucketLines();
		await forgetPiecesFrom(this.env.DB, this.deliveryId, this.firstPiece);
		const keys = Array.from({ length: this.next - this.firstPiece }, (_, i) =>
			pieceKey(this.deliveryId, this.firstPiece + i),
		);
		for (let at = 0; at < keys.length; at += 1000) await this.env.EXCHANGE.delete(keys.slice(at, at + 1000));
		this.next = this.firstPiece;
	}

	async flush(): Promise<void> {
		if (this.lines.length === 0) return;
		const piece = buildPiece(this.lines);
		this.lines = [];
		this.bytes = 0;
		const index = this.next++;
		await this.env.EXCHANGE.put(pieceKey(this.deliveryId, index), piece.body);
		await putPieceStarts(this.env.DB, this.deliveryId, index, piece.starts);
	}
}
