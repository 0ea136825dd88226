import type { FC } from "hono/jsx";
import type { Delivery } from "../../../batch/inbound/delivery";
import { fmtInt, fmtTime, Layout, Scroll, Section, Status } from "../layout";
import type { Session } from "../session";

const SAMPLE_TITLES: Record<string, string> = {
	formatErrors: "Format Errors",
	invalidIds: "Invalid AAM ID",
	noMatchingId: "No Matching AAM ID",
	noTraitRealized: "No Trait Realized",
	traitsFailedValidation: "Traits failed validation",
	signalsOverCap: "Signals over the per-line cap",
	filesCut: "Files cut at the size cap",
};

/** One inbound delivery: its SPEC §5 receipt field by field, then the sample lines of each error kind. */
export const ReceiptPage: FC<{ session: Session; csrf: string; delivery: Delivery }> = ({
	session,
	csrf,
	delivery,
}) => {
	const receipt = delivery.receipt;
	const fields = receipt ? Object.entries(receipt).filter(([k]) => k !== "Sample lines") : [];
	const samples = Object.entries(receipt?.["Sample lines"] ?? {}).filter(([, lines]) => (lines?.length ?? 0) > 0);
	return (
		<Layout title={`Receipt ${delivery.id}`} session={session} csrf={csrf}>
			<p>
				<a href="/admin">← Dashboard</a>
			</p>
			<h1 class="break">{delivery.id}</h1>
			<p class="sub">
				{`Partner ${delivery.dpid} · ${delivery.kind} · ${delivery.mode} · received ${fmtTime(delivery.discoveredAt)} · `}
				<Status status={delivery.status} />
			</p>
			<Section id="receipt" title="Receipt">
				{receipt === null ? (
					<p class="empty">No receipt yet: the delivery has not been processed.</p>
				) : (
					<Scroll>
						<table class="receipt">
							<tbody>
								{fields.map(([name, value]) => (
									<tr>
										<th scope="row">{name}</th>
										<td class={typeof value === "number" ? "num" : ""}>
											{typeof value === "number"
												? fmtInt(value)
												: Array.isArray(value)
													? value.join(", ")
													: String(value)}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</Scroll>
				)}
			</Section>
			{samples.length > 0 && (
				<Section id="samples" title="Error samples">
					{samples.map(([kind, lines]) => (
						<div class="samples" data-kind={kind}>
							<h3>{SAMPLE_TITLES[kind] ?? kind}</h3>
							<pre>{(lines ?? []).join("\n")}</pre>
						</div>
					))}
				</Section>
			)}
		</Layout>
	);
};

export const NotFoundPage: FC<{ session: Session; csrf: string }> = ({ session, csrf }) => (
	<Layout title="Not found" session={session} csrf={csrf}>
		<h1>Not found</h1>
		<p>
			There is no such delivery or run, or it is not yours. <a href="/admin">Back to the dashboard</a>
		</p>
	</Layout>
);
