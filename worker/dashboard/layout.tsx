import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { Session } from "./session";

type LayoutProps = PropsWithChildren<{ title: string; session?: Session; csrf?: string }>;

/** The page shell: no inline script or style anywhere, so the CSP can forbid both (routes.tsx). */
export const Layout: FC<LayoutProps> = ({ title, session, csrf, children }) => (
	<html lang="en">
		<head>
			<meta charset="utf-8" />
			<meta name="viewport" content="width=device-width, initial-scale=1" />
			<meta name="robots" content="noindex" />
			<title>{`${title} · edgesync`}</title>
			<link rel="stylesheet" href="/admin/assets/uplot.css" />
			<link rel="stylesheet" href="/admin/assets/dashboard.css" />
			<script src="/admin/assets/uplot.js" defer />
			<script src="/admin/assets/dashboard.js" defer />
		</head>
		<body>
			<header>
				<a class="brand" href="/admin">
					edgesync
				</a>
				{session && (
					<span class="who" data-testid="who">
						{session.role === "operator" ? "operator" : `partner ${session.dpid}`}
					</span>
				)}
				{session && csrf && (
					<form method="post" action="/admin/logout">
						<input type="hidden" name="_csrf" value={csrf} />
						<button type="submit">Log out</button>
					</form>
				)}
			</header>
			<main>{children}</main>
		</body>
	</html>
);

/** A titled section; `id` is what tests and anchors use. */
export const Section: FC<PropsWithChildren<{ id: string; title: string }>> = ({ id, title, children }) => (
	<section id={id}>
		<h2>{title}</h2>
		{children}
	</section>
);

/** Wide tables scroll sideways inside their box on a phone instead of widening the page. */
export const Scroll: FC<PropsWithChildren> = ({ children }) => <div class="scroll">{children}</div>;

export function fmtTime(ms: number | null): string {
	return ms === null ? "—" : new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

export function fmtInt(n: number | null | undefined): string {
	return n === null || n === undefined ? "—" : n.toLocaleString("en-US");
}

export function fmtRate(rate: number | null): string {
	return rate === null ? "—" : `${(rate * 100).toFixed(1)} %`;
}

export const Status: FC<{ status: string }> = ({ status }) => <span class={`status status-${status}`}>{status}</span>;

export type { Child };
