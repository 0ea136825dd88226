/** SQL of the graph copy's progress (table: migrations/0012_graph_copies.sql). */

/** ?1 id, ?2 started at; a second start of the same id keeps the first row. */
export const START_COPY = `INSERT INTO graph_copies (id, started_at, phase) VALUES (?1, ?2, 'opt_outs')
ON CONFLICT (id) DO NOTHING`;
/** ?1 id, ?2 phase, ?3 JSON of rows copied per phase (absolute, so a retried step writes the same). */
export const RECORD_PROGRESS = "UPDATE graph_copies SET phase = ?2, copied = ?3 WHERE id = ?1";
/** ?1 id, ?2 finished at, ?3 JSON counts. */
export const FINISH_COPY = "UPDATE graph_copies SET phase = 'done', finished_at = ?2, counts = ?3 WHERE id = ?1";
export const GET_COPY = "SELECT id, started_at, finished_at, phase, copied, counts FROM graph_copies WHERE id = ?1";
export const LATEST_COPY =
	"SELECT id, started_at, finished_at, phase, copied, counts FROM graph_copies ORDER BY started_at DESC LIMIT 1";
export interface CopyRow {
	id: string;
	started_at: number;
	finished_at: number | null;
	phase: string;
	copied: string;
	counts: string | null;
}
