/**
 * The dashboard's JSON (the contract of `trace dashboard --json` and `GET /api/dashboard`): six cards
 * for a period, each with the value of the period before it and the delta (value − previous).
 * Shares are 0–1.
 */
export interface Dashboard {
  period: { from: string; to: string; name: string };
  total_sessions: Counter;
  active_users: Counter;
  ai_assisted_prs: { value: number; total: number; share: number; merged: number; previous: number; delta: number };
  ai_authored_code: { ai_lines: number; human_lines: number; share: number; previous_share: number; delta: number };
  top_users: { user: string; sessions: number }[];
  model_breakdown: { model: string; sessions: number; share: number; estimated_cost_usd: number }[];
}

/** A count with its previous value and the difference. */
export interface Counter {
  value: number;
  previous: number;
  delta: number;
}

/** Per-day figures of the current period, for the HTML charts. */
export interface DailySeries {
  days: string[];
  sessions: number[];
  ai_lines: number[];
  human_lines: number[];
}

/** How many users Top Users lists. */
export const TOP_USERS = 10;

export const counter = (value: number, previous: number): Counter => ({ value, previous, delta: value - previous });
export const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
export const usd = (n: number): number => Math.round(n * 1e6) / 1e6;
